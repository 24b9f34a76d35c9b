"""Browser tests: the graph pages and the web UI in headless Chromium (Playwright).

They use Debian's Chromium at /usr/bin/chromium and never download a browser;
without it they skip, except on CI (``CI=true``), where a missing browser fails.
"""
