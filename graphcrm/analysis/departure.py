"""Departure impact: what walks out of the door if a rep leaves (docs/design.md §3)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.dependency import bus_factor, key_holders
from graphcrm.analysis.depth import account_key_contacts, depths
from graphcrm.policy import Policy

__all__ = ["AccountImpact", "DepartureReport", "account_impact"]


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
    )
