"""Findings of the attack (issue 13) that only a real ``graphcrm serve`` shows: DNS
rebinding against ``--no-auth`` (M3), bodies read before authentication (L6), and
store files others may read (Info). Each test failed on commit 008ba66."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, wait_until_serving

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRAPHCRM, *args], capture_output=True, text=True, timeout=60)


class Served:
    def __init__(self, folder: Path, *options: str, env: dict[str, str] | None = None):
        self.folder = folder
        self.db = f"ladybug://{folder / 's.lbug'}"
        assert _run("--db", self.db, "load", str(SEEDS)).returncode == 0
        self.token = _run("--db", self.db, "keys", "create", "--role", "admin").stdout.strip()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.process = subprocess.Popen([GRAPHCRM, "--db", self.db, "serve", "--port", str(self.port), *options],
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        wait_until_serving(self.base, self.process, seconds=20, log=self.log)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_no_auth(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("served_no_auth"), "--no-auth",
                    env={"GRAPHCRM_ALLOWED_HOSTS": "crm.internal, crm.example"})
    yield server
    server.stop()


def test_m3_dns_rebinding_against_no_auth_gets_nothing(served_no_auth):
    """M3: a page on a name that resolves to 127.0.0.1 (its requests carry that name as
    Host) could read /export and PUT and DELETE on ``serve --no-auth``: now 400."""
    s = served_no_auth
    rebound = {"Host": f"rebind.attacker.example:{s.port}"}
    export = httpx.get(f"{s.base}/export", headers=rebound)
    assert export.status_code == 400 and "c-jnm" not in export.text
    assert httpx.delete(f"{s.base}/agreements/agr-mzp-fw-2026", headers=rebound).status_code == 400
    assert httpx.get(f"{s.base}/agreements/agr-mzp-fw-2026").status_code == 200
    # the names it is meant to answer to: loopback, and those the deployer allowed
    for host in (f"127.0.0.1:{s.port}", f"localhost:{s.port}", f"crm.internal:{s.port}"):
        assert httpx.get(f"{s.base}/export", headers={"Host": host}).status_code == 200, host
    # and a cross-site page on a name it answers to still cannot change anything
    cross = httpx.delete(f"{s.base}/agreements/agr-mzp-fw-2026", headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403


def test_l6_a_body_without_a_key_is_refused_before_it_is_read(served):
    """L6: a 24 MB PUT without a key is answered 401 after its headers, without waiting
    for the body (before, the server read and parsed all of it first)."""
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    try:
        sock.sendall(f"PUT /accounts/acc-big HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 25165824\r\n\r\n".encode()
                     + b'{"id": "acc-big", "name": "' + b"x" * 4096)
        sock.settimeout(5)
        started = time.monotonic()
        try:
            answer = sock.recv(4096)
        except TimeoutError:
            pytest.fail("no answer before the body was sent: the server waits to read it")
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        assert time.monotonic() - started < 5
    finally:
        sock.close()
    # with a key the same route works (the check does not stand in the way)
    body = {"id": "acc-l6", "name": "x", "tier": "C"}
    auth = {"Authorization": f"Bearer {served.token}"}
    assert httpx.put(f"{served.base}/accounts/acc-l6", json=body, headers=auth).status_code == 200


def test_info_store_files_are_readable_by_their_owner_only(served):
    """Info: the store file and its write-ahead log hold every record and the key hashes:
    created 0600 (were 0644), by ``graphcrm load`` and by a serving ``graphcrm serve``."""
    auth = {"Authorization": f"Bearer {served.token}"}
    body = {"id": "acc-files", "name": "x", "tier": "C"}
    assert httpx.put(f"{served.base}/accounts/acc-files", json=body, headers=auth).status_code == 200
    files = [p for p in served.folder.iterdir() if p.name.startswith("s.lbug")]
    assert any(p.name == "s.lbug.wal" for p in files), files  # the server holds the log open
    for path in files:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"
