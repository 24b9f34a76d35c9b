"""Known at and trends on a generated portfolio with a year of audit trail (issue 19).

    PYTHONPATH=. .venv/bin/python -m bench.bench_history build WORK --accounts 10000
    PYTHONPATH=. .venv/bin/python -m bench.bench_history run WORK --runs 20

``build`` writes ``graphcrm generate WORK/gen --accounts N --seed 7``, adds a
trail dated over the year before the generator's day (``synthetic_trail``),
and loads both into ``WORK/store.lbug`` (the load restores the trail, as a move
would). ``run`` measures, on that store:

- one account rebuilt known at a year ago (``history.account_data``), median over
  ``--runs`` accounts picked with a fixed seed;
- a 12-month trend of one account (``over_time.account_trend``), median;
- the portfolio's held-by-one counts for 12 months (``over_time.portfolio_trend``), once;
- for the ratio: one account's current records (``GraphStore.account_data``), median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from graphcrm import fileformat, generate, history, over_time
from graphcrm.audit import Action, AuditEntry
from graphcrm.model import RECORD_TYPES, Dataset, Rep, kind_of
from graphcrm.policy import Policy
from graphcrm.schema import home_account
from graphcrm.model import Account, Bid, Contact

DAY = generate.DEFAULT_AS_OF
YEAR = 365


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=rng.randrange(8 * 3600))


def _homes(data: Dataset) -> dict:
    """The accounts of ``data``'s contacts and bids, for ``home_account``."""
    return {Contact: {c.id: c.account_id for c in data.contacts}, Bid: {b.id: b.account_id for b in data.bids}}


