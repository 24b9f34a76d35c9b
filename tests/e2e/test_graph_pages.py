"""The three graph pages in headless Chromium, with the network cut off.

The seed pages are written by ``graphcrm render …`` (a real process, as a user
runs it); what they must draw is counted straight from the seed CSV files
(``Seeds`` in conftest). A second store holds hostile names (markup and script
in contact, unit, account and bid names): they must show as text and never run.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import viz
from graphcrm import views
from graphcrm.importer import load
from graphcrm.policy import Policy
from graphcrm.store import open_store
from tests.e2e.conftest import AS_OF, SEEDS, Seeds, drawn, wait_stabilized

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
BID, ACCOUNT = "bid-jnm-5g-core-2026", "acc-jnm"
XSS_IMG = "<img src=x onerror=window.__xss=1>"
XSS_SCRIPT = "</script><script>window.__xss=1</script>"
HOSTILE_BID_NAME = f"5G core {XSS_IMG} {{{{7*7}}}}"
HOSTILE_TITLE = "\"'><svg onload=window.__xss=1>"


def _graphcrm(*args: str, cwd: Path) -> None:
    done = subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, timeout=60, cwd=cwd)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def seed_pages(tmp_path_factory) -> dict[str, Path]:
    """The three pages of the seeds, as of the seeds' day, by the real CLI."""
    folder = tmp_path_factory.mktemp("pages")
    db = f"ladybug://{folder / 'seeds.lbug'}"
    _graphcrm("--db", db, "load", str(SEEDS), cwd=folder)
    pages = {name: folder / f"{name}.html" for name in ("decision-chain", "account-map", "portfolio-map")}
    day = AS_OF.isoformat()
    _graphcrm("--db", db, "render", "bid", BID, "-o", str(pages["decision-chain"]), "--as-of", day, cwd=folder)
    _graphcrm("--db", db, "render", "account", ACCOUNT, "-o", str(pages["account-map"]), "--as-of", day, cwd=folder)
    _graphcrm("--db", db, "render", "portfolio", "-o", str(pages["portfolio-map"]), "--as-of", day, cwd=folder)
    return pages


def _rewrite(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _hostile_seeds(folder: Path) -> Path:
    """The seeds plus hostile names: two contacts in the tender's decision chain
    (one of them alone in a new, dark unit), the bid, that unit and acc-mzp renamed."""
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    blank = dict.fromkeys(["email", "reports_to", "title", "unit_id"], "")
    _rewrite(folder, "units", lambda rows: rows + [dict(
        id="unit-x", account_id=ACCOUNT, name=XSS_IMG, kind="branch", parent_unit_id="unit-jnm-yz", region="")])
    _rewrite(folder, "contacts", lambda rows: rows + [
        {**blank, "id": "c-x-img", "account_id": ACCOUNT, "unit_id": "unit-x", "name": XSS_IMG,
         "title": HOSTILE_TITLE, "level": "senior", "reports_to": "c-jnm-001"},
        {**blank, "id": "c-x-script", "account_id": ACCOUNT, "unit_id": "unit-jnm-cto", "name": XSS_SCRIPT,
         "title": XSS_SCRIPT, "level": "middle", "reports_to": "c-jnm-007"}])
    _rewrite(folder, "bid_roles", lambda rows: rows + [
        dict(bid_id=BID, contact_id="c-x-img", role="approver", influence="high", stance="-1"),
        dict(bid_id=BID, contact_id="c-x-script", role="influencer", influence="medium", stance="1")])
    _rewrite(folder, "relationships", lambda rows: rows + [
        dict(rep_id="rep-wang-hao", contact_id="c-x-script", depth="2", last_contact="2026-10-01", since="")])
    _rewrite(folder, "influences", lambda rows: rows + [
        dict(source_id="c-x-script", target_id="c-x-img", strength="0.6", kind="personal")])
    _rewrite(folder, "bids", lambda rows: [{**r, "name": HOSTILE_BID_NAME} if r["id"] == BID else r for r in rows])
    _rewrite(folder, "accounts", lambda rows: [{**r, "name": XSS_SCRIPT} if r["id"] == "acc-mzp" else r
                                               for r in rows])
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Seeds, dict[str, Path]]:
    """The hostile seeds and their three pages (rendered in process)."""
    folder = tmp_path_factory.mktemp("hostile")
    data = _hostile_seeds(folder / "seeds")
    policy = Policy()
    with open_store(f"ladybug://{folder / 'hostile.lbug'}") as store:
        load(data, store)
        html = {
            "decision-chain": viz.render_decision_chain(views.bid_view(store, BID, AS_OF, policy)),
            "account-map": viz.render_account_map(views.account_map_view(store, ACCOUNT, AS_OF, policy)),
            "portfolio-map": viz.render_portfolio_map(views.portfolio_view(store, AS_OF, policy)),
        }
    pages = {}
    for name, text in html.items():
        pages[name] = folder / f"{name}.html"
        pages[name].write_text(text, encoding="utf-8")
    return Seeds(data), pages


