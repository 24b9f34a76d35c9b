"""Trends: an account's, a bid's and the portfolio's measures month by month.

docs/design.md §3.21. "At month M" means as of the last day of M (today for the
current month), known at the end of that day: each point is the analysis of the
graph as the store held it then (``graphcrm.history``), judged on that day. A
point with nothing known (before the store's history begins, or the account or
bid did not exist yet) has no values.
"""

from __future__ import annotations

import calendar
import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.dependency import account_risk
from graphcrm.analysis.depth import bid_key_contacts, depths
from graphcrm.analysis.gaps import gaps
from graphcrm.graph import bid as bid_node
from graphcrm.policy import Policy

__all__ = ["month_ends", "AccountPoint", "account_point", "BidPoint", "bid_point", "PortfolioPoint",
           "DEFAULT_MONTHS"]

DEFAULT_MONTHS = 12


def month_ends(last: dt.date, months: int) -> list[dt.date]:
    """The day each of the ``months`` months up to ``last``'s is judged on, oldest
    first: its last day, and ``last`` itself for ``last``'s own month.

    >>> month_ends(dt.date(2026, 3, 10), 3)
    [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 10)]
    """
    days = [last]
    year, month = last.year, last.month
    for _ in range(months - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        days.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return days[::-1]


class AccountPoint(BaseModel):
    """An account at one month: its bus factor and the three layer scores (§3.8, §3.15)."""

    month: str
    as_of: dt.date
    bus_factor: int | None = None
    key: float | None = None
    general: float | None = None
    organisational: float | None = None
    """None also for tiers B and C, where the layer is not required."""


def account_point(g: nx.MultiDiGraph | None, as_of: dt.date, policy: Policy) -> AccountPoint:
    """The account of ``g`` (None: not known then) at the month of ``as_of``."""
    point = AccountPoint(month=f"{as_of:%Y-%m}", as_of=as_of)
    if g is None:
        return point
    layers = gaps(g, as_of, policy).layers
    return point.model_copy(update={"bus_factor": account_risk(g, as_of, policy).bus_factor,
                                    "key": layers.key.score, "general": layers.general.score,
                                    "organisational": layers.organisational.score})


class BidPoint(BaseModel):
    """A bid at one month: its key contacts, how many are covered, and the share (§3.5)."""

    month: str
    as_of: dt.date
    key_contacts: int | None = None
    covered: int | None = None
    coverage: float | None = None
    """covered / key contacts, rounded to 4 decimals; 1.0 with no key contact (as the key layer)."""


def bid_point(g: nx.MultiDiGraph | None, bid_id: str, as_of: dt.date, policy: Policy) -> BidPoint:
    """The bid ``bid_id`` of ``g`` (None, or a graph without it: not known then) at the month of ``as_of``."""
    point = BidPoint(month=f"{as_of:%Y-%m}", as_of=as_of)
    if g is None or bid_node(bid_id) not in g:
        return point
    keys = bid_key_contacts(g, bid_id)
    d = depths(g, as_of, policy)
    covered = sum(d.best(c) >= policy.key_required_depth for c in keys)
    return point.model_copy(update={"key_contacts": len(keys), "covered": covered,
                                    "coverage": round(covered / len(keys), 4) if keys else 1.0})


class PortfolioPoint(BaseModel):
    """The portfolio at one month: how many accounts it held, and how many were held by one person."""

    month: str
    as_of: dt.date
    accounts: int = 0
    held_by_one: int = 0
