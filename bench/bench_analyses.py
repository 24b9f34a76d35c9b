"""Benchmarks of issue 3: analysis time on one big account, and ``risks`` over a portfolio.

    .venv/bin/python -m bench.bench_analyses account            # 500 contacts, 40 reps, 2,000 influences
    .venv/bin/python -m bench.bench_analyses portfolio --accounts 2000

Figures are medians; the portfolio run prints the ``risks`` time, its peak RSS
(measured in a fresh process), and its ratio to the time the store takes merely
to read the same rows with the same queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.gaps import gaps
from graphcrm.graph import build_graph
from graphcrm.model import RECORD_TYPES, Dataset
from graphcrm.policy import Policy
from graphcrm.store import open_store
from graphcrm.schema import query
from graphcrm.store.reads import ACCOUNT_BATCH

from bench.synth import AS_OF, big_account, portfolio


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench_account(runs: int) -> dict:
    data, bid_id = big_account()
    g = build_graph(data, "a0")
    policy = Policy()
    return {
        "contacts": len(data.contacts), "reps": len(data.reps), "influences": len(data.influences),
        "relationships": len(data.relationships), "decision_chain": len(data.bid_roles),
        "build_graph_ms": round(_median_ms(lambda: build_graph(data, "a0"), runs), 2),
        "check_ms": round(_median_ms(lambda: coverage_check(g, bid_id, AS_OF, policy), runs), 2),
        "gaps_ms": round(_median_ms(lambda: gaps(g, AS_OF, policy), runs), 2),
        "runs": runs,
    }


def load_portfolio(path: Path, accounts: int, chunk: int = 100) -> dict:
    """Generate and load a synthetic portfolio, ``chunk`` accounts per transaction."""
    parts = portfolio(accounts)
    rows, t = 0, time.perf_counter()
    with open_store(f"ladybug://{path}") as store:
        store.apply(next(parts))  # the sales force
        batch: list[Dataset] = []
        for part in parts:
            batch.append(part)
            if len(batch) == chunk:
                rows += _apply(store, batch)
                batch = []
        if batch:
            rows += _apply(store, batch)
        counts = store.counts()
    seconds = time.perf_counter() - t
    return {"load_s": round(seconds, 1), "rows": rows, "rows_per_s": round(rows / seconds), "counts": counts}


def _apply(store, parts: list[Dataset]) -> int:
    merged = Dataset(**{Dataset.field_for(t): [r for p in parts for r in p.records(t)] for t in RECORD_TYPES})
    store.apply(merged)
    return sum(merged.counts().values())


def measure(path: Path, what: str, jobs: int) -> dict:
    """Run in a fresh process: the store's raw read of the rows ``risks`` reads, or ``risks``."""
    from graphcrm import services

    with open_store(f"ladybug://{path}") as store:
        ids = store.account_ids()
        t = time.perf_counter()
        if what == "read":
            rows = 0
            for start in range(0, len(ids), ACCOUNT_BATCH):
                chunk = ids[start:start + ACCOUNT_BATCH]
                for rt in RECORD_TYPES:
                    rows += len(store.read(query(rt, "in_accounts"), account_ids=chunk,
                                            first=chunk[0], last=chunk[-1]))
            extra = {"rows": rows}
        else:
            report = services.risks(store, AS_OF, Policy(), jobs=jobs)
            extra = {"held_by_one": sum(a.held_by_one for a in report.accounts)}
        seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(rss / 1024), **extra}


def _child(path: Path, what: str, jobs: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_analyses", "measure", str(path), what, str(jobs)],
                         check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("account")
    a.add_argument("--runs", type=int, default=30)
    p = sub.add_parser("portfolio")
    p.add_argument("--accounts", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    m = sub.add_parser("measure")
    m.add_argument("path", type=Path)
    m.add_argument("what", choices=["read", "risks"])
    m.add_argument("jobs", type=int)
    args = parser.parse_args()
    info = {"date": dt.date.today().isoformat(), "cpus": os.cpu_count()}
    if args.cmd == "account":
        print(json.dumps({**info, **bench_account(args.runs)}, indent=1))
    elif args.cmd == "measure":
        print(json.dumps(measure(args.path, args.what, args.jobs)))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "portfolio.lbug"
            result = {**info, "accounts": args.accounts, **load_portfolio(path, args.accounts)}
            for name, what, jobs in (("read", "read", 1), ("risks_1_job", "risks", 1), ("risks_2_jobs", "risks", 2)):
                runs = [_child(path, what, jobs) for _ in range(args.repeat)]
                result[name] = {
                    "seconds_median": statistics.median(r["seconds"] for r in runs),
                    "seconds_all": [r["seconds"] for r in runs],
                    "peak_rss_mib_max": max(r["peak_rss_mib"] for r in runs),
                    **{k: v for k, v in runs[0].items() if k not in ("seconds", "peak_rss_mib")},
                }
            for name in ("risks_1_job", "risks_2_jobs"):
                result[name]["ratio_to_read"] = round(result[name]["seconds_median"] / result["read"]["seconds_median"], 1)
            print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
