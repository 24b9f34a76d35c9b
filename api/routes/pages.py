"""The web UI and the interactive graph pages: HTML views of the same reports.

Routes only fetch reports (``graphcrm.services``/``views``) and render them;
Jinja escapes every string. Sign-in turns an API key into an HttpOnly,
SameSite=Strict cookie (Secure over HTTPS); the forms refuse cross-site posts.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

import viz
from api.deps import AsOf, CacheDep, PolicyDep, Scope, StoreDep
from api.security import graph_csp, same_origin, secure_cookie
from api.ui import COOKIE, page, ui_principal
from graphcrm import access, over_time, portfolio, search, services, views
from graphcrm.access import Forbidden, authenticate, scope_of
from graphcrm.analysis.trends import DEFAULT_MONTHS
from graphcrm.editing import etag
from graphcrm.model import Account, Bid, BidRole, Contact, TeamMember, Tier
from graphcrm.review import FORMATS, review_pack
from viz.evaluation_chart import evaluation_chart
from viz.review import write_pack
from viz.trend_chart import account_charts, bid_chart, portfolio_chart

__all__ = ["router"]

router = APIRouter(tags=["pages"])
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
HTML = {"response_class": HTMLResponse}


# --- graph pages (API resources; the UI embeds them) -------------------------------


def _graph(html: str) -> HTMLResponse:
    """A graph page with its own CSP (its scripts by hash); framed by this origin only."""
    return HTMLResponse(html, headers={"Content-Security-Policy": graph_csp(html), "X-Frame-Options": "SAMEORIGIN"})


@router.get("/bids/{id}/graph", summary="Decision chain of a bid (HTML)", **HTML)
def bid_graph(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf) -> HTMLResponse:
    access.visible_record(store, scope, Bid, id)
    return _graph(viz.render_decision_chain(views.bid_view(store, id, as_of, policy)))


PACK_FILES = {"pdf": "review.pdf", "xlsx": "review.xlsx", "png": "chain.png"}


@router.get("/bids/{id}/review.{format}", summary="A bid's review pack (PDF, XLSX or the chain as PNG)",
            response_class=Response,
            responses={200: {"content": {FORMATS[f".{f}"]: {} for f in PACK_FILES}}})
def bid_review(id: IdPath, format: Literal["pdf", "xlsx", "png"], store: StoreDep, scope: Scope, policy: PolicyDep,
               as_of: AsOf) -> Response:
    """The pack a reviewer brings to the review meeting (``graphcrm report bid``);
    the PDF and PNG are drawn by headless Chromium on the server."""
    access.visible_record(store, scope, Bid, id)
    data = write_pack(review_pack(store, id, as_of, policy), f".{format}")
    return Response(data, media_type=FORMATS[f".{format}"],
                    headers={"Content-Disposition": f'attachment; filename="{PACK_FILES[format]}"'})


@router.get("/accounts/{id}/graph", summary="Account map (HTML)", **HTML)
def account_graph(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf) -> HTMLResponse:
    access.require_visible(scope, id, "account", id)
    return _graph(viz.render_account_map(views.account_map_view(store, id, as_of, policy)))


@router.get("/portfolio/graph", summary="Portfolio map (HTML)", **HTML)
def portfolio_graph(request: Request, store: StoreDep, cache: CacheDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
                    by: Annotated[Literal["region", "group"] | None, Query(
                        description="Count the accounts by region or parent group "
                                    "[default: by region above 300 accounts]")] = None,
                    key: Annotated[str | None, Query(min_length=1, max_length=200, description=(
                        "Draw the accounts of this region or group (id)"))] = None) -> HTMLResponse:
    summary = _summary(store, cache, policy, as_of, scope)
    return _graph(viz.render_portfolio_map(views.portfolio_map_view(summary, store.reps(), by, key), served=True))


# --- the web UI ---------------------------------------------------------------------


@router.get("/ui/login", include_in_schema=False)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None, title="Sign in")


def _same_origin_form(request: Request) -> None:
    """CSRF: a form post from a page of another origin is refused (403)."""
    if not same_origin(request):
        raise Forbidden("cross-site form posts are refused")


@router.post("/ui/login", include_in_schema=False)
def login(request: Request, store: StoreDep, key: Annotated[str, Form(max_length=300)]) -> Response:
    _same_origin_form(request)
    if authenticate(store, key.strip()) is None:
        return page(request, "login.html", None, title="Sign in", error="That key is not valid.")
    response = RedirectResponse("/ui/", status_code=303)
    response.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict",
                        secure=secure_cookie(request), max_age=8 * 3600, path="/")
    return response


@router.post("/ui/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    _same_origin_form(request)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookie(request))
    return response


PortfolioParams = Annotated[portfolio.PortfolioQuery, Query()]
REPS_SHOWN = 50
"""Rows of the portfolio page's rep table (the rest are counted)."""


def _summary(store, cache, policy, as_of, scope) -> portfolio.PortfolioSummary:
    """The portfolio's summary rows, computed once per store generation (every
    account's bus factor and measures: minutes at 50,000 accounts)."""
    return cache.get(store, ("portfolio_summary", None if scope is None else tuple(scope), as_of, policy),
                     lambda: portfolio.portfolio_summary(store, as_of, policy, account_ids=scope))


