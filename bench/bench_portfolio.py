"""Benchmark of issue 16: the web UI's portfolio page at 50,000 accounts.

    graphcrm generate /work/data-h16b/gen50k --accounts 50000 --seed 3
    graphcrm --db ladybug:///work/data-h16b/s50k.lbug load /work/data-h16b/gen50k
    PYTHONPATH=. .venv/bin/python -m bench.bench_portfolio /work/data-h16b/s50k.lbug --runs 9

Creates an admin key, starts ``graphcrm --db … serve`` (one uvicorn worker on loopback, as
shipped) on the store and, over HTTP, times:

- the **first** request of the first portfolio page (``/ui/``): it computes the
  portfolio summary (every account's bus factor and measures) — the cold figure;
- then ``--runs`` requests each of the first page, a filtered and sorted page, a
  deep page and the portfolio map (aggregated by region): warm figures, the
  summary coming from the cache of the store's generation.

Prints JSON (and writes it to ``--out``): each request's time in ms, medians, the
page size in bytes, the load average and the UTC time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_api import _graphcrm, serving

AS_OF = "2026-11-15"
PAGES = {
    "first page": f"/ui/?as_of={AS_OF}",
    "held by one, tier S+A, by name, page 2": f"/ui/?as_of={AS_OF}&held_by_one=true&tier=S&tier=A&sort=name&page=2",
    "search 'port', by share desc": f"/ui/?as_of={AS_OF}&q=port&sort=share&order=desc",
    "page 500 of 1,000": f"/ui/?as_of={AS_OF}&page=500",
    "portfolio map (by region)": f"/portfolio/graph?as_of={AS_OF}",
    "portfolio map, one region drilled down": f"/portfolio/graph?as_of={AS_OF}&by=region&key=Hunan",
}
TARGET_MS = 500.0


def _get(client: httpx.Client, url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    r = client.get(url)
    ms = (time.perf_counter() - start) * 1000
    if r.status_code != 200:
        raise SystemExit(f"GET {url}: {r.status_code}\n{r.text[:2000]}")
    return ms, r.status_code, len(r.content)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path, help="an embedded store file (not in use by another process)")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    started = dt.datetime.now(dt.timezone.utc)
    result: dict = {"store": str(args.store), "utc": started.isoformat(timespec="seconds"),
                    "load_before": os.getloadavg(), "machine": platform.processor() or platform.machine(),
                    "cores": os.cpu_count(), "runs": args.runs, "target_ms": TARGET_MS}
    db = f"ladybug://{args.store}"
    token = _graphcrm(db, "keys", "create", "--role", "admin", "--name", "bench-portfolio").strip()
    with tempfile.TemporaryDirectory() as tmp, \
            serving(db, Path(tmp) / "serve.log", ready_within=300) as (base, _server):
        # The web UI signs in by its cookie (as a browser after /ui/login).
        with httpx.Client(base_url=base, timeout=1800, cookies={"graphcrm_key": token}) as client:
            cold, _, size = _get(client, PAGES["first page"])
            result["first_request_ms"] = round(cold, 1)
            result["first_page_bytes"] = size
            warm: dict[str, dict] = {}
            for name, url in PAGES.items():
                times = [_get(client, url)[0] for _ in range(args.runs)]
                warm[name] = {"median_ms": round(statistics.median(times), 1),
                              "min_ms": round(min(times), 1), "max_ms": round(max(times), 1),
                              "bytes": _get(client, url)[2]}
            result["warm"] = warm
    result["load_after"] = os.getloadavg()
    result["finished_utc"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
