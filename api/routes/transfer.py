"""Bulk import (admin) and export (admin, manager): the import format over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import CurrentKey, StoreDep, admin_only
from graphcrm import access
from graphcrm.audit import Actor
from graphcrm.fileformat import document, read_upload
from graphcrm.importer import load_source

__all__ = ["router"]

router = APIRouter(tags=["import/export"])


@router.post("/import", summary="Load the import format (JSON, or a zip of the CSV files)",
             dependencies=[Depends(admin_only)],
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": {"type": "object"}},
                 "application/zip": {"schema": {"type": "string", "format": "binary"}}}, "required": True}})
async def import_data(request: Request, store: StoreDep, who: CurrentKey, dry_run: bool = False) -> dict[str, Any]:
    content = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    # Parsing, validating and writing take seconds for a big upload: in a worker
    # thread, so the event loop goes on answering other requests meanwhile.
    counts = await run_in_threadpool(_import, content, kind, store, dry_run, request.app.state.settings.max_import_rows,
                                     who.actor("api import"))
    return {"dry_run": dry_run, "counts": counts}


def _import(content: bytes, kind: str, store, dry_run: bool, max_rows: int, actor: Actor) -> dict[str, int]:
    return load_source(read_upload(content, kind, max_rows, partial=True), store, dry_run=dry_run, actor=actor)


@router.get("/export", summary="The whole store in the import format (JSON)")
def export(store: StoreDep, who: CurrentKey) -> JSONResponse:
    access.may_export(who)
    data, trail = store.snapshot()
    return JSONResponse(document(data, [e for e in trail if access.sees_entry(who, e)]))
