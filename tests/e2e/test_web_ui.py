"""The web UI in headless Chromium against the real server (`graphcrm serve`).

The store is loaded with the seeds and given two keys by the CLI, as a user would:
an admin key, and a member key bound to the rep whose team is acc-mzp only
(rep-feng-bo, checked against seeds/account_team.csv). The browser may talk to
that server and nothing else.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import AS_OF, SEEDS, Seeds, drawn, wait_stabilized
from tests.servers import free_port

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
BID, ACCOUNT = "bid-jnm-5g-core-2026", "acc-jnm"
MEMBER_REP, MEMBER_ACCOUNT = "rep-feng-bo", "acc-mzp"
COOKIE = "graphcrm_key"
PROBLEM = "application/problem+json"

OVERLAPS = """(sel) => {
    // every person's circle and name in a chart, and the pairs whose boxes intersect
    const boxes = [...document.querySelectorAll(`${sel} g.point circle, ${sel} g.point text`)].map(e => {
        const b = e.getBBox();
        return [e.tagName === "text" ? e.textContent : e.querySelector("title").textContent.split(" — ")[0], b];
    });
    const hits = [];
    boxes.forEach(([a, A], i) => boxes.slice(i + 1).forEach(([b, B]) => {
        if (A.x < B.x + B.width && B.x < A.x + A.width && A.y < B.y + B.height && B.y < A.y + A.height
            && a !== b) hits.push(`${a} / ${b}`);
    }));
    return hits;
}"""


def _graphcrm(*args: str, cwd: Path) -> str:
    done = subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, timeout=60, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass
class Server:
    base: str
    admin: str
    member: str


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeds):
    folder = tmp_path_factory.mktemp("ui")
    db = f"ladybug://{folder / 'ui.lbug'}"
    assert seeds.team(MEMBER_REP) == {MEMBER_ACCOUNT}, "the seeds changed: pick the rep whose team is acc-mzp only"
    _graphcrm("--db", db, "load", str(SEEDS), cwd=folder)
    admin = _graphcrm("--db", db, "keys", "create", "--role", "admin", "--name", "e2e admin", cwd=folder)
    member = _graphcrm("--db", db, "keys", "create", "--role", "member", "--rep", MEMBER_REP, "--name", "e2e member",
                       cwd=folder)
    port = free_port()
    log = open(folder / "server.log", "w")
    proc = subprocess.Popen([str(GRAPHCRM), "--db", db, "serve", "--port", str(port)], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"the server did not start:\n{(folder / 'server.log').read_text()}")
                time.sleep(0.1)
        yield Server(base, admin, member)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class UI:
    """A browser context that may reach the server only."""

    context: Any
    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def sign_in(self, key: str) -> None:
        self.go("/ui/login")
        self.page.fill("#key", key)
        self.page.click("#signin")

    def cookie(self) -> dict | None:
        return next((c for c in self.context.cookies() if c["name"] == COOKIE), None)

    def assert_clean(self) -> None:
        assert self.requests == [], f"the UI tried to reach another host: {self.requests}"
        assert self.errors == [], self.errors


@pytest.fixture
def ui(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    state = UI(context, page, server.base)

    def route(r) -> None:
        if r.request.url.startswith(server.base + "/"):
            r.continue_()
        else:
            state.requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: state.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: state.errors.append(str(e)))
    yield state
    context.close()


def _account_names(page) -> list[str]:
    return page.locator("#accounts tr td:first-child a").all_inner_texts()


def _graph_frame(page, path: str):
    page.wait_for_function("p => [...document.querySelectorAll('iframe')].some(f => f.src.includes(p))", arg=path)
    frame = next(f for f in page.frames if path in f.url)
    wait_stabilized(frame)
    return frame


def test_ui_needs_a_valid_key(ui):
    ui.go("/ui/")
    assert ui.page.url == f"{ui.base}/ui/login"
    ui.sign_in("gcrm_0123456789ab_not-the-secret")
    assert ui.page.url == f"{ui.base}/ui/login"
    assert ui.page.locator("p.bad").inner_text() == "That key is not valid."
    assert ui.cookie() is None
    ui.go("/ui/accounts/acc-jnm")
    assert ui.page.url == f"{ui.base}/ui/login"
    ui.assert_clean()


def test_admin_walks_from_portfolio_to_bid_graph_and_rep_then_signs_out(ui, server, seeds):
    page = ui.page
    ui.sign_in(server.admin)
    page.wait_for_url(f"{ui.base}/ui/")
    assert sorted(_account_names(page)) == sorted(a["name"] for a in seeds.accounts)

    cookie = ui.cookie()
    assert cookie is not None and cookie["value"] == server.admin
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert COOKIE not in page.evaluate("document.cookie")

    # portfolio → account (as of the seeds' day, so the figures are the README's)
    ui.go(f"/ui/?as_of={AS_OF}")
    page.click(f"#accounts a:text-is('{seeds.name('accounts', ACCOUNT)}')")
    page.wait_for_url(f"{ui.base}/ui/accounts/{ACCOUNT}?as_of={AS_OF}")
    assert page.inner_text("h1") == seeds.name("accounts", ACCOUNT)
    frame = _graph_frame(page, f"/accounts/{ACCOUNT}/graph")
    expected = seeds.account_map(ACCOUNT)
    assert (drawn(frame)["nodes"], drawn(frame)["edges"]) == (expected.nodes, expected.edges)

    # account → bid: uncovered decision-makers, evaluation chart, decision-chain graph
    page.click(f"a:text-is('{seeds.name('bids', BID)}')")
    page.wait_for_url(f"{ui.base}/ui/bids/{BID}?as_of={AS_OF}")
    uncovered = page.locator("#uncovered").inner_text()
    assert seeds.name("contacts", "c-jnm-003") in uncovered and seeds.name("contacts", "c-jnm-031") in uncovered
    assert page.locator("svg#evaluation circle").count() == len(seeds.chain(BID))
    assert page.evaluate(OVERLAPS, "svg#evaluation") == []  # 15 people, 4 of them at (+1, 3): none drawn over another
    assert page.locator("#chain tr").count() == len(seeds.chain(BID)) + 1
    frame = _graph_frame(page, f"/bids/{BID}/graph")
    expected = seeds.decision_chain(BID)
    assert (drawn(frame)["nodes"], drawn(frame)["edges"]) == (expected.nodes, expected.edges)
    # the page has the title and red flags once: the framed chart does not repeat them
    assert page.locator("h1").count() == 1 and page.locator("#flags").is_visible()
    assert not frame.locator("header h1").is_visible() and not frame.locator(".flags").is_visible()

    # portfolio → the rep who holds acc-mzp alone
    ui.go(f"/ui/?as_of={AS_OF}")
    row = page.locator("#accounts tr", has_text=seeds.name("accounts", MEMBER_ACCOUNT))
    assert "held by one person" in row.inner_text()
    row.locator(f"a:text-is('{seeds.name('reps', MEMBER_REP)}')").click()
    page.wait_for_url(f"{ui.base}/ui/reps/{MEMBER_REP}?as_of={AS_OF}")
    departure = page.locator("#departure").inner_text()
    assert seeds.name("accounts", MEMBER_ACCOUNT) in departure
    assert all(seeds.name("contacts", c) in departure for c in ("c-mzp-001", "c-mzp-002", "c-mzp-006", "c-mzp-008")), \
        departure  # by name (their ids on hover)

    # the portfolio map
    ui.go(f"/ui/?as_of={AS_OF}")
    page.click("a:text-is('Portfolio map')")
    page.wait_for_url(f"{ui.base}/portfolio/graph?as_of={AS_OF}")
    wait_stabilized(page)
    expected = seeds.portfolio(AS_OF)
    assert (drawn(page)["nodes"], drawn(page)["edges"]) == (expected.nodes, expected.edges)

    # sign out: back to the login form, and the cookie is gone
    ui.go("/ui/")
    page.click("button:text-is('Sign out')")
    page.wait_for_url(f"{ui.base}/ui/login")
    assert ui.cookie() is None
    ui.go("/ui/")
    assert page.url == f"{ui.base}/ui/login"
    ui.assert_clean()


def test_member_sees_only_the_accounts_of_their_rep(ui, server, seeds):
    page = ui.page
    ui.sign_in(server.member)
    page.wait_for_url(f"{ui.base}/ui/")
    assert _account_names(page) == [seeds.name("accounts", MEMBER_ACCOUNT)]
    assert ui.go(f"/ui/accounts/{MEMBER_ACCOUNT}?as_of={AS_OF}").status == 200
    _graph_frame(page, f"/accounts/{MEMBER_ACCOUNT}/graph")

    ui.go(f"/portfolio/graph?as_of={AS_OF}")
    wait_stabilized(page)
    expected = seeds.portfolio(AS_OF, account_ids=seeds.team(MEMBER_REP))
    assert (drawn(page)["nodes"], drawn(page)["edges"]) == (expected.nodes, expected.edges)
    ui.assert_clean()

    for path in (f"/ui/accounts/{ACCOUNT}", f"/bids/{BID}/graph", f"/ui/bids/{BID}", f"/accounts/{ACCOUNT}/graph",
                 "/ui/reps/rep-li-na"):
        response = ui.go(path)
        assert response.status == 404, path
        if path.startswith("/ui/"):  # the web UI's own error page, in its style
            assert response.headers["content-type"].startswith("text/html"), path
            assert page.locator("h1").inner_text() == "404 · Not found"
            assert seeds.name("accounts", ACCOUNT) not in page.content(), path
        else:
            assert response.headers["content-type"] == PROBLEM, path
            body = response.json()
            assert body["status"] == 404 and seeds.name("accounts", ACCOUNT) not in str(body), body
    ui.errors[:] = [e for e in ui.errors if "status of 404" not in e]  # the console notes the 404s asked for
