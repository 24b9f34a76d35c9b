"""Relationship depth and coverage: the definitions every other analysis builds on.

docs/design.md §3: effective depth (decay with staleness), best depth and holders of a
contact, key contacts of a bid and of an account, required depth, coverage status;
and a pair's last contact as of a day (issue 19), which staleness is judged on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from graphcrm.graph import bid as bid_node
from graphcrm.graph import nodes_of
from graphcrm.model import BidRoleName, BidStage, InfluenceLevel, Level
from graphcrm.policy import Policy

__all__ = [
    "effective_depth", "last_contacts", "Depths", "depths", "depths_of_rows", "chain", "bid_key_contacts",
    "account_key_contacts", "status", "Status", "open_bids", "is_key_role", "account_required_depth", "stances",
    "days_before",
]

Status = Literal["covered", "weak", "uncovered"]
_KEY_ROLES = (BidRoleName.decision_maker, BidRoleName.approver)


def effective_depth(depth: int, last_contact: dt.date | None, as_of: dt.date, policy: Policy) -> int:
    """``depth`` less 1 if ``last_contact`` is older than ``stale_after_days``
    before ``as_of``, less 2 if older than twice that; never below 0.

    A missing ``last_contact`` does not decay.

    Examples
    --------
    >>> p, day = Policy(), dt.date(2026, 11, 15)
    >>> effective_depth(3, dt.date(2026, 5, 1), day, p), effective_depth(3, None, day, p)
    (2, 3)
    """
    if last_contact is None:
        return depth
    age = (as_of - last_contact).days
    if age > 2 * policy.stale_after_days:
        depth -= 2
    elif age > policy.stale_after_days:
        depth -= 1
    return max(depth, 0)


def last_contacts(g: nx.MultiDiGraph, as_of: dt.date) -> dict[tuple[str, str], dt.date | None]:
    """The last contact as of ``as_of`` of every ``KNOWS`` pair of ``g`` that exists
    then (``since`` not after ``as_of``): (rep id, contact id) → day.

    A pair's last contact is the latest of the dates of the activities on or
    before ``as_of`` that both attended and of the stored ``last_contact`` if it
    is on or before ``as_of``; None (not known) when there is neither. So the
    answer does not depend on whether a later load of ``relationships.csv``
    overwrote the stored date that an activity had moved forward, nor on
    activities or a stored date after ``as_of``.

    Notes
    -----
    One pass over the activities on or before ``as_of`` (each rep attendee × each
    contact attendee), then one over the ``KNOWS`` edges: never a scan per edge.

    Examples
    --------
    >>> from graphcrm.graph import build_graph
    >>> from graphcrm.model import Account, Activity, Contact, Dataset, Relationship, Rep
    >>> day = dt.date
    >>> g = build_graph(Dataset(
    ...     accounts=[Account(id="a", name="A", tier="B")], contacts=[Contact(id="c", account_id="a", name="C")],
    ...     reps=[Rep(id="r", name="R")],
    ...     relationships=[Relationship(rep_id="r", contact_id="c", depth=3, last_contact=day(2025, 1, 1))],
    ...     activities=[Activity(id="v", date=day(2026, 10, 1), kind="visit", account_id="a",
    ...                          rep_ids=["r"], contact_ids=["c"])]), "a")
    >>> last_contacts(g, day(2026, 11, 15)), last_contacts(g, day(2026, 1, 1)), last_contacts(g, day(2024, 1, 1))
    ({('r', 'c'): datetime.date(2026, 10, 1)}, {('r', 'c'): datetime.date(2025, 1, 1)}, {('r', 'c'): None})
    """
    met = _meetings(g, as_of)
    return {(r, c): _last_contact(met.get((r, c)), data.get("last_contact"), as_of)
            for r, _, c, data in _knows_edges(g, as_of)}


def _knows_edges(g: nx.MultiDiGraph, as_of: dt.date) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(rep id, rep attributes, contact id, edge attributes) of every ``KNOWS`` edge
    that exists as of ``as_of`` (its ``since``, when given, is on or before it), in
    ``g.edges`` order, visiting only the reps' edges (not every edge of the account)."""
    succ = g.succ
    for node, attrs in g.nodes(data=True):
        if node[0] == "Rep":
            for (_, c), edges in succ[node].items():
                if "KNOWS" in edges:
                    data = edges["KNOWS"]
                    since = data.get("since")
                    if since is None or since <= as_of:
                        yield node[1], attrs, c, data


def _meetings(g: nx.MultiDiGraph, as_of: dt.date) -> dict[tuple[str, str], dt.date]:
    """(rep id, contact id) → the latest activity on or before ``as_of`` both attended."""
    met: dict[tuple[str, str], dt.date] = {}
    pred = g.pred
    for node, attrs in g.nodes(data=True):
        if node[0] != "Activity" or attrs.get("date") is None or attrs["date"] > as_of:
            continue
        day = attrs["date"]
        attendees = pred[node]
        reps = [u[1] for u in attendees if u[0] == "Rep"]
        contacts = [u[1] for u in attendees if u[0] == "Contact"] if reps else []
        for r in reps:
            for c in contacts:
                if met.get((r, c), day) <= day:
                    met[(r, c)] = day
    return met


