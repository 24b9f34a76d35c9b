"""The pre-tender coverage check of a bid: decision chain, red flags, uncovered
decision-makers with warm paths, bus factor and gaps (docs/design.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.completeness import AccountCompleteness, completeness
from graphcrm.analysis.dependency import bus_factor, departing_reps, key_holders
from graphcrm.analysis.depth import Depths, Status, chain, depths, is_key_role, stances, status
from graphcrm.analysis.feedback import feedback_of, feedback_summary
from graphcrm.analysis.plans import plan_statuses
from graphcrm.analysis.gaps import Layers, layers
from graphcrm.analysis.paths import WarmPath, contact_links, warm_paths
from graphcrm.errors import NotFound
from graphcrm.graph import bid as bid_node
from graphcrm.model import BidRoleName, BidStage
from graphcrm.policy import Policy

__all__ = ["RepLink", "ChainMember", "Uncovered", "RedFlag", "CoverageReport", "coverage_check", "RED_FLAGS"]

RED_FLAGS = (
    "uncovered_key_contact", "opponent", "no_champion", "missing_role", "unknown_stance",
    "stale_key_relationship", "single_threaded", "overdue_plan", "open_complaint",
)


class RepLink(BaseModel):
    """One of our reps' relationship with a contact; ``last_contact`` as of the
    check's day (``graphcrm.analysis.depth.last_contacts``)."""

    rep_id: str
    rep_name: str
    depth: int
    effective_depth: int
    last_contact: dt.date | None


class ChainMember(BaseModel):
    """A contact in the bid's decision chain, with their coverage."""

    contact_id: str
    name: str
    title: str | None
    level: str | None
    unit_id: str | None
    unit_name: str | None
    role: str
    influence: str | None
    stance: int | None
    key: bool
    status: Status
    opponent: bool
    best_depth: int
    required_depth: int
    holders: list[str]
    relationships: list[RepLink]


class Uncovered(BaseModel):
    """A key contact nobody on our side knows well enough, and how to reach them."""

    contact_id: str
    name: str
    title: str | None
    role: str
    status: Status
    best_depth: int
    required_depth: int
    warm_paths: list[WarmPath]


class RedFlag(BaseModel):
    flag: str
    contact_ids: list[str]
    detail: str


class CoverageReport(BaseModel):
    """``check --json``: the pre-tender coverage check of one bid."""

    bid_id: str
    bid_name: str
    account_id: str
    stage: str
    tender_date: dt.date | None
    as_of: dt.date
    bus_factor: int
    red_flags: list[RedFlag]
    uncovered: list[Uncovered]
    decision_chain: list[ChainMember]
    gaps: Layers
    missing_last_contact: list[tuple[str, str]]
    """(rep_id, contact_id) of chain relationships whose last contact is not known
    as of the day: they do not decay, but nobody knows how fresh they are."""
    completeness: AccountCompleteness | None = None
    """How complete the account's information is: how far a reviewer can trust the check."""


def _member(g: nx.MultiDiGraph, c: str, role: dict[str, Any], d: Depths, policy: Policy) -> ChainMember:
    attrs = g.nodes[("Contact", c)]
    key = is_key_role(role)
    required = policy.required_depth(key=key, in_chain=True)
    best = d.best(c)
    stance = role.get("stance") if role.get("stance") is not None else attrs.get("stance")
    unit = attrs.get("unit_id")
    links = []
    for (_, r), _, k, data in g.in_edges(("Contact", c), keys=True, data=True):
        if k == "KNOWS" and (r, c) in d.last_contact:  # the relationships that exist as of the day
            links.append(RepLink(rep_id=r, rep_name=g.nodes[("Rep", r)]["name"], depth=data["depth"],
                                 effective_depth=d.effective.get(c, {}).get(r, 0),
                                 last_contact=d.last_contact.get((r, c))))
    links.sort(key=lambda x: (-x.effective_depth, x.rep_id))
    return ChainMember(
        contact_id=c, name=attrs["name"], title=attrs.get("title"), level=attrs.get("level"),
        unit_id=unit, unit_name=g.nodes[("Unit", unit)]["name"] if ("Unit", unit) in g else None,
        role=str(role["role"]), influence=role.get("influence"), stance=stance, key=key,
        status=status(best, required), opponent=key and stance is not None and stance < 0,
        best_depth=best, required_depth=required, holders=d.holders(c, required), relationships=links,
    )


