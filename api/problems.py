"""Errors as ``application/problem+json`` (RFC 9457); never a stack trace to a client.

The web UI's pages (``/ui/…``) answer the same errors as HTML pages in the UI's
style instead, with the same status and message.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from api.security import API_HEADERS
from graphcrm.access import Forbidden
from graphcrm.editing import Conflict, etag
from graphcrm.errors import InputError, InUse, NotFound, StoreError
from graphcrm.history import BeforeHistory
from viz.chromium import BrowserMissing

__all__ = ["install", "problem", "BodyTooLarge", "Problem", "RESPONSES"]


class Problem(BaseModel):
    """An RFC 9457 problem document; 422s add ``errors`` (and, for data, ``issues``:
    the first problems of each kind, ``omitted``: how many more of each, and
    ``problems``: how many in all)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str


RESPONSES = {
    status: {"description": TITLE, "content": {"application/problem+json": {"schema": Problem.model_json_schema()}}}
    for status, TITLE in ((401, "No valid API key"), (403, "The key's role may not do this"),
                          (404, "Unknown id (or not visible to this key)"), (409, "Still referred to"),
                          (412, "Changed by someone else since read (If-Match)"), (413, "Request too large"), (422, "Invalid input"), (500, "Internal error"))
}


class BodyTooLarge(Exception):
    """A request body over the configured limit (however it was sent)."""

log = logging.getLogger("graphcrm.api")
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 412: "Precondition failed",
          413: "Request too large", 415: "Unsupported media type", 422: "Invalid input",
          500: "Internal error", 503: "Store unavailable"}


def _ui_page(request: Request) -> bool:
    return request.url.path.startswith("/ui/")


def _error_page(request: Request, status: int, detail: str) -> Response:
    from api.ui import page, signed_in  # the UI's templates; imported late: it imports this package's peers

    try:
        who = signed_in(request, request.app.state.store)
    except Exception:  # the store itself may be what failed
        who = None
    return page(request, "error.html", who, status_code=status, title=TITLES.get(status, "Error"),
                status=status, detail=detail)


def problem(status: int, detail: str, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document (an
    HTML page for the web UI)."""

    def exception_handler(kind):
        def register(fn):
            async def answer(request: Request, exc):
                response = await fn(request, exc)
                if _ui_page(request):
                    page = _error_page(request, response.status_code, json.loads(response.body)["detail"])
                    if response.status_code == 500:  # answered outside the SecurityHeaders middleware
                        page.headers.update(API_HEADERS)
                    return page
                return response

            app.add_exception_handler(kind, answer)
            return fn
        return register

    @exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail))

    @exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(422, where or "invalid request", errors=errors)

    @exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        issues = [{"where": i.where, "line": i.line, "item": i.item, "field": i.field, "message": i.message}
                  for i in exc.issues]
        omitted = [{"where": where, "field": field, "count": n} for where, field, n in exc.omitted]
        return problem(422, exc.args[0].splitlines()[0], issues=issues, errors=[str(i) for i in exc.issues] + exc.more,
                       problems=exc.total, omitted=omitted)

    @exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @exception_handler(BeforeHistory)
    async def before_history(request: Request, exc: BeforeHistory) -> JSONResponse:
        return problem(422, str(exc))

    @exception_handler(InUse)
    async def in_use(request: Request, exc: InUse) -> JSONResponse:
        return problem(409, str(exc))

    @exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> JSONResponse:
        current = None if exc.current is None else exc.current.model_dump(mode="json")
        response = problem(412, str(exc), current=current)
        if exc.current is not None:
            response.headers["ETag"] = etag(exc.current)
        return response

    @exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem(413, str(exc))

    @exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, str(exc))

    @exception_handler(BrowserMissing)
    async def no_browser(request: Request, exc: BrowserMissing) -> JSONResponse:
        log.error("no browser for %s: %s", request.url.path, exc)
        return problem(503, "the PDF and PNG need headless Chromium on the server; the workbook (.xlsx) does not")

    @exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return problem(503, "the store is not available")

    @exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = problem(500, "an internal error occurred; it has been logged")
        response.headers.update(API_HEADERS)  # this answer is sent outside the SecurityHeaders middleware
        return response
