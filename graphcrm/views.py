"""What the graph pages show, worked out here so that ``viz/`` only draws.

Each view is a pydantic model built from the analyses' reports and the account
graph: the people and links to draw, with every fact a tooltip or colour needs.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.coverage import CoverageReport, coverage_check
from graphcrm.analysis.depth import Depths, account_key_contacts, account_required_depth, depths, status
from graphcrm.analysis.gaps import GapsReport, gaps
from graphcrm.analysis.influence import InfluenceReport, influence
from graphcrm.errors import NotFound
from graphcrm.graph import nodes_of
from graphcrm.model import Account, Rep
from graphcrm.policy import Policy
from graphcrm.services import RisksReport, risks
from graphcrm.store.port import GraphStore

__all__ = [
    "Person", "RepNode", "Link", "GraphView", "UnitNode", "AccountView", "PortfolioView",
    "decision_chain_view", "account_view", "portfolio_view", "bid_view", "account_map_view",
]


class Person(BaseModel):
    """A customer contact on a page."""

    id: str
    name: str
    title: str | None = None
    level: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None
    role: str | None = None
    stance: int | None = None
    key: bool = False
    status: str
    opponent: bool = False
    best_depth: int
    required_depth: int
    holders: list[str] = []
    last_contact: dt.date | None = None
    influence: float = 0.0
    hidden_influencer: bool = False


class RepNode(BaseModel):
    id: str
    name: str
    role: str | None = None
    active: bool = True


class Link(BaseModel):
    """An edge: ``KNOWS`` (rep → contact), ``INFLUENCES``, ``REPORTS_TO`` or ``HOLDS``."""

    type: str
    source: str
    target: str
    depth: int | None = None
    effective_depth: int | None = None
    stale: bool = False
    strength: float | None = None


class GraphView(BaseModel):
    """A bid's decision chain: its people, our reps who know them, and the links."""

    title: str
    subtitle: str
    as_of: dt.date
    people: list[Person]
    reps: list[RepNode]
    links: list[Link]
    report: CoverageReport


class UnitNode(BaseModel):
    id: str
    name: str
    kind: str
    parent_id: str | None
    dark: bool


class AccountView(BaseModel):
    title: str
    subtitle: str
    as_of: dt.date
    units: list[UnitNode]
    people: list[Person]
    reps: list[RepNode]
    links: list[Link]
    gaps: GapsReport
    influence: InfluenceReport


class PortfolioView(BaseModel):
    title: str
    as_of: dt.date
    risks: RisksReport
    reps: list[RepNode]
    revenue: dict[str, float]
    holds: list[Link]
    """rep → account, ``strength`` = the rep's share of the key contacts the account's holders hold."""


def _links(g: nx.MultiDiGraph, contact_ids: set[str], d, policy: Policy) -> list[Link]:
    links = []
    for (ul, u), (vl, v), key, data in g.edges(keys=True, data=True):
        if key == "KNOWS" and v in contact_ids and (u, v) in d.last_contact and g.nodes[(ul, u)].get("active", True):
            eff = d.effective.get(v, {}).get(u, 0)
            links.append(Link(type=key, source=u, target=v, depth=data["depth"], effective_depth=eff,
                              stale=eff < data["depth"]))
        elif key in ("INFLUENCES", "REPORTS_TO") and u in contact_ids and v in contact_ids:
            links.append(Link(type=key, source=u, target=v,
                              strength=data["strength"] if key == "INFLUENCES" else policy.reports_to_strength))
    return sorted(links, key=lambda link: (link.type, link.source, link.target))


def _reps(g: nx.MultiDiGraph, links: list[Link]) -> list[RepNode]:
    ids = sorted({link.source for link in links if link.type == "KNOWS"})
    return [RepNode(id=r, name=g.nodes[("Rep", r)]["name"], role=g.nodes[("Rep", r)].get("role"),
                    active=g.nodes[("Rep", r)].get("active", True)) for r in ids]


def _last_contacts(d: Depths) -> dict[str, dt.date]:
    """Contact id → the latest last contact of any rep with them, as of the
    day of ``d`` (``graphcrm.analysis.depth.last_contacts``); unknown ones left out."""
    latest: dict[str, dt.date] = {}
    for (_, c), day in d.last_contact.items():
        if day is not None and (c not in latest or latest[c] < day):
            latest[c] = day
    return latest


