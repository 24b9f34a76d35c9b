"""The portfolio at any size: one summary row per account, and the filters,
sorting and paging the web UI and the portfolio map apply to it (server-side).

``portfolio_summary`` reads the store once (bus factor of every account through
``services.risks``, the management measures, regions, parent groups, open bids);
the API caches it per store generation. ``select`` and ``groups`` are pure
functions over its rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphcrm import management, services
from graphcrm.analysis.dependency import AccountRisk
from graphcrm.model import Account, Tier
from graphcrm.policy import Policy
from graphcrm.store.port import GraphStore

__all__ = ["OpenBid", "PortfolioRow", "PortfolioSummary", "PortfolioQuery", "PortfolioPage", "PortfolioGroup",
           "SORTS", "portfolio_summary", "select", "groups", "filtered"]


class OpenBid(BaseModel):
    id: str
    name: str
    stage: str
    tender_date: dt.date | None = None


class PortfolioRow(BaseModel):
    """One account of the portfolio: its single-person dependency and what the
    portfolio filters on."""

    risk: AccountRisk
    region: str | None = None
    """The region of the account's headquarters unit."""
    group_id: str | None = None
    """The top of the account's parent chain (group → province → city); None for an
    account that neither has a parent nor is one."""
    group_name: str | None = None
    revenue: float = 0.0
    open_bids: list[OpenBid] = []
    completeness: float | None = None
    plan_completion: float | None = None
    satisfaction: float | None = None
    reps: list[str] = []
    """The reps who hold at least one of its covered key contacts."""


class PortfolioSummary(BaseModel):
    as_of: dt.date
    rows: list[PortfolioRow]
    """Riskiest first (``services.risk_order``)."""
    measures: management.MeasuresReport
    regions: list[str]
    groups: dict[str, str]
    """Group id → name, for every group with members."""


SORTS = {
    "risk": None,  # the rows' own order
    "name": lambda r: r.risk.name.casefold(),
    "tier": lambda r: list(Tier).index(Tier(r.risk.tier)),
    "bus_factor": lambda r: r.risk.bus_factor,
    "covered": lambda r: r.risk.covered_key_contacts,
    "top_holder": lambda r: (r.risk.top_holder_name or None) and r.risk.top_holder_name.casefold(),
    "share": lambda r: r.risk.top_holder_share,
    "region": lambda r: r.region,
    "bids": lambda r: len(r.open_bids),
    "completeness": lambda r: r.completeness,
    "plans": lambda r: r.plan_completion,
    "satisfaction": lambda r: r.satisfaction,
}
"""Sort key → the value a row sorts by (None sorts last, whatever the order)."""

Sort = Literal["risk", "name", "tier", "bus_factor", "covered", "top_holder", "share", "region", "bids",
               "completeness", "plans", "satisfaction"]
Text = Field(default=None, min_length=1, max_length=200)


class PortfolioQuery(BaseModel):
    """The portfolio page's query parameters (a shareable URL). Every filter given
    must hold; an empty form field means "any"."""

    model_config = ConfigDict(extra="ignore")

    tier: list[Tier] = Field(default=[], description="Only these tiers (repeat the parameter for several)")
    bus_factor: int | None = Field(default=None, ge=0, le=1000, description="Only accounts with this bus factor")
    held_by_one: bool | None = Field(default=None, description="Only accounts held (not) by one person")
    cash_cow: bool | None = Field(default=None, description="Only (no) cash cows")
    rep: str | None = Field(default=None, min_length=1, max_length=200,
                            description="Only accounts where this rep (id) holds a key contact")
    region: str | None = Field(default=None, min_length=1, max_length=200, description="Only this region")
    group: str | None = Field(default=None, min_length=1, max_length=200,
                              description="Only this parent group (the id of the account at its top)")
    q: str | None = Field(default=None, min_length=1, max_length=200, description="Account name or id contains")
    sort: Sort = "risk"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(default=1, ge=1, le=1_000_000)
    size: int = Field(default=50, ge=1, le=500)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_any(cls, data):
        """An empty field of the filter form means no filter."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    def params(self, **changes) -> list[tuple[str, str]]:
        """The query string's pairs with ``changes`` applied, defaults left out."""
        values = self.model_copy(update=changes)
        out: list[tuple[str, str]] = []
        for name, field in PortfolioQuery.model_fields.items():
            value = getattr(values, name)
            if value == field.default or value is None:
                continue
            for v in value if isinstance(value, list) else [value]:
                out.append((name, str(v).lower() if isinstance(v, bool) else str(v)))
        return out


class PortfolioPage(BaseModel):
    """One page of the filtered, sorted portfolio."""

    query: PortfolioQuery
    total: int
    """Accounts in the portfolio (the caller's scope)."""
    matched: int
    """Accounts that pass the filters."""
    page: int
    pages: int
    rows: list[PortfolioRow]
    held_by_one: int
    """Matched accounts held by one person."""
    cash_cows: int


def _root(account_id: str, parent: dict[str, str | None]) -> str:
    seen = {account_id}
    while (up := parent.get(account_id)) and up not in seen:
        seen.add(up)
        account_id = up
    return account_id


