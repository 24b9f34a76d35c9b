"""Helpers for tests that start a real ``graphcrm serve`` process."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

__all__ = ["free_port", "wait_until_serving"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen, seconds: float, log: Path | None = None) -> None:
    """Wait until the server at ``base`` answers; fail the test if it exits first
    or does not answer within ``seconds``, showing its ``log`` file if given."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server at {base} did not start\n{log.read_text() if log else ''}")
            time.sleep(0.05)
