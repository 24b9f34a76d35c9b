"""What only the embedded store does: file locking, typing of null columns, engine errors."""

from __future__ import annotations

import datetime as dt

import subprocess
import sys
from pathlib import Path

import pytest

from graphcrm.errors import StoreConfigError, StoreError
from graphcrm.model import Account, Bid, Dataset
from graphcrm.store import open_store
from graphcrm.store.port import Step

GRAPHCRM = Path(sys.executable).parent / "graphcrm"


def test_second_process_gets_a_clear_message(tmp_path):
    url = f"ladybug://{tmp_path / 'held.lbug'}"
    with open_store(url):
        result = subprocess.run([GRAPHCRM, "--db", url, "risks"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_same_file_twice_in_one_process_shares_the_database(tmp_path):
    """docs/architecture.md, "Engine facts": two Database objects on one file lose writes; the adapter shares one."""
    url = f"ladybug://{tmp_path / 's.lbug'}"
    with open_store(url) as a, open_store(url) as b:
        a.upsert([Account(id="a1", name="A", tier="S")])
        assert b.get(Account, "a1") is not None
        assert a._db is b._db


def test_columns_null_in_every_row_are_typed(lbug_store):
    """A batch whose DATE/DOUBLE columns are all null still writes (typing row)."""
    lbug_store.apply(Dataset(accounts=[Account(id="a1", name="A", tier="S")],
                             bids=[Bid(id="b1", account_id="a1", name="B", stage="lead")]))
    assert lbug_store.counts()["bids"] == 1
    assert lbug_store.get(Bid, "b1").tender_date is None
    assert lbug_store.counts()["accounts"] == 1  # the typing row (null id) wrote nothing


def test_engine_error_rolls_back_the_whole_write(lbug_store):
    lbug_store.upsert([Account(id="a1", name="A", tier="S")])
    bad = [Step("account/upsert", {"rows": [{"id": "a2", "name": "B", "tier": "A", "industry": None,
                                             "parent_id": None, "strategic_fit": None, "annual_revenue": None}]}),
           # dates given, so the adapter adds no typing row: the engine itself refuses "deep"
           Step("relationship/upsert", {"rows": [{"rep_id": "r", "contact_id": "c", "depth": "deep",
                                                  "last_contact": dt.date(2026, 1, 1),
                                                  "since": dt.date(2025, 1, 1)}]})]
    with pytest.raises(RuntimeError):
        lbug_store.write(bad)
    assert lbug_store.get(Account, "a2") is None
    lbug_store.upsert([Account(id="a3", name="C", tier="B")])  # the store still works
    assert lbug_store.counts()["accounts"] == 2


@pytest.mark.parametrize("url", ["nope", "ladybug://", "mysql://x", "neo4j://localhost:7687"])
def test_bad_store_urls(url, monkeypatch):
    monkeypatch.delenv("NEO4J_USER", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreConfigError):
        open_store(url)


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError, match="no such directory"):
        open_store(f"ladybug://{tmp_path / 'nope' / 's.lbug'}")
