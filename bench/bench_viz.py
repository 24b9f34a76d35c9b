"""Issue 5: how long a big decision-chain page takes to make, and to lay out in a browser.

    PYTHONPATH=. .venv/bin/python -m bench.bench_viz                 # 10 runs, 3 browser runs
    PYTHONPATH=. .venv/bin/python -m bench.bench_viz --profile       # + where the Python time goes

The data (deterministic, seed 1, ``bench/synth.py``): one account of 500 contacts
in a reporting tree, all 500 in one open tender's decision chain with random
roles (uniform over six roles), influence levels and stances, 40 reps (5 %
inactive), 1,500 relationships with mixed recency, 2,000 influence edges.

0. Guard: one run of the product's ``decision_chain_view`` + ``render_decision_chain``
   in a child process limited to ``--probe-seconds`` and ``--probe-gib`` of address
   space, so that a regression cannot take the machine down. (The first run of this
   bench, on 2026-11-22, never finished: the bus factor's subset search was
   exponential in the number of distinct holder sets. It is an integer program
   beyond 12 distinct holder sets now — bench/README.md, "Issue 5".)
1. HTML generation: ``graphcrm.views.decision_chain_view`` (coverage check,
   influence scores, links) + ``viz.render_decision_chain``, median of ``--runs``
   (target < 300 ms). The NetworkX graph is built once, before, and timed apart.
2. Layout in headless Chromium (Debian's /usr/bin/chromium; requests that are not
   ``file:`` are aborted): median of ``--browser-runs`` fresh pages of the time from
   navigation start until ``window.graphcrm.stabilized`` (target < 3 s), on the
   page's clock (``performance.now()``), plus the wall time from Python's ``goto``.
   ``stabilizedMs`` alone starts after ``new vis.Network(...)`` has returned, so it
   leaves the synchronous hierarchical layout out; both are printed. The page
   renders ``layout.hierarchical.edgeMinimization: false``; the same page with
   ``edgeMinimization: true`` (vis-network's default, and the product's setting
   before 2026-11-22) is timed too, for comparison.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import viz
from bench.synth import AS_OF, account, reps
from graphcrm.graph import build_graph
from graphcrm.model import Dataset
from graphcrm.policy import Policy
from graphcrm.views import decision_chain_view

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chain_dataset(seed: int = 1) -> tuple[Dataset, str]:
    """One account, 500 contacts all in one bid's decision chain, 40 reps,
    1,500 relationships, 2,000 influence edges; and the bid's id."""
    rng = random.Random(seed)
    force = reps(40, rng)
    data = account(0, 500, [r.id for r in force], 4.0, 1500, 500, rng)
    return data.model_copy(update={"reps": force}), "a0-b0"


def probe(seconds: float, gib: float) -> str:
    """One run of the product's page generation, in a child process with limits."""
    def limit() -> None:
        size = int(gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "bench.bench_viz", "--probe-child"], capture_output=True,
                              text=True, timeout=seconds, preexec_fn=limit, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return f"did not finish in {seconds:.0f} s (killed)"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed after {time.perf_counter() - t0:.1f} s: {last}"
    return done.stdout.strip()