def synthetic_trail(data: Dataset, seed: int = 7, part: int = 0) -> list[AuditEntry]:
    """A plausible year of history ending in ``data``: every record created on a day
    of the year before ``DAY`` (relationships on their ``since`` when it falls in the
    year); a third of the relationships created one level shallower and raised
    later; one in ten contacts first filed under another name and corrected.
    ``part`` goes into the entries' ids, so the trails of slices never share one."""
    rng = random.Random(seed)
    homes = _homes(data)
    start = DAY - dt.timedelta(days=YEAR)
    rows: list[tuple[dt.datetime, str, str, str, str | None, dict | None, dict]] = []
    for t in RECORD_TYPES:
        kind = kind_of(t)
        for r in data.records(t):
            values = r.model_dump(mode="json", exclude_none=True)
            key = "/".join(r.key)
            account = home_account(r, homes)
            created = start + dt.timedelta(days=rng.randrange(YEAR // 2))
            since = getattr(r, "since", None)
            if since is not None and start < since < DAY:
                created = since
            if kind == "relationship" and r.depth > 1 and rng.random() < 1 / 3:
                raised = created + dt.timedelta(days=rng.randrange(1, max(2, (DAY - created).days)))
                first = {**values, "depth": r.depth - 1}
                rows.append((_moment(created, rng), kind, key, "create", account, None, first))
                rows.append((_moment(raised, rng), kind, key, "update", account, first, values))
            elif kind == "contact" and rng.random() < 0.1:
                corrected = created + dt.timedelta(days=rng.randrange(1, 60))
                first = {**values, "name": values["name"] + " (draft)"}
                rows.append((_moment(created, rng), kind, key, "create", account, None, first))
                rows.append((_moment(corrected, rng), kind, key, "update", account, first, values))
            else:
                rows.append((_moment(created, rng), kind, key, "create", account, None, values))
    rows.sort(key=lambda x: x[0])
    return [AuditEntry(id=f"{at:%Y-%m-%dT%H:%M:%S.%f}Z-bench{part:03d}-{i:08d}", at=at, actor="os:bench", via="bench",
                       action=Action(action), kind=kind, key=key, account_id=account, before=before, after=after)
            for i, (at, kind, key, action, account, before, after) in enumerate(rows)]


def build(work: Path, accounts: int, slices: int = 1) -> None:
    """Generate, add the trail, load. ``slices`` > 1 loads the accounts in that
    many separate loads (reps and the account records themselves in the first),
    each with its own records' trail: at 50k accounts one load of 8 M records
    with 9 M trail entries does not fit in 24 GiB (issue 17); the store differs
    from a one-shot load only by one restore entry per slice."""
    gen = work / "gen"
    t0 = time.perf_counter()
    generate.generate(gen, accounts, seed=7, as_of=DAY)
    data = fileformat.read_csv_dir(gen).data
    t1 = time.perf_counter()
    graphcrm = str(Path(sys.executable).parent / "graphcrm")
    store = work / "store.lbug"
    trail = 0
    for i, part in enumerate(_slices(data, slices)):
        part_trail = synthetic_trail(part, seed=7 + i, part=i)
        trail += len(part_trail)
        folder = gen if slices == 1 else work / f"slice{i}"
        fileformat.write_csv_dir(part, folder, part_trail)
        del part_trail
        subprocess.run([graphcrm, "--db", f"ladybug://{store}", "load", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
    t2 = time.perf_counter()
    print(json.dumps({"accounts": accounts, "slices": slices, "records": sum(data.counts().values()),
                      "trail": trail, "generate_s": round(t1 - t0, 1), "trail_and_load_s": round(t2 - t1, 1)}))


def _slices(data: Dataset, n: int) -> list[Dataset]:
    """``data`` cut into ``n`` datasets by home account; reps, accounts and
    records of no account go in the first."""
    if n == 1:
        return [data]
    homes = _homes(data)
    order = {a.id: i for i, a in enumerate(data.accounts)}
    parts: list[dict[str, list]] = [{} for _ in range(n)]
    for t in RECORD_TYPES:
        field = Dataset.field_for(t)
        for r in data.records(t):
            home = None if t is Account else home_account(r, homes)
            k = 0 if home is None else order[home] * n // len(order)
            parts[k].setdefault(field, []).append(r)
    return [Dataset(**p) for p in parts]


def _median_ms(fn, items) -> tuple[float, float, float]:
    times = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1), round(min(times), 1), round(max(times), 1)


def run(work: Path, runs: int, portfolio: bool) -> None:
    from graphcrm.store import open_store

    policy = Policy()
    with open_store(f"ladybug://{work / 'store.lbug'}") as store:
        ids = store.account_ids()
        picks = random.Random(1).sample(ids, min(runs, len(ids)))
        year_ago = history.end_of_day(DAY - dt.timedelta(days=YEAR) + dt.timedelta(days=30))
        counts = store.counts()
        result = {
            "accounts": len(ids), "records": sum(counts.values()), "trail": store.audit(limit=1)[1],
            "account_now_ms": _median_ms(store.account_data, picks),
            "account_known_a_year_ago_ms": _median_ms(lambda a: history.account_data(store, a, year_ago), picks),
            "account_trend_12_months_ms": _median_ms(
                lambda a: over_time.account_trend(store, a, policy, 12, DAY), picks[: max(3, runs // 4)]),
        }
        if portfolio:
            t = time.perf_counter()
            trend = over_time.portfolio_trend(store, policy, 12, DAY, jobs=None)  # every core, as the CLI
            result["portfolio_trend_12_months_s"] = round(time.perf_counter() - t, 1)
            result["held_by_one"] = [p.held_by_one for p in trend.months]
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench_history")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("work", type=Path)
    b.add_argument("--accounts", type=int, default=10_000)
    b.add_argument("--slices", type=int, default=1)
    r = sub.add_parser("run")
    r.add_argument("work", type=Path)
    r.add_argument("--runs", type=int, default=20)
    r.add_argument("--no-portfolio", action="store_true")
    args = p.parse_args(argv)
    if args.cmd == "build":
        build(args.work, args.accounts, args.slices)
    else:
        run(args.work, args.runs, not args.no_portfolio)


if __name__ == "__main__":
    main()
