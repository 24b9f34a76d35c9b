"""The web UI and the interactive graph pages: HTML views of the same reports.

Routes only fetch reports (``graphcrm.services``/``views``) and render them;
Jinja escapes every string. Sign-in turns an API key into an HttpOnly,
SameSite=Strict cookie (Secure over HTTPS); the forms refuse cross-site posts.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

import viz
from api.deps import AsOf, CacheDep, PolicyDep, Scope, StoreDep
from api.security import graph_csp, same_origin, secure_cookie
from graphcrm import over_time, services, views
from graphcrm.analysis.trends import DEFAULT_MONTHS
from graphcrm import access
from graphcrm.access import NO_AUTH, Forbidden, Principal, authenticate, scope_of
from graphcrm.model import Bid
from graphcrm.store import GraphStore
from viz.evaluation_chart import evaluation_chart
from viz.trend_chart import account_charts, bid_chart, portfolio_chart

__all__ = ["router"]

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=str(FilePath(__file__).resolve().parent.parent / "templates"))
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
COOKIE = "graphcrm_key"
HTML = {"response_class": HTMLResponse}


# --- graph pages (API resources; the UI embeds them) -------------------------------


def _graph(html: str) -> HTMLResponse:
    """A graph page with its own CSP (its scripts by hash); framed by this origin only."""
    return HTMLResponse(html, headers={"Content-Security-Policy": graph_csp(html), "X-Frame-Options": "SAMEORIGIN"})


@router.get("/bids/{id}/graph", summary="Decision chain of a bid (HTML)", **HTML)
def bid_graph(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf) -> HTMLResponse:
    access.visible_record(store, scope, Bid, id)
    return _graph(viz.render_decision_chain(views.bid_view(store, id, as_of, policy)))


@router.get("/accounts/{id}/graph", summary="Account map (HTML)", **HTML)
def account_graph(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf) -> HTMLResponse:
    access.require_visible(scope, id, "account", id)
    return _graph(viz.render_account_map(views.account_map_view(store, id, as_of, policy)))


@router.get("/portfolio/graph", summary="Portfolio map (HTML)", **HTML)
def portfolio_graph(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf) -> HTMLResponse:
    return _graph(viz.render_portfolio_map(views.portfolio_view(store, as_of, policy, scope)))


# --- the web UI ---------------------------------------------------------------------


def _signed_in(request: Request, store: GraphStore) -> Principal | None:
    if not request.app.state.settings.auth:
        return NO_AUTH
    token = request.cookies.get(COOKIE)
    return authenticate(store, token) if token else None


def _page(request: Request, name: str, who: Principal | None, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"who": who, **context})


@router.get("/ui/login", include_in_schema=False)
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", None, title="Sign in")


def _same_origin_form(request: Request) -> None:
    """CSRF: a form post from a page of another origin is refused (403)."""
    if not same_origin(request):
        raise Forbidden("cross-site form posts are refused")


@router.post("/ui/login", include_in_schema=False)
def login(request: Request, store: StoreDep, key: Annotated[str, Form(max_length=300)]) -> Response:
    _same_origin_form(request)
    if authenticate(store, key.strip()) is None:
        return _page(request, "login.html", None, title="Sign in", error="That key is not valid.")
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


def _ui(request: Request, store: GraphStore) -> Principal | Response:
    who = _signed_in(request, store)
    return who if who is not None else RedirectResponse("/ui/login", status_code=303)


@router.get("/ui/", include_in_schema=False)
def portfolio_page(request: Request, store: StoreDep, cache: CacheDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = _ui(request, store)
    if isinstance(who, Response):
        return who
    scope = scope_of(store, who)
    report = services.risks(store, as_of, policy, jobs=1, account_ids=scope)
    trend = cache.get(store, ("portfolio_trend", None if scope is None else tuple(scope), as_of, policy),
                      lambda: over_time.portfolio_trend(store, policy, DEFAULT_MONTHS, as_of, account_ids=scope))
    return _page(request, "portfolio.html", who, title="Portfolio", report=report,
                 held_by_one=sum(a.held_by_one for a in report.accounts), charts=[portfolio_chart(trend)])


@router.get("/ui/accounts/{id}", include_in_schema=False)
def account_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = _ui(request, store)
    if isinstance(who, Response):
        return who
    access.require_visible(scope_of(store, who), id, "account", id)
    gaps = services.account_gaps(store, id, as_of, policy)
    bids, _ = store.page(Bid, scope=[id], limit=100)
    return _page(request, "account.html", who, title=gaps.name, gaps=gaps, bids=bids,
                 influence=services.account_influence(store, id, policy),
                 charts=account_charts(over_time.account_trend(store, id, policy, DEFAULT_MONTHS, as_of)),
                 stale=over_time.stale_soon(store, as_of, policy, account_ids=[id]))


@router.get("/ui/bids/{id}", include_in_schema=False)
def bid_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = _ui(request, store)
    if isinstance(who, Response):
        return who
    access.visible_record(store, scope_of(store, who), Bid, id)
    view = views.bid_view(store, id, as_of, policy)
    return _page(request, "bid.html", who, title=view.report.bid_name, r=view.report, chart=evaluation_chart(view),
                 charts=[bid_chart(over_time.bid_trend(store, id, policy, DEFAULT_MONTHS, as_of))],
                 stale=over_time.stale_soon(store, as_of, policy, bid_id=id))


@router.get("/ui/reps/{id}", include_in_schema=False)
def rep_page(id: IdPath, request: Request, store: StoreDep, policy: PolicyDep, as_of: AsOf) -> Response:
    who = _ui(request, store)
    if isinstance(who, Response):
        return who
    scope = scope_of(store, who)
    access.visible_rep(store, scope, id)
    report = services.departure(store, id, as_of, policy, account_ids=scope)
    return _page(request, "rep.html", who, title=report.name, r=report)


@router.get("/", include_in_schema=False)
def root() -> Response:
    return RedirectResponse("/ui/", status_code=307)

