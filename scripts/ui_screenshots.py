"""Screenshots of the web UI's forms, for the README.

    .venv/bin/python scripts/ui_screenshots.py        # writes docs/screenshots/ui-*.png

Loads seeds/ into a temporary store, starts ``graphcrm serve`` on it with an admin
key, and in headless Chromium (Debian's /usr/bin/chromium; every request to
another host is aborted) at 1400×900 saves: the bid page with its chain actions,
the form adding a person to the decision chain (a pick list searched by a CJK
name), a form showing a problem beside its field, the conflict two people editing
the same contact meet, and a contact's panel.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402
from tests.servers import free_port, wait_until_serving  # noqa: E402

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
OUT = ROOT / "docs" / "screenshots"
BID = "bid-jnm-5g-core-2026"


def _cli(db: str, *args: str) -> str:
    return subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = f"ladybug://{tmp}/ui.lbug"
        _cli(db, "load", str(ROOT / "seeds"))
        key = _cli(db, "keys", "create", "--role", "admin", "--name", "陈 (account team)")
        other = _cli(db, "keys", "create", "--role", "admin", "--name", "李娜")
        port = free_port()
        server = subprocess.Popen([str(GRAPHCRM), "--db", db, "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, server, 60)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                pages = []
                for token in (key, other):
                    context = browser.new_context(viewport=VIEWPORT)
                    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                    page = context.new_page()
                    page.goto(f"{base}/ui/login")
                    page.fill("#key", token)
                    page.click("#signin")
                    page.wait_for_url(f"{base}/ui/")
                    pages.append(page)
                me, them = pages

                me.goto(f"{base}/ui/bids/{BID}?as_of=2026-11-15")
                me.locator("#chain").scroll_into_view_if_needed()
                me.screenshot(path=OUT / "ui-bid-chain.png")

                me.goto(f"{base}/ui/new/bid-roles?bid_id={BID}&next=/ui/bids/{BID}")
                me.fill(".pick-filter[data-for=in-contact_id]", "周")
                me.select_option("#in-role", "influencer")
                me.select_option("#in-stance", "-1")
                me.screenshot(path=OUT / "ui-add-to-chain.png")

                me.goto(f"{base}/ui/new/influences?source_id=c-jnm-003")
                me.select_option("#in-target_id", "c-jnm-001")
                me.fill("#in-strength", "1.5")
                me.click("#save")
                me.wait_for_load_state()
                me.screenshot(path=OUT / "ui-problem-beside-field.png")

                for page in (me, them):
                    page.goto(f"{base}/ui/edit/contacts/c-jnm-010")
                them.fill("#in-title", "Deputy Director, Network Planning")
                them.click("#save")
                them.wait_for_load_state()
                me.fill("#in-title", "Director, Network Planning")
                me.click("#save")
                me.wait_for_load_state()
                me.screenshot(path=OUT / "ui-conflict.png")

                me.goto(f"{base}/ui/contacts/c-jnm-003?as_of=2026-11-15")
                me.screenshot(path=OUT / "ui-contact-panel.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    for name in sorted(OUT.glob("ui-*.png")):
        print(name.relative_to(ROOT))


if __name__ == "__main__":
    main()
