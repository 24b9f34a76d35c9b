"""What the graph pages show, worked out here so that ``viz/`` only draws.

Each view is a pydantic model built from the analyses' reports and the account
graph: the people and links to draw, with every fact a tooltip or colour needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.coverage import CoverageReport, coverage_check
from graphcrm.analysis.completeness import AccountCompleteness, completeness
from graphcrm.analysis.depth import (
    Depths, account_key_contacts, account_required_depths, depths, open_bids, stances, status,
)
from graphcrm.analysis.plans import PlanStatus, plan_statuses
from graphcrm.analysis.gaps import GapsReport, gaps
from graphcrm.analysis.influence import InfluenceReport, influence
from graphcrm.errors import NotFound
from graphcrm.graph import build_graph, nodes_of
from graphcrm.analysis.departure import DepartureReport
from graphcrm.analysis.stale_soon import DEFAULT_WITHIN, stale_soon
from graphcrm.over_time import StaleSoonReport
from graphcrm.model import STANCE_NAMES, Account, Contact, Rep
from graphcrm.policy import Policy
from graphcrm.portfolio import PortfolioGroup, PortfolioSummary, groups as portfolio_groups
from graphcrm.services import PathsReport, RisksReport, departure, paths_report, risks
from graphcrm.store.port import GraphStore

__all__ = [
    "Person", "RepNode", "Link", "GraphView", "UnitNode", "AccountView", "PortfolioView",
    "decision_chain_view", "account_view", "portfolio_view", "portfolio_map_view", "MAP_ACCOUNTS", "bid_view", "account_map_view",
    "AccountPage", "account_page", "BidPage", "bid_page", "FlagChip", "flag_chips", "names_in", "ContactView", "contact_view", "RepView", "rep_view",
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
    names: dict[str, str] = {}
    """The name of every contact and rep of the account, by id (warm paths and
    red flags name people outside the chain too)."""


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
    groups: list[PortfolioGroup] = []
    """The aggregated map: one node per region or parent group (then no accounts are drawn)."""
    by: Literal["region", "group"] | None = None
    """What ``groups`` count by, or what the drawn accounts were chosen by (with ``key``)."""
    key: str | None = None
    """The region or group whose accounts are drawn (a drill-down)."""
    hidden: int = 0
    """Accounts of the selection not drawn (beyond ``MAP_ACCOUNTS``, the least risky)."""
    held_by_one: int | None = None
    """Accounts of the selection held by one person (None: count the drawn ones)."""


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


class FlagPerson(BaseModel):
    id: str
    name: str
    note: str | None = None
    """What makes them part of the flag when the flag's name does not say it
    (for ``opponent``: their stance, "sceptic" or "opponent")."""


class FlagChip(BaseModel):
    """A red flag of a bid as a page shows it: what it means, by name."""

    flag: str
    label: str
    detail: str
    people: list[FlagPerson]


FLAG_LABELS = {"opponent": "against us"}
"""Flags whose name would misname some of their people: ``opponent`` holds every
key contact with stance < 0, sceptics (−1) as well as opponents (−2)."""


def flag_chips(view: GraphView) -> list[FlagChip]:
    """The bid's red flags with the names of the people in each."""
    stances = {m.contact_id: m.stance for m in view.report.decision_chain}
    chips = []
    for f in view.report.red_flags:
        people = [FlagPerson(id=c, name=view.names.get(c, c),
                             note=STANCE_NAMES[stances[c]] if f.flag == "opponent" and stances.get(c) is not None
                             else None) for c in f.contact_ids]
        chips.append(FlagChip(flag=f.flag, label=FLAG_LABELS.get(f.flag, f.flag.replace("_", " ")),
                              detail=f.detail, people=people))
    return chips


