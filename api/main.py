"""The FastAPI application: ``create_app(settings)``, and ``app`` for uvicorn.

On the embedded store this server must be the only process using the file, with
one worker: it holds the single ``Database`` of the process, and the adapter
serialises writes (docs/architecture.md, "Engine facts").
"""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import problems
from api.middleware import AuthFirst, BodyLimit, HostCheck
from api.routes import analyses, audit, forms, history, keys, pages, records, transfer
from api.security import SecurityHeaders
from api.settings import Settings
from graphcrm import __version__
from graphcrm.policy import load_policy
from graphcrm.services import ReportCache
from graphcrm.store import open_store

__all__ = ["create_app", "app"]


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
    app.state.form_secret = secrets.token_bytes(32)  # anti-CSRF tokens without keys (api.ui.csrf_token)
    problems.install(app)
    # innermost first (api.middleware): the host is checked, then the key, then the body's size
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(AuthFirst)
    app.add_middleware(HostCheck)
    app.add_middleware(SecurityHeaders)  # outermost: its headers are on every response, errors too
    for router in records.routers():
        app.include_router(router)
    app.include_router(analyses.router)
    app.include_router(history.router)
    app.include_router(transfer.router)
    app.include_router(audit.router)
    app.include_router(keys.router)
    app.include_router(forms.router)
    app.include_router(pages.router)
    return app


def __getattr__(name: str):
    # ``api.main:app`` for uvicorn, built on first use: no store opened at import time.
    if name == "app":
        return create_app()
    raise AttributeError(name)