@router.get("/ui/", include_in_schema=False)
def portfolio_page(request: Request, store: StoreDep, cache: CacheDep, policy: PolicyDep, as_of: AsOf,
                   query: PortfolioParams) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    summary = _summary(store, cache, policy, as_of, scope_of(store, who))
    chosen = portfolio.select(summary.rows, query)
    extra = [("as_of", str(as_of))] if "as_of" in request.query_params else []

    def href(**changes) -> str:
        return "/ui/?" + urlencode(query.params(**changes) + extra)

    return page(request, "portfolio.html", who, title="Portfolio", summary=summary, chosen=chosen, query=query,
                href=href, as_of=as_of, held_by_one=sum(r.risk.held_by_one for r in summary.rows),
                measures=summary.measures, reps_shown=REPS_SHOWN, tiers=list(Tier),
                trend=f"/ui/portfolio/trend?as_of={as_of}")


# --- the trend charts: framed by their pages, which do not wait for them -------------------
# (a trend rebuilds its subject at each of 12 months: seconds for a 3,000-contact account)


def _trend_frame(request: Request, who, charts: list[str]) -> HTMLResponse:
    response = page(request, "trend_frame.html", who, title="Month by month", charts=charts)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@router.get("/ui/accounts/{id}/trend", include_in_schema=False)
def account_trend_frame(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    access.require_visible(scope_of(store, who), id, "account", id)
    return _trend_frame(request, who, account_charts(over_time.account_trend(store, id, policy, DEFAULT_MONTHS, as_of)))


@router.get("/ui/bids/{id}/trend", include_in_schema=False)
def bid_trend_frame(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    access.visible_record(store, scope_of(store, who), Bid, id)
    return _trend_frame(request, who, [bid_chart(over_time.bid_trend(store, id, policy, DEFAULT_MONTHS, as_of))])


@router.get("/ui/portfolio/trend", include_in_schema=False)
def portfolio_trend_frame(request: Request, store: StoreDep, cache: CacheDep, policy: PolicyDep,
                          as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    scope = scope_of(store, who)
    trend = cache.get(store, ("portfolio_trend", None if scope is None else tuple(scope), as_of, policy),
                      lambda: over_time.portfolio_trend(store, policy, DEFAULT_MONTHS, as_of, account_ids=scope))
    return _trend_frame(request, who, [portfolio_chart(trend)])


@router.get("/ui/accounts/{id}", include_in_schema=False)
def account_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    access.require_visible(scope_of(store, who), id, "account", id)
    view = views.account_page(store, id, as_of, policy)
    bids, _ = store.page(Bid, scope=[id], limit=100)
    team, _ = store.page(TeamMember, scope=[id], limit=1000)
    reps = store.reps()
    return page(request, "account.html", who, title=view.gaps.name, gaps=view.gaps, bids=bids,
                influence=view.influence, account=store.get(Account, id), v=view,
                chart=evaluation_chart(view.key_people), names={**view.names, **{r: reps[r].name for r in reps}},
                team=[(t, reps[t.rep_id], etag(t)) for t in team], here=str(request.url.path),
                stale=view.stale, trend=f"/ui/accounts/{quote(id, safe='')}/trend?as_of={as_of}")


@router.get("/ui/bids/{id}", include_in_schema=False)
def bid_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    bid = access.visible_record(store, scope_of(store, who), Bid, id)
    bid_page = views.bid_page(store, id, as_of, policy)
    view = bid_page.view
    roles, _ = store.page(BidRole, scope=[bid.account_id], limit=10_000, bid_id=id)
    return page(request, "bid.html", who, title=view.report.bid_name, r=view.report, names=view.names,
                chips=views.flag_chips(view), chart=evaluation_chart(view), here=str(request.url.path),
                versions={b.contact_id: etag(b) for b in roles}, stale=bid_page.stale,
                trend=f"/ui/bids/{quote(id, safe='')}/trend?as_of={as_of}")


@router.get("/ui/reps/{id}", include_in_schema=False)
def rep_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    scope = scope_of(store, who)
    access.visible_rep(store, scope, id)
    view = views.rep_view(store, id, as_of, policy, account_ids=scope)
    return page(request, "rep.html", who, title=view.report.name, r=view.report, names=view.names)


@router.get("/ui/contacts/{id}", include_in_schema=False)
def contact_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    access.visible_record(store, scope_of(store, who), Contact, id)
    view = views.contact_view(store, id, as_of, policy)
    return page(request, "contact.html", who, title=view.contact.name, v=view, as_of=as_of,
                here=str(request.url.path))


@router.get("/ui/search", include_in_schema=False)
def search_page(request: Request, store: StoreDep,
                q: Annotated[str, Query(max_length=200)] = "") -> Response:
    who = ui_principal(request, store)
    if isinstance(who, Response):
        return who
    report = search.find(store, q, scope=scope_of(store, who))
    return page(request, "search.html", who, title=f"Find {q}" if q else "Find", report=report, query=q)


STATIC = FilePath(__file__).resolve().parent.parent / "static"


@router.get("/ui/static/ui.js", include_in_schema=False)
def ui_script() -> Response:
    """The web UI's one script (finding entries of long pick lists); public, like a stylesheet."""
    return FileResponse(STATIC / "ui.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/", include_in_schema=False)
def root() -> Response:
    return RedirectResponse("/ui/", status_code=307)