def names_in(g: nx.MultiDiGraph) -> dict[str, str]:
    """The name of every contact and rep of a graph, by id."""
    return {id_: a["name"] for (label, id_), a in g.nodes(data=True) if label in ("Contact", "Rep")}


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
                     as_of=as_of, people=people, reps=_reps(g, links), links=links, report=report,
                     names=names_in(g))


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
    required_of = account_required_depths(g, policy)
    people = []
    for c, a in nodes_of(g, "Contact"):
        required = required_of[c]
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
    accounts, _ = store.page(Account, scope=account_ids, limit=1_000_000)
    return _account_level(report, store.reps(), {a.id: a.annual_revenue or 0.0 for a in accounts})


def _account_level(report: RisksReport, reps: dict[str, Rep], revenue: dict[str, float], **more) -> PortfolioView:
    covered = {a.account_id: a.covered_key_contacts for a in report.accounts}
    holds: dict[tuple[str, str], int] = {}
    for a in report.accounts:
        for holders in a.holders.values():
            for r in holders:
                holds[(r, a.account_id)] = holds.get((r, a.account_id), 0) + 1
    held_by = {r for r, _ in holds}
    return PortfolioView(
        title="Portfolio — who holds which account", as_of=report.as_of, risks=report,
        reps=[RepNode(id=r.id, name=r.name, role=r.role, active=r.active)
              for r in sorted(reps.values(), key=lambda r: r.id) if r.id in held_by],
        revenue=revenue,
        holds=[Link(type="HOLDS", source=r, target=a, strength=n / max(1, covered[a]))
               for (r, a), n in sorted(holds.items())], **more)


MAP_ACCOUNTS = 300
"""Most accounts the portfolio map draws one by one; above, it counts them by region
(or draws the riskiest of a drilled-down group)."""


def portfolio_map_view(summary: PortfolioSummary, reps: dict[str, Rep], by: Literal["region", "group"] | None = None,
                       key: str | None = None) -> PortfolioView:
    """The portfolio map at any size: up to ``MAP_ACCOUNTS`` accounts drawn one by
    one; a larger portfolio (or ``by`` without ``key``) aggregated by region or
    parent group, with counts; ``key`` drills down to one region's or group's
    accounts (the riskiest ``MAP_ACCOUNTS`` of them drawn)."""
    rows = summary.rows
    if key is not None:
        by = by or "region"
        rows = [r for r in rows if (r.region if by == "region" else r.group_id) == key]
    elif by is None and len(rows) > MAP_ACCOUNTS:
        by = "region"
    held = sum(r.risk.held_by_one for r in rows)
    if key is None and by is not None:
        found, _ = portfolio_groups(rows, by, summary.groups)
        return PortfolioView(title=f"Portfolio — accounts by {'region' if by == 'region' else 'parent group'}",
                             as_of=summary.as_of, risks=RisksReport(as_of=summary.as_of, accounts=[]), reps=[],
                             revenue={}, holds=[], groups=found, by=by, held_by_one=held)
    shown = rows[:MAP_ACCOUNTS]
    view = _account_level(RisksReport(as_of=summary.as_of, accounts=[r.risk for r in shown]), reps,
                          {r.risk.account_id: r.revenue for r in shown},
                          by=by, key=key, hidden=len(rows) - len(shown), held_by_one=held)
    if key is not None:
        name = key if by == "region" else summary.groups.get(key, key)
        view.title = f"Portfolio — {'region' if by == 'region' else 'group'} {name}: who holds which account"
    return view


def bid_view(store: GraphStore, bid_id: str, as_of: dt.date, policy: Policy) -> GraphView:
    return decision_chain_view(_bid_graph(store, bid_id), bid_id, as_of, policy)


def _bid_graph(store: GraphStore, bid_id: str) -> nx.MultiDiGraph:
    g = store.bid_graph(bid_id)
    if g is None:
        raise NotFound("bid", bid_id)
    return g


class BidPage(BaseModel):
    """The web UI's bid page: its decision chain and check, and its key
    relationships going stale soon."""

    view: GraphView
    stale: StaleSoonReport


