"""Bulk import (admin) and export (admin, manager): the import format over HTTP."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import CurrentKey, StoreDep, admin_only
from graphcrm.access import Forbidden, Role
from graphcrm.errors import InputError, Issue
from graphcrm.audit import Actor, kind_of
from graphcrm.fileformat import AUDIT, FILES, read_csv_dir, read_document
from graphcrm.importer import load_source
from graphcrm.model import ApiKey

__all__ = ["router"]

router = APIRouter(tags=["import/export"])
MAX_ZIP_MEMBERS = 50
MAX_UNZIPPED = 500 * 2**20


def _from_zip(content: bytes, max_rows: int) -> Any:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise InputError([Issue("upload", None, None, None, "is not a zip file")], "the upload") from None
    names = [n for n in archive.namelist() if not n.endswith("/")]
    if len(names) > MAX_ZIP_MEMBERS:
        raise InputError([Issue("upload", None, None, None, f"has more than {MAX_ZIP_MEMBERS} files")], "the upload")
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        raise InputError([Issue("upload", None, None, None,
                                f"unpacks to more than {MAX_UNZIPPED // 2**20} MiB")], "the upload")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            base = PurePosixPath(name).name  # never a path from the archive: no traversal
            if base.lower().endswith(".csv"):
                if base not in FILES:
                    raise InputError([Issue(base, None, None, None, "is not an import file")], "the upload")
                try:
                    (Path(tmp) / base).write_bytes(archive.read(name))
                except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as e:
                    raise InputError([Issue(base, None, None, None, f"cannot be unpacked: {e}")],
                                     "the upload") from None
        return read_csv_dir(Path(tmp), max_rows)


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
    if kind == "application/zip":
        source = _from_zip(content, max_rows)
    elif kind == "application/json":
        try:
            doc = json.loads(content)
        except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError, huge ints, deep nesting
            raise InputError([Issue("body", None, None, None, f"is not valid JSON: {e}")], "the upload") from None
        source = read_document(doc, "body", max_rows)
    else:
        raise InputError([Issue("body", None, None, None, "send application/json or application/zip")], "the upload")
    return load_source(source, store, dry_run=dry_run, actor=actor)


@router.get("/export", summary="The whole store in the import format (JSON)")
def export(store: StoreDep, who: CurrentKey) -> JSONResponse:
    if who.role is Role.member:
        raise Forbidden("export needs an admin or manager key")
    data, trail = store.snapshot()
    doc = {field: [r.model_dump(mode="json", exclude_none=True) for r in records] for field, records in data}
    doc[AUDIT] = [e.model_dump(mode="json", exclude_none=True) for e in trail
                  if who.sees_key_entries or e.kind != kind_of(ApiKey)]  # as GET /audit shows them
    return JSONResponse(doc)
