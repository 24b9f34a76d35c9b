"""Dependencies of the routes: the store, the caller, the policy, the as-of day, the known-at time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from api.security import SAFE_METHODS, UNAUTHORIZED, same_origin
from graphcrm.access import NO_AUTH, Forbidden, Principal, authenticate, require_admin, require_writer, scope_of
from graphcrm.history import parse_time
from graphcrm.policy import Policy
from graphcrm.services import ReportCache
from graphcrm.store import GraphStore

__all__ = ["StoreDep", "CacheDep", "CurrentKey", "PolicyDep", "AsOf", "KnownAt", "Scope", "admin_only", "writer"]

_bearer = HTTPBearer(auto_error=False, description="An API key: `graphcrm keys create`")


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_policy(request: Request) -> Policy:
    return request.app.state.policy


StoreDep = Annotated[GraphStore, Depends(get_store)]


def get_cache(request: Request) -> ReportCache:
    return request.app.state.reports


CacheDep = Annotated[ReportCache, Depends(get_cache)]
"""The app's report cache (one per app and store)."""
PolicyDep = Annotated[Policy, Depends(get_policy)]


def current_key(request: Request, store: StoreDep,
                credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The caller (``api.security.AuthFirst`` may have authenticated it already,
    before the body was read). Changes that a browser may have sent by itself —
    authorised by the sign-in cookie, or by nothing on a server without keys —
    must come from a page of this site (CSRF)."""
    if not request.app.state.settings.auth:
        if request.method not in SAFE_METHODS and not same_origin(request):
            raise Forbidden("a change must come from a page of this site")
        return NO_AUTH
    token = credentials.credentials if credentials else request.cookies.get("graphcrm_key")
    if not credentials and token and request.method not in SAFE_METHODS and not same_origin(request):
        raise Forbidden("a change authorised by the sign-in cookie must come from this site")  # CSRF
    who = getattr(request.state, "principal", None)
    if who is None and token:
        who = authenticate(store, token)
    if who is None:
        raise HTTPException(401, UNAUTHORIZED)
    return who


CurrentKey = Annotated[Principal, Depends(current_key)]


def scope(store: StoreDep, who: CurrentKey) -> list[str] | None:
    return scope_of(store, who)


Scope = Annotated[list[str] | None, Depends(scope)]
"""The account ids the caller may see; None: all of them."""


def admin_only(who: CurrentKey) -> Principal:
    require_admin(who)
    return who


def writer(who: CurrentKey) -> Principal:
    require_writer(who)
    return who


def _as_of(as_of: Annotated[dt.date | None, Query(description="Judge relationships as of this day "
                                                              "[default: today]")] = None) -> dt.date:
    return as_of or dt.date.today()


AsOf = Annotated[dt.date, Depends(_as_of)]


def _known_at(known_at: Annotated[str | None, Query(
        max_length=40, description="The records as the store held them at this day's end or this time "
                                   "(YYYY-MM-DD or an ISO time, UTC), rebuilt from the audit trail [default: now]")]
        = None) -> dt.datetime | None:
    if known_at is None:
        return None
    try:
        return parse_time(known_at)
    except ValueError:
        raise RequestValidationError([{"loc": ("query", "known_at"), "type": "value_error",
                                       "msg": "not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)",
                                       "input": known_at}]) from None


KnownAt = Annotated[dt.datetime | None, Depends(_known_at)]
