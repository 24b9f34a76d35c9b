"""The graph pages as HTML (no browser): self-contained, every user string escaped,
and the data that vis-network gets says what the views say.

Decision chain and account map come from a hand-made account (one of each case:
covered / weak / uncovered key contacts, a stale relationship, an inactive rep, a
hidden influencer, a dark unit, hostile names); the portfolio map from the seeds
in a temporary LadybugDB store, and from a hand-made view for hostile names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import subprocess
import sys
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest

import viz
from graphcrm.analysis.dependency import AccountRisk
from graphcrm.graph import build_graph
from graphcrm.importer import load
from graphcrm.model import (
    Account, Activity, Bid, BidRole, Contact, Dataset, Influence, Relationship, Rep, TeamMember, Unit,
)
from graphcrm.policy import Policy
from graphcrm.services import RisksReport
from graphcrm.store import open_store
from graphcrm.views import (
    Link, Person, PortfolioView, RepNode, UnitNode, account_view, decision_chain_view, portfolio_view,
)
from viz.account_map import DARK_COLOUR
from viz.org_chart import CELL, COLUMNS, OPEN_ALL_UP_TO, org_chart, unit_block
from viz.evaluation_chart import evaluation_chart
from viz.portfolio_map import BUS_COLOURS
from viz.style import COVERAGE_COLOURS, STALE

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AS_OF = dt.date(2026, 11, 15)
POLICY = Policy()
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_HREF = '<a href="javascript:alert(1)">click</a>'
BID_NAME = "Core tender {{7*7}}"
VIS = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
VIS_JS = (VIS / "vis-network.min.js").read_text(encoding="utf-8")
VIS_CSS = (VIS / "vis-network.css").read_text(encoding="utf-8")
# The only URLs in vis-network 9.1.2: its licence header, core-js's licence string,
# the SVG namespace and an error message. None is ever fetched.
VIS_URLS = {
    "https://visjs.github.io/vis-network/", "http://almende.com", "https://github.com/visjs",
    "http://www.apache.org/licenses/LICENSE-2.0", "http://opensource.org/licenses/MIT",
    "https://github.com/zloirock/core-js", "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "http://www.w3.org/2000/svg", "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
}
URL = re.compile(r"https?://[^\s\"'()*]+")


def _day(days_ago: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_ago)


def account_data() -> Dataset:
    """One S account, one open tender; each contact is one case:

    ========  ===================  ==========================  =====================================
    contact   level / unit         role in the tender          our side
    ========  ===================  ==========================  =====================================
    c1        executive / hq       decision_maker, high, +1    r1 depth 4 (recent): covered key
    c2 (XSS)  executive / hq       approver, high, −1          nobody (r3 is inactive): uncovered key
    c3 (XSS)  senior / dept        technical_evaluator, high   r2 depth 2: weak key
    c4        staff / dept         technical_evaluator, med.   r1 depth 3 but 200 days ago (stale → 2);
                                                               r2 depth 1
    c5        staff / dept         user, low, stance unknown   nobody; influences c1, c2, c3 strongly:
                                                               hidden influencer
    c6        staff / dark branch  —                           nobody: the branch is dark
    c7        middle / dept        —                           only r3 (inactive): holds nothing
    ========  ===================  ==========================  =====================================
    """
    a = "acc"
    contacts = [
        Contact(id="c1", account_id=a, unit_id="u-hq", name="Chen Decider", title="GM", level="executive"),
        Contact(id="c2", account_id=a, unit_id="u-hq", name=XSS_IMG, title=XSS_HREF, level="executive",
                reports_to="c1"),
        Contact(id="c3", account_id=a, unit_id="u-dept", name=XSS_SCRIPT, level="senior", reports_to="c1"),
        Contact(id="c4", account_id=a, unit_id="u-dept", name="Eve Engineer", level="staff", reports_to="c3"),
        Contact(id="c5", account_id=a, unit_id="u-dept", name="Quiet Power", level="staff", reports_to="c3"),
        Contact(id="c6", account_id=a, unit_id="u-dark", name="Far Away", level="staff", reports_to="c1"),
        Contact(id="c7", account_id=a, unit_id="u-dept", name="Only Gone", level="middle", reports_to="c3"),
    ]
    return Dataset(
        accounts=[Account(id=a, name="Acme Telecom", tier="S")],
        units=[Unit(id="u-hq", account_id=a, name="HQ", kind="hq"),
               Unit(id="u-dept", account_id=a, name="Engineering", kind="department", parent_unit_id="u-hq"),
               Unit(id="u-dark", account_id=a, name=f"Branch {XSS_IMG}", kind="branch", parent_unit_id="u-hq")],
        contacts=contacts,
        reps=[Rep(id="r1", name="Rep One", role="account_manager"), Rep(id="r2", name="Rep Two", role="sales_engineer"),
              Rep(id="r3", name="Rep Gone", active=False)],
        account_team=[TeamMember(account_id=a, rep_id="r1"), TeamMember(account_id=a, rep_id="r2")],
        relationships=[
            Relationship(rep_id="r1", contact_id="c1", depth=4, last_contact=_day(10)),
            Relationship(rep_id="r2", contact_id="c3", depth=2, last_contact=_day(20)),
            Relationship(rep_id="r1", contact_id="c4", depth=3, last_contact=_day(200)),
            Relationship(rep_id="r2", contact_id="c4", depth=1, last_contact=_day(5)),
            Relationship(rep_id="r3", contact_id="c2", depth=4, last_contact=_day(30)),
            Relationship(rep_id="r3", contact_id="c7", depth=3, last_contact=_day(30)),
        ],
        influences=[Influence(source_id="c5", target_id=t, strength=0.9) for t in ("c1", "c2", "c3")]
        + [Influence(source_id="c1", target_id="c4", strength=0.5)],
        bids=[Bid(id="b1", account_id=a, name=BID_NAME, stage="tender")],
        bid_roles=[
            BidRole(bid_id="b1", contact_id="c1", role="decision_maker", influence="high", stance=1),
            BidRole(bid_id="b1", contact_id="c2", role="approver", influence="high", stance=-1),
            BidRole(bid_id="b1", contact_id="c3", role="technical_evaluator", influence="high", stance=0),
            BidRole(bid_id="b1", contact_id="c4", role="technical_evaluator", influence="medium", stance=2),
            BidRole(bid_id="b1", contact_id="c5", role="user", influence="low"),
        ],
    )


@pytest.fixture(scope="module")
def graph():
    return build_graph(account_data(), "acc")


@pytest.fixture(scope="module")
def chain_view(graph):
    return decision_chain_view(graph, "b1", AS_OF, POLICY)


@pytest.fixture(scope="module")
def map_view(graph):
    return account_view(graph, AS_OF, POLICY)


@pytest.fixture(scope="module")
def seed_portfolio(tmp_path_factory):
    with open_store(f"ladybug://{tmp_path_factory.mktemp('viz') / 'seeds.lbug'}") as store:
        load(SEEDS, store)
        return portfolio_view(store, AS_OF, POLICY)


def hostile_portfolio() -> PortfolioView:
    risk = AccountRisk(account_id="a1", name=XSS_SCRIPT, tier="B", key_contacts=2, covered_key_contacts=2,
                       bus_factor=1, held_by_one=True, top_holder_id="r1", top_holder_name=XSS_IMG,
                       top_holder_share=0.8, single_holder_contacts=["c1", "c2"], holders={"c1": ["r1"], "c2": ["r1"]})
    return PortfolioView(title="Portfolio", as_of=AS_OF, risks=RisksReport(as_of=AS_OF, accounts=[risk]),
                         reps=[RepNode(id="r1", name=XSS_IMG)], revenue={"a1": 1.0},
                         holds=[Link(type="HOLDS", source="r1", target="a1", strength=1.0)])


def data_of(html: str) -> dict:
    """The nodes, edges and options the page hands to vis-network."""
    start = html.rindex("var data = ") + len("var data = ")  # the page's own script comes last
    data, _ = json.JSONDecoder().raw_decode(html, start)
    return data


def nodes_by_id(html: str) -> dict[str, dict]:
    return {n["id"]: n for n in data_of(html)["nodes"]}


# --- the preconditions of the hand-made account ----------------------------------


def test_the_hand_made_account_has_every_case(chain_view, map_view):
    people = {p.id: p for p in chain_view.people}
    assert {c: (p.key, p.status) for c, p in people.items()} == {
        "c1": (True, "covered"), "c2": (True, "uncovered"), "c3": (True, "weak"),
        "c4": (False, "covered"), "c5": (False, "uncovered")}
    assert [p.id for p in map_view.people if p.hidden_influencer] == ["c5"]
    assert [u.id for u in map_view.units if u.dark] == ["u-dark"]
    assert [r.id for r in chain_view.reps] == ["r1", "r2"]  # r3 is inactive
    knows = {(k.source, k.target): (k.effective_depth, k.stale) for k in chain_view.links if k.type == "KNOWS"}
    assert knows == {("r1", "c1"): (4, False), ("r1", "c4"): (2, True), ("r2", "c3"): (2, False),
                     ("r2", "c4"): (1, False)}


# --- self-contained ----------------------------------------------------------------


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def pages(chain_view, map_view, portfolio) -> dict[str, str]:
    return {"decision-chain": viz.render_decision_chain(chain_view), "account-map": viz.render_account_map(map_view),
            "portfolio-map": viz.render_portfolio_map(portfolio)}


@pytest.fixture(scope="module")
def rendered(chain_view, map_view, seed_portfolio) -> dict[str, str]:
    return pages(chain_view, map_view, seed_portfolio)


@pytest.mark.parametrize("name", ["decision-chain", "account-map", "portfolio-map"])
def test_page_is_self_contained(rendered, name):
    html = rendered[name]
    parser = _Attributes()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not (tag == "script" and "src" in attrs), attrs
        assert tag != "link", attrs
        for attr in ("src", "href", "srcset", "action", "poster", "data", "xlink:href"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert re.search(r"<script[^>]*\ssrc\s*=", html, re.I) is None
    assert re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", html, re.I) is None
    # vis-network is inlined once; outside it there is no URL at all, and inside it
    # only the licence header's and a few inert strings
    assert html.count(VIS_JS) == 1 and html.count(VIS_CSS) == 1
    assert URL.findall(html.replace(VIS_JS, "").replace(VIS_CSS, "")) == []
    assert set(URL.findall(VIS_JS)) <= VIS_URLS
    assert "url(" not in VIS_CSS.replace("url(\"data:", "")  # images are inlined as data: URLs


# --- escaping ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_pages(chain_view, map_view) -> dict[str, str]:
    return pages(chain_view, map_view, hostile_portfolio())


@pytest.mark.parametrize("name", ["decision-chain", "account-map", "portfolio-map"])
def test_hostile_strings_appear_only_escaped(hostile_pages, name):
    html = hostile_pages[name]
    assert "<img src=x" not in html
    assert "</script><script>alert" not in html
    assert "<a href" not in html
    parser = _Attributes()
    parser.feed(html)
    assert [tag for tag, _ in parser.tags if tag in ("script", "img", "a", "iframe")] == ["script", "script"]
    labels = {n["label"] for n in data_of(html)["nodes"]}
    tooltips = " ".join(n.get("tooltip", "") for n in data_of(html)["nodes"])
    assert XSS_IMG in labels or f"★ {XSS_IMG}" in labels or f"Branch {XSS_IMG} (dark)" in labels
    assert XSS_IMG in tooltips
    if name != "portfolio-map":
        assert XSS_SCRIPT in labels and XSS_HREF in tooltips
    else:
        assert XSS_SCRIPT in labels
    # tooltips are shown as text by the page; no node or edge carries an HTML title
    assert all("title" not in item for item in data_of(html)["nodes"] + data_of(html)["edges"])


def test_bid_name_is_text_not_a_template(hostile_pages):
    html = hostile_pages["decision-chain"]
    assert f"<title>{BID_NAME} — decision chain</title>" in html
    assert f"<h1>{BID_NAME} — decision chain</h1>" in html
    assert "Core tender 49" not in html


def test_names_in_flags_and_headings_are_html_escaped(hostile_pages):
    assert "<li>dark unit: Branch &lt;img src=x onerror=alert(1)&gt;</li>" in hostile_pages["account-map"]
    assert ("<li>held by one person: &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</li>"
            in hostile_pages["portfolio-map"])


def test_evaluation_chart_escapes_names(chain_view):
    svg = evaluation_chart(chain_view)
    assert "<img" not in svg and "<script" not in svg and "<a href" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert svg.count("<circle") == len(chain_view.people)


# --- what the decision chain shows -------------------------------------------------


def test_decision_chain_draws_the_people_reps_and_links_of_the_view(chain_view):
    data = data_of(viz.render_decision_chain(chain_view))
    assert len(data["nodes"]) == len(chain_view.people) + len(chain_view.reps) == 5 + 2
    # KNOWS 4 (not r3's), INFLUENCES 4, REPORTS_TO within the chain 4 (c2, c3 → c1; c4, c5 → c3)
    assert len(data["edges"]) == len(chain_view.links) == 12
    ids = {n["id"] for n in data["nodes"]}
    assert ids == {"c:c1", "c:c2", "c:c3", "c:c4", "c:c5", "r:r1", "r:r2"}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_uncovered_and_weak_key_contacts_are_diamonds(chain_view):
    nodes = nodes_by_id(viz.render_decision_chain(chain_view))
    assert nodes["c:c2"]["shape"] == "diamond" and nodes["c:c3"]["shape"] == "diamond"
    assert nodes["c:c2"]["borderWidth"] > nodes["c:c1"]["borderWidth"]
    assert nodes["c:c3"]["shapeProperties"]["borderDashes"]  # weak: a dashed border
    assert {nodes[c]["shape"] for c in ("c:c1", "c:c4", "c:c5")} == {"dot"}  # covered key, non-key


def _knows_edges(html: str) -> dict[tuple[str, str], dict]:
    return {(e["from"], e["to"]): e for e in data_of(html)["edges"] if e["from"].startswith("r:")}


def test_stale_knows_edges_are_dashed(chain_view):
    edges = _knows_edges(viz.render_decision_chain(chain_view))
    assert edges[("r:r1", "c:c4")]["dashes"] == STALE
    assert [k for k, e in edges.items() if e["dashes"]] == [("r:r1", "c:c4")]


def test_knows_width_grows_with_effective_depth(chain_view):
    edges = _knows_edges(viz.render_decision_chain(chain_view))
    by_depth = {(link.source, link.target): link.effective_depth for link in chain_view.links if link.type == "KNOWS"}
    widths = sorted((by_depth[(f[2:], t[2:])], e["width"]) for (f, t), e in edges.items())
    assert [d for d, _ in widths] == [1, 2, 2, 4]
    for (d1, w1), (d2, w2) in zip(widths, widths[1:]):
        assert (w1 < w2) if d1 < d2 else (w1 == w2)
    assert edges[("r:r1", "c:c4")]["width"] == edges[("r:r2", "c:c3")]["width"]  # raw 3 gone stale = 2


def test_decision_chain_levels_put_executives_on_top_and_reps_below(chain_view):
    nodes = nodes_by_id(viz.render_decision_chain(chain_view))
    assert nodes["c:c1"]["level"] < nodes["c:c3"]["level"] < nodes["c:c4"]["level"] < nodes["r:r1"]["level"]


# --- what the account map shows ----------------------------------------------------


def test_pages_show_the_last_contact_as_of_their_day():
    """Issue 20: a person's last contact on the pages is the latest of their
    relationships' last contacts as of the page's day, meetings included; a
    stored date after that day is not known. c4: r1 stored 200 days ago, r2 5
    days ago; a visit of r1 and c4 2 days ago → 2 days ago (and r1 → c4 no longer
    stale); c1: r1 stored 10 days ago, but as of 11 days ago that is not known yet."""
    data = account_data()
    data.activities.append(Activity(id="v1", date=_day(2), kind="visit", account_id="acc",
                                    rep_ids=["r1"], contact_ids=["c4"]))
    g = build_graph(data, "acc")
    for view in (decision_chain_view(g, "b1", AS_OF, POLICY), account_view(g, AS_OF, POLICY)):
        people = {p.id: p for p in view.people}
        assert people["c4"].last_contact == _day(2)
        assert people["c1"].last_contact == _day(10)
        r1_c4 = next(x for x in view.links if (x.type, x.source, x.target) == ("KNOWS", "r1", "c4"))
        assert (r1_c4.effective_depth, r1_c4.stale) == (3, False)
    earlier = AS_OF - dt.timedelta(days=11)
    people = {p.id: p for p in account_view(g, earlier, POLICY).people}
    assert people["c1"].last_contact is None
    assert people["c4"].last_contact == _day(200)  # r2's 5 days ago and the visit are later


def test_account_map_draws_units_people_reps_and_links(map_view):
    data = data_of(viz.render_account_map(map_view))
    # 3 units, 7 contacts, 2 active reps; the chart's corner points: HQ's port and the
    # in-ports of its two sub-units
    assert len(data["nodes"]) == 3 + 7 + 2 + 3
    assert {n["id"] for n in data["nodes"] if n["id"][:2] in ("p:", "q:")} == {"p:u:u-hq", "q:u:u-dark", "q:u:u-dept"}
    # tree: HQ → its port, port → each in-port, in-port → unit (5); KNOWS 4, INFLUENCES 4, REPORTS_TO 6
    assert len(data["edges"]) == 5 + 4 + 4 + 6
    reporting = [(e["from"], e["to"]) for e in data["edges"] if e.get("dashes") == [2, 4]]
    assert len(reporting) == 6
    # drawn from the start: the tree and the reporting lines inside a unit (c2 → c1 in HQ,
    # c4, c5, c7 → c3 in Engineering); the rest (knows, influences, c3 → c1 and c6 → c1
    # across units) only for a selected node
    shown = {(e["from"], e["to"]) for e in data["edges"] if not e.get("hidden") and e["from"][:2] == "c:"}
    assert shown == {("c:c2", "c:c1"), ("c:c4", "c:c3"), ("c:c5", "c:c3"), ("c:c7", "c:c3")}
    assert sum(bool(e.get("hidden")) for e in data["edges"]) == 4 + 4 + 2


def test_account_map_is_an_organisation_chart(map_view):
    """Worked by hand from the table in ``account_data``: units by name under HQ;
    in a unit, its heads on the first row, the people reporting to them below
    (by level, then name); 7 contacts is small, so every unit starts open."""
    org = data_of(viz.render_account_map(map_view))["org"]
    assert org["roots"] == ["u:u-hq"]
    assert org["units"]["u:u-hq"]["children"] == ["u:u-dark", "u:u-dept"]  # "Branch …" before "Engineering"
    w, h = CELL
    assert org["units"]["u:u-hq"]["members"] == [["c:c1", w // 2, h // 2], ["c:c2", w // 2, h + h // 2]]
    # c3 heads Engineering (their manager c1 is in HQ); c7 (middle) before c4, c5 (staff, by name)
    assert org["units"]["u:u-dept"]["members"] == [
        ["c:c3", w // 2, h // 2], ["c:c7", w // 2, h + h // 2], ["c:c4", w + w // 2, h + h // 2],
        ["c:c5", 2 * w + w // 2, h + h // 2]]
    assert (org["units"]["u:u-dept"]["w"], org["units"]["u:u-dept"]["h"]) == (3 * w, 2 * h)
    counts = {u: (v["contacts"], v["covered"], v["key_uncovered"]) for u, v in org["units"].items()}
    assert counts == {"u:u-hq": (2, 1, 1), "u:u-dept": (4, 1, 0), "u:u-dark": (1, 0, 0)}
    assert set(org["open"]) == set(org["staffed"]) == set(org["units"])


def test_unit_boxes_carry_coverage_colour_and_counts(map_view):
    nodes = nodes_by_id(viz.render_account_map(map_view))
    # HQ: 1 of 2 covered (a half: weak), its approver uncovered (red border);
    # Engineering: 1 of 4 (under a third: uncovered); the branch is dark
    assert nodes["u:u-hq"]["color"]["background"] == COVERAGE_COLOURS["weak"]
    assert nodes["u:u-hq"]["color"]["border"] == "#7a0000"
    assert nodes["u:u-hq"]["label"] == "HQ\n2 contacts · 1 covered\n1 key uncovered"
    assert nodes["u:u-dept"]["color"]["background"] == COVERAGE_COLOURS["uncovered"]
    assert nodes["u:u-dept"]["label"] == "Engineering\n4 contacts · 1 covered"


def test_a_big_account_opens_with_its_top_units_only(map_view):
    people = [Person(id=f"c{i}", name=f"P{i}", unit_id=f"u{i % 3}", status="covered", best_depth=3,
                     required_depth=3) for i in range(OPEN_ALL_UP_TO + 1)]
    units = [UnitNode(id="u0", name="Top", kind="hq", parent_id=None, dark=False)] + [
        UnitNode(id=f"u{i}", name=f"Sub {i}", kind="branch", parent_id="u0", dark=False) for i in (1, 2)]
    view = map_view.model_copy(update={"units": units, "people": people, "reps": [], "links": []})
    chart = org_chart(view)
    assert chart["open"] == ["u:u0"] and chart["staffed"] == []
    view.people.pop()
    assert set(org_chart(view)["staffed"]) == {"u:u0", "u:u1", "u:u2"}


def test_a_reporting_cycle_inside_a_unit_is_broken_at_its_highest_ranked_member():
    a, b = (Person(id=i, name=n, level=lv, unit_id="u", status="covered", best_depth=1, required_depth=1)
            for i, n, lv in (("a", "Ann", "staff"), ("b", "Bob", "senior")))
    block = unit_block([a, b], {"a": "b", "b": "a"})
    assert [m[0] for m in block.members] == ["c:b", "c:a"]  # Bob (senior) heads, Ann below
    assert block.members[1][2] > block.members[0][2]


def test_a_wide_layer_wraps_after_columns():
    people = [Person(id=f"c{i}", name=f"P{i:02d}", unit_id="u", status="covered", best_depth=1, required_depth=1)
              for i in range(COLUMNS + 1)]
    block = unit_block(people, {})
    w, h = CELL
    assert block.members[-1] == ("c:c6", w // 2, h + h // 2) and (block.width, block.height) == (COLUMNS * w, 2 * h)


def test_hidden_influencer_is_starred_on_the_account_map(map_view):
    html = viz.render_account_map(map_view)
    nodes = nodes_by_id(html)
    assert nodes["c:c5"]["shape"] == "star" and nodes["c:c5"]["label"] == "★ Quiet Power"
    assert [n for n, v in nodes.items() if v.get("shape") == "star"] == ["c:c5"]
    assert "<li>hidden influencer: Quiet Power</li>" in html


def test_dark_unit_is_marked_on_the_account_map(map_view):
    nodes = nodes_by_id(viz.render_account_map(map_view))
    dark = nodes["u:u-dark"]
    assert dark["color"]["background"] == DARK_COLOUR and dark["label"].split("\n")[0].endswith("(dark)")
    assert "Nobody on our side knows anyone here" in dark["tooltip"]
    assert all(nodes[u]["color"]["background"] != DARK_COLOUR and "(dark)" not in nodes[u]["label"]
               for u in ("u:u-hq", "u:u-dept"))


# --- what the portfolio map shows --------------------------------------------------


def test_portfolio_map_draws_accounts_and_holders(seed_portfolio):
    data = data_of(viz.render_portfolio_map(seed_portfolio))
    assert len(data["nodes"]) == len(seed_portfolio.risks.accounts) + len(seed_portfolio.reps) == 3 + 9
    assert len(data["edges"]) == len(seed_portfolio.holds) == 10


def test_account_held_by_one_person_stands_out(seed_portfolio):
    html = viz.render_portfolio_map(seed_portfolio)
    nodes = nodes_by_id(html)
    held = {a.account_id for a in seed_portfolio.risks.accounts if a.held_by_one}
    assert held == {"acc-mzp"}
    for a in seed_portfolio.risks.accounts:
        node = nodes[f"a:{a.account_id}"]
        if a.account_id in held:
            assert node["color"]["background"] == BUS_COLOURS[1] and node["borderWidth"] >= 4
        else:
            assert node["color"]["background"] != BUS_COLOURS[1] and node["borderWidth"] < 4
    name = next(a.name for a in seed_portfolio.risks.accounts if a.account_id == "acc-mzp")
    assert f"<li>held by one person: {name}</li>" in html


# --- a bigger decision chain -------------------------------------------------------

BIG_CHAIN = """
import datetime as dt, random
from graphcrm.graph import build_graph
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Relationship, Rep
from graphcrm.policy import Policy
from graphcrm.views import decision_chain_view
import viz
rng, day, n = random.Random(5), dt.date(2026, 11, 15), 32
data = Dataset(
    accounts=[Account(id="a", name="A", tier="S")],
    contacts=[Contact(id=f"c{i}", account_id="a", name=f"C{i}") for i in range(n)],
    reps=[Rep(id=f"r{i}", name=f"R{i}") for i in range(40)],
    relationships=[Relationship(rep_id=f"r{r}", contact_id=f"c{i}", depth=3, last_contact=day)
                   for i in range(n) for r in rng.sample(range(40), 2)],
    bids=[Bid(id="b", account_id="a", name="B", stage="tender")],
    bid_roles=[BidRole(bid_id="b", contact_id=f"c{i}", role="decision_maker", influence="high", stance=0)
               for i in range(n)])