def _last_contact(met: dt.date | None, stored: dt.date | None, as_of: dt.date) -> dt.date | None:
    """The later of a pair's latest meeting and its stored last contact, either
    counting only when on or before ``as_of``; None when neither does."""
    if stored is not None and stored > as_of:
        stored = None
    if met is None or (stored is not None and stored > met):
        return stored
    return met


@dataclass(frozen=True)
class Depths:
    """Per contact, each active rep's effective and raw depth (inactive reps hold nothing).

    Only relationships that exist as of the day count: one whose ``since`` is
    after it does not exist yet (docs/design.md §3.1).

    ``missing_last_contact`` lists ``(rep_id, contact_id)`` of relationships whose
    last contact is not known as of the day (see ``last_contacts``): they do not
    decay, but count as missing information. ``last_contact`` holds that day for
    every ``KNOWS`` pair of the graph that exists as of the day, inactive reps' too.
    """

    effective: dict[str, dict[str, int]]
    raw: dict[str, dict[str, int]]
    missing_last_contact: list[tuple[str, str]] = field(default_factory=list)
    last_contact: dict[tuple[str, str], dt.date | None] = field(default_factory=dict)

    def best(self, contact_id: str) -> int:
        """The maximum effective depth over active reps (0 when nobody knows them)."""
        return max(self.effective.get(contact_id, {}).values(), default=0)

    def raw_best(self, contact_id: str) -> int:
        return max(self.raw.get(contact_id, {}).values(), default=0)

    def holders(self, contact_id: str, required: int) -> list[str]:
        """The active reps whose effective depth reaches ``required``, deepest first."""
        reps = self.effective.get(contact_id, {})
        return sorted((r for r, d in reps.items() if d >= required), key=lambda r: (-reps[r], r))

    def without(self, rep_ids: Iterable[str]) -> Depths:
        """The same relationships with those reps gone (as if inactive)."""
        gone = set(rep_ids)
        return Depths(
            {c: {r: d for r, d in reps.items() if r not in gone} for c, reps in self.effective.items()},
            {c: {r: d for r, d in reps.items() if r not in gone} for c, reps in self.raw.items()},
            [(r, c) for r, c in self.missing_last_contact if r not in gone],
            self.last_contact,
        )


def depths(g: nx.MultiDiGraph, as_of: dt.date, policy: Policy) -> Depths:
    """The effective and raw depth of every active rep's ``KNOWS`` edge in ``g``,
    staleness judged on the pair's last contact as of ``as_of`` (``last_contacts``)."""
    pairs = ((rep_id, rep_attrs.get("active", True), contact_id, data["depth"], data.get("last_contact"))
             for rep_id, rep_attrs, contact_id, data in _knows_edges(g, as_of))
    return _depths(pairs, _meetings(g, as_of), as_of, policy)


def depths_of_rows(rows: Any, as_of: dt.date, policy: Policy) -> Depths:
    """``depths(build_graph(rows, …), as_of, policy)``, computed from an account's
    rows (``graphcrm.graph.AccountRows`` or a ``Dataset``) without building the
    graph: the portfolio scans that need depths but no path through the graph
    (plans, completeness) skip the ``KNOWS`` edges, most of an account's graph.

    As in the graph, a relationship or an attendance counts only when its rep is
    among ``rows.reps`` and its contact among ``rows.contacts``.
    """
    active = {r.id: r.active for r in rows.reps}
    contacts = {c.id for c in rows.contacts}
    met: dict[tuple[str, str], dt.date] = {}
    for a in rows.activities:  # (an attendee outside the rows meets no relationship of them)
        if a.date is None or a.date > as_of:
            continue
        for r in a.rep_ids:
            for c in a.contact_ids:
                if met.get((r, c), a.date) <= a.date:
                    met[(r, c)] = a.date
    pairs = ((k.rep_id, active[k.rep_id], k.contact_id, k.depth, k.last_contact) for k in rows.relationships
             if k.rep_id in active and k.contact_id in contacts and (k.since is None or k.since <= as_of))
    return _depths(pairs, met, as_of, policy)


def _depths(pairs: Iterable[tuple[str, bool, str, int, dt.date | None]], met: dict[tuple[str, str], dt.date],
            as_of: dt.date, policy: Policy) -> Depths:
    """Depths from (rep id, rep active, contact id, depth, stored last contact) of
    each relationship that exists as of the day, and each pair's latest meeting."""
    effective: dict[str, dict[str, int]] = {}
    raw: dict[str, dict[str, int]] = {}
    missing = []
    last: dict[tuple[str, str], dt.date | None] = {}
    for rep_id, active, contact_id, depth, stored in pairs:
        pair = (rep_id, contact_id)
        day = last[pair] = _last_contact(met.get(pair), stored, as_of)
        if not active:
            continue
        raw.setdefault(contact_id, {})[rep_id] = depth
        effective.setdefault(contact_id, {})[rep_id] = effective_depth(depth, day, as_of, policy)
        if day is None:
            missing.append((rep_id, contact_id))
    return Depths(effective, raw, sorted(missing), last)