def portfolio_summary(store: GraphStore, as_of: dt.date, policy: Policy,
                      account_ids: Sequence[str] | None = None) -> PortfolioSummary:
    """Every account's summary row, riskiest first (the expensive part: every
    account's bus factor and measures; cache it per store generation)."""
    report = services.risks(store, as_of, policy, jobs=1, account_ids=account_ids)
    measures = management.measures(store, as_of, policy, account_ids=account_ids, jobs=1)
    per_account = {m.account_id: m for m in measures.accounts}
    accounts, _ = store.page(Account, limit=10_000_000)
    parent = {a.id: a.parent_id for a in accounts}
    names = {a.id: a.name for a in accounts}
    revenue = {a.id: a.annual_revenue or 0.0 for a in accounts}
    has_children = {a.parent_id for a in accounts if a.parent_id}
    region = {r["account_id"]: r["region"] for r in store.read("portfolio/regions")}
    bids: dict[str, list[OpenBid]] = {}
    for b in store.read("portfolio/open_bids"):
        bids.setdefault(b["account_id"], []).append(
            OpenBid(id=b["id"], name=b["name"], stage=str(b["stage"]), tender_date=b["tender_date"]))
    rows = []
    for a in report.accounts:
        i = a.account_id
        root = _root(i, parent) if (parent.get(i) or i in has_children) else None
        m = per_account.get(i)
        rows.append(PortfolioRow(
            risk=a, region=region.get(i), group_id=root, group_name=names.get(root) if root else None,
            revenue=revenue.get(i, 0.0), open_bids=bids.get(i, []),
            completeness=m.completeness if m else None, plan_completion=m.plan_completion if m else None,
            satisfaction=m.satisfaction if m else None,
            reps=sorted({r for reps in a.holders.values() for r in reps})))
    return PortfolioSummary(
        as_of=as_of, rows=rows, measures=measures,
        regions=sorted({r.region for r in rows if r.region}),
        groups={r.group_id: r.group_name or r.group_id for r in rows if r.group_id})


def _keep(row: PortfolioRow, q: PortfolioQuery, needle: str | None) -> bool:
    a = row.risk
    return ((not q.tier or Tier(a.tier) in q.tier)
            and (q.bus_factor is None or a.bus_factor == q.bus_factor)
            and (q.held_by_one is None or a.held_by_one == q.held_by_one)
            and (q.cash_cow is None or a.cash_cow == q.cash_cow)
            and (q.rep is None or q.rep in row.reps)
            and (q.region is None or row.region == q.region)
            and (q.group is None or row.group_id == q.group)
            and (needle is None or needle in a.name.casefold() or needle in a.account_id.casefold()))


def filtered(rows: Iterable[PortfolioRow], query: PortfolioQuery) -> list[PortfolioRow]:
    """The rows that pass every filter of ``query``, in ``query``'s order."""
    needle = query.q.strip().casefold() if query.q else None
    kept = [r for r in rows if _keep(r, query, needle)]
    key = SORTS[query.sort]
    if key is None:
        return kept[::-1] if query.order == "desc" else kept
    present = [r for r in kept if key(r) is not None]
    return sorted(present, key=key, reverse=query.order == "desc") + [r for r in kept if key(r) is None]


def select(rows: Sequence[PortfolioRow], query: PortfolioQuery) -> PortfolioPage:
    """Filter, sort and cut out one page (ties keep the risk order). A page past
    the last is empty (its ``page`` says which was asked)."""
    kept = filtered(rows, query)
    pages = max(1, math.ceil(len(kept) / query.size))
    start = (query.page - 1) * query.size
    return PortfolioPage(query=query, total=len(rows), matched=len(kept), page=query.page, pages=pages,
                         rows=kept[start:start + query.size],
                         held_by_one=sum(r.risk.held_by_one for r in kept),
                         cash_cows=sum(r.risk.cash_cow for r in kept))


class PortfolioGroup(BaseModel):
    """A node of the aggregated portfolio map: the accounts of one region or group."""

    key: str | None
    """The region or group id; None: the accounts without one."""
    label: str
    accounts: int
    held_by_one: int
    uncovered: int
    """Accounts with key contacts none of which is covered (bus factor 0)."""
    revenue: float


def groups(rows: Iterable[PortfolioRow], by: Literal["region", "group"], names: dict[str, str] | None = None,
           limit: int = 200) -> tuple[list[PortfolioGroup], int]:
    """Rows counted by region or parent group, largest first; beyond ``limit``
    groups the rest are summed into one node (key ``"*"``). Returns the groups and
    how many were summed."""
    found: dict[str | None, PortfolioGroup] = {}
    for r in rows:
        key = r.region if by == "region" else r.group_id
        g = found.get(key)
        if g is None:
            label = (key if by == "region" else (names or {}).get(key, key)) if key else \
                ("no region" if by == "region" else "no group")
            g = found[key] = PortfolioGroup(key=key, label=label, accounts=0, held_by_one=0, uncovered=0, revenue=0.0)
        g.accounts += 1
        g.held_by_one += r.risk.held_by_one
        g.uncovered += r.risk.key_contacts > 0 and r.risk.bus_factor == 0
        g.revenue += r.revenue
    ordered = sorted(found.values(), key=lambda g: (g.key is None, -g.accounts, g.label))
    if len(ordered) <= limit:
        return ordered, 0
    kept, rest = ordered[:limit - 1], ordered[limit - 1:]
    other = PortfolioGroup(key="*", label=f"{len(rest):,} smaller {'regions' if by == 'region' else 'groups'}",
                           accounts=sum(g.accounts for g in rest), held_by_one=sum(g.held_by_one for g in rest),
                           uncovered=sum(g.uncovered for g in rest), revenue=sum(g.revenue for g in rest))
    return [*kept, other], len(rest)