def decision_chain_view(g: nx.MultiDiGraph, bid_id: str, as_of: dt.date, policy: Policy) -> GraphView:
    """The decision chain of a bid, ready to draw."""
    report = coverage_check(g, bid_id, as_of, policy)
    scores = {e.contact_id: e for e in influence(g, policy).ranking}
    d = depths(g, as_of, policy)
    last = _last_contacts(d)
    people = [
        Person(id=m.contact_id, name=m.name, title=m.title, level=m.level, unit_id=m.unit_id,
               unit_name=m.unit_name, role=m.role, stance=m.stance, key=m.key, status=m.status,
               opponent=m.opponent, best_depth=m.best_depth, required_depth=m.required_depth,
               holders=m.holders, last_contact=last.get(m.contact_id),
               influence=scores[m.contact_id].score, hidden_influencer=scores[m.contact_id].hidden_influencer)
        for m in report.decision_chain
    ]
    links = _links(g, {p.id for p in people}, d, policy)
    return GraphView(title=f"{report.bid_name} — decision chain",
                     subtitle=f"{g.nodes[('Account', report.account_id)]['name']} · stage {report.stage} · "
                              f"tender {report.tender_date or 'not set'} · as of {as_of}",
                     as_of=as_of, people=people, reps=_reps(g, links), links=links, report=report)


def account_view(g: nx.MultiDiGraph, as_of: dt.date, policy: Policy) -> AccountView:
    """All contacts of an account by unit, dark units and hidden influencers marked."""
    account_id = g.graph["account_id"]
    gaps_report = gaps(g, as_of, policy)
    influence_report = influence(g, policy)
    scores = {e.contact_id: e for e in influence_report.ranking}
    d = depths(g, as_of, policy)
    last = _last_contacts(d)
    keys = account_key_contacts(g)
    units = {u: a for u, a in nodes_of(g, "Unit")}
    people = []
    for c, a in nodes_of(g, "Contact"):
        required = account_required_depth(g, c, policy)
        best = d.best(c)
        people.append(Person(
            id=c, name=a["name"], title=a.get("title"), level=a.get("level"), unit_id=a.get("unit_id"),
            unit_name=units.get(a.get("unit_id"), {}).get("name"), key=c in keys, status=status(best, required),
            best_depth=best, required_depth=required, holders=d.holders(c, required),
            last_contact=last.get(c), influence=scores[c].score,
            hidden_influencer=scores[c].hidden_influencer))
    links = _links(g, {p.id for p in people}, d, policy)
    dark = set(gaps_report.layers.general.dark_units)
    account = g.nodes[("Account", account_id)]
    return AccountView(
        title=f"{account['name']} — account map",
        subtitle=f"tier {account['tier']} · {len(people)} contacts · {len(dark)} dark unit(s) · as of {as_of}",
        as_of=as_of,
        units=[UnitNode(id=u, name=a["name"], kind=str(a["kind"]), parent_id=a.get("parent_unit_id"), dark=u in dark)
               for u, a in units.items()],
        people=people, reps=_reps(g, links), links=links, gaps=gaps_report, influence=influence_report)


def portfolio_view(store: GraphStore, as_of: dt.date, policy: Policy,
                   account_ids: list[str] | None = None) -> PortfolioView:
    """Accounts linked to the reps who hold their key contacts."""
    report = risks(store, as_of, policy, jobs=1, account_ids=account_ids)
    covered = {a.account_id: a.covered_key_contacts for a in report.accounts}
    holds: dict[tuple[str, str], int] = {}
    for a in report.accounts:
        for reps in a.holders.values():
            for r in reps:
                holds[(r, a.account_id)] = holds.get((r, a.account_id), 0) + 1
    held_by = {r for r, _ in holds}
    reps, _ = store.page(Rep, limit=1_000_000)
    accounts, _ = store.page(Account, scope=account_ids, limit=1_000_000)
    return PortfolioView(
        title="Portfolio — who holds which account", as_of=as_of, risks=report,
        reps=[RepNode(id=r.id, name=r.name, role=r.role, active=r.active) for r in reps if r.id in held_by],
        revenue={a.id: a.annual_revenue or 0.0 for a in accounts},
        holds=[Link(type="HOLDS", source=r, target=a, strength=n / max(1, covered[a]))
               for (r, a), n in sorted(holds.items())])


def bid_view(store: GraphStore, bid_id: str, as_of: dt.date, policy: Policy) -> GraphView:
    g = store.bid_graph(bid_id)
    if g is None:
        raise NotFound("bid", bid_id)
    return decision_chain_view(g, bid_id, as_of, policy)


def account_map_view(store: GraphStore, account_id: str, as_of: dt.date, policy: Policy) -> AccountView:
    g = store.account_graph(account_id)
    if g is None:
        raise NotFound("account", account_id)
    return account_view(g, as_of, policy)
