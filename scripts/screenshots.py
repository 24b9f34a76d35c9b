"""Screenshots of the three graph pages of the demo seeds, for the docs.

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png

Loads seeds/ into a temporary LadybugDB store, renders the decision chain of
the seeded tender, the account map of Jiangnan Mobile and the portfolio map as of
the seeds' day (2026-11-15), opens each page in headless Chromium (Debian's
/usr/bin/chromium, never a downloaded browser; every request that is not a
``file:`` URL is aborted) at 1400×900, waits until the network is laid out and
saves a PNG of the viewport.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphcrm import views  # noqa: E402
from graphcrm.cli import DEMO_AS_OF, DEMO_BID, SEEDS_DIR  # noqa: E402
from graphcrm.importer import load  # noqa: E402
from graphcrm.policy import Policy  # noqa: E402
from graphcrm.store import open_store  # noqa: E402
import viz  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
ACCOUNT = "acc-jnm"
SETTLE_S = 6.0
"""After ``stabilized`` a physics layout may still drift: wait at most this long for
vis-network's own ``stabilized`` event, then freeze it."""


def render_pages(folder: Path) -> dict[str, Path]:
    """The three pages of the seeds, written into ``folder``."""
    policy = Policy()
    with open_store(f"ladybug://{folder / 'seeds.lbug'}") as store:
        load(SEEDS_DIR, store)
        html = {
            "decision-chain": viz.render_decision_chain(views.bid_view(store, DEMO_BID, DEMO_AS_OF, policy)),
            "account-map": viz.render_account_map(views.account_map_view(store, ACCOUNT, DEMO_AS_OF, policy)),
            "portfolio-map": viz.render_portfolio_map(views.portfolio_view(store, DEMO_AS_OF, policy)),
        }
    pages = {}
    for name, text in html.items():
        pages[name] = folder / f"{name}.html"
        pages[name].write_text(text, encoding="utf-8")
    return pages


def _settle(page) -> None:
    page.wait_for_function("() => window.graphcrm && window.graphcrm.stabilized === true", timeout=60_000)
    # physics on: follow the simulation until vis-network says it is at rest (or give up), then freeze it
    page.evaluate("""settle => new Promise(done => {
        const n = window.graphcrm.network;
        if (!n.physics.physicsEnabled || n.physics.stabilized) { done(); return; }
        const timer = setTimeout(done, settle);
        n.once("stabilized", () => { clearTimeout(timer); done(); });
    })""", SETTLE_S * 1000)
    # an organisation chart (the account map) keeps the view it opened with: fitted when
    # that is readable, else its top-left corner at a readable scale
    page.evaluate("""() => { const n = window.graphcrm.network; n.stopSimulation();
                             if (!document.getElementById("find")) { n.fit({animation: false}); } }""")
    page.wait_for_timeout(300)  # a frame or two after the fit


def big_account_pages(folder: Path, url: str, account: str) -> dict[str, Path]:
    """The account map of a big generated account (``graphcrm generate --accounts 1000
    --seed 3`` has a1, 2,737 contacts): as it opens, and with its headquarters opened."""
    with open_store(url, initialize=False) as store:
        html = viz.render_account_map(views.account_map_view(store, account, DEMO_AS_OF, Policy()))
    first = folder / "account-map-big.html"
    first.write_text(html, encoding="utf-8")
    return {"account-map-big": first}


OPEN_FIRST_ROOT = """() => { const n = window.graphcrm.network, root = n.body.data.nodes.get({filter: x => !x.hidden && x.id.startsWith("u:")})[0];
    n.body.emitter.emit("click", {nodes: [root.id], edges: []}); }"""


def shoot(pages: dict[str, Path], out: Path, chromium: str = CHROMIUM) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in pages.items():
                context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
                page = context.new_page()
                blocked: list[str] = []
                errors: list[str] = []
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (blocked.append(r.request.url), r.abort()))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                start = time.perf_counter()
                page.goto(path.as_uri())
                _settle(page)
                target = out / f"{name}.png"
                page.screenshot(path=str(target))
                if name == "account-map-big":  # and once its first unit is opened
                    page.evaluate(OPEN_FIRST_ROOT)
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(out / f"{name}-opened.png"))
                    written.append(out / f"{name}-opened.png")
                counts = page.evaluate("[window.graphcrm.nodes, window.graphcrm.edges, window.graphcrm.stabilizedMs]")
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                      f"{counts[0]} nodes, {counts[1]} edges, stabilised after {counts[2]:.0f} ms "
                      f"({time.perf_counter() - start:.1f} s with settling)")
                if blocked or errors:
                    raise SystemExit(f"{name}: blocked requests {blocked}, errors {errors}")
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--chromium", default=CHROMIUM, help="the Chromium binary [default: %(default)s]")
    parser.add_argument("--big", metavar="STORE_URL", help="also the account map of a big account in this store "
                        "(graphcrm generate --accounts 1000 --seed 3, then load)")
    parser.add_argument("--big-account", default="a1", help="that account's id [default: %(default)s]")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        raise SystemExit(f"{args.chromium} is not installed (apt-get install chromium); no browser is downloaded")
    with tempfile.TemporaryDirectory(prefix="graphcrm-shots-") as tmp:
        pages = render_pages(Path(tmp))
        if args.big:
            pages |= big_account_pages(Path(tmp), args.big, args.big_account)
        shoot(pages, args.out, args.chromium)


if __name__ == "__main__":
    main()
