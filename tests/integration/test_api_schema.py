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
from schemathesis.openapi.checks import content_type_conformance, response_schema_conformance
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

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


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
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
