"""Benchmark of issue 6: graphcrm at 1k, 10k and 50k accounts.

    PYTHONPATH=. .venv/bin/python -m bench.bench_scale --sizes 1000,10000,50000
    PYTHONPATH=. .venv/bin/python -m bench.bench_scale --sizes 1000 --repeat 1 --api-seconds 5
    PYTHONPATH=. .venv/bin/python -m bench.bench_scale --chart-only      # chart + table from the JSON

The chart needs matplotlib: ``.venv/bin/pip install -e '.[dev,bench]'``.

Per size N, one size after the other (the 50k load alone takes several GiB), in
``--workdir`` (default /tmp/graphcrm-scale):

1. **generate** ``graphcrm generate --accounts N --seed S gen-N`` (about 20 contacts
   per account); skipped when ``gen-N/.bench-stamp.json`` names the same N, seed,
   as-of day and generator (sha256 of graphcrm/generate.py). The rows of each file
   are counted once, into the stamp.
2. **load** ``graphcrm --db ladybug://store-N.lbug load gen-N`` into a fresh store
   (old store files removed first): wall time, rows (the sum of the generated rows
   of every file), rows/s, the process's peak RSS, and the store's size on disk.
3. **risks** ``graphcrm --db … risks --json --as-of 2026-11-15 --jobs J``,
   ``--repeat`` times (median wall time), then once with ``--jobs 1``. Peak RSS of
   the main process (the CLI process: it spawns the workers and merges their
   results) and of the largest worker process, reported separately.
4. **raw read**: in a fresh process, the store opened read-only
   (``LadybugStore(path, read_only=True)``) and, timed, exactly the rows ``risks``
   reads — the sorted account ids, ``rep/all`` once, then per batch of
   ``ACCOUNT_BATCH`` ids the ``in_accounts`` query of each of ``RISK_RECORDS`` —
   rows only, no analysis. ``--repeat`` times, interleaved with the ``risks`` runs
   (median). Ratios: risks wall time (start-up included) / raw read time (opening
   the store and start-up not included), for J jobs and for 1 job. The fixed cost
   of any graphcrm command (``graphcrm --help``) is measured once too.
5. **check**: in a fresh process, ``services.check(store, bid, as_of, Policy())``
   20 times after one warm-up, for an open bid (tender or submitted, with a
   decision chain) of an account of median size and one of the largest account.
6. **API** ``graphcrm … keys create --role admin``, then ``graphcrm … serve``; 20
   clients for ``--api-seconds`` (bench_api's load generator): (a) *cached*: always
   the coverage of the median account's bid (the server keeps reports until the next
   write: this measures its cache); (b) *cold*: each request the coverage of the next
   of up to 2,000 distinct open bids with a decision chain, shuffled.

Wall times are measured here, around the child process: they include Python's
start-up and imports, as a user waits for them. Peak RSS comes from
``getrusage``: every ``graphcrm`` command runs in a small wrapper process that
executes the ``graphcrm`` console script in-process (``runpy``, so spawned workers
start exactly as under the real script) and then reports ``RUSAGE_SELF`` (the
command's own process) and ``RUSAGE_CHILDREN`` (the largest of its worker
processes, all joined by then) ``ru_maxrss``.

Writes ``bench/scale_results.json`` (after each size, so a failure keeps the sizes
done) and ``bench/scale.png``; prints a Markdown table, one row per size.
Every child has a bounded timeout (scaled by N; ``--timeout-scale``); a failing
child raises with the end of its stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "scale_results.json"
CHART = ROOT / "bench" / "scale.png"
DEFAULT_WORKDIR = Path("/tmp/graphcrm-scale")
AS_OF = "2026-11-15"
STAMP = ".bench-stamp.json"
CHECK_STAGES = ("tender", "submitted")
OPEN_STAGES = ("lead", "qualify", "tender", "submitted")  # docs/design.md §3: open = not won or lost
COLD_BIDS = 2_000
IMPORT_FILES = 11  # docs/design.md §4
MIB = 1024  # ru_maxrss is in KiB on Linux

TARGETS = {
    "load_rows_per_s_min": 50_000,
    "risks_seconds_max": 60.0,
    "risks_peak_rss_mib_max": 2048,
    "risks_ratio_to_raw_read_max": 3.0,
    "check_ms_max": 50.0,
    "api_p95_ms_max": 100.0,
    "at_accounts": 50_000,
}

DEFINITIONS = {
    "load.seconds": "wall time of `graphcrm --db ladybug://store-N.lbug load gen-N` into a fresh store, "
                    "process start-up included",
    "load.rows": "data rows of the 11 generated CSV files (csv-parsed), summed",
    "load.peak_rss_mib": "ru_maxrss of the load process",
    "raw_read.seconds_*": "in a fresh process with the store open read-only: account_ids(), _read('rep/all'), "
                          "then per ACCOUNT_BATCH ids the in_accounts query of each of services.RISK_RECORDS; "
                          "rows converted to dicts, nothing else; opening the store and start-up not included",
    "raw_read.process_seconds_median": "wall time of that whole process (start-up, imports, open, read)",
    "risks.seconds_*": "wall time of `graphcrm --db … risks --json --as-of 2026-11-15 --jobs J`, start-up included",
    "risks.main_peak_rss_mib": "ru_maxrss of the CLI process (it spawns the workers and merges their results)",
    "risks.worker_peak_rss_mib": "RUSAGE_CHILDREN ru_maxrss of the CLI process: the largest worker",
    "risks.ratio_to_raw_read": "median risks wall time / median raw read time",
    "check.*.median_ms": "services.check(store, bid, as_of, Policy()) in one process, store open read-only, "
                         "after one warm-up; graph_median_ms: store.bid_graph alone; analysis_median_ms: "
                         "coverage_check on that graph alone",
    "api.cached": "bench_api load: every request the coverage of the median account's bid (served from the "
                  "server's report cache after the first)",
    "api.cold": "bench_api load: each request the coverage of the next of up to 2,000 distinct open bids with "
                "a decision chain (shuffled); all_distinct: no bid was asked twice (warm-up included)",
    "api.server_peak_rss_mib": "VmHWM of the server process at the end of both loads",
    "startup.graphcrm_help_seconds_median": "wall time of `graphcrm --help`: the fixed cost in every CLI wall time",
    "scaling_exponents": "k in time ∝ accounts^k between consecutive sizes (1 = linear)",
}

# Runs the graphcrm console script in this process, then writes its rusage as JSON
# to argv[1]; argv[2] is the script, the rest its arguments.
WRAPPER = r"""
import json, resource, runpy, sys
out, script = sys.argv[1], sys.argv[2]
sys.argv = [script, *sys.argv[3:]]
code = 0
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as e:
    if e.code is None:
        code = 0
    elif isinstance(e.code, int):
        code = e.code
    else:
        print(e.code, file=sys.stderr)
        code = 1
