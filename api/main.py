"""The FastAPI application: ``create_app(settings)``, and ``app`` for uvicorn.

On the embedded store this server must be the only process using the file, with
one worker: it holds the single ``Database`` of the process, and the adapter
serialises writes (see TRAPS.md).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import problems
from api.routes import analyses, audit, keys, pages, records, transfer
from api.security import SecurityHeaders
from api.settings import Settings
from graphcrm import __version__
from graphcrm.policy import load_policy
from graphcrm.services import ReportCache
from graphcrm.store import open_store

__all__ = ["create_app", "app"]


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes: at once when Content-Length says
    so, and while reading a chunked body otherwise (the route then fails with 413)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = problems.problem(413, f"the body is larger than {self.limit} bytes")
            return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise problems.BodyTooLarge(f"the body is larger than {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store is opened at start-up (lifespan) and closed at shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store = open_store(settings.db)
        try:
            yield
        finally:
            app.state.store.close()

    # FastAPIOffline: /docs and /redoc serve Swagger UI and ReDoc from the package, not a CDN
    app = FastAPIOffline(title="graphcrm", version=__version__, lifespan=lifespan, responses=problems.RESPONSES,
                         description="Stakeholder and decision-chain maps for B2B account teams.")
    app.state.settings = settings
    app.state.policy = load_policy(settings.policy)
    app.state.reports = ReportCache()
    problems.install(app)
    app.add_middleware(_BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: its headers are on every response, errors too
    for router in records.routers():
        app.include_router(router)
    app.include_router(analyses.router)
    app.include_router(transfer.router)
    app.include_router(audit.router)
    app.include_router(keys.router)
    app.include_router(pages.router)
    return app


def __getattr__(name: str):
    # ``api.main:app`` for uvicorn, built on first use: no store opened at import time.
    if name == "app":
        return create_app()
    raise AttributeError(name)
