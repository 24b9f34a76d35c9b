"""`graphcrm keys …` and `graphcrm serve`, run as a user runs them (real processes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from graphcrm.access import authenticate
from graphcrm.store import open_store

from tests.servers import free_port, wait_until_serving

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRAPHCRM, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def db(tmp_path) -> str:
    url = f"ladybug://{tmp_path / 's.lbug'}"
    assert run("--db", url, "load", str(SEEDS)).returncode == 0
    return url


def test_keys_create_list_revoke(db):
    created = run("--db", db, "keys", "create", "--role", "member", "--rep", "rep-feng-bo", "--name", "Feng's laptop")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("gcrm_") and "not shown again" in created.stderr
    key_id = token.split("_")[1]
    listed = run("--db", db, "keys", "list")
    assert key_id in listed.stdout and "member" in listed.stdout
    assert token.split("_", 2)[2] not in listed.stdout  # the secret is never shown again
    assert run("--db", db, "keys", "revoke", key_id).returncode == 0
    with open_store(db) as store:
        assert store.get_api_key(key_id).revoked is not None
        assert authenticate(store, token) is None
    assert run("--db", db, "keys", "revoke", "nope").returncode == 2


@pytest.mark.parametrize("args, message", [
    (["--role", "member"], "needs --rep"),
    (["--role", "admin", "--rep", "rep-feng-bo"], "only member keys"),
    (["--role", "member", "--rep", "nobody"], "no rep"),
    (["--role", "owner"], "owner"),
])
def test_keys_create_refuses_nonsense(db, args, message):
    result = run("--db", db, "keys", "create", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_no_auth_only_on_loopback(db):
    result = run("--db", db, "serve", "--no-auth", "--host", "0.0.0.0")
    assert result.returncode == 2
    assert "loopback" in result.stderr


def test_serve_answers_with_a_key_and_refuses_without(db):
    token = run("--db", db, "keys", "create", "--role", "admin").stdout.strip()
    port = free_port()
    server = subprocess.Popen([GRAPHCRM, "--db", db, "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server, seconds=10)
        coverage = f"{base}/bids/bid-jnm-5g-core-2026/coverage?as_of=2026-11-15"
        assert httpx.get(coverage).status_code == 401
        r = httpx.get(coverage, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        assert {f["flag"] for f in r.json()["red_flags"]} == {"uncovered_key_contact", "opponent",
                                                             "stale_key_relationship", "overdue_plan",
                                                             "open_complaint"}
        # the server holds the store: a second process gets a clear message
        second = run("--db", db, "risks")
        assert second.returncode == 1 and "in use by another process" in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)
