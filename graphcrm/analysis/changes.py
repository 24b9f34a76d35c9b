"""What changed in one account between two days, with the audit entries behind it.

docs/design.md §3.22. The account is compared at the start of the period (as of
its first day, known at the end of it) and at its end (as of the last day, known
at its end): both graphs are rebuilt from the audit trail (``graphcrm.history``).
Each change names the records involved and lists the ids of the audit entries of
the period that touch them; a change with no entry came from time passing (a
relationship aged past its staleness threshold).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.dependency import account_risk
from graphcrm.analysis.depth import Depths, depths, open_bids
from graphcrm.audit import AuditEntry
from graphcrm.policy import Policy

__all__ = ["KeyContactChange", "FlagChange", "WentStale", "TeamChange", "BusFactorChange", "AccountChanges",
           "account_changes"]


class KeyContactChange(BaseModel):
    """A key contact of an open bid that became covered, or stopped being covered (§3.5)."""

    bid_id: str
    contact_id: str
    contact_name: str
    change: Literal["newly_covered", "newly_uncovered"]
    best_depth_before: int | None
    best_depth_after: int
    entries: list[str]


class FlagChange(BaseModel):
    """A red flag (§3.13) of an open bid that appeared or was resolved, with the contacts it concerns."""

    account_id: str
    bid_id: str
    flag: str
    change: Literal["appeared", "resolved"]
    contact_ids: list[str]
    entries: list[str]


class WentStale(BaseModel):
    """A relationship whose effective depth fell while its depth stayed (§3.1)."""

    rep_id: str
    rep_name: str
    contact_id: str
    contact_name: str
    depth: int
    effective_depth_before: int
    effective_depth_after: int
    last_contact: dt.date | None
    entries: list[str]


class TeamChange(BaseModel):
    """A rep who joined or left the account team (``ON_TEAM``)."""

    rep_id: str
    rep_name: str
    change: Literal["joined", "left"]
    role: str | None
    entries: list[str]


class BusFactorChange(BaseModel):
    """The account's bus factor (§3.8) at the start and the end of the period."""

    before: int | None
    after: int | None
    entries: list[str]


class AccountChanges(BaseModel):
    """What changed in one account in the period (only the kinds that did)."""

    account_id: str
    name: str
    bus_factor: BusFactorChange | None = None
    key_contacts: list[KeyContactChange] = []
    red_flags: list[FlagChange] = []
    went_stale: list[WentStale] = []
    team: list[TeamChange] = []

    def empty(self) -> bool:
        return not (self.bus_factor or self.key_contacts or self.red_flags or self.went_stale or self.team)


def _touching(entries: Sequence[AuditEntry], ids: Iterable[str]) -> list[str]:
    """The ids of the entries about a record whose key names one of ``ids``
    (a contact, rep or bid by itself, or as an end of a relationship record)."""
    wanted = set(ids)
    return [e.id for e in entries if wanted & set(e.key.split("/"))]


def _bid_statuses(g: nx.MultiDiGraph | None, as_of: dt.date, policy: Policy) -> dict[str, dict]:
    """Per open bid of ``g``: its check's key members by status, and its flags as (flag, contact) pairs."""
    if g is None:
        return {}
    found = {}
    for b in open_bids(g):
        check = coverage_check(g, b, as_of, policy)
        keys = [m for m in check.decision_chain if m.key]
        found[b] = {"covered": {m.contact_id for m in keys if m.status == "covered"},
                    "uncovered": {m.contact_id for m in keys if m.status != "covered"},
                    "best": {m.contact_id: m.best_depth for m in keys},
                    "flags": {(f.flag, c) for f in check.red_flags for c in (f.contact_ids or [None])}}
    return found


def _team(g: nx.MultiDiGraph | None) -> dict[str, str | None]:
    if g is None:
        return {}
    account = ("Account", g.graph["account_id"])
    return {u[1]: data.get("role") for u, _, k, data in g.in_edges(account, keys=True, data=True) if k == "ON_TEAM"}


def _name(g: nx.MultiDiGraph, label: str, id: str, other: nx.MultiDiGraph | None = None) -> str:
    for graph in (g, other):
        if graph is not None and (label, id) in graph:
            return graph.nodes[(label, id)]["name"]
    return id


