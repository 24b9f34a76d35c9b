"""Issue 14: a web UI form submission until the updated page is served.

    PYTHONPATH=. .venv/bin/python -m bench.bench_forms                  # demo + generated, 15 runs each
    PYTHONPATH=. .venv/bin/python -m bench.bench_forms --runs 5 --skip-generated

What is timed, against a real ``graphcrm serve`` (uvicorn, one worker) over HTTP
on 127.0.0.1, signed in with an admin key: the account team's commonest edit —
changing a contact's title in its edit form, opened from the account page — from
the form's ``POST`` through the server's 303 to the ``GET`` of the account page it
returns to, served whole (its gaps by layer, influence ranking and team, computed
afresh: every write retires the report cache). The form's page is fetched before
each run (not timed), as a browser has it open; each run writes a new title, so
every run really writes (the import's checks, the audit entry) and recomputes.

Stores: the demo (seeds/, account acc-jnm, 60 contacts) and the largest account
of ``graphcrm generate --accounts 1000 --seed 3`` (2,737 contacts), loaded into a
fresh file. Targets: median under 300 ms on the demo, under 1 s on the largest
generated account.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.servers import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[1]
GRAPHCRM = Path(sys.executable).parent / "graphcrm"


def _cli(db: str, *args: str) -> str:
    done = subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _largest_account(folder: Path) -> tuple[str, str, int]:
    """The account with most contacts in a generated import directory, a contact of it, and the count."""
    import csv
    from collections import Counter

    with open(folder / "contacts.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counts = Counter(r["account_id"] for r in rows)
    account, n = counts.most_common(1)[0]
    contact = next(r["id"] for r in rows if r["account_id"] == account)
    return account, contact, n


def run(db: str, account: str, contact: str, runs: int, label: str) -> float:
    key = _cli(db, "keys", "create", "--role", "admin", "--name", "bench")
    port = free_port()
    log = open(Path(tempfile.gettempdir()) / f"bench-forms-{port}.log", "w")
    server = subprocess.Popen([str(GRAPHCRM), "--db", db, "serve", "--port", str(port)], stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, 60)
        client = httpx.Client(base_url=base, cookies={"graphcrm_key": key}, timeout=120,
                              headers={"Origin": base})
        account_page = f"/ui/accounts/{account}"
        assert client.get(account_page).status_code == 200  # warm the process (imports, templates)
        times = []
        for i in range(runs):
            form = client.get(f"/ui/edit/contacts/{contact}", params={"next": account_page}).text
            fields = dict(re.findall(r'name="(_csrf|_version|_next)" value="([^"]*)"', form))
            fields["_version"] = fields["_version"].replace("&#34;", '"')
            fields["title"] = f"Title {i} {time.time()}"
            start = time.perf_counter()
            posted = client.post(f"/ui/edit/contacts/{contact}", data=fields)
            assert posted.status_code == 303, (posted.status_code, posted.text[:300])
            page = client.get(posted.headers["location"])
            times.append(time.perf_counter() - start)
            assert page.status_code == 200 and "Depth gaps by layer" in page.text
        median = statistics.median(times)
        print(f"{label}: median {median * 1000:.0f} ms over {runs} runs "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
        return median
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-generated", action="store_true")
    args = parser.parse_args()
    print(f"{dt.date.today()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        demo = f"ladybug://{tmp}/demo.lbug"
        _cli(demo, "load", str(ROOT / "seeds"))
        run(demo, "acc-jnm", "c-jnm-010", args.runs, "demo, acc-jnm (60 contacts)")
        if not args.skip_generated:
            folder = Path(tmp) / "gen"
            _cli(demo, "generate", "--accounts", "1000", "--seed", "3", str(folder))
            account, contact, n = _largest_account(folder)
            big = f"ladybug://{tmp}/gen.lbug"
            start = time.perf_counter()
            _cli(big, "load", str(folder))
            print(f"loaded generate --accounts 1000 --seed 3 in {time.perf_counter() - start:.0f} s")
            run(big, account, contact, args.runs, f"generated, {account} ({n:,} contacts)")


if __name__ == "__main__":
    main()
