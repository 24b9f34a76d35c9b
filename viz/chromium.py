"""Headless Chromium for the review pack: the decision chain as a PNG, the pack as a PDF.

The picture is the very page the bid page frames (vis-network draws it on a canvas),
so the pack shows what the reviewer saw on screen. Playwright drives the browser;
which one: ``GRAPHCRM_CHROMIUM`` (a path), else Debian's ``/usr/bin/chromium``, else
the browser Playwright installed (``playwright install chromium``). Pages are opened
with every request to the network refused: they are self-contained.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from graphcrm.errors import GraphcrmError

__all__ = ["Browser", "BrowserMissing", "picture", "executable"]

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
VIEW = {"width": 1400, "height": 900}
DRAWN = "() => window.graphcrm !== undefined && window.graphcrm.stabilized === true"


class BrowserMissing(GraphcrmError):
    """No headless Chromium to draw the picture or print the PDF with."""


def executable() -> str | None:
    """The Chromium to launch, or None for Playwright's own."""
    wanted = os.environ.get("GRAPHCRM_CHROMIUM")
    if wanted:
        return wanted
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


class Browser:
    """One headless Chromium for a few pages: ``with Browser() as b: b.pdf(html)``."""

    def __enter__(self) -> Browser:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError as e:  # pragma: no cover - playwright is a dependency
            raise BrowserMissing("the PDF and PNG need Playwright (pip install playwright)") from e
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=executable(), args=ARGS, headless=True)
        except Error as e:
            self._pw.stop()
            raise BrowserMissing("the PDF and PNG need headless Chromium: install Debian's chromium, "
                                 "set GRAPHCRM_CHROMIUM to one, or run `playwright install chromium` "
                                 f"({str(e).splitlines()[0]})") from e
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._browser.close()
        self._pw.stop()

    def _page(self, html: str, **kwargs):
        context = self._browser.new_context(viewport=VIEW, **kwargs)
        context.route("**/*", lambda route: route.abort() if not route.request.url.startswith("data:")
                      else route.continue_())
        page = context.new_page()
        page.set_content(html, wait_until="load")
        return context, page

    def picture(self, graph_page: str) -> bytes:
        """A graph page (``viz.page.render``) once laid out: its graph as a PNG."""
        context, page = self._page(graph_page, device_scale_factor=2)
        try:
            page.wait_for_function(DRAWN, timeout=30_000)
            page.evaluate("() => window.graphcrm.network.fit({animation: false})")
            page.wait_for_timeout(50)
            return page.locator("#graph").screenshot(type="png")
        finally:
            context.close()

    def pdf(self, html: str) -> bytes:
        """An HTML page printed as an A4 PDF with its own print styles."""
        context, page = self._page(html)
        try:
            page.emulate_media(media="print")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            context.close()


def picture(graph_page: str) -> bytes:
    """``Browser().picture`` in a browser of its own."""
    with Browser() as browser:
        return browser.picture(graph_page)