def _probe_child() -> None:
    data, bid_id = chain_dataset()
    g = build_graph(data, "a0")
    t0 = time.perf_counter()
    viz.render_decision_chain(decision_chain_view(g, bid_id, AS_OF, Policy()))
    print(f"finished in {_ms(time.perf_counter() - t0)}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def generation(g, bid_id: str, runs: int, policy: Policy) -> dict:
    view_s, render_s, total_s, html = [], [], [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        view = decision_chain_view(g, bid_id, AS_OF, policy)
        t1 = time.perf_counter()
        html = viz.render_decision_chain(view)
        t2 = time.perf_counter()
        view_s.append(t1 - t0)
        render_s.append(t2 - t1)
        total_s.append(t2 - t0)
    return {"view": view_s, "render": render_s, "total": total_s, "html": html, "view_obj": view}


def browser(html_path: Path, runs: int) -> list[dict]:
    """``runs`` fresh pages of one file; per run the page's timings and the wall time."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(runs):
                context = chromium.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                blocked: list[str] = []
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (blocked.append(r.request.url), r.abort()))
                t0 = time.perf_counter()
                page.goto(html_path.as_uri(), timeout=120_000)
                page.wait_for_function("() => window.graphcrm && window.graphcrm.stabilized === true",
                                       timeout=120_000, polling=10)
                wall = time.perf_counter() - t0
                r = page.evaluate("""() => ({started: window.graphcrm.started, stabilizedMs: window.graphcrm.stabilizedMs,
                    nodes: window.graphcrm.nodes, edges: window.graphcrm.edges,
                    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd})""")
                assert not blocked, blocked
                results.append({**r, "wall_ms": wall * 1000, "until_ms": r["started"] + r["stabilizedMs"]})
                context.close()
        finally:
            chromium.close()
    return results


def machine() -> str:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


EDGE_MINIMIZATION = ('"edgeMinimization": false', '"edgeMinimization": true')


def _report_browser(label: str, runs: list[dict]) -> float:
    for r in runs:
        print(f"  {label}: navigation start → stabilized {r['until_ms']:.0f} ms (DOMContentLoaded "
              f"{r['dcl']:.0f} ms, new vis.Network returned at {r['started']:.0f} ms, stabilizedMs "
              f"{r['stabilizedMs']:.0f}); wall from goto {r['wall_ms']:.0f} ms; {r['nodes']} nodes, {r['edges']} edges")
    until = statistics.median(r["until_ms"] for r in runs)
    print(f"  {label}: median of {len(runs)}: navigation → stabilized {until:.0f} ms, "
          f"wall {statistics.median(r['wall_ms'] for r in runs):.0f} ms, "
          f"stabilizedMs {statistics.median(r['stabilizedMs'] for r in runs):.0f} ms; "
          f"target < 3 s: {'met' if until < 3000 else 'MISSED'}")
    return until


def main() -> None:
    parser = argparse.ArgumentParser(description="Issue 5: graph page generation and layout time")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one generation run")
    parser.add_argument("--probe-seconds", type=float, default=60.0)
    parser.add_argument("--probe-gib", type=float, default=4.0)
    parser.add_argument("--no-probe", action="store_true")
    parser.add_argument("--keep", type=Path, help="also write the page here")
    parser.add_argument("--probe-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_child:
        _probe_child()
        return
    policy = Policy()

    data, bid_id = chain_dataset()
    t0 = time.perf_counter()
    g = build_graph(data, "a0")
    built = time.perf_counter() - t0
    print(f"{dt.date.today()} · {machine()}")
    print(f"data: {len(data.contacts)} contacts ({len(data.bid_roles)} in the chain), {len(data.reps)} reps, "
          f"{len(data.relationships)} relationships, {len(data.influences)} influence edges; "
          f"build_graph {_ms(built)}")
    if not args.no_probe:
        result = probe(args.probe_seconds, args.probe_gib)
        print(f"0. guard (limits {args.probe_seconds:.0f} s, {args.probe_gib:g} GiB): {result}", flush=True)
        if not result.startswith("finished"):
            raise SystemExit("the page cannot be made within the limits: nothing to measure")

    gen = generation(g, bid_id, args.runs, policy)
    view = gen["view_obj"]
    print(f"1. {len(view.people)} people + {len(view.reps)} reps = "
          f"{len(view.people) + len(view.reps)} nodes, {len(view.links)} edges, "
          f"{sum(m.key for m in view.report.decision_chain)} key contacts, {len(view.report.uncovered)} uncovered, "
          f"bus factor {view.report.bus_factor}; {len(gen['html']) / 1e6:.2f} MB of HTML")
    for step in ("view", "render", "total"):
        xs = gen[step]
        print(f"  {step:7s} median {_ms(statistics.median(xs))} (min {_ms(min(xs))}, max {_ms(max(xs))}, "
              f"{len(xs)} runs)")
    print(f"  target < 300 ms: {'met' if statistics.median(gen['total']) < 0.3 else 'MISSED'}", flush=True)

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        viz.render_decision_chain(decision_chain_view(g, bid_id, AS_OF, policy))
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
        print(out.getvalue())

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: no browser figures")
        return
    with tempfile.TemporaryDirectory(prefix="graphcrm-bench-viz-") as tmp:
        path = args.keep or Path(tmp) / "decision-chain-500.html"
        path.write_text(gen["html"], encoding="utf-8")
        assert gen["html"].count(EDGE_MINIMIZATION[0]) == 1, "the page no longer sets edgeMinimization: false"
        variant = Path(tmp) / "decision-chain-500-edge-minimization.html"
        variant.write_text(gen["html"].replace(*EDGE_MINIMIZATION), encoding="utf-8")
        print("2. layout in headless Chromium")
        _report_browser("as rendered", browser(path, args.browser_runs))
        _report_browser("edgeMinimization: true", browser(variant, args.browser_runs))


if __name__ == "__main__":
    main()
