"""The Content-Security-Policy in headless Chromium, against the real server: the
graph pages still draw under their hash-based CSP (inside the web UI's frame and on
their own) with no violation reported, the same-origin sign-in form still works,
and a script the page did not ship is refused (so the check is not vacuous). Pages
written by ``graphcrm render`` carry the same policy in a meta tag."""

from __future__ import annotations

from tests.e2e.conftest import AS_OF, drawn, wait_stabilized
from tests.e2e.test_graph_pages import seed_pages  # noqa: F401  (fixture)
from tests.e2e.test_web_ui import ACCOUNT, BID, server, ui  # noqa: F401  (fixtures)

VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def _violations(target) -> list[str]:
    return target.evaluate("() => window.__csp")


def test_graph_pages_draw_under_the_csp_with_no_violation(ui, server, seeds):  # noqa: F811
    page = ui.page
    page.add_init_script(VIOLATIONS)
    ui.sign_in(server.admin)
    page.wait_for_url(f"{ui.base}/ui/")

    # inside the UI (the account page frames its graph: frame-ancestors 'self')
    response = ui.go(f"/ui/accounts/{ACCOUNT}?as_of={AS_OF}")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_function("p => [...document.querySelectorAll('iframe')].some(f => f.src.includes(p))",
                           arg=f"/accounts/{ACCOUNT}/graph")
    frame = next(f for f in page.frames if f"/accounts/{ACCOUNT}/graph" in f.url)
    wait_stabilized(frame)
    expected = seeds.account_map(ACCOUNT)
    assert (drawn(frame)["nodes"], drawn(frame)["edges"]) == (expected.nodes, expected.edges)
    assert _violations(page) == [] and _violations(frame) == []

    # on their own
    for path in (f"/bids/{BID}/graph?as_of={AS_OF}", f"/portfolio/graph?as_of={AS_OF}"):
        response = ui.go(path)
        script_src = next(d for d in response.headers["content-security-policy"].split(";")
                          if d.strip().startswith("script-src"))
        assert "'sha256-" in script_src and "unsafe" not in script_src and "http" not in script_src, script_src
        wait_stabilized(page)
        assert drawn(page)["nodes"] > 0
        assert _violations(page) == [], path
    ui.assert_clean()

    # the CSP is live: a script the server did not ship does not run, and is reported
    ran = page.evaluate("""() => new Promise(done => {
        const s = document.createElement("script");
        s.textContent = "window.__injected = true";
        document.body.appendChild(s);
        setTimeout(() => done(window.__injected === true), 100);
    })""")
    assert ran is False
    assert any(v.startswith("script-src") for v in _violations(page)), _violations(page)


def test_sign_in_and_out_still_work_with_the_csrf_check(ui, server):  # noqa: F811
    ui.sign_in(server.admin)
    ui.page.wait_for_url(f"{ui.base}/ui/")
    assert ui.cookie() is not None
    ui.page.click("button:text-is('Sign out')")
    ui.page.wait_for_url(f"{ui.base}/ui/login")
    assert ui.cookie() is None
    ui.assert_clean()


def test_a_rendered_page_opened_from_disk_runs_only_its_own_scripts(offline, seed_pages, tmp_path):  # noqa: F811
    """``graphcrm render`` pages carry their CSP in a meta tag: drawn with no
    violation from ``file:``, while a script added to the file does not run."""
    html = seed_pages["decision-chain"].read_text(encoding="utf-8")
    assert '<meta http-equiv="Content-Security-Policy"' in html
    offline.page.add_init_script(VIOLATIONS)
    offline.open(seed_pages["decision-chain"])
    assert drawn(offline.page)["nodes"] > 0 and _violations(offline.page) == []
    offline.assert_clean()

    tampered = tmp_path / "tampered.html"
    tampered.write_text(html.replace("</body>", "<script>window.__injected = true</script></body>"),
                        encoding="utf-8")
    offline.console_errors.clear()
    offline.open(tampered)
    assert offline.page.evaluate("window.__injected === true") is False
    assert any(v.startswith("script-src") for v in _violations(offline.page)), _violations(offline.page)
