"""Errors as ``application/problem+json`` (RFC 9457); never a stack trace to a client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.security import API_HEADERS
from graphcrm.access import Forbidden
from graphcrm.errors import InputError, InUse, NotFound, StoreError
from graphcrm.history import BeforeHistory

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
                          (413, "Request too large"), (422, "Invalid input"), (500, "Internal error"))
}


class BodyTooLarge(Exception):
    """A request body over the configured limit (however it was sent)."""

log = logging.getLogger("graphcrm.api")
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict",
          413: "Request too large", 415: "Unsupported media type", 422: "Invalid input",
          500: "Internal error", 503: "Store unavailable"}


def problem(status: int, detail: str, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(422, where or "invalid request", errors=errors)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        issues = [{"where": i.where, "line": i.line, "item": i.item, "field": i.field, "message": i.message}
                  for i in exc.issues]
        omitted = [{"where": where, "field": field, "count": n} for where, field, n in exc.omitted]
        return problem(422, exc.args[0].splitlines()[0], issues=issues, errors=[str(i) for i in exc.issues] + exc.more,
                       problems=exc.total, omitted=omitted)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(BeforeHistory)
    async def before_history(request: Request, exc: BeforeHistory) -> JSONResponse:
        return problem(422, str(exc))

    @app.exception_handler(InUse)
    async def in_use(request: Request, exc: InUse) -> JSONResponse:
        return problem(409, str(exc))

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem(413, str(exc))

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return problem(503, "the store is not available")

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = problem(500, "an internal error occurred; it has been logged")
        response.headers.update(API_HEADERS)  # this answer is sent outside the SecurityHeaders middleware
        return response
