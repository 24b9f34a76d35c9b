"""The analyses over time as resources: what changed, trends, stale-soon, results, the digest.

Bodies are the CLI's ``--json`` reports; a member sees only the accounts on its
rep's team (anything else answers 404, as everywhere).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.deps import AsOf, KnownAt, PolicyDep, Scope, StoreDep
from graphcrm import access, digest_text, history, over_time
from graphcrm.analysis.stale_soon import DEFAULT_WITHIN
from graphcrm.analysis.trends import DEFAULT_MONTHS
from graphcrm.errors import NotFound
from graphcrm.model import Account, Bid
from viz.digest import render_digest

__all__ = ["router"]

router = APIRouter(tags=["history"])
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=200)]
Months = Annotated[int, Query(ge=1, le=240, description="How many months, up to the as-of day's")]
Within = Annotated[int, Query(ge=1, le=3660, description="Days ahead to look")]


def _day(value: str, name: str, base: dt.date) -> dt.date:
    """A day YYYY-MM-DD, or ``Nd``: N days before ``base``."""
    try:
        return history.parse_day(value, base)
    except ValueError:
        raise RequestValidationError([{"loc": ("query", name), "type": "value_error", "input": value,
                                       "msg": "not a date YYYY-MM-DD or a number of days back (7d)"}]) from None


def _visible(store, scope, account_id: str | None, rep_id: str | None) -> None:
    if account_id is not None and rep_id is not None:
        raise RequestValidationError([{"loc": ("query", "rep_id"), "type": "value_error", "input": rep_id,
                                       "msg": "give account_id or rep_id, not both"}])
    if account_id is not None:
        access.require_visible(scope, account_id, "account", account_id)
    if rep_id is not None:
        access.visible_rep(store, scope, rep_id)


@router.get("/changes", response_model=over_time.ChangesReport, summary="What changed in a period")
def changes(store: StoreDep, scope: Scope, policy: PolicyDep,
            since: Annotated[str, Query(max_length=10, description="From the end of this day (or 7d: a week ago)")],
            until: Annotated[dt.date | None, Query(description="To the end of this day [default: today]")] = None,
            account_id: IdQuery = None, rep_id: IdQuery = None) -> over_time.ChangesReport:
    _visible(store, scope, account_id, rep_id)
    end = until or dt.date.today()
    start = _day(since, "since", end)
    if end < start:
        raise RequestValidationError([{"loc": ("query", "until"), "type": "value_error", "input": str(end),
                                       "msg": "is before since"}])
    return over_time.changes(store, start, end, policy, account_id=account_id, rep_id=rep_id, account_ids=scope)


@router.get("/stale-soon", response_model=over_time.StaleSoonReport, summary="Key relationships going stale")
def stale_soon(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf, known_at: KnownAt,
               within: Within = DEFAULT_WITHIN, account_id: IdQuery = None,
               bid_id: IdQuery = None) -> over_time.StaleSoonReport:
    if bid_id is not None:
        access.visible_record(store, scope, Bid, bid_id)
    _visible(store, scope, account_id, None)
    if account_id is not None and not store.lookup(Account, [account_id]):
        raise NotFound("account", account_id)
    ids = [account_id] if account_id is not None else scope
    return over_time.stale_soon(store, as_of, policy, within, account_ids=ids, bid_id=bid_id, known_at=known_at)


@router.get("/accounts/{id}/trend", response_model=over_time.AccountTrend, summary="An account month by month")
def account_trend(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
                  months: Months = DEFAULT_MONTHS) -> over_time.AccountTrend:
    access.require_visible(scope, id, "account", id)
    return over_time.account_trend(store, id, policy, months, as_of)


@router.get("/bids/{id}/trend", response_model=over_time.BidTrend, summary="A bid's coverage month by month")
def bid_trend(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
              months: Months = DEFAULT_MONTHS) -> over_time.BidTrend:
    access.visible_record(store, scope, Bid, id)
    return over_time.bid_trend(store, id, policy, months, as_of)


@router.get("/portfolio/trend", response_model=over_time.PortfolioTrend, summary="Held by one person, monthly")
def portfolio_trend(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
                    months: Months = DEFAULT_MONTHS) -> over_time.PortfolioTrend:
    return over_time.portfolio_trend(store, policy, months, as_of, account_ids=scope)


@router.get("/results", response_model=over_time.ResultsReport, summary="Coverage at the tender against results")
def results(store: StoreDep, scope: Scope, policy: PolicyDep) -> over_time.ResultsReport:
    return over_time.results(store, policy, account_ids=scope)


class DigestFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


@router.get("/digest", summary="The weekly account review (Markdown, HTML or JSON)",
            responses={200: {"content": {"text/markdown": {}, "text/html": {}, "application/json": {}}}})
def digest(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
           since: Annotated[str, Query(max_length=10, description="New red flags since the end of this day "
                                                                   "(or 7d: a week before as_of)")] = "7d",
           account_id: IdQuery = None, rep_id: IdQuery = None, within: Within = DEFAULT_WITHIN,
           format: DigestFormat = DigestFormat.md) -> Response:
    _visible(store, scope, account_id, rep_id)
    report = over_time.digest(store, _day(since, "since", as_of), as_of, policy, account_id=account_id,
                              rep_id=rep_id, account_ids=scope, within=within)
    if format is DigestFormat.html:
        return HTMLResponse(render_digest(report))
    if format is DigestFormat.json:
        return Response(report.model_dump_json(), media_type="application/json")
    return PlainTextResponse(digest_text.markdown(report), media_type="text/markdown; charset=utf-8")
