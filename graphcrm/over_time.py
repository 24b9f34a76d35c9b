"""Use cases over time: trends, what changed, what goes stale soon, results, the digest.

Like ``graphcrm.services``: plain functions of a store and plain values that
read the graphs they need — here as the store held them at the times asked for
(``graphcrm.history``) — run the pure analyses and return pydantic reports.
"At month M" and "at day D" mean as of D, known at the end of D (docs/design.md §3.19).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import networkx as nx
from pydantic import BaseModel

from graphcrm import history, services
from graphcrm.analysis.changes import AccountChanges, FlagChange, account_changes
from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.dependency import account_risk, bus_factor_of_rows
from graphcrm.analysis.depth import open_bids
from graphcrm.analysis.stale_soon import DEFAULT_WITHIN, StaleSoon, stale_soon as stale_soon_of
from graphcrm.analysis.trends import (AccountPoint, BidPoint, PortfolioPoint, account_point, bid_point,
                                      month_ends)
from graphcrm.audit import naive_utc
from graphcrm.errors import NotFound
from graphcrm.graph import build_graph
from graphcrm.model import Bid, BidStage, Dataset, Rep
from graphcrm.policy import Policy
from graphcrm.store.port import GraphStore

__all__ = ["StaleSoonReport", "stale_soon", "AccountTrend", "account_trend", "BidTrend", "bid_trend",
           "PortfolioTrend", "portfolio_trend", "ChangesReport", "changes", "BidResult", "Band", "ResultsReport",
           "results", "Digest", "DueTender", "digest", "COVERAGE_BANDS"]


def _graph(data: Dataset | None, account_id: str) -> nx.MultiDiGraph | None:
    return None if data is None else build_graph(data, account_id)


def _at_day(past: history.AccountPast, day: dt.date, first: dt.datetime | None) -> nx.MultiDiGraph | None:
    """The account's graph known at the end of ``day`` (None before the store's history or the account)."""
    at = history.end_of_day(day)
    if first is None or at < first:
        return None
    return _graph(past.at(at), past.account_id)


def _bid(store: GraphStore, bid_id: str) -> Bid:
    """A bid as it is now, or as it last was if it was deleted."""
    bid = store.get(Bid, bid_id) or history.record_known_at(store, Bid, bid_id, dt.datetime.max)
    if bid is None:
        raise NotFound("bid", bid_id)
    return bid


# --- stale soon --------------------------------------------------------------------------------------


class StaleSoonReport(BaseModel):
    """``stale-soon --json``: key contacts' relationships that lose a level within ``within_days``."""

    as_of: dt.date
    within_days: int
    relationships: list[StaleSoon]


def stale_soon(store: GraphStore, as_of: dt.date, policy: Policy, within: int = DEFAULT_WITHIN,
               account_ids: Iterable[str] | None = None, bid_id: str | None = None,
               known_at: dt.datetime | None = None) -> StaleSoonReport:
    """The relationships of key contacts that go stale within ``within`` days: of
    one bid's key contacts (``bid_id``), or of the key contacts of each account of
    ``account_ids`` (default: every account)."""
    known_at = None if known_at is None else history.check_known_at(store, known_at)
    if bid_id is not None:
        found = stale_soon_of(services.bid_graph(store, bid_id, known_at), as_of, policy, within, bid_id=bid_id)
    else:
        ids = store.account_ids() if account_ids is None else sorted(set(account_ids))
        found = [s for a in ids if (g := services.graph_at(store, a, known_at)) is not None
                 for s in stale_soon_of(g, as_of, policy, within)]
        found.sort(key=lambda s: (s.stale_on, s.account_id, s.contact_id, s.rep_id))
    return StaleSoonReport(as_of=as_of, within_days=within, relationships=found)


# --- trends ------------------------------------------------------------------------------------------


class AccountTrend(BaseModel):
    """``trend account --json``: an account's bus factor and layer scores, month by month."""

    account_id: str
    months: list[AccountPoint]


def account_trend(store: GraphStore, account_id: str, policy: Policy, months: int, until: dt.date) -> AccountTrend:
    """The account at each of the ``months`` months up to ``until``'s (oldest first)."""
    past = history.account_past(store, account_id)
    if not past.current.accounts and not past.entries:
        raise NotFound("account", account_id)
    first = history.begins(store)
    return AccountTrend(account_id=account_id, months=[
        account_point(_at_day(past, day, first), day, policy) for day in month_ends(until, months)])


class BidTrend(BaseModel):
    """``trend bid --json``: a bid's coverage (share of key contacts covered), month by month."""

    bid_id: str
    tender_date: dt.date | None
    months: list[BidPoint]


def bid_trend(store: GraphStore, bid_id: str, policy: Policy, months: int, until: dt.date) -> BidTrend:
    """The bid at each of the ``months`` months up to its tender date's month
    (``until``'s, when the tender date is later or not given)."""
    bid = _bid(store, bid_id)
    past, first = history.account_past(store, bid.account_id), history.begins(store)
    last = min(bid.tender_date, until) if bid.tender_date else until
    return BidTrend(bid_id=bid_id, tender_date=bid.tender_date, months=[
        bid_point(_at_day(past, day, first), bid_id, day, policy) for day in month_ends(last, months)])