html = viz.render_decision_chain(decision_chain_view(build_graph(data, "a"), "b", day, Policy()))
print(len(html))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


def test_decision_chain_page_of_32_key_contacts_is_made_in_seconds():
    """32 key contacts, each covered by two of 40 reps: the page must come in
    seconds (run in a child process, 2 GiB at most, so a runaway cannot hurt)."""
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run([sys.executable, "-c", BIG_CHAIN], capture_output=True, text=True, timeout=5,
                              cwd=root, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail("no page after 5 s")
    assert done.returncode == 0, done.stderr[-300:]


class TestTrendChart:
    """viz/trend_chart.py: small offline SVG line charts of a trend."""

    def test_a_month_with_nothing_known_breaks_the_line(self):
        from viz.trend_chart import line_chart

        svg = line_chart("t", "Bus factor", ["2026-01", "2026-02", "2026-03", "2026-04"],
                         {"bus factor": [1, None, 2, 3]})
        # runs: [Jan] and [Mar, Apr]: two polylines, three dots; y from 0 to the largest value, 3
        assert svg.count("<polyline") == 2 and svg.count("<circle") == 3 and ">3</text>" in svg
        assert "<script" not in svg

    def test_a_chart_with_nothing_known_says_why(self):
        import datetime as dt
        from graphcrm.analysis.trends import PortfolioPoint
        from graphcrm.over_time import PortfolioTrend
        from viz.trend_chart import line_chart, portfolio_chart

        assert "history begins later" in line_chart("t", "Bus factor", ["2026-01", "2026-02"], {"b": [None, None]})
        assert "history begins later" not in line_chart("t", "Bus factor", ["2026-01", "2026-02"], {"b": [None, 0]})
        # a portfolio month with no account known is a gap, not a zero: a store without history says so
        months = [PortfolioPoint(month=m, as_of=dt.date.fromisoformat(f"{m}-28")) for m in ("2026-01", "2026-02")]
        svg = portfolio_chart(PortfolioTrend(months=months))
        assert "history begins later" in svg and "<polyline" not in svg
        months[1] = months[1].model_copy(update={"accounts": 3, "held_by_one": 1})
        svg = portfolio_chart(PortfolioTrend(months=months))
        assert "history begins later" not in svg and svg.count("<circle") == 2  # February: both lines

    def test_names_are_escaped(self):
        from viz.trend_chart import line_chart

        svg = line_chart("t", "<b>x</b>", ["2026-01"], {"<i>y</i>": [0.5]}, top=1.0, percent=True)
        assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;i&gt;" in svg and "50%" in svg


def test_the_review_workbook_keeps_text_that_looks_like_a_formula_as_text(chain_view):
    """A contact named like a formula is written as that exact text: not a formula,
    and not altered (no apostrophe put in front)."""
    from io import BytesIO

    from openpyxl import load_workbook

    from graphcrm.review import ReviewPack
    from graphcrm.views import flag_chips
    from viz.review import review_xlsx

    formula = '=HYPERLINK("http://x","y")'
    chain = [m.model_copy(update={"name": formula}) if m.contact_id == "c1" else m
             for m in chain_view.report.decision_chain]
    view = chain_view.model_copy(update={"report": chain_view.report.model_copy(update={"decision_chain": chain})})
    book = load_workbook(BytesIO(review_xlsx(ReviewPack(account_name="Acme", view=view, chips=flag_chips(view),
                                                        gaps=[], plans=[]))))
    cells = [c for row in book["Decision chain"].iter_rows(min_row=2) for c in row if c.value == formula]
    assert len(cells) == 1 and cells[0].data_type == "s"