def bid_page(store: GraphStore, bid_id: str, as_of: dt.date, policy: Policy) -> BidPage:
    """The bid page's analyses from one read of its graph."""
    g = _bid_graph(store, bid_id)
    return BidPage(view=decision_chain_view(g, bid_id, as_of, policy),
                   stale=StaleSoonReport(as_of=as_of, within_days=DEFAULT_WITHIN,
                                         relationships=stale_soon(g, as_of, policy, DEFAULT_WITHIN, bid_id=bid_id)))


class FeedbackLine(BaseModel):
    id: str
    date: dt.date
    kind: str
    severity: str | None
    status: str
    closed: dt.date | None
    contact_id: str | None
    summary: str | None


class AccountPage(BaseModel):
    """The web UI's account page: its gaps by layer, its influence ranking, the
    key relationships going stale soon, its plans, feedback, completeness, the
    last activity of each kind, and its key contacts placed by intimacy (best
    depth) and support (stance)."""

    gaps: GapsReport
    influence: InfluenceReport
    stale: StaleSoonReport
    plans: list[PlanStatus] = []
    feedback: list[FeedbackLine] = []
    completeness: AccountCompleteness | None = None
    last_activity: dict[str, dt.date] = {}
    key_people: list[Person] = []
    names: dict[str, str] = {}


def _last_activity(g: nx.MultiDiGraph, as_of: dt.date) -> dict[str, dt.date]:
    """Activity kind → the day of the account's latest activity of that kind on or before ``as_of``."""
    last: dict[str, dt.date] = {}
    for _, a in nodes_of(g, "Activity"):
        kind = str(a["kind"])
        if a["date"] <= as_of and (kind not in last or last[kind] < a["date"]):
            last[kind] = a["date"]
    return dict(sorted(last.items()))


def _key_people(g: nx.MultiDiGraph, d: Depths, scores: dict, policy: Policy) -> list[Person]:
    """The account's key contacts with their support: their own stance, or the one
    given on a role of theirs in an open bid (the latest bid id wins)."""
    support = stances(g)
    for b in sorted(open_bids(g)):
        support.update(stances(g, b))
    people = []
    for c in sorted(account_key_contacts(g)):
        a = g.nodes[("Contact", c)]
        best = d.best(c)
        people.append(Person(id=c, name=a["name"], title=a.get("title"), level=a.get("level"), role="key contact",
                             stance=support.get(c), key=True, status=status(best, policy.key_required_depth),
                             opponent=support.get(c, 0) < 0, best_depth=best,
                             required_depth=policy.key_required_depth, influence=scores[c].score))
    return people


def account_page(store: GraphStore, account_id: str, as_of: dt.date, policy: Policy) -> AccountPage:
    """What the account page shows, from one read of its graph (a big account's
    graph takes longer to read and build than all the analyses)."""
    g = store.account_graph(account_id)
    if g is None:
        raise NotFound("account", account_id)
    d = depths(g, as_of, policy)
    ranking = influence(g, policy)
    scores = {e.contact_id: e for e in ranking.ranking}
    feedback = sorted((FeedbackLine(**{k: a.get(k) for k in FeedbackLine.model_fields})
                       for _, a in nodes_of(g, "Feedback")), key=lambda f: (f.status != "open", -f.date.toordinal()))
    return AccountPage(gaps=gaps(g, as_of, policy), influence=ranking, plans=plan_statuses(g, d, as_of),
                       feedback=feedback, completeness=completeness(g, d), last_activity=_last_activity(g, as_of),
                       key_people=_key_people(g, d, scores, policy), names=names_in(g),
                       stale=StaleSoonReport(as_of=as_of, within_days=DEFAULT_WITHIN,
                                             relationships=stale_soon(g, as_of, policy, DEFAULT_WITHIN)))


def account_map_view(store: GraphStore, account_id: str, as_of: dt.date, policy: Policy) -> AccountView:
    g = store.account_graph(account_id)
    if g is None:
        raise NotFound("account", account_id)
    return account_view(g, as_of, policy)


# --- the web UI's contact panel and rep page -----------------------------------------


class Knows(BaseModel):
    """One of our reps' relationship with a contact, as the panel lists it."""

    rep_id: str
    rep_name: str
    active: bool
    depth: int
    effective_depth: int
    since: dt.date | None
    last_contact: dt.date | None


