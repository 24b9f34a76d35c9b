"""The audit trail over HTTP: who changed what, when (``graphcrm.audit``).

Admins see every entry; managers every account's, without the entries about
API keys; members only those of their team's accounts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentKey, Scope, StoreDep
from graphcrm import access
from graphcrm.audit import bound_utc
from graphcrm.services import AuditPage

__all__ = ["router"]

router = APIRouter(tags=["audit"])
Text = Annotated[str | None, Query(min_length=1, max_length=500)]


@router.get("/audit", response_model=AuditPage, summary="The audit trail, newest first")
def audit(store: StoreDep, scope: Scope, who: CurrentKey,
          since: Annotated[dt.datetime | None, Query(description="Entries at or after this time (UTC "
                                                                 "unless it names its zone)")] = None,
          until: Annotated[dt.datetime | None, Query(description="Entries before this time")] = None,
          account_id: Text = None, kind: Text = None, key: Text = None,
          via: Annotated[str | None, Query(min_length=1, max_length=500,
                                           description="Written this way: cli load, api PUT …")] = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 50,
          offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> AuditPage:
    entries, count = store.audit(since and bound_utc(since), until and bound_utc(until), account_id, kind, key,
                                 scope=scope, api_keys=who.sees_key_entries, offset=offset, limit=limit, via=via)
    return AuditPage(data=access.visible_entries(entries, scope), count=count)