def _flags(g: nx.MultiDiGraph, bid_id: str, members: list[ChainMember], d: Depths, factor: int,
           holders: dict[str, list[str]], as_of: dt.date, policy: Policy) -> list[RedFlag]:
    keys = [m for m in members if m.key]
    flags = []

    def flag(name: str, contacts: list[ChainMember] | list[str], detail: str) -> None:
        ids = [c if isinstance(c, str) else c.contact_id for c in contacts]
        flags.append(RedFlag(flag=name, contact_ids=ids, detail=detail))

    weak = [m for m in keys if m.status != "covered"]
    if weak:
        flag("uncovered_key_contact", weak, f"{len(weak)} key contact(s) not known at depth {policy.key_required_depth}")
    opponents = [m for m in keys if m.opponent]
    if opponents:
        flag("opponent", opponents, "key contact(s) against us")
    if not any(m.stance == 2 or m.role == BidRoleName.coach for m in members):
        flag("no_champion", [], "nobody in the decision chain is a champion (+2) or our coach")
    roles = {m.role for m in members}
    missing = [r for r in (BidRoleName.decision_maker, BidRoleName.approver) if r not in roles]
    if missing:
        flag("missing_role", [], f"no {' and no '.join(missing)} identified yet")
    unknown = [m for m in keys if m.stance is None]
    if unknown:
        flag("unknown_stance", unknown, "key contact(s) whose stance nobody has assessed")
    stale = [m for m in keys if m.best_depth < m.required_depth <= d.raw_best(m.contact_id)]
    if stale:
        flag("stale_key_relationship", stale, "covered on paper, but the relationship has gone stale")
    if factor == 1:
        gone = departing_reps(holders)
        lost = sorted(c for c, h in holders.items() if set(h) <= set(gone))
        flag("single_threaded", lost, f"one rep ({', '.join(gone)}) holds half or more of the covered key contacts")
    if BidStage(g.nodes[bid_node(bid_id)]["stage"]).is_open:
        key_ids = {m.contact_id for m in keys}
        late = sorted({p.contact_id for p in plan_statuses(g, d, as_of) if p.status == "overdue"
                       and p.contact_id in key_ids})
        if late:
            flag("overdue_plan", late, "a relationship plan on key contact(s) is overdue")
        complaints = feedback_summary(feedback_of(g), as_of, policy).open_high_complaints
        if complaints:
            who = sorted({c for f, c in ((f, g.nodes[("Feedback", f)].get("contact_id")) for f in complaints) if c})
            flag("open_complaint", who, f"the account has {len(complaints)} open high-severity complaint(s): "
                                        f"{', '.join(complaints)}")
    return flags


def coverage_check(g: nx.MultiDiGraph, bid_id: str, as_of: dt.date, policy: Policy) -> CoverageReport:
    """The pre-tender coverage check of ``bid_id`` on its account graph.

    Parameters
    ----------
    g : MultiDiGraph
        The account graph of the bid (``GraphStore.bid_graph``).
    bid_id : str
    as_of : date
        The day the relationships are judged on (staleness).
    policy : Policy

    Returns
    -------
    CoverageReport
        Red flags first, then the key contacts that are weak or uncovered with
        their strongest warm paths, the whole chain, the bus factor and the gaps.

    Raises
    ------
    NotFound
        ``bid_id`` is not a bid of this graph.
    """
    node = bid_node(bid_id)
    if node not in g:
        raise NotFound("bid", bid_id)
    d = depths(g, as_of, policy)
    roles = chain(g, bid_id)
    members = sorted((_member(g, c, r, d, policy) for c, r in roles.items()),
                     key=lambda m: (not m.key, m.status == "covered", m.contact_id))
    keys = {m.contact_id for m in members if m.key}
    holders = key_holders(d, keys, policy)
    factor = bus_factor(holders.values())
    links = contact_links(g, policy)
    stance = stances(g, bid_id)
    uncovered = [
        Uncovered(contact_id=m.contact_id, name=m.name, title=m.title, role=m.role, status=m.status,
                  best_depth=m.best_depth, required_depth=m.required_depth,
                  warm_paths=warm_paths(g, m.contact_id, d, policy, links, stance))
        for m in members if m.key and m.status != "covered"
    ]
    bid = g.nodes[node]
    return CoverageReport(
        bid_id=bid_id, bid_name=bid["name"], account_id=g.graph["account_id"], stage=str(bid["stage"]),
        tender_date=bid.get("tender_date"), as_of=as_of, bus_factor=factor,
        red_flags=_flags(g, bid_id, members, d, factor, holders, as_of, policy), uncovered=uncovered,
        decision_chain=members, gaps=layers(g, d, keys, as_of, policy),
        missing_last_contact=[(r, c) for r, c in d.missing_last_contact if c in roles],
        completeness=completeness(g, d),
    )