class PortfolioTrend(BaseModel):
    """``trend portfolio --json``: accounts held by one person (bus factor 1), month by month."""

    months: list[PortfolioPoint]


def portfolio_trend(store: GraphStore, policy: Policy, months: int, until: dt.date,
                    account_ids: Iterable[str] | None = None, jobs: int | None = 1) -> PortfolioTrend:
    """The number of accounts, and of accounts held by one person, at each month.

    Every account's past is read once (in batches, in ``jobs`` worker processes
    from ``services.PARALLEL_FROM`` accounts on; default one process, as the API
    and pages run it) and moved forward month by month (``AccountPast.at_each``):
    each audit entry is applied once, and a month with no entry reuses the last
    month's records. Months before the store's history count no account."""
    days = month_ends(until, months)
    ids = history.all_account_ids(store) if account_ids is None else sorted(set(account_ids))
    points = [PortfolioPoint(month=f"{d:%Y-%m}", as_of=d) for d in days]
    for counts in services.batches(store, ids, jobs, _trend_batch, days, history.begins(store), policy):
        for point, (accounts, held) in zip(points, counts):
            point.accounts += accounts
            point.held_by_one += held
    return PortfolioTrend(months=points)


def _trend_batch(store: GraphStore, ids: list[str], days: list[dt.date], first: dt.datetime | None,
                 policy: Policy, reps) -> list[tuple[int, int]]:
    """(accounts, held by one) at each of ``days`` over the accounts ``ids`` (a worker's batch)."""
    counts = [[0, 0] for _ in days]
    known = [i for i, d in enumerate(days) if first is not None and history.end_of_day(d) >= first]
    for past in history.iter_account_pasts(store, ids, record_types=services.RISK_RECORDS):
        for i, data in zip(known, past.at_each([history.end_of_day(days[i]) for i in known])):
            if data is not None:  # judged each month from its rows (no graph): the staleness clock moves
                counts[i][0] += 1
                counts[i][1] += bus_factor_of_rows(data, days[i], policy) == 1
    return [tuple(c) for c in counts]


# --- what changed ------------------------------------------------------------------------------------


class ChangesReport(BaseModel):
    """``changes --json``: what changed between ``since`` and ``until``, account by account."""

    since: dt.date
    until: dt.date
    accounts: list[AccountChanges]


def _scope(store: GraphStore, account_id: str | None, rep_id: str | None,
           account_ids: Iterable[str] | None) -> list[str] | None:
    """The accounts asked for: one, a rep's team's (now or in the trail), or all (None), within ``account_ids``."""
    if account_id is not None:
        if account_id not in history.all_account_ids(store):
            raise NotFound("account", account_id)
        ids = [account_id]
    elif rep_id is not None:
        if store.get(Rep, rep_id) is None and history.record_known_at(store, Rep, rep_id, dt.datetime.max) is None:
            raise NotFound("rep", rep_id)
        ids = sorted(set(store.team_account_ids(rep_id)) | {
            r["account_id"] for r in store.read("audit/rep_teams", suffix=f"/{rep_id}") if r["account_id"]})
    else:
        ids = None
    if account_ids is not None:
        ids = sorted(set(account_ids) & set(ids)) if ids is not None else sorted(set(account_ids))
    return ids


def _changes(store: GraphStore, since: dt.date, until: dt.date, policy: Policy,
             ids: list[str] | None) -> Iterator[AccountChanges]:
    t1, t2 = history.end_of_day(since), history.end_of_day(until)
    history.check_known_at(store, t1)
    first = history.begins(store)
    for past in history.iter_account_pasts(store, ids):
        window = sorted((e for e in (*past.entries, *past.rep_entries) if t1 < naive_utc(e.at) <= t2),
                        key=lambda e: e.id)
        report = account_changes(_at_day(past, since, first), _at_day(past, until, first), since, until, policy,
                                 window)
        if report is not None and not report.empty():
            yield report


def changes(store: GraphStore, since: dt.date, until: dt.date, policy: Policy, account_id: str | None = None,
            rep_id: str | None = None, account_ids: Iterable[str] | None = None) -> ChangesReport:
    """What changed between the end of ``since`` and the end of ``until`` (§3.22):
    of one account, of a rep's team's accounts, or of all (within ``account_ids``).
    Raises ``BeforeHistory`` when ``since`` is before the store's history."""
    if until < since:
        raise ValueError("until is before since")
    ids = _scope(store, account_id, rep_id, account_ids)
    return ChangesReport(since=since, until=until, accounts=list(_changes(store, since, until, policy, ids)))


# --- coverage against results ------------------------------------------------------------------------

COVERAGE_BANDS = ((0.0, 0.5, "under 50%"), (0.5, 0.8, "50–79%"), (0.8, 1.01, "80–100%"))
"""The coverage bands of the results table: [low, high) and a label."""


class BidResult(BaseModel):
    """A won or lost bid, checked as of its tender date, known at the end of that day."""

    bid_id: str
    account_id: str
    stage: str
    tender_date: dt.date
    key_contacts: int
    covered: int
    coverage: float
    bus_factor: int
    red_flags: list[str]