def _expected(seeds: Seeds, page: str):
    return {"decision-chain": lambda: seeds.decision_chain(BID), "account-map": lambda: seeds.account_map(ACCOUNT),
            "portfolio-map": lambda: seeds.portfolio()}[page]()


PAGES = ["decision-chain", "account-map", "portfolio-map"]


@pytest.mark.parametrize("page", PAGES)
def test_seed_page_draws_every_node_and_edge_offline(offline, seed_pages, seeds, page):
    offline.open(seed_pages[page])
    expected = _expected(seeds, page)
    assert drawn(offline.page) == {"nodes": expected.nodes, "edges": expected.edges,
                                   "reported_nodes": expected.nodes, "reported_edges": expected.edges}
    assert offline.page.evaluate("window.graphcrm.stabilizedMs") >= 0
    offline.assert_clean()


def test_decision_chain_page_names_the_red_flags_and_has_a_legend(offline, seed_pages, seeds):
    offline.open(seed_pages["decision-chain"])
    page = offline.page
    assert seeds.name("bids", BID) in page.inner_text("h1")
    flags = page.locator(".flags li").all_inner_texts()
    name = lambda c: seeds.name("contacts", c)  # noqa: E731
    assert any("uncovered key contact" in f and name("c-jnm-003") in f and name("c-jnm-031") in f for f in flags), flags
    # c-jnm-021's stance in this bid is -2 (seeds/bid_roles.csv): "against us", as an opponent
    assert any(f.startswith("against us") and f"{name('c-jnm-021')} (opponent)" in f for f in flags), flags
    assert not any("c-jnm-" in f for f in flags), flags  # names, not ids
    assert page.locator("aside .legend li").count() >= 10
    # labels are the contacts' names (CJK, drawn on the canvas)
    assert page.evaluate("window.graphcrm.network.body.data.nodes.get('c:c-jnm-003').label") == \
        seeds.name("contacts", "c-jnm-003")
    offline.assert_clean()


def _hover(page, node_id: str) -> str:
    """Bring a node to the middle of the view, hover it and return the tooltip's text.

    The physics of the account and portfolio maps keep running after
    ``stabilized`` (it marks the end of the stabilisation iterations, not rest),
    so the simulation is stopped first: a moving node cannot be hovered reliably."""
    page.mouse.move(2, 2)
    page.evaluate("""id => { const n = window.graphcrm.network; n.stopSimulation();
                             n.focus(id, {scale: 1.5, animation: false}); }""", node_id)
    box = page.locator("#graph").bounding_box()
    pos = page.evaluate("""id => { const n = window.graphcrm.network;
                                   return n.canvasToDOM(n.getPositions([id])[id]); }""", node_id)
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"], steps=4)
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    return tip.inner_text()


def _assert_nothing_ran(page) -> None:
    page.wait_for_timeout(200)  # give an injected onerror/onload the time to fire
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 2  # vis-network and the page's own