def chain(g: nx.MultiDiGraph, bid_id: str) -> dict[str, dict[str, Any]]:
    """The decision chain of a bid: contact id → its ``ROLE_IN`` properties."""
    node = bid_node(bid_id)
    if node not in g:
        return {}
    return {c: dict(data) for (_, c), _, key, data in g.in_edges(node, keys=True, data=True)
            if key == "ROLE_IN"}


def is_key_role(role: dict[str, Any]) -> bool:
    """A ``ROLE_IN`` that makes a key contact: decision_maker, approver, or influence high."""
    return role.get("role") in _KEY_ROLES or role.get("influence") == InfluenceLevel.high


def bid_key_contacts(g: nx.MultiDiGraph, bid_id: str) -> set[str]:
    """Key contacts of a bid: role decision_maker or approver, or influence high."""
    return {c for c, role in chain(g, bid_id).items() if is_key_role(role)}


def open_bids(g: nx.MultiDiGraph) -> list[str]:
    """Ids of the bids in ``g`` whose stage is neither won nor lost."""
    return [b for b, data in nodes_of(g, "Bid") if BidStage(data["stage"]).is_open]


def account_key_contacts(g: nx.MultiDiGraph) -> set[str]:
    """Key contacts of an account: the key contacts of its open bids, plus its
    executive-level contacts."""
    keys = {c for c, data in nodes_of(g, "Contact") if data.get("level") == Level.executive}
    for b in open_bids(g):
        keys |= bid_key_contacts(g, b)
    return keys


def key_contacts_of_rows(rows: Any) -> set[str]:
    """``account_key_contacts(build_graph(rows, …))`` from an account's rows
    (``AccountRows`` or a ``Dataset``) without building the graph: its executive
    contacts, and the contacts of its rows whose role in an open bid of its rows
    is key (``is_key_role``)."""
    contacts = {c.id for c in rows.contacts}
    open_ = {b.id for b in rows.bids if BidStage(b.stage).is_open}
    return ({c.id for c in rows.contacts if c.level == Level.executive}
            | {r.contact_id for r in rows.bid_roles
               if r.bid_id in open_ and r.contact_id in contacts and is_key_role(vars(r))})


def account_required_depths(g: nx.MultiDiGraph, policy: Policy) -> dict[str, int]:
    """Every contact's required depth in the account's terms (``account_required_depth``),
    computed once for the graph: the key contacts and the open chains are found once,
    not once per contact (an account page of 2,700 contacts did that: quadratic).

    >>> from graphcrm.graph import build_graph
    >>> from graphcrm.model import Account, Contact, Dataset
    >>> g = build_graph(Dataset(accounts=[Account(id="a", name="A", tier="B")],
    ...     contacts=[Contact(id="c", account_id="a", name="C", level="executive")]), "a")
    >>> account_required_depths(g, Policy())
    {'c': 3}
    """
    keys = account_key_contacts(g)
    in_chain = {c for b in open_bids(g) for c in chain(g, b)}
    return {c: policy.key_required_depth if c in keys else policy.required_depth(key=False, in_chain=c in in_chain)
            for c, _ in nodes_of(g, "Contact")}


def account_required_depth(g: nx.MultiDiGraph, contact_id: str, policy: Policy) -> int:
    """A contact's required depth in the account's terms: key contacts of the
    account need the key depth, members of an open bid's decision chain the chain
    depth, everyone else the base depth."""
    return account_required_depths(g, policy)[contact_id]


def status(best: int, required: int) -> Status:
    """``covered`` (best ≥ required), ``weak`` (0 < best < required), ``uncovered`` (0)."""
    if best >= required:
        return "covered"
    return "weak" if best > 0 else "uncovered"


def stances(g: nx.MultiDiGraph, bid_id: str | None = None) -> dict[str, int]:
    """Each contact's known stance: its own (``contacts.csv``), or in a bid its
    role's stance when that is given; contacts with neither are left out."""
    out = {c: a["stance"] for c, a in nodes_of(g, "Contact") if a.get("stance") is not None}
    if bid_id is not None:
        out.update({c: r["stance"] for c, r in chain(g, bid_id).items() if r.get("stance") is not None})
    return out


def days_before(day: dt.date, days: int) -> dt.date:
    """``day`` less ``days`` days, or the first day there is (an as-of in year 1 is allowed).

    >>> days_before(dt.date(2026, 11, 15), 365), days_before(dt.date(1, 1, 1), 365)
    (datetime.date(2025, 11, 15), datetime.date(1, 1, 1))
    """
    return day - dt.timedelta(days=days) if (day - dt.date.min).days >= days else dt.date.min