def account_changes(before: nx.MultiDiGraph | None, after: nx.MultiDiGraph | None, since: dt.date,
                    until: dt.date, policy: Policy, entries: Sequence[AuditEntry] = ()) -> AccountChanges | None:
    """What changed in one account between ``since`` (graph ``before``) and
    ``until`` (graph ``after``); None when it existed at neither.

    Parameters
    ----------
    before, after : MultiDiGraph or None
        The account's graph at the start and at the end of the period (None: it
        did not exist then).
    entries : sequence of AuditEntry
        The account's audit entries of the period (and its reps'), oldest first.

    Notes
    -----
    - Key contacts, per bid open at the end: *newly uncovered* are the key
      contacts weak or uncovered at the end that were not (key and weak or
      uncovered) at the start; *newly covered* the covered ones that were not
      (key and covered) at the start.
    - Red flags, per bid open at the end, compared contact by contact (a flag
      without contacts as itself).
    - Went stale: a relationship of an active rep at both times whose depth is
      the same and whose effective depth is lower at the end.
    - Team: reps on the team at one time and not the other.
    """
    g = after if after is not None else before
    if g is None:
        return None
    report = AccountChanges(account_id=g.graph["account_id"], name=g.nodes[("Account", g.graph["account_id"])]["name"])
    d1 = depths(before, since, policy) if before is not None else None
    d2 = depths(after, until, policy) if after is not None else None
    risks = [account_risk(x, day, policy) if x is not None else None for x, day in ((before, since), (after, until))]
    r1, r2 = (r.bus_factor if r is not None else None for r in risks)
    if r1 != r2:  # behind it: the entries about the key contacts covered at either time
        covered = {c for r in risks if r is not None for c in r.holders}
        report.bus_factor = BusFactorChange(before=r1, after=r2, entries=_touching(entries, covered))
    s1, s2 = _bid_statuses(before, since, policy), _bid_statuses(after, until, policy)
    for b, now in s2.items():
        then = s1.get(b, {"covered": set(), "uncovered": set(), "best": {}, "flags": set()})
        for change, ids in (("newly_uncovered", now["uncovered"] - then["uncovered"]),
                            ("newly_covered", now["covered"] - then["covered"])):
            report.key_contacts += [KeyContactChange(
                bid_id=b, contact_id=c, contact_name=_name(after, "Contact", c), change=change,
                best_depth_before=then["best"].get(c), best_depth_after=now["best"][c],
                entries=_touching(entries, [c])) for c in sorted(ids)]
        for change, pairs in (("appeared", now["flags"] - then["flags"]), ("resolved", then["flags"] - now["flags"])):
            by_flag: dict[str, list[str]] = {}
            for flag, c in sorted(pairs, key=lambda p: (p[0], p[1] or "")):
                by_flag.setdefault(flag, []).extend([c] if c else [])
            report.red_flags += [FlagChange(account_id=report.account_id, bid_id=b, flag=f, change=change, contact_ids=cs,
                                            entries=_touching(entries, [b, *cs])) for f, cs in by_flag.items()]
    if d1 is not None and d2 is not None:
        report.went_stale = _went_stale(before, after, d1, d2, entries)
    t1, t2 = _team(before), _team(after)
    report.team = [TeamChange(rep_id=r, rep_name=_name(g, "Rep", r, before), change=change, role=roles[r],
                              entries=_touching(entries, [r]))
                   for change, ids, roles in (("joined", t2.keys() - t1.keys(), t2), ("left", t1.keys() - t2.keys(), t1))
                   for r in sorted(ids)]
    return report


def _went_stale(before: nx.MultiDiGraph, after: nx.MultiDiGraph, d1: Depths, d2: Depths,
                entries: Sequence[AuditEntry]) -> list[WentStale]:
    found = []
    for c, reps in sorted(d2.effective.items()):
        for r, eff in sorted(reps.items()):
            was = d1.effective.get(c, {}).get(r)
            if was is not None and eff < was and d1.raw[c][r] == d2.raw[c][r]:
                found.append(WentStale(
                    rep_id=r, rep_name=_name(after, "Rep", r), contact_id=c, contact_name=_name(after, "Contact", c),
                    depth=d2.raw[c][r], effective_depth_before=was, effective_depth_after=eff,
                    last_contact=d2.last_contact.get((r, c)), entries=[e.id for e in entries if e.key == f"{r}/{c}"]))
    return found
