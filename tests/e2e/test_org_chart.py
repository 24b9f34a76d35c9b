"""The account map as an organisation chart, in headless Chromium: the same place on
every load, units that open on a click, a contact found by name.

The seed account has 60 contacts, so it opens with every unit open; the collapsed
case renders the same account with the "open everything" threshold lowered to 10
(``viz.org_chart.OPEN_ALL_UP_TO``), which is what a 3,000-contact operator gets.
"""

from __future__ import annotations

import pytest

import viz
import viz.org_chart
from graphcrm import views
from graphcrm.importer import load
from graphcrm.policy import Policy
from graphcrm.store import open_store
from tests.e2e.conftest import AS_OF, SEEDS

ACCOUNT, HQ, BRANCH = "acc-jnm", "u:unit-jnm-hq", "u:unit-jnm-mz"

VISIBLE = """() => window.graphcrm.network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id).sort()"""
POSITIONS = """() => { const n = window.graphcrm.network, ids = n.body.data.nodes.get({filter: x => !x.hidden}).map(x => x.id);
                       return n.getPositions(ids); }"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with open_store(f"ladybug://{tmp_path_factory.mktemp('org') / 'seeds.lbug'}") as s:
        load(SEEDS, s)
        yield s


def _page(store, folder, name: str) -> str:
    path = folder / f"{name}.html"
    path.write_text(viz.render_account_map(views.account_map_view(store, ACCOUNT, AS_OF, Policy())), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pages(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("org-pages")
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(viz.org_chart, "OPEN_ALL_UP_TO", 10)
        collapsed = _page(store, folder, "collapsed")
    finally:
        mp.undo()
    return {"open": _page(store, folder, "open"), "collapsed": collapsed}


def _click(page, node_id: str) -> None:
    """A real mouse click on a node's centre."""
    point = page.evaluate("""id => { const n = window.graphcrm.network; n.moveTo({position: n.getPositions([id])[id],
                                     scale: 1, animation: false}); return n.canvasToDOM(n.getPositions([id])[id]); }""",
                          node_id)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_timeout(100)


def test_the_same_node_sits_at_the_same_place_on_two_loads(offline, pages, seeds):
    seen = []
    for _ in range(2):
        offline.open(pages["open"])
        seen.append(offline.page.evaluate(POSITIONS))
        offline.page.goto("about:blank")
    first, second = seen
    contacts = {f"c:{c['id']}" for c in seeds.contacts if c["account_id"] == ACCOUNT}
    assert contacts <= set(first)  # every contact is placed (all units start open at 60 contacts)
    assert first == second
    offline.assert_clean()


def test_units_are_columns_and_contacts_sit_under_their_unit(offline, pages, seeds):
    offline.open(pages["open"])
    pos = offline.page.evaluate(POSITIONS)
    # every sub-unit is right of HQ; every contact of the Mingzhou branch right of and below its box
    units = [f"u:{u['id']}" for u in seeds.units if u["account_id"] == ACCOUNT]
    assert all(pos[u]["x"] > pos[HQ]["x"] for u in units if u != HQ)
    staff = [f"c:{c['id']}" for c in seeds.contacts if c["unit_id"] == "unit-jnm-mz"]
    assert staff and all(pos[c]["y"] > pos[BRANCH]["y"] for c in staff)
    assert all(abs(pos[c]["x"] - pos[BRANCH]["x"]) < 6 * 150 for c in staff)
    offline.assert_clean()


def test_the_collapsed_chart_expands_on_click_and_closes_again(offline, pages, seeds):
    offline.open(pages["collapsed"])
    page = offline.page
    units = {f"u:{u['id']}" for u in seeds.units if u["account_id"] == ACCOUNT}
    top = {f"u:{u['id']}" for u in seeds.units if u["parent_unit_id"] == "unit-jnm-hq"}
    shown = set(page.evaluate(VISIBLE))
    assert {n for n in shown if n[:2] == "c:"} == set()  # no contact yet
    assert shown & units == {HQ} | top  # HQ and its sub-units, not the county branches
    _click(page, BRANCH)
    staff = {f"c:{c['id']}" for c in seeds.contacts if c["unit_id"] == "unit-jnm-mz"}
    shown = set(page.evaluate(VISIBLE))
    assert {n for n in shown if n[:2] == "c:"} == staff
    assert "u:unit-jnm-mz-shitang" in shown  # its sub-unit, closed
    _click(page, BRANCH)
    assert not {n for n in page.evaluate(VISIBLE) if n[:2] == "c:"}
    offline.assert_clean()


def test_a_contact_found_by_name_is_shown_selected_and_centred(offline, pages, seeds):
    offline.open(pages["collapsed"])
    page = offline.page
    contact = next(c for c in seeds.contacts if c["unit_id"] == "unit-jnm-mz-shitang")
    page.fill("#find", contact["name"])
    page.dispatch_event("#find", "change")
    node = f"c:{contact['id']}"
    assert node in page.evaluate(VISIBLE)
    assert page.evaluate("window.graphcrm.network.getSelectedNodes()") == [node]
    centre = page.evaluate("""id => { const n = window.graphcrm.network; return n.canvasToDOM(n.getPositions([id])[id]); }""",
                           node)
    box = page.locator("#graph").bounding_box()
    assert abs(centre["x"] - box["width"] / 2) < 2 and abs(centre["y"] - box["height"] / 2) < 2
    page.fill("#find", "nobody has this name")
    page.dispatch_event("#find", "change")
    assert page.inner_text("#find-result") == "nobody by that name"
    offline.assert_clean()


def test_selecting_a_contact_shows_its_links(offline, pages, seeds):
    offline.open(pages["open"])
    page = offline.page
    shown_links = """() => window.graphcrm.network.body.data.edges.get({filter: e => !e.hidden && e.from.startsWith('r:')}).length"""
    assert page.evaluate(shown_links) == 0
    ours = {c["id"] for c in seeds.contacts if c["account_id"] == ACCOUNT}
    contact = next(iter(sorted({k["contact_id"] for k in seeds._knows(ours)})))
    _click(page, f"c:{contact}")
    assert page.evaluate(shown_links) >= 1
    offline.assert_clean()
