"""Shared fixtures: real stores (LadybugDB in a temp file; Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graphcrm.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _neo4j_available() -> list:
    return ["neo4j"] if os.environ.get("NEO4J_URI") else []


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def lbug_store(tmp_path):
    """An empty LadybugDB store in a temp file."""
    store = open_store(f"ladybug://{tmp_path / 'store.lbug'}")
    yield store
    store.close()


@pytest.fixture(params=["ladybug", *_neo4j_available()])
def any_store(request, tmp_path):
    """An empty store of each available engine: the contract suite runs on all."""
    if request.param == "ladybug":
        store = open_store(f"ladybug://{tmp_path / 'store.lbug'}")
    else:
        store = open_store(os.environ["NEO4J_URI"])
        store.clear()
    yield store
    if request.param == "neo4j":
        store.clear()
    store.close()