def test_hostile_decision_chain_shows_text_and_runs_nothing(offline, hostile):
    seeds, pages = hostile
    offline.open(pages["decision-chain"])
    page = offline.page
    expected = seeds.decision_chain(BID)
    assert drawn(page)["nodes"] == expected.nodes and drawn(page)["edges"] == expected.edges
    assert page.inner_text("h1") == f"{HOSTILE_BID_NAME} — decision chain"  # {{7*7}} stays as typed
    assert page.title() == f"{HOSTILE_BID_NAME} — decision chain"
    labels = page.evaluate("['c:c-x-img', 'c:c-x-script'].map("
                           "id => window.graphcrm.network.body.data.nodes.get(id).label)")
    assert labels == [XSS_IMG, XSS_SCRIPT]
    tip = _hover(page, "c:c-x-img")
    assert XSS_IMG in tip and HOSTILE_TITLE in tip and "Bid role: approver (key)" in tip
    tip = _hover(page, "c:c-x-script")
    assert tip.startswith(XSS_SCRIPT) and "Holders: rep-wang-hao" in tip
    _assert_nothing_ran(page)
    offline.assert_clean()


def test_hostile_account_map_shows_text_and_runs_nothing(offline, hostile):
    seeds, pages = hostile
    offline.open(pages["account-map"])
    page = offline.page
    expected = seeds.account_map(ACCOUNT)
    assert drawn(page)["nodes"] == expected.nodes and drawn(page)["edges"] == expected.edges
    assert f"dark unit: {XSS_IMG}" in page.locator(".flags li").all_inner_texts()
    assert page.evaluate("window.graphcrm.network.body.data.nodes.get('u:unit-x').label").split("\n")[0] == f"{XSS_IMG} (dark)"
    assert XSS_IMG in _hover(page, "u:unit-x")
    assert _hover(page, "c:c-x-script").startswith(XSS_SCRIPT)
    _assert_nothing_ran(page)
    offline.assert_clean()


def test_hostile_portfolio_map_shows_text_and_runs_nothing(offline, hostile):
    seeds, pages = hostile
    offline.open(pages["portfolio-map"])
    page = offline.page
    expected = seeds.portfolio()
    assert drawn(page)["nodes"] == expected.nodes and drawn(page)["edges"] == expected.edges
    assert f"held by one person: {XSS_SCRIPT}" in page.locator(".flags li").all_inner_texts()
    assert page.evaluate("window.graphcrm.network.body.data.nodes.get('a:acc-mzp').label") == XSS_SCRIPT
    assert _hover(page, "a:acc-mzp").startswith(f"{XSS_SCRIPT} (tier B)")
    _assert_nothing_ran(page)
    offline.assert_clean()


def test_empty_portfolio_map_reports_stabilized(offline, tmp_path):
    with open_store(f"ladybug://{tmp_path / 'empty.lbug'}") as store:
        html = viz.render_portfolio_map(views.portfolio_view(store, AS_OF, Policy()))
    path = tmp_path / "empty.html"
    path.write_text(html, encoding="utf-8")
    offline.page.goto(path.as_uri())
    wait_stabilized(offline.page, timeout=3_000)
    assert drawn(offline.page)["nodes"] == 0
    offline.assert_clean()


# Makes the layout reproducible (vis-network seeds its layout from Math.random) and
# records, at the moment the page sets window.graphcrm.stabilized, where the nodes
# are and whether vis-network's physics says it is at rest.
AT_REST_HOOK = """(() => {
  let seed = 1;
  Math.random = () => { seed = (seed * 16807) % 2147483647; return (seed - 1) / 2147483646; };
  let g;
  Object.defineProperty(window, "graphcrm", { configurable: true, get() { return g; }, set(v) {
    g = v;
    let s = v.stabilized;
    Object.defineProperty(v, "stabilized", { enumerable: true, get() { return s; }, set(x) {
      s = x;
      if (x) { window.__atRest = v.network.physics.stabilized; window.__positions = v.network.getPositions(); }
    }});
  }});
})();"""