class InfluenceLine(BaseModel):
    source_id: str
    target_id: str
    other_id: str
    other_name: str
    strength: float
    kind: str | None


class ChainRole(BaseModel):
    bid_id: str
    bid_name: str
    stage: str
    role: str
    stance: int | None


class ContactView(BaseModel):
    """A contact's panel: who they are, who of ours knows them how well, whom
    they influence and report to, their roles in bids, and the ways in."""

    contact: Contact
    account_name: str
    unit_name: str | None
    managers: list[FlagPerson]
    """Their reporting line upwards: their manager first (a loop stops it)."""
    reports: list[FlagPerson]
    knows: list[Knows]
    influences: list[InfluenceLine]
    influenced_by: list[InfluenceLine]
    roles: list[ChainRole]
    paths: PathsReport
    names: dict[str, str]


def contact_view(store: GraphStore, contact_id: str, as_of: dt.date, policy: Policy) -> ContactView:
    """The panel of one contact, as of ``as_of``."""
    contact = store.get(Contact, contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    data = store.account_data(contact.account_id)
    reps = {r.id: r for r in data.reps}  # the reps who touch the account
    g = build_graph(data, contact.account_id)
    paths = paths_report(g, contact, as_of, policy)
    people = {c.id: c for c in data.contacts}
    names = {**{c.id: c.name for c in data.contacts}, **{r.id: r.name for r in reps.values()}}
    d = depths(g, as_of, policy)
    managers, seen, up = [], {contact_id}, contact.reports_to
    while up and up in people and up not in seen:
        managers.append(FlagPerson(id=up, name=people[up].name, note=people[up].title))
        seen.add(up)
        up = people[up].reports_to
    knows = sorted(
        (Knows(rep_id=k.rep_id, rep_name=names.get(k.rep_id, k.rep_id), active=reps[k.rep_id].active,
               depth=k.depth, effective_depth=d.effective.get(contact_id, {}).get(k.rep_id, 0),
               since=k.since, last_contact=k.last_contact)
         for k in data.relationships if k.contact_id == contact_id and k.rep_id in reps),
        key=lambda k: (not k.active, -k.effective_depth, k.rep_name))

    def line(i, other: str) -> InfluenceLine:
        return InfluenceLine(source_id=i.source_id, target_id=i.target_id, other_id=other,
                             other_name=names.get(other, other), strength=i.strength, kind=i.kind)

    bids = {b.id: b for b in data.bids}
    return ContactView(
        contact=contact, account_name=data.accounts[0].name,
        unit_name=next((u.name for u in data.units if u.id == contact.unit_id), None),
        managers=managers,
        reports=[FlagPerson(id=c.id, name=c.name, note=c.title) for c in data.contacts if c.reports_to == contact_id],
        knows=knows,
        influences=[line(i, i.target_id) for i in data.influences if i.source_id == contact_id],
        influenced_by=[line(i, i.source_id) for i in data.influences if i.target_id == contact_id],
        roles=[ChainRole(bid_id=r.bid_id, bid_name=bids[r.bid_id].name, stage=bids[r.bid_id].stage, role=r.role,
                         stance=r.stance) for r in data.bid_roles if r.contact_id == contact_id and r.bid_id in bids],
        paths=paths, names=names)


class RepView(BaseModel):
    """The rep page: the departure report with the names of the people in it."""

    report: DepartureReport
    names: dict[str, str]


def rep_view(store: GraphStore, rep_id: str, as_of: dt.date, policy: Policy,
             account_ids: list[str] | None = None) -> RepView:
    report = departure(store, rep_id, as_of, policy, account_ids=account_ids)
    ids = {(c,) for a in report.accounts
           for c in (*a.orphaned_contacts, *a.uncovered_key_contacts, *(s.contact_id for s in a.successors))}
    names = {k[0]: c.name for k, c in store.get_many(Contact, ids).items()}
    return RepView(report=report, names={**names, **{r.id: r.name for r in store.reps().values()}})
