"""Benchmark of issue 4: the HTTP API under concurrent load.

    PYTHONPATH=. .venv/bin/python -m bench.bench_api                 # 3 runs, 20 clients, 10 s each
    PYTHONPATH=. .venv/bin/python -m bench.bench_api --runs 1 --duration 5 --path /portfolio/risks

Each run is a fresh store in a temp dir, set up the way a user would: ``graphcrm
--db ladybug://… load seeds`` and ``graphcrm … keys create --role admin`` (each
finishes before the next starts: the store file is locked by one process), then
``graphcrm … serve`` — one uvicorn worker on loopback, as shipped (access log on,
written to a file). ``--clients`` asyncio clients (httpx, one keep-alive
connection each) send the same GET back to back for ``--duration`` seconds after
a short warm-up. The client runs in this process, on the same machine as the
server, so on 2 cores the two compete for CPU.

Prints JSON: each run (requests/s, p50/p95/p99 latency in ms, errors, the CPU
seconds the load generator itself used, warm-up included) and the medians over
the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GRAPHCRM = Path(sys.executable).parent / "graphcrm"
DEFAULT_PATH = "/bids/bid-jnm-5g-core-2026/coverage?as_of=2026-11-15"
TARGET_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphcrm(db: str, *args: str) -> str:
    result = subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"graphcrm {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


async def _load(base: str, path: str | Sequence[str], token: str, clients: int, duration: float,
                warmup: float) -> dict:
    """``clients`` workers send GETs back to back: always ``path``, or, given a list
    of paths, the next one of the list each (cycled through, shared by all workers;
    the result then also says how many distinct paths there were and how many
    requests were sent in all, warm-up included)."""
    cycled = None if isinstance(path, str) else itertools.cycle(path)
    sent = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        loop = asyncio.get_running_loop()
        start = loop.time()
        measure_from = start + warmup
        stop = measure_from + duration

        async def worker() -> None:
            nonlocal errors, sent
            while (now := loop.time()) < stop:
                target = path if cycled is None else next(cycled)
                sent += 1
                t = time.perf_counter()
                try:
                    r = await client.get(target)
                    code = r.status_code
                except httpx.HTTPError:
                    code = -1
                elapsed = (time.perf_counter() - t) * 1000
                if now >= measure_from:
                    statuses[code] = statuses.get(code, 0) + 1
                    if code == 200:
                        latencies.append(elapsed)
                    else:
                        errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed_s = loop.time() - measure_from
    latencies.sort()
    extra = {} if cycled is None else {"distinct_paths": len(path), "sent": sent}
    return {
        **extra,
        "requests": len(latencies) + errors,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed_s, 2),
        "rps": round((len(latencies) + errors) / elapsed_s, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }


@contextlib.contextmanager
def serving(db: str, log: Path, ready_within: float = 60.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """``graphcrm --db DB serve`` on a free loopback port, its output to ``log``:
    yields the base URL (once the server answers) and the server process; stops it after."""
    port = _free_port()
    with log.open("w") as log_file:
        server = subprocess.Popen([str(GRAPHCRM), "--db", db, "serve", "--port", str(port)],
                                  stdout=log_file, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + ready_within
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"graphcrm serve exited:\n{log.read_text()}")
                try:
                    if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"graphcrm serve did not answer within {ready_within:g} s")
                time.sleep(0.1)
            yield base, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def one_run(path: str, clients: int, duration: float, warmup: float, keep_log: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        db = f"ladybug://{Path(tmp) / 'b.lbug'}"
        _graphcrm(db, "load", str(SEEDS))
        token = _graphcrm(db, "keys", "create", "--role", "admin", "--name", "bench").strip()
        log = Path(tmp) / "serve.log"
        with serving(db, log) as (base, server):
            check = httpx.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if check.status_code != 200:
                raise SystemExit(f"GET {path}: {check.status_code} {check.text[:500]}")
            cpu = time.process_time()
            result = asyncio.run(_load(base, path, token, clients, duration, warmup))
            # This process is the load generator: its CPU is taken from the server's 2 cores.
            result["client_cpu_s"] = round(time.process_time() - cpu, 2)
            result["server_pid"] = server.pid
        if keep_log is not None:
            keep_log.write_text(log.read_text())
    return result


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default=DEFAULT_PATH, help=f"the GET to repeat [{DEFAULT_PATH}]")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of load before measuring")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    runs = []
    for i in range(args.runs):
        runs.append(one_run(args.path, args.clients, args.duration, args.warmup))
        print(f"run {i + 1}/{args.runs}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    median = {k: round(statistics.median(r[k] for r in runs), 1)
              for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    print(json.dumps({
        "path": args.path, "clients": args.clients, "duration_s": args.duration, "runs": runs,
        "median": median, "target_p95_ms": TARGET_P95_MS, "target_met": median["p95_ms"] < TARGET_P95_MS,
        "machine": {"cpus": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version()},
        "date": dt.date.today().isoformat(),
    }, indent=1))


if __name__ == "__main__":
    main()