class Band(BaseModel):
    """One row of a win-rate table."""

    band: str
    bids: int
    won: int
    win_rate: float | None


class ResultsReport(BaseModel):
    """``results --json``: coverage at the tender against the outcome."""

    bids: list[BidResult]
    by_coverage: list[Band]
    by_bus_factor: list[Band]
    not_known: list[str]
    """Won or lost bids left out: no tender date, or a tender date before the store's history."""


def _band(label: str, rows: list[BidResult]) -> Band:
    won = sum(r.stage == BidStage.won for r in rows)
    return Band(band=label, bids=len(rows), won=won, win_rate=round(won / len(rows), 4) if rows else None)


def results(store: GraphStore, policy: Policy, account_ids: Iterable[str] | None = None) -> ResultsReport:
    """Every won and lost bid's coverage check as of its tender date, known at
    that day's end, and the win rate by coverage band and by bus factor."""
    first = history.begins(store)
    rows, unknown = [], []
    for past in history.iter_account_pasts(store, None if account_ids is None else sorted(set(account_ids))):
        closed = {b.id: b for b in (past.current.bids or []) if not b.stage.is_open}
        for bid in sorted(closed.values(), key=lambda b: b.id):
            g = _at_day(past, bid.tender_date, first) if bid.tender_date else None
            if g is None or ("Bid", bid.id) not in g:
                unknown.append(bid.id)
                continue
            check = coverage_check(g, bid.id, bid.tender_date, policy)
            keys = [m for m in check.decision_chain if m.key]
            covered = sum(m.status == "covered" for m in keys)
            rows.append(BidResult(
                bid_id=bid.id, account_id=past.account_id, stage=str(bid.stage), tender_date=bid.tender_date,
                key_contacts=len(keys), covered=covered, coverage=round(covered / len(keys), 4) if keys else 1.0,
                bus_factor=check.bus_factor, red_flags=[f.flag for f in check.red_flags]))
    by_coverage = [_band(label, [r for r in rows if low <= r.coverage < high]) for low, high, label in COVERAGE_BANDS]
    by_bus = [_band(str(n), [r for r in rows if r.bus_factor == n]) for n in (0, 1, 2)]
    by_bus.append(_band("3+", [r for r in rows if r.bus_factor >= 3]))
    return ResultsReport(bids=rows, by_coverage=by_coverage, by_bus_factor=by_bus, not_known=sorted(unknown))


# --- the digest --------------------------------------------------------------------------------------


class DueTender(BaseModel):
    """An open bid whose tender date is within the look-ahead, with its uncovered key contacts."""

    bid_id: str
    bid_name: str
    account_id: str
    tender_date: dt.date
    days_left: int
    uncovered: list[str]
    uncovered_names: list[str]


class Digest(BaseModel):
    """``digest``: for the weekly account review."""

    since: dt.date
    until: dt.date
    within_days: int
    history_from: dt.date | None
    """When ``since`` is before the store's history: the day the comparison starts instead."""
    new_red_flags: list[FlagChange]
    stale_soon: list[StaleSoon]
    due_tenders: list[DueTender]


def digest(store: GraphStore, since: dt.date, until: dt.date, policy: Policy, account_id: str | None = None,
           rep_id: str | None = None, account_ids: Iterable[str] | None = None,
           within: int = DEFAULT_WITHIN) -> Digest:
    """New red flags since ``since``, relationships going stale within ``within``
    days of ``until``, and tenders due within ``within`` days with uncovered key
    contacts: of one account, a rep's team's, or all (within ``account_ids``)."""
    ids = _scope(store, account_id, rep_id, account_ids)
    first = history.begins(store)
    start = since
    if first is not None and history.end_of_day(since) < first:
        start = first.date()  # a digest over a young store starts where its history does
    flags = [] if first is None or start >= until else [
        f for c in _changes(store, start, until, policy, ids) for f in c.red_flags if f.change == "appeared"]
    accounts = store.account_ids() if ids is None else ids
    soon, due = [], []
    horizon = until + dt.timedelta(days=within)
    for a in accounts:
        g = services.graph_at(store, a, None)
        if g is None:
            continue
        soon += stale_soon_of(g, until, policy, within)
        for b in open_bids(g):
            tender = g.nodes[("Bid", b)].get("tender_date")
            if tender is None or not until <= tender <= horizon:
                continue
            check = coverage_check(g, b, until, policy)
            if check.uncovered:
                due.append(DueTender(bid_id=b, bid_name=check.bid_name, account_id=a, tender_date=tender,
                                     days_left=(tender - until).days, uncovered=[u.contact_id for u in check.uncovered],
                                     uncovered_names=[u.name for u in check.uncovered]))
    soon.sort(key=lambda s: (s.stale_on, s.account_id, s.contact_id, s.rep_id))
    due.sort(key=lambda t: (t.tender_date, t.bid_id))
    return Digest(since=since, until=until, within_days=within, history_from=start if start != since else None,
                  new_red_flags=flags, stale_soon=soon, due_tenders=due)
