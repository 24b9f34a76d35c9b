"""Benchmark of the management loop's portfolio commands: ``plans``, ``cadence``, ``completeness``.

Each command runs as the real ``graphcrm`` script, ``--json`` to a file, in a fresh
process, ``--runs`` times; the figure is the median wall time and the largest peak
RSS (the process and its worker processes: ``ru_maxrss`` of the children).

Usage (a store built with ``graphcrm generate`` and ``graphcrm load``)::

    PYTHONPATH=. .venv/bin/python -m bench.bench_loop /tmp/s50k.lbug --runs 3 --out bench/loop_results.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {"plans": ["plans"], "cadence": ["cadence", "--weeks", "4"], "completeness": ["completeness"]}
AS_OF = "2026-11-15"  # graphcrm generate's default snapshot day


def _graphcrm() -> Path:
    return Path(sys.executable).parent / "graphcrm"


def run_once(store: Path, args: list[str], jobs: int | None) -> dict:
    """One run in a fresh process: wall seconds and the children's peak RSS (MiB)."""
    cmd = [str(_graphcrm()), "--db", f"ladybug://{store}", *args, "--json", "--as-of", AS_OF]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    with tempfile.TemporaryFile() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, timeout=3600)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
        out.seek(0)
        report = json.load(out)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = {"plans": len(report.get("plans", [])), "reps": len(report.get("reps", [])),
            "accounts": len(report.get("accounts", []))}
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(max(peak, before) / 1024), "size": size}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench_loop")
    p.add_argument("store", type=Path)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--jobs", type=int, default=None, help="worker processes [default: the command's, the cores]")
    p.add_argument("--out", type=Path, default=None, help="JSON file the run is appended to")
    args = p.parse_args(argv)
    results = {}
    for name, cmd in COMMANDS.items():
        runs = [run_once(args.store, cmd, args.jobs) for _ in range(args.runs)]
        times = [r["seconds"] for r in runs]
        results[name] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                         "peak_rss_mib": max(r["peak_rss_mib"] for r in runs), "size": runs[0]["size"]}
        print(f"{name}: median {results[name]['median_s']} s ({min(times)}–{max(times)}), "
              f"{results[name]['size']}", flush=True)
    doc = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "store": str(args.store),
           "runs": args.runs, "cores": os.cpu_count(), "python": platform.python_version(),
           "load_average": os.getloadavg(), "results": results}
    if args.out:  # the file keeps every run: {"runs": [doc, …]}
        kept = json.loads(args.out.read_text(encoding="utf-8"))["runs"] if args.out.exists() else []
        args.out.write_text(json.dumps({"runs": [*kept, doc]}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