sys.stdout.flush()
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump({"exit_code": code, "self_maxrss_kib": own.ru_maxrss, "children_maxrss_kib": children.ru_maxrss,
               "self_cpu_s": own.ru_utime + own.ru_stime,
               "children_cpu_s": children.ru_utime + children.ru_stime}, f)
sys.exit(code)
"""


class ChildFailed(RuntimeError):
    """A child process failed or timed out; the message ends with its stderr."""


def _log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _graphcrm_script() -> Path:
    from bench.bench_api import GRAPHCRM

    if not GRAPHCRM.exists():
        raise SystemExit(f"no graphcrm script at {GRAPHCRM}: run with the project's venv python")
    return GRAPHCRM


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("COLUMNS", "200")  # rich tables in captured output: no wrapping
    return env


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no stderr)"
    return text if len(text) <= chars else "…" + text[-chars:]


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the child and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _run(cmd: list[str], timeout: float, logs: Path, name: str, shown: str | None = None) -> tuple[float, Path]:
    """Run ``cmd`` in its own process group, stdout and stderr to ``logs/name.*``.
    Returns (wall seconds, stdout path); raises ``ChildFailed`` (naming the
    command as ``shown``) on a non-zero exit or a timeout (the whole group is
    killed then)."""
    shown = shown or " ".join(cmd)
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / f"{name}.out", logs / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=_env(), start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ChildFailed(f"{name}: timed out after {timeout:.0f} s: {shown}\n"
                              f"stderr:\n{_tail(err_path)}") from None
        except BaseException:
            _kill_group(proc)
            raise
        seconds = time.perf_counter() - t
    if code != 0:
        raise ChildFailed(f"{name}: exit code {code}: {shown}\nstderr:\n{_tail(err_path)}")
    return seconds, out_path


def _measured(args: list[str], timeout: float, logs: Path, name: str) -> dict:
    """``graphcrm ARGS`` in the rusage wrapper: wall seconds, peak RSS of the
    command's process and of its largest child, and its stdout path."""
    rusage = logs / f"{name}.rusage.json"
    rusage.unlink(missing_ok=True)
    script = str(_graphcrm_script())
    seconds, out = _run([sys.executable, "-c", WRAPPER, str(rusage), script, *args], timeout, logs, name,
                        shown=f"{script} {' '.join(args)} (in the rusage wrapper)")
    usage = json.loads(rusage.read_text())
    return {"seconds": seconds, "stdout": out,
            "main_rss_mib": usage["self_maxrss_kib"] / MIB, "children_rss_mib": usage["children_maxrss_kib"] / MIB,
            "main_cpu_s": usage["self_cpu_s"], "children_cpu_s": usage["children_cpu_s"]}


