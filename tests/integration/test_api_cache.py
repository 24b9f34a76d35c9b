"""Cached reports are retired by every write (the cache is keyed by the store's generation)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from graphcrm.importer import load
from graphcrm.store import open_store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
COVERAGE = "/bids/bid-jnm-5g-core-2026/coverage?as_of=2026-11-15"


def test_a_write_changes_the_next_report(tmp_path):
    db = f"ladybug://{tmp_path / 's.lbug'}"
    with open_store(db) as store:
        load(SEEDS, store)
    with TestClient(create_app(Settings(db=db, auth=False, allowed_hosts=["testserver"]))) as client:
        before = client.get(COVERAGE).json()
        assert "c-jnm-003" in {u["contact_id"] for u in before["uncovered"]}
        assert client.get(COVERAGE).json() == before  # served again, unchanged
        # the CFO (approver, weak at depth 2) gets a trusted relationship: covered
        put = client.put("/relationships/rep-liu-yang/c-jnm-003",
                         json={"rep_id": "rep-liu-yang", "contact_id": "c-jnm-003", "depth": 3,
                               "last_contact": "2026-11-10"})
        assert put.status_code == 200, put.text
        after = client.get(COVERAGE).json()
        assert "c-jnm-003" not in {u["contact_id"] for u in after["uncovered"]}
        assert client.delete("/relationships/rep-liu-yang/c-jnm-003").status_code == 204
        again = client.get(COVERAGE).json()
        assert {u["contact_id"] for u in again["uncovered"]} >= {"c-jnm-003"}
