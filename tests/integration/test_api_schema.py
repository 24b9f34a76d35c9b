"""Property-based tests of the HTTP API against its own OpenAPI schema (schemathesis).

Every operation of ``/openapi.json`` is called with generated requests (valid and
invalid) and an admin key, on an app whose store is a real LadybugDB file loaded
with seeds/. Each response must not be a server error, must have a declared
content type, and must match the declared schema.

Bounded and deterministic: a few examples per operation, Hypothesis derandomised
and without its example database. Operations that write (PUT, DELETE, POST
/import, POST /keys) change the seed data as they go; the order of the tests and
the examples are fixed, so every run sees the same sequence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from schemathesis.python import asgi

from api.main import create_app
from api.settings import Settings
from graphcrm.access import create_key
from graphcrm.importer import load
from graphcrm.store import open_store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# The schema depends only on the code, not on the store: build it without opening one.
# The requests go to the app of the ``served`` fixture (``app=``), whose lifespan
# schemathesis runs (once, on the first request) and which ``served`` shuts down.
schema = schemathesis.openapi.from_dict(create_app(Settings(db="ladybug://unused.lbug")).openapi())



def content_type_conformance_except_problems(ctx, response, case):
    """``content_type_conformance``, except for problem documents.

    KNOWN GAP (reported): errors are answered as ``application/problem+json``
    (api/problems.py), but the schema declares only FastAPI's default 422 as
    ``application/json`` (``HTTPValidationError``) and no 401/403/404/413/503 at
    all. Until the routes declare their problem responses, the built-in check
    fails on every 422, so it is skipped for exactly those responses: an error
    status with ``application/problem+json``. Every other response is checked
    as before, and ``problem_document`` below checks the problem bodies.
    """
    if response.status_code >= 400 and _media_type(response) == "application/problem+json":
        return None
    return content_type_conformance(ctx, response, case)


def problem_document(ctx, response, case):
    """An error is an RFC 9457 problem document whose ``status`` is the response's."""
    if response.status_code < 400:
        return None
    assert _media_type(response) == "application/problem+json", f"error {response.status_code} is not a problem"
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("status") == response.status_code, body
    assert isinstance(body.get("title"), str) and isinstance(body.get("detail"), str), body
    return None


def _media_type(response) -> str:
    return (response.headers.get("content-type") or [""])[0].split(";")[0].strip().lower()


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance_except_problems,
          problem_document]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = f"ladybug://{tmp_path_factory.mktemp('api-schema') / 'store.lbug'}"
    with open_store(db) as store:  # loaded and closed before the app opens it (one Database per file)
        load(SEEDS, store)
        token, _ = create_key(store, "admin", "schemathesis")
    app = create_app(Settings(db=db))
    yield app, {"Authorization": f"Bearer {token}"}
    asgi.shutdown_lifespans()  # runs the app's shutdown: the store is closed before the tmp dir goes


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, served):
    app, headers = served
    offset = (case.query or {}).get("offset")
    if str(offset).isdigit() and 10_000 < int(offset) <= 1_000_000_000:
        case.query["offset"] = 10_000  # GUARD: see test_list_offset_far_past_the_end
    print("REQ", case.method, case.formatted_path, case.query, flush=True)
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