def test_account_map_is_at_rest_when_it_reports_stabilized(offline, seed_pages):
    offline.page.add_init_script(AT_REST_HOOK)
    offline.open(seed_pages["account-map"])
    offline.assert_clean()
    moved = offline.page.evaluate("""() => new Promise(done => setTimeout(() => {
        const now = window.graphcrm.network.getPositions(), then = window.__positions;
        done(Math.max(...Object.keys(then).map(k => Math.hypot(now[k].x - then[k].x, now[k].y - then[k].y))));
    }, 1000))""")
    at_rest = offline.page.evaluate("window.__atRest")
    assert moved < 1, f"nodes moved up to {moved:.0f} px in the second after stabilized (physics at rest: {at_rest})"


def _pixel_at_node(page, node_id: str) -> list[int]:
    """The RGB the canvas shows at a node's centre (after a frame is drawn)."""
    page.wait_for_timeout(150)
    return page.evaluate("""id => { const n = window.graphcrm.network;
        const p = n.canvasToDOM(n.getPositions([id])[id]);
        const canvas = document.querySelector('#graph canvas'), r = window.devicePixelRatio || 1;
        return Array.from(canvas.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data)
                    .slice(0, 3); }""", node_id)


def _rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]


@pytest.mark.parametrize(("page_name", "pick"), [
    ("decision-chain", "c:c-jnm-003"),  # an uncovered key contact, filled with its stance colour
    ("portfolio-map", "held by one"),   # an account held by one person: red, #d62728
])
def test_hover_keeps_a_nodes_colour(offline, seed_pages, page_name, pick):
    offline.open(seed_pages[page_name])
    page = offline.page
    if pick == "held by one":
        pick = page.evaluate("""() => window.graphcrm.network.body.data.nodes.get()
            .filter(n => n.color && n.color.background === '#d62728').map(n => n.id)[0]""")
        assert pick, "the seeds' portfolio has an account held by one person"
    fill = page.evaluate("id => window.graphcrm.network.body.data.nodes.get(id).color.background", pick)
    _hover(page, pick)
    assert page.evaluate("id => window.graphcrm.network.getNodeAt(window.graphcrm.network.canvasToDOM("
                         "window.graphcrm.network.getPositions([id])[id])) === id", pick)
    shown = _pixel_at_node(page, pick)
    assert all(abs(a - b) <= 12 for a, b in zip(shown, _rgb(fill))), (pick, fill, shown)
    offline.assert_clean()


GLYPH_SHAPES = {"◆": "diamond", "■": "square", "●": "dot"}


@pytest.mark.parametrize("page_name", PAGES)
def test_every_legend_entry_has_the_shape_it_describes(offline, seed_pages, page_name):
    """A label that begins with ◆, ■ or ● has a swatch of that shape, measured
    from the browser's own geometry: a diamond is a square turned 45°, a square
    has (nearly) straight corners, a dot is round."""
    offline.open(seed_pages[page_name])
    entries = offline.page.evaluate("""() => Array.from(document.querySelectorAll('aside .legend li'))
        .filter(li => li.querySelector('.swatch')).map(li => {
            const s = li.querySelector('.swatch'), css = getComputedStyle(s);
            return {label: li.innerText.replace(s.innerText, '').trim(), radius: parseFloat(css.borderTopLeftRadius),
                    width: s.getBoundingClientRect().width, layout: s.offsetWidth, transform: css.transform,
                    text: s.innerText}; })""")
    assert entries
    checked = 0
    for e in entries:
        shape = GLYPH_SHAPES.get(e["label"][:1])
        if shape == "diamond":  # turned 45°: its box grows by √2
            assert e["transform"] != "none" and e["radius"] == 0 and e["width"] > e["layout"] * 1.3, e
        elif shape == "square":
            assert e["transform"] == "none" and e["radius"] <= 3, e
        elif shape == "dot":
            assert e["transform"] == "none" and e["radius"] >= e["layout"] / 2 - 1, e
        if shape:
            checked += 1
        if "star" in e["label"]:
            assert e["text"] == "★", e
    assert checked or page_name == "account-map", entries
    offline.assert_clean()