def _python_child(args: list[str], timeout: float, logs: Path, name: str) -> tuple[float, dict]:
    """``python -m bench.bench_scale ARGS`` (a measurement child): wall seconds and its JSON."""
    seconds, out = _run([sys.executable, "-m", "bench.bench_scale", *args], timeout, logs, name)
    return seconds, json.loads(out.read_text())


def _timeout(args: argparse.Namespace, base: float, per_account: float, accounts: int) -> float:
    """Generous but bounded: ``base`` seconds plus ``per_account`` per account."""
    return (base + per_account * accounts) * args.timeout_scale


# --- step 1: generate --------------------------------------------------------------------


def _count_rows(gen: Path) -> dict[str, int]:
    """Data rows per import file (csv-parsed: quoted fields may hold newlines)."""
    rows = {}
    for f in sorted(gen.glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            rows[f.stem] = sum(1 for _ in csv.reader(fh)) - 1
    return rows


def generate(args: argparse.Namespace, n: int) -> dict:
    gen = args.workdir / f"gen-{n}"
    stamp = gen / STAMP
    # the generator's source too: files made by another version of it are made again
    want = {"accounts": n, "seed": args.seed, "as_of": AS_OF,
            "generator_sha256": hashlib.sha256((ROOT / "graphcrm" / "generate.py").read_bytes()).hexdigest()}
    if stamp.exists():
        old = json.loads(stamp.read_text())
        files = [gen / f"{name}.csv" for name in old.get("rows_by_file", {})]
        if len(files) == IMPORT_FILES and all(f.is_file() for f in files) and {k: old.get(k) for k in want} == want:
            _log(f"{n}: generated files in {gen} are up to date (stamp): not generating")
            return {**old, "cached": True, "dir": str(gen)}
    stamp.unlink(missing_ok=True)
    _log(f"{n}: generating {gen}")
    seconds, _ = _run([str(_graphcrm_script()), "generate", "--accounts", str(n), "--seed", str(args.seed),
                       "--as-of", AS_OF, str(gen)], _timeout(args, 300, 0.02, n), args.workdir / "logs",
                      f"generate-{n}")
    rows = _count_rows(gen)
    info = {**want, "seconds": round(seconds, 2), "rows_by_file": rows, "rows": sum(rows.values()),
            "mib": round(sum(f.stat().st_size for f in gen.glob("*.csv")) / 2**20, 1),
            "generated": dt.datetime.now().isoformat(timespec="seconds")}
    stamp.write_text(json.dumps(info, indent=1))
    return {**info, "cached": False, "dir": str(gen)}


def _portfolio_facts(gen: Path) -> dict:
    """From the generated files: contacts per account, bids (account, stage) and the
    size of each bid's decision chain."""
    contacts: Counter[str] = Counter()
    with (gen / "contacts.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            contacts[row["account_id"]] += 1
    accounts = []
    with (gen / "accounts.csv").open(newline="", encoding="utf-8") as f:
        accounts = [row["id"] for row in csv.DictReader(f)]
    bids = {}
    with (gen / "bids.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            bids[row["id"]] = (row["account_id"], row["stage"])
    chain: Counter[str] = Counter()
    with (gen / "bid_roles.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            chain[row["bid_id"]] += 1
    return {"sizes": {a: contacts[a] for a in accounts}, "bids": bids, "chain": chain}


def pick_bids(facts: dict, seed: int) -> dict:
    """The bids ``check`` and the API are measured on (deterministic)."""
    sizes, bids, chain = facts["sizes"], facts["bids"], facts["chain"]
    median = statistics.median_low(sizes.values())
    checkable = [b for b, (a, stage) in bids.items() if stage in CHECK_STAGES and chain[b]]
    if not checkable:
        raise SystemExit("no tender or submitted bid with a decision chain in the generated portfolio")

    def described(b: str) -> dict:
        a = bids[b][0]
        return {"bid_id": b, "account_id": a, "stage": bids[b][1], "account_contacts": sizes[a],
                "decision_chain": chain[b]}

    typical = min(checkable, key=lambda b: (abs(sizes[bids[b][0]] - median), b))
    largest = min(checkable, key=lambda b: (-sizes[bids[b][0]], b))  # the largest account with such a bid
    cold = sorted(b for b, (a, stage) in bids.items() if stage in OPEN_STAGES and chain[b] and b != typical)
    if len(cold) > COLD_BIDS:  # evenly spread over the portfolio
        cold = [cold[i * len(cold) // COLD_BIDS] for i in range(COLD_BIDS)]
    random.Random(seed).shuffle(cold)
    return {"median_account": {**described(typical), "portfolio_median_contacts": median},
            "largest_account": {**described(largest), "portfolio_largest_contacts": max(sizes.values())},
            "cold_bids": cold}


# --- step 2: load ------------------------------------------------------------------------


def _store_files(store: Path) -> list[Path]:
    return sorted(store.parent.glob(store.name + "*"))


def _remove_store(store: Path) -> None:
    for p in _store_files(store):
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def _disk_mib(paths: list[Path]) -> float:
    total = 0
    for p in paths:
        if p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        elif p.exists():
            total += p.stat().st_size
    return round(total / 2**20, 1)


def load(args: argparse.Namespace, n: int, gen: dict, store: Path) -> dict:
    _remove_store(store)
    _log(f"{n}: loading {gen['rows']:,} rows into {store}")
    m = _measured(["--db", f"ladybug://{store}", "load", gen["dir"]], _timeout(args, 600, 0.15, n),
                  args.workdir / "logs", f"load-{n}")
    return {"seconds": round(m["seconds"], 2), "rows": gen["rows"], "rows_per_s": round(gen["rows"] / m["seconds"]),
            "peak_rss_mib": round(m["main_rss_mib"]), "store_mib": _disk_mib(_store_files(store))}


# --- steps 3 and 4: risks and the raw read ------------------------------------------------


def risks_run(args: argparse.Namespace, n: int, store: Path, jobs: int, name: str) -> dict:
    m = _measured(["--db", f"ladybug://{store}", "risks", "--json", "--as-of", AS_OF, "--jobs", str(jobs)],
                  _timeout(args, 600, 0.05, n), args.workdir / "logs", name)
    report = json.loads(m["stdout"].read_text())
    accounts = report["accounts"]
    return {"seconds": m["seconds"], "main_rss_mib": m["main_rss_mib"], "worker_rss_mib": m["children_rss_mib"],
            "main_cpu_s": m["main_cpu_s"], "workers_cpu_s": m["children_cpu_s"], "accounts": len(accounts),
            "held_by_one": sum(1 for a in accounts if a["bus_factor"] == 1)}


def raw_read_run(args: argparse.Namespace, n: int, store: Path, name: str, counts: bool) -> dict:
    wall, out = _python_child(["_raw", str(store), *(["--counts"] if counts else [])],
                              _timeout(args, 600, 0.03, n), args.workdir / "logs", name)
    return {**out, "process_seconds": wall}


def _summary(runs: list[dict], key: str = "seconds") -> dict:
    values = [r[key] for r in runs]
    return {"seconds_median": round(statistics.median(values), 3), "seconds_all": [round(v, 3) for v in values]}


def risks_and_raw(args: argparse.Namespace, n: int, store: Path, gen: dict) -> dict:
    reads, runs = [], []
    for i in range(args.repeat):
        _log(f"{n}: raw read {i + 1}/{args.repeat}")
        reads.append(raw_read_run(args, n, store, f"raw-{n}-{i + 1}", counts=i == 0))
        _log(f"{n}: risks --jobs {args.jobs} {i + 1}/{args.repeat}")
        runs.append(risks_run(args, n, store, args.jobs, f"risks-{n}-j{args.jobs}-{i + 1}"))
    _log(f"{n}: risks --jobs 1")
    single = risks_run(args, n, store, 1, f"risks-{n}-j1")
    read = {**_summary(reads),
            "process_seconds_median": round(statistics.median(r["process_seconds"] for r in reads), 3),
            "open_seconds_median": round(statistics.median(r["open_seconds"] for r in reads), 3),
            "rows": reads[0]["rows"], "rows_by_query": reads[0]["rows_by_query"],
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in reads)), "ids_sorted": reads[0]["ids_sorted"]}
    counts = reads[0].get("store_counts", {})
    mismatched = {k: {"generated": gen["rows_by_file"].get(k), "stored": v} for k, v in counts.items()
                  if gen["rows_by_file"].get(k) != v}
    if mismatched:
        _log(f"{n}: WARNING the store does not hold exactly the generated rows: {mismatched}")
    multi = {"jobs": args.jobs, **_summary(runs),
             "main_peak_rss_mib": round(max(r["main_rss_mib"] for r in runs)),
             "worker_peak_rss_mib": round(max(r["worker_rss_mib"] for r in runs)),
             "main_cpu_s_median": round(statistics.median(r["main_cpu_s"] for r in runs), 2),
             "workers_cpu_s_median": round(statistics.median(r["workers_cpu_s"] for r in runs), 2),
             "accounts": runs[0]["accounts"], "held_by_one": runs[0]["held_by_one"],
             "ratio_to_raw_read": round(statistics.median(r["seconds"] for r in runs) / read["seconds_median"], 2)}
    one = {"jobs": 1, "seconds": round(single["seconds"], 3), "main_peak_rss_mib": round(single["main_rss_mib"]),
           "worker_peak_rss_mib": round(single["worker_rss_mib"]), "accounts": single["accounts"],
           "held_by_one": single["held_by_one"],
           "ratio_to_raw_read": round(single["seconds"] / read["seconds_median"], 2)}
    return {"raw_read": read, "risks": multi, "risks_1_job": one,
            "store_counts_match": not mismatched if counts else None,
            **({"store_counts_mismatch": mismatched} if mismatched else {})}


def child_raw(store: Path, counts: bool) -> dict:
    """In a fresh process: time reading exactly the rows ``risks`` reads."""
    from graphcrm.services import RISK_RECORDS
    from graphcrm.store.ladybug import LadybugStore
    from graphcrm.schema import query as named
    from graphcrm.store.reads import ACCOUNT_BATCH

    t = time.perf_counter()
    s = LadybugStore(store, read_only=True)
    opened = time.perf_counter() - t
    t = time.perf_counter()
    ids = s.account_ids()
    rows = {"account/ids": len(ids), "rep/all": len(s.read("rep/all"))}
    for start in range(0, len(ids), ACCOUNT_BATCH):
        batch = ids[start:start + ACCOUNT_BATCH]
        for rt in RISK_RECORDS:
            query = named(rt, "in_accounts")
            rows[query] = rows.get(query, 0) + len(s.read(query, account_ids=batch, first=batch[0], last=batch[-1]))
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "open_seconds": opened, "rows": sum(rows.values()), "rows_by_query": rows,
           "ids_sorted": ids == sorted(ids),
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB}
    if counts:
        out["store_counts"] = s.counts()
    s.close()
    return out


# --- step 5: check -----------------------------------------------------------------------


def check(args: argparse.Namespace, n: int, store: Path, picks: dict) -> dict:
    _log(f"{n}: check ×{args.check_runs} on two bids")
    bids = [picks["median_account"]["bid_id"], picks["largest_account"]["bid_id"]]
    _, out = _python_child(["_check", str(store), *bids, "--runs", str(args.check_runs)],
                           _timeout(args, 300, 0.005, n), args.workdir / "logs", f"check-{n}")
    return {which: {**picks[which], **out[picks[which]["bid_id"]]} for which in ("median_account", "largest_account")}


def child_check(store: Path, bids: list[str], runs: int) -> dict:
    """In a fresh process: ``services.check`` of each bid, one warm-up then ``runs`` timed."""
    from graphcrm import services
    from graphcrm.analysis.coverage import coverage_check
    from graphcrm.policy import Policy
    from graphcrm.store.ladybug import LadybugStore

    s, policy, as_of = LadybugStore(store, read_only=True), Policy(), dt.date.fromisoformat(AS_OF)
    result = {}
    for bid in bids:
        report = services.check(s, bid, as_of, policy)  # warm-up
        times, graph, analysis = [], [], []
        for _ in range(runs):
            t = time.perf_counter()
            services.check(s, bid, as_of, policy)
            times.append((time.perf_counter() - t) * 1000)
        for _ in range(runs):  # where the time goes: reading + building the graph, the analysis
            t = time.perf_counter()
            g = s.bid_graph(bid)
            graph.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            coverage_check(g, bid, as_of, policy)
            analysis.append((time.perf_counter() - t) * 1000)
        result[bid] = {"runs": runs, "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
                       "min_ms": round(min(times), 2), "graph_median_ms": round(statistics.median(graph), 2),
                       "analysis_median_ms": round(statistics.median(analysis), 2),
                       "graph_nodes": g.number_of_nodes(), "graph_edges": g.number_of_edges(),
                       "uncovered": len(report.uncovered), "red_flags": len(report.red_flags)}
    s.close()
    return result


# --- step 6: API -------------------------------------------------------------------------


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / MIB)
    except OSError:
        pass
    return None


def api(args: argparse.Namespace, n: int, store: Path, picks: dict) -> dict:
    import asyncio

    import httpx

    from bench import bench_api

    db = f"ladybug://{store}"
    token = bench_api._graphcrm(db, "keys", "create", "--role", "admin", "--name", "bench").strip()
    hot = f"/bids/{picks['median_account']['bid_id']}/coverage?as_of={AS_OF}"
    cold = [f"/bids/{b}/coverage?as_of={AS_OF}" for b in picks["cold_bids"]]
    log = args.workdir / "logs" / f"serve-{n}.log"
    _log(f"{n}: API: {args.api_clients} clients × {args.api_seconds:g} s, cached then cold ({len(cold)} bids)")
    with bench_api.serving(db, log, ready_within=_timeout(args, 120, 0.004, n)) as (base, server):
        first = httpx.get(f"{base}{hot}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        if first.status_code != 200:
            raise ChildFailed(f"GET {hot}: {first.status_code} {first.text[:500]}")
        results = {}
        for name, paths in (("cached", hot), ("cold", cold)):
            cpu = time.process_time()
            r = asyncio.run(bench_api._load(base, paths, token, args.api_clients, args.api_seconds, args.api_warmup))
            r["client_cpu_s"] = round(time.process_time() - cpu, 2)
            if name == "cold":
                r["all_distinct"] = r["sent"] <= r["distinct_paths"]
            results[name] = r
        results["server_peak_rss_mib"] = _vm_hwm_mib(server.pid)
    results["cached"]["bid_id"] = picks["median_account"]["bid_id"]
    return results


# --- one size, the whole run ---------------------------------------------------------------


def one_size(args: argparse.Namespace, n: int) -> dict:
    start, load_start = time.perf_counter(), os.getloadavg()
    result: dict[str, Any] = {"accounts": n, "seed": args.seed, "date": dt.datetime.now().isoformat(timespec="seconds"),
                              "commit": _commit()}
    gen = generate(args, n)
    result["generate"] = {k: gen[k] for k in ("seconds", "cached", "rows", "rows_by_file", "mib")}
    facts = _portfolio_facts(Path(gen["dir"]))
    picks = pick_bids(facts, args.seed)
    del facts
    store = args.workdir / f"store-{n}.lbug"
    try:
        result["load"] = load(args, n, gen, store)
        result.update(risks_and_raw(args, n, store, gen))
        result["check"] = check(args, n, store, picks)
        result["api"] = api(args, n, store, picks)
    finally:
        if not args.keep_stores:
            _remove_store(store)
    result["targets_met"] = targets_met(result)
    result["load_average"] = {"start": [round(x, 2) for x in load_start],
                              "end": [round(x, 2) for x in os.getloadavg()]}
    result["seconds_total"] = round(time.perf_counter() - start, 1)
    return result


def targets_met(r: dict) -> dict:
    """Each target of issue 6 against this size's figures (the targets are for 50k)."""
    t, risks = TARGETS, r["risks"]
    main_plus_workers = risks["main_peak_rss_mib"] + risks["jobs"] * risks["worker_peak_rss_mib"]
    return {
        "load_rows_per_s": r["load"]["rows_per_s"] >= t["load_rows_per_s_min"],
        "risks_seconds": risks["seconds_median"] <= t["risks_seconds_max"],
        "risks_peak_rss_each_process": max(risks["main_peak_rss_mib"], risks["worker_peak_rss_mib"])
        <= t["risks_peak_rss_mib_max"],
        "risks_peak_rss_all_processes_bound": main_plus_workers <= t["risks_peak_rss_mib_max"],
        "risks_ratio_to_raw_read": risks["ratio_to_raw_read"] <= t["risks_ratio_to_raw_read_max"],
        "check_median_account": r["check"]["median_account"]["median_ms"] < t["check_ms_max"],
        "check_largest_account": r["check"]["largest_account"]["median_ms"] < t["check_ms_max"],
        "api_p95_cached": r["api"]["cached"]["p95_ms"] < t["api_p95_ms_max"],
        "api_p95_cold": r["api"]["cold"]["p95_ms"] < t["api_p95_ms_max"],
    }


def scaling(sizes: dict[str, dict]) -> dict:
    """Exponent k in time ∝ accounts^k between consecutive sizes (1 = linear)."""
    ns = sorted(sizes, key=int)
    series = {"load": lambda r: r["load"]["seconds"], "risks": lambda r: r["risks"]["seconds_median"],
              "risks_1_job": lambda r: r["risks_1_job"]["seconds"],
              "raw_read": lambda r: r["raw_read"]["seconds_median"]}
    out = {}
    for name, get in series.items():
        out[name] = {f"{a}→{b}": round(math.log(get(sizes[b]) / get(sizes[a])) / math.log(int(b) / int(a)), 2)
                     for a, b in zip(ns, ns[1:])}
    return out


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    info: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout
        fields = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        info.update(cpu=fields.get("Model name"), lscpu_cpus=fields.get("CPU(s)"),
                    hypervisor=fields.get("Hypervisor vendor"))
    except (OSError, subprocess.SubprocessError):
        from bench.bench_api import _cpu_model

        info["cpu"] = _cpu_model()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("ladybug", "networkx", "fastapi", "uvicorn", "httpx"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return info


# --- output: table and chart ------------------------------------------------------------------


def table(data: dict) -> str:
    sizes = data["sizes"]
    jobs = next((r["risks"]["jobs"] for r in sizes.values()), 2)
    head = ["accounts", "rows", "load", "rows/s", "load RSS", f"risks ({jobs} jobs)", "risks (1 job)", "raw read",
            f"ratio {jobs} jobs / 1 job", "risks RSS main / worker", "check median acct (median / max)",
            "check largest acct (median / max)", "API cached p95", "API cold p95 (req/s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in sorted(sizes, key=int):
        r = sizes[key]
        ck, api_ = r["check"], r["api"]
        cells = [
            f"{int(key):,}", f"{r['load']['rows']:,}", f"{r['load']['seconds']:.1f} s",
            f"{r['load']['rows_per_s']:,}", f"{r['load']['peak_rss_mib']:,} MiB",
            f"{r['risks']['seconds_median']:.2f} s", f"{r['risks_1_job']['seconds']:.2f} s",
            f"{r['raw_read']['seconds_median']:.2f} s",
            f"{r['risks']['ratio_to_raw_read']:.1f}× / {r['risks_1_job']['ratio_to_raw_read']:.1f}×",
            f"{r['risks']['main_peak_rss_mib']:,} / {r['risks']['worker_peak_rss_mib']:,} MiB",
            f"{ck['median_account']['median_ms']:.1f} / {ck['median_account']['max_ms']:.1f} ms "
            f"({ck['median_account']['account_contacts']} contacts)",
            f"{ck['largest_account']['median_ms']:.1f} / {ck['largest_account']['max_ms']:.1f} ms "
            f"({ck['largest_account']['account_contacts']:,} contacts)",
            f"{api_['cached']['p95_ms']:.1f} ms", f"{api_['cold']['p95_ms']:.1f} ms ({api_['cold']['rps']:.0f})",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def chart(data: dict, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("the chart needs matplotlib: .venv/bin/pip install -e '.[dev,bench]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    sizes = data["sizes"]
    ns = sorted(sizes, key=int)
    x = [int(n) for n in ns]
    jobs = sizes[ns[0]]["risks"]["jobs"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    times = [("load", lambda r: r["load"]["seconds"]),
             (f"risks ({jobs} jobs)", lambda r: r["risks"]["seconds_median"]),
             ("raw read", lambda r: r["raw_read"]["seconds_median"])]
    reach = max(x[-1], TARGETS["at_accounts"])  # where linear growth from the first size would land
    for i, (label, get) in enumerate(times):
        y = [get(sizes[n]) for n in ns]
        color = f"C{i}"
        left.plot(x, y, "o-", color=color, label=label)
        left.plot([x[0], reach], [y[0], y[0] * reach / x[0]], ":", color=color,
                  label=f"linear through the {x[0]:,} point (dotted)" if i == 0 else None)
    left.axhline(TARGETS["risks_seconds_max"], color="C1", linestyle="--", linewidth=0.8, label="risks target 60 s")
    left.set(xscale="log", yscale="log", xlabel="accounts", ylabel="seconds (median)", title="Time")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    rss = [("load", lambda r: r["load"]["peak_rss_mib"]),
           (f"risks main process ({jobs} jobs)", lambda r: r["risks"]["main_peak_rss_mib"]),
           ("risks largest worker", lambda r: r["risks"]["worker_peak_rss_mib"]),
           ("risks (1 job)", lambda r: r["risks_1_job"]["main_peak_rss_mib"]),
           ("raw read", lambda r: r["raw_read"]["peak_rss_mib"])]
    for i, (label, get) in enumerate(rss):
        right.plot(x, [get(sizes[n]) for n in ns], "o-", color=f"C{i + 3}" if i else "C0", label=label)
    right.axhline(TARGETS["risks_peak_rss_mib_max"], color="grey", linestyle="--", linewidth=0.8,
                  label="risks target 2 GiB (per process)")
    right.set(xscale="log", xlabel="accounts", ylabel="peak RSS (MiB)", title="Peak RSS (getrusage ru_maxrss)")
    right.set_ylim(bottom=0)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    for ax, ticks in ((left, sorted({*x, reach})), (right, x)):
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    m = data.get("machine", {})
    fig.suptitle(f"graphcrm at scale — {m.get('cpu', '?')}, {m.get('cpus', '?')} cores, {m.get('ram_gib', '?')} GiB; "
                 f"{data.get('date', '')}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _write(data: dict, out: Path) -> None:
    if len(data["sizes"]) > 1:
        data["scaling_exponents"] = scaling(data["sizes"])
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(out)


# --- CLI ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_raw":  # measurement children (see child_raw, child_check)
        p = argparse.ArgumentParser(prog="bench_scale _raw")
        p.add_argument("store", type=Path)
        p.add_argument("--counts", action="store_true")
        a = p.parse_args(argv[1:])
        print(json.dumps(child_raw(a.store, a.counts)))
        return
    if argv and argv[0] == "_check":
        p = argparse.ArgumentParser(prog="bench_scale _check")
        p.add_argument("store", type=Path)
        p.add_argument("bids", nargs="+")
        p.add_argument("--runs", type=int, default=20)
        a = p.parse_args(argv[1:])
        print(json.dumps(child_check(a.store, a.bids, a.runs)))
        return

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000", help="accounts per portfolio, comma-separated")
    parser.add_argument("--seed", type=int, default=1, help="graphcrm generate --seed")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help="generated files (kept, reused), stores, logs")
    parser.add_argument("--jobs", type=int, default=2, help="risks worker processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of risks and of the raw read (median)")
    parser.add_argument("--check-runs", type=int, default=20, help="timed check calls per bid")
    parser.add_argument("--api-seconds", type=float, default=10.0, help="measured seconds per API load")
    parser.add_argument("--api-clients", type=int, default=20, help="concurrent HTTP clients")
    parser.add_argument("--api-warmup", type=float, default=1.0, help="seconds of load before measuring")
    parser.add_argument("--timeout-scale", type=float, default=1.0, help="multiply every child's timeout")
    parser.add_argument("--keep-stores", action="store_true", help="keep store-N.lbug after each size")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sizes already in --out (each size records its own date and commit)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    parser.add_argument("--chart", type=Path, default=CHART, help="chart PNG")
    parser.add_argument("--chart-only", action="store_true", help="only draw the chart and print the table from --out")
    args = parser.parse_args(argv)

    if args.chart_only:
        data = json.loads(args.out.read_text())
        chart(data, args.chart)
        print(table(data))
        return
    try:
        import matplotlib  # noqa: F401  (fail now, not after an hour of measuring)
    except ImportError:
        raise SystemExit("the chart needs matplotlib: .venv/bin/pip install -e '.[dev,bench]'") from None
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.jobs < 1:
        parser.error("--sizes, --repeat and --jobs must be positive")
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)

    old = json.loads(args.out.read_text()) if args.merge and args.out.exists() else {}
    data = {
        "benchmark": "issue 6: graphcrm at scale (bench/bench_scale.py)",
        "command": " ".join(["python -m bench.bench_scale", *argv]),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "settings": {"seed": args.seed, "as_of": AS_OF, "jobs": args.jobs, "repeat": args.repeat,
                     "check_runs": args.check_runs, "api_clients": args.api_clients,
                     "api_seconds": args.api_seconds, "api_warmup": args.api_warmup, "workdir": str(args.workdir)},
        "machine": {**machine(), "load_average_start": [round(x, 2) for x in os.getloadavg()]},
        "targets": TARGETS,
        "definitions": DEFINITIONS,
        "sizes": {k: v for k, v in old.get("sizes", {}).items() if int(k) not in sizes},
    }
    # The fixed cost of any graphcrm command (Python start-up and the CLI's imports),
    # included in every wall time above: it dominates the small sizes.
    data["startup"] = {"graphcrm_help_seconds_median": round(statistics.median(
        _measured(["--help"], 120 * args.timeout_scale, args.workdir / "logs", f"startup-{i}")["seconds"]
        for i in range(3)), 3)}
    started = time.perf_counter()
    for n in sizes:
        data["sizes"][str(n)] = one_size(args, n)
        data["sizes"] = dict(sorted(data["sizes"].items(), key=lambda kv: int(kv[0])))
        data["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        _write(data, args.out)
        _log(f"{n}: done in {data['sizes'][str(n)]['seconds_total']:.0f} s; results in {args.out}")
    data["seconds_total"] = round(time.perf_counter() - started, 1)
    _write(data, args.out)
    chart(data, args.chart)
    _log(f"chart: {args.chart}")
    print(table(data))


if __name__ == "__main__":
    main()
