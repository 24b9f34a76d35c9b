"""Issue 16: the pages at real sizes, in headless Chromium, and the review pack's PDF.

    PYTHONPATH=. .venv/bin/python -m bench.bench_pages --big ladybug://S1K.lbug --runs 5

``--big``: a store loaded from ``graphcrm generate --accounts 1000 --seed 3`` (its
largest account, a1, has 2,737 contacts). The demo figures use the seeds, loaded
into a temporary store.

1. **Account page of the largest account** (target < 500 ms) and **its collapsed
   chart shown** (target < 2 s): a real ``graphcrm serve --no-auth`` on the big
   store; fresh browser contexts open ``/ui/accounts/a1``; the page time is from
   navigation start until the page's own document is received (its navigation
   entry's ``responseEnd``: the server built it), the chart time from navigation
   start until the framed chart reports ``stabilized``.
2. **The demo account map stable** (target < 1 s): the seed account's map as a file,
   fresh pages, navigation start → ``window.graphcrm.stabilized`` on the page's clock.
3. **The PDF of the demo bid** (target < 3 s): ``viz.review.write_pack(…, ".pdf")``
   in this process (Chromium launched, chain drawn, pack printed).
Medians of ``--runs``; one warm-up request first for 1 (the server's first request
opens the store's caches).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graphcrm import views
from graphcrm.cli import DEMO_AS_OF, DEMO_BID, SEEDS_DIR
from graphcrm.importer import load
from graphcrm.policy import Policy
from graphcrm.review import review_pack
from graphcrm.store import open_store
from viz import render_account_map
from viz.chromium import ARGS, DRAWN, executable
from viz.review import write_pack

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    graphcrm = Path(sys.executable).parent / "graphcrm"
    proc = subprocess.Popen([str(graphcrm), "--db", url, "serve", "--no-auth", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("graphcrm serve did not start")


def big_account(browser, url: str, account: str, runs: int, as_of: str) -> dict:
    proc, base = _serve(url)
    try:
        page_ms, chart_ms = [], []
        for i in range(runs + 1):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/ui/accounts/{account}?as_of={as_of}", wait_until="domcontentloaded", timeout=120_000)
            frame = page.frame_locator("iframe[title='Account map']")
            frame.locator("#graph").wait_for(timeout=120_000)
            child = next(f for f in page.frames if "/graph" in f.url)
            child.wait_for_function(DRAWN, timeout=120_000)
            doc = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseEnd")
            chart = page.evaluate("() => performance.now()")  # on the page's clock, after the frame is at rest
            if i:  # the first is the warm-up
                page_ms.append(doc)
                chart_ms.append(chart)
            context.close()
        return {"account_page_ms": statistics.median(page_ms), "account_page_all": page_ms,
                "collapsed_chart_ms": statistics.median(chart_ms), "collapsed_chart_all": chart_ms}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def demo_map(browser, folder: Path, runs: int) -> dict:
    policy = Policy()
    with open_store(f"ladybug://{folder / 'seeds.lbug'}") as store:
        load(SEEDS_DIR, store)
        html = render_account_map(views.account_map_view(store, "acc-jnm", DEMO_AS_OF, policy))
        pack = review_pack(store, DEMO_BID, DEMO_AS_OF, policy)
    path = folder / "account-map.html"
    path.write_text(html, encoding="utf-8")
    stable = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        stable.append(page.evaluate("() => performance.now()"))
        context.close()
    return {"demo_map_stable_ms": statistics.median(stable), "demo_map_all": stable}, pack


def demo_pdf(pack, runs: int) -> dict:
    """Outside any other Playwright session: the pack launches its own browser."""
    pdf = []
    for _ in range(runs):
        start = time.perf_counter()
        write_pack(pack, ".pdf")
        pdf.append((time.perf_counter() - start) * 1000)
    return {"demo_pdf_ms": statistics.median(pdf), "demo_pdf_all": pdf}


def main() -> None:
    parser = argparse.ArgumentParser(description="Issue 16: pages at real sizes in Chromium; the review PDF")
    parser.add_argument("--big", help="store URL of graphcrm generate --accounts 1000 --seed 3")
    parser.add_argument("--account", default="a1")
    parser.add_argument("--as-of", default="2026-11-15")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        browser = pw.chromium.launch(executable_path=executable(), args=ARGS, headless=True)
        try:
            found, pack = demo_map(browser, Path(tmp), args.runs)
            results |= found
            if args.big:
                results |= big_account(browser, args.big, args.account, args.runs, args.as_of)
        finally:
            browser.close()
    results |= demo_pdf(pack, args.runs)
    print(json.dumps({k: [round(x, 1) for x in v] if isinstance(v, list) else round(v, 1)
                      for k, v in results.items()}))


if __name__ == "__main__":
    main()
