"""Shared helpers of the HTTP API tests: a real app on a real embedded store.

Import explicitly (``from tests.integration.api_fixtures import ...``); nothing here
is a pytest fixture by itself, so each test module chooses its own scopes.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from graphcrm.access import create_key, revoke_key
from graphcrm.importer import load
from graphcrm.store.port import GraphStore

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AS_OF = "2026-11-15"
MEMBER_REP = "rep-feng-bo"  # on the team of acc-mzp only (seeds/account_team.csv)
MEMBER_ACCOUNT = "acc-mzp"
PROBLEM = "application/problem+json"
ROLES = ("none", "revoked", "malformed", "admin", "manager", "member")
LEAKS = ("Traceback", 'File "', "site-packages")
TEST_HOST = "testserver"
"""The host name Starlette's TestClient sends; the apps of the tests answer to it."""

SEED_COUNTS = {
    "accounts": 3, "units": 20, "contacts": 81, "reps": 13, "account_team": 15, "relationships": 141,
    "influences": 79, "bids": 4, "bid_roles": 30, "activities": 28, "agreements": 6, "plans": 7, "feedback": 6,
}


@dataclass
class Env:
    """A running app (``client``), its store and one bearer token per role."""

    client: TestClient
    app: Any
    tokens: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> GraphStore:
        return self.app.state.store

    def headers(self, role: str) -> dict[str, str]:
        if role == "none":
            return {}
        if role == "malformed":
            return {"Authorization": "Bearer not-a-graphcrm-key"}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def call(self, role: str, method: str, path: str, **kw):
        headers = {**self.headers(role), **kw.pop("headers", {})}
        kw.setdefault("follow_redirects", False)
        return self.client.request(method, path, headers=headers, **kw)

    def admin(self, method: str, path: str, **kw):
        return self.call("admin", method, path, **kw)


@contextlib.contextmanager
def running_app(directory: Path, seeds: bool = True, **settings: Any) -> Iterator[Env]:
    """An app on a fresh store file in ``directory`` (seeded unless told not to),
    with an admin, a manager, a member (bound to ``MEMBER_REP``; seeded stores only)
    and a revoked key."""
    settings.setdefault("allowed_hosts", [TEST_HOST])
    app = create_app(Settings(db=f"ladybug://{directory}/s.lbug", **settings))
    with TestClient(app, raise_server_exceptions=False) as client:
        env = Env(client, app)
        if seeds:
            load(SEEDS, app.state.store)
        for role in ("admin", "manager", "member", "revoked") if seeds else ("admin", "manager", "revoked"):
            rep = MEMBER_REP if role == "member" else None
            token, key = create_key(app.state.store, "admin" if role == "revoked" else role, f"test {role}", rep)
            env.tokens[role], env.key_ids[role] = token, key.id
        revoke_key(app.state.store, env.key_ids["revoked"])
        yield env


def assert_problem(response, status: int | set[int] | tuple[int, ...]) -> dict:
    """The response is an RFC 9457 problem with that status and no stack trace."""
    wanted = {status} if isinstance(status, int) else set(status)
    assert response.status_code in wanted, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith(PROBLEM), response.headers["content-type"]
    assert_no_trace(response)
    body = response.json()
    assert body["status"] == response.status_code
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    return body


def assert_ui_error(response, status: int) -> str:
    """The response is one of the web UI's error pages (HTML) with that status;
    returns the message it shows."""
    import re

    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    assert_no_trace(response)
    found = re.search(r'id="error-detail">([^<]*)<', response.text)
    assert found, response.text[:500]
    return found.group(1)


def assert_no_trace(response) -> None:
    for leak in LEAKS:
        assert leak not in response.text, response.text[:500]


def q(value: str) -> str:
    """One path segment, percent-encoded (``/`` too)."""
    return quote(value, safe="")


def seed_zip(members: dict[str, bytes] | None = None, seeds: bool = True) -> bytes:
    """A zip of the seed CSVs (by default), plus or instead of ``members``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if seeds:
            for path in sorted(SEEDS.glob("*.csv")):
                z.writestr(path.name, path.read_bytes())
        for name, content in (members or {}).items():
            z.writestr(name, content)
    return buf.getvalue()


def json_body(doc: Any) -> dict[str, Any]:
    """Keyword arguments of a request with a raw JSON body."""
    return {"content": json.dumps(doc).encode(), "headers": {"Content-Type": "application/json"}}
