"""Departure impact and handover: what walks out of the door if a rep leaves, and
who should take each relationship over (docs/design.md §3.11, §3.30)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.dependency import bus_factor, key_holders
from graphcrm.analysis.depth import Depths, account_key_contacts, depths, open_bids
from graphcrm.analysis.paths import contact_links, warm_paths
from graphcrm.policy import Policy

__all__ = ["AccountImpact", "DepartureReport", "account_impact", "Successor", "team_of", "successors",
           "HandoverContact", "HandoverAccount", "HandoverReport", "handover_account"]


class Successor(BaseModel):
    contact_id: str
    successor_id: str | None


class AccountImpact(BaseModel):
    """One account's loss if the rep left."""

    account_id: str
    name: str
    tier: str
    orphaned_contacts: list[str]
    """Contacts the rep knows at effective depth ≥ 1 and no other active rep does."""
    uncovered_key_contacts: list[str]
    """Key contacts covered now that would not be covered any more."""
    bus_factor_before: int
    bus_factor_after: int
    successors: list[Successor] = []
    """For each contact the rep knows at effective depth ≥ 1: who of the team should take it over."""


class DepartureReport(BaseModel):
    """``departure --json``: every account where the rep holds a relationship."""

    rep_id: str
    name: str
    active: bool
    as_of: dt.date
    accounts: list[AccountImpact]


def account_impact(g: nx.MultiDiGraph, rep_id: str, as_of: dt.date, policy: Policy) -> AccountImpact | None:
    """The impact on one account graph of ``rep_id`` leaving; None when the rep
    holds no relationship there (no contact at effective depth ≥ 1)."""
    d = depths(g, as_of, policy)
    mine = sorted(c for c, reps in d.effective.items() if reps.get(rep_id, 0) >= 1)
    if not mine:
        return None
    after = d.without([rep_id])
    keys = account_key_contacts(g)
    before_holders = key_holders(d, keys, policy)
    after_holders = key_holders(after, keys, policy)
    account = g.nodes[("Account", g.graph["account_id"])]
    return AccountImpact(
        account_id=g.graph["account_id"], name=account["name"], tier=str(account["tier"]),
        orphaned_contacts=[c for c in mine if after.best(c) == 0],
        uncovered_key_contacts=sorted(set(before_holders) - set(after_holders)),
        bus_factor_before=bus_factor(before_holders.values()),
        bus_factor_after=bus_factor(after_holders.values()),
        successors=[Successor(contact_id=c, successor_id=s) for c, s in successors(g, d, rep_id, mine, policy).items()],
    )


def team_of(g: nx.MultiDiGraph) -> list[str]:
    """The reps on the account's team (``ON_TEAM``), active or not, by id."""
    node = ("Account", g.graph["account_id"])
    return sorted(u[1] for u, edges in g.pred[node].items() if u[0] == "Rep" and "ON_TEAM" in edges)


def successors(g: nx.MultiDiGraph, d: Depths, leaver: str, contact_ids: list[str],
               policy: Policy) -> dict[str, str | None]:
    """The successor of ``leaver`` for each contact: the active rep of the team,
    other than the leaver, with the highest effective depth to the contact (ties:
    more of the account's key contacts covered, then id); if no such rep knows the
    contact, the team rep with the strongest warm path to it; else None.

    Examples
    --------
    >>> from graphcrm.graph import build_graph
    >>> from graphcrm.model import Account, Contact, Dataset, Relationship, Rep, TeamMember
    >>> g = build_graph(Dataset(
    ...     accounts=[Account(id="a", name="A", tier="B")], contacts=[Contact(id="c", account_id="a", name="C")],
    ...     reps=[Rep(id="x", name="X"), Rep(id="y", name="Y")],
    ...     account_team=[TeamMember(account_id="a", rep_id="x"), TeamMember(account_id="a", rep_id="y")],
    ...     relationships=[Relationship(rep_id="x", contact_id="c", depth=3),
    ...                    Relationship(rep_id="y", contact_id="c", depth=1)]), "a")
    >>> successors(g, depths(g, dt.date(2026, 1, 1), Policy()), "x", ["c"], Policy())
    {'c': 'y'}
    """
    after = d.without([leaver])
    team = [r for r in team_of(g) if r != leaver and g.nodes[("Rep", r)].get("active", True)]
    keys = account_key_contacts(g)
    covered = {r: sum(after.effective.get(k, {}).get(r, 0) >= policy.key_required_depth for k in keys) for r in team}
    wide = policy.model_copy(update={"warm_paths_reported": 1_000})
    links = None
    out: dict[str, str | None] = {}
    for c in contact_ids:
        knowers = [r for r in team if after.effective.get(c, {}).get(r, 0) >= 1]
        if knowers:
            out[c] = min(knowers, key=lambda r: (-after.effective[c][r], -covered[r], r))
            continue
        links = contact_links(g, policy) if links is None else links
        paths = [p for p in warm_paths(g, c, after, wide, links) if p.rep_id in team]
        out[c] = paths[0].rep_id if paths else None
    return out


class HandoverContact(BaseModel):
    contact_id: str
    depth: int
    """The leaver's effective depth to the contact as of the day."""
    stance: int | None
    last_contact: dt.date | None
    successor_id: str | None


class HandoverAccount(BaseModel):
    account_id: str
    contacts: list[HandoverContact]
    open_bids: list[str]


class HandoverReport(BaseModel):
    """``handover --json``: what a leaving rep hands over, account by account."""

    rep_id: str
    as_of: dt.date
    accounts: list[HandoverAccount]


def handover_account(g: nx.MultiDiGraph, rep_id: str, as_of: dt.date, policy: Policy) -> HandoverAccount:
    """The rep's relationships in one account graph (every ``KNOWS`` edge of theirs,
    with its effective depth), each with its successor, and the account's open bids."""
    d = depths(g, as_of, policy)
    mine = sorted(c for (lab, c) in g.succ[("Rep", rep_id)] if lab == "Contact") if ("Rep", rep_id) in g else []
    eff = {c: d.effective.get(c, {}).get(rep_id, 0) for c in mine}
    heirs = successors(g, d, rep_id, mine, policy)
    return HandoverAccount(
        account_id=g.graph["account_id"],
        contacts=[HandoverContact(contact_id=c, depth=eff[c], stance=g.nodes[("Contact", c)].get("stance"),
                                  last_contact=d.last_contact.get((rep_id, c)), successor_id=heirs[c])
                  for c in sorted(mine, key=lambda c: (-eff[c], c))],
        open_bids=sorted(open_bids(g)),
    )
