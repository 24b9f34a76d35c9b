"""Fixtures of the browser tests.

- ``browser``: one headless Chromium per session — Debian's ``/usr/bin/chromium``,
  never a downloaded one. Missing browser: the tests skip, but on CI
  (``CI=true``) they fail, so a broken CI image cannot pass silently.
- ``offline``: a fresh page that may load ``file:`` URLs only; every other request
  is aborted and recorded, console errors and page errors are collected.
- ``seeds``: what the seed pages must show (node and edge counts, who may see
  what), worked out straight from the CSV files and docs/design.md §3 — not from
  graphcrm's code, so the pages are checked against an independent answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AS_OF = dt.date(2026, 11, 15)
"""The seeds are a snapshot as of this day (seeds/README.md)."""
STABILIZED = "() => window.graphcrm !== undefined && window.graphcrm.stabilized === true"


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: the browser tests must run on CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole session (Playwright gives it a fresh,
    temporary user data dir)."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Exception:
        pw.stop()
        raise
    yield chromium
    chromium.close()
    pw.stop()


@dataclass
class Tab:
    """A page that works offline, and what went wrong in it."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    """Every request to anything but a ``file:`` URL (all of them aborted)."""

    def open(self, path: Path, timeout: float = 20_000) -> None:
        """Open a local page and wait until its network is laid out."""
        self.page.goto(path.resolve().as_uri())
        wait_stabilized(self.page, timeout)

    def assert_clean(self) -> None:
        assert self.requests == [], f"the page tried to reach the network: {self.requests}"
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors


def wait_stabilized(target, timeout: float = 20_000) -> None:
    """Wait for ``window.graphcrm.stabilized`` in a page or a frame."""
    target.wait_for_function(STABILIZED, timeout=timeout)


def drawn(target) -> dict[str, int]:
    """The nodes and edges vis-network holds, and the counts the page reports."""
    return target.evaluate("""() => ({
        nodes: window.graphcrm.network.body.data.nodes.length,
        edges: window.graphcrm.network.body.data.edges.length,
        reported_nodes: window.graphcrm.nodes, reported_edges: window.graphcrm.edges})""")


@pytest.fixture
def offline(browser):
    """A new page (own context: no cookies or cache shared) that may load ``file:``
    URLs only."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    tab = Tab(page)

    def route(r) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            tab.requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.page_errors.append(str(e)))
    yield tab
    context.close()


# --- what the seeds must show, from the CSV files ----------------------------------


@dataclass(frozen=True)
class Counts:
    nodes: int
    edges: int


class Seeds:
    """The seed CSV files, and the expected pages (docs/design.md §3 with the default
    policy: stale after 180 days, key contacts need depth 3)."""

    STALE_AFTER_DAYS = 180
    KEY_DEPTH = 3

    def __init__(self, folder: Path = SEEDS):
        self.folder = folder
        for name in ("accounts", "units", "contacts", "reps", "account_team", "relationships", "influences",
                     "bids", "bid_roles", "plans", "feedback"):
            with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
                setattr(self, name, list(csv.DictReader(f)))
        self.active_reps = {r["id"] for r in self.reps if r["active"] == "true"}

    def name(self, table: str, id: str) -> str:
        return next(r["name"] for r in getattr(self, table) if r["id"] == id)

    def _knows(self, contact_ids: set[str]) -> list[dict]:
        return [k for k in self.relationships if k["rep_id"] in self.active_reps and k["contact_id"] in contact_ids]

    def _influences(self, contact_ids: set[str]) -> list[dict]:
        return [i for i in self.influences if i["source_id"] in contact_ids and i["target_id"] in contact_ids]

    def chain(self, bid_id: str) -> list[dict]:
        return [r for r in self.bid_roles if r["bid_id"] == bid_id]

    def decision_chain(self, bid_id: str) -> Counts:
        """People with a role in the bid plus the active reps who know any of them;
        KNOWS from those reps, INFLUENCES and REPORTS_TO among the people."""
        people = {r["contact_id"] for r in self.chain(bid_id)}
        knows = self._knows(people)
        reports = [c for c in self.contacts if c["id"] in people and c["reports_to"] in people]
        return Counts(len(people) + len({k["rep_id"] for k in knows}),
                      len(knows) + len(self._influences(people)) + len(reports))

    def account_map(self, account_id: str) -> Counts:
        """Units, contacts, the active reps who know them and the chart's corner
        points (a port for each unit with sub-units, an in-port for each sub-unit),
        plus a "no unit" box when a contact has no unit of the account; unit → port,
        port → in-port → sub-unit, KNOWS, INFLUENCES and REPORTS_TO."""
        units = {u["id"]: u for u in self.units if u["account_id"] == account_id}
        contacts = {c["id"]: c for c in self.contacts if c["account_id"] == account_id}
        knows = self._knows(set(contacts))
        subunits = [u for u in units.values() if u["parent_unit_id"] in units]
        ports = len({u["parent_unit_id"] for u in subunits})
        no_unit = any(c["unit_id"] not in units for c in contacts.values())
        edges = (ports + 2 * len(subunits) + len(knows) + len(self._influences(set(contacts)))
                 + sum(c["reports_to"] in contacts for c in contacts.values()))
        return Counts(len(units) + no_unit + len(contacts) + len({k["rep_id"] for k in knows}) + ports + len(subunits),
                      edges)

    def effective_depth(self, k: dict, as_of: dt.date) -> int:
        depth = int(k["depth"])
        if not k["last_contact"]:
            return depth
        age = (as_of - dt.date.fromisoformat(k["last_contact"])).days
        if age > 2 * self.STALE_AFTER_DAYS:
            depth -= 2
        elif age > self.STALE_AFTER_DAYS:
            depth -= 1
        return max(depth, 0)

    def key_contacts(self, account_id: str) -> set[str]:
        """Executives, plus the decision makers, approvers and high-influence members of open bids."""
        keys = {c["id"] for c in self.contacts if c["account_id"] == account_id and c["level"] == "executive"}
        open_bids = {b["id"] for b in self.bids if b["account_id"] == account_id and b["stage"] not in ("won", "lost")}
        keys |= {r["contact_id"] for r in self.bid_roles if r["bid_id"] in open_bids
                 and (r["role"] in ("decision_maker", "approver") or r["influence"] == "high")}
        return keys

    def holds(self, as_of: dt.date = AS_OF) -> set[tuple[str, str]]:
        """(rep, account): the rep covers at least one key contact of the account."""
        account_of = {c["id"]: c["account_id"] for c in self.contacts}
        keys = {c for a in self.accounts for c in self.key_contacts(a["id"])}
        return {(k["rep_id"], account_of[k["contact_id"]]) for k in self._knows(keys)
                if self.effective_depth(k, as_of) >= self.KEY_DEPTH}

    def portfolio(self, as_of: dt.date = AS_OF, account_ids: set[str] | None = None) -> Counts:
        """Accounts plus the reps who hold any of their key contacts; one link per (rep, account)."""
        accounts = {a["id"] for a in self.accounts if account_ids is None or a["id"] in account_ids}
        holds = {(r, a) for r, a in self.holds(as_of) if a in accounts}
        return Counts(len(accounts) + len({r for r, _ in holds}), len(holds))

    def team(self, rep_id: str) -> set[str]:
        return {t["account_id"] for t in self.account_team if t["rep_id"] == rep_id}

    def cash_cows(self) -> set[str]:
        """Accounts whose strategic fit is diverging (docs/design.md §3.31)."""
        return {a["id"] for a in self.accounts if a["strategic_fit"] == "diverging"}

    def plans_of(self, account_id: str, as_of: dt.date = AS_OF) -> set[str]:
        """The plans of an account that exist as of the day (created on or before it)."""
        return {p["id"] for p in self.plans if p["account_id"] == account_id
                and dt.date.fromisoformat(p["created"]) <= as_of}

    def open_high_complaints(self, account_id: str) -> set[str]:
        return {f["id"] for f in self.feedback if f["account_id"] == account_id and f["kind"] == "complaint"
                and f["severity"] == "high" and f["status"] != "closed"}


@pytest.fixture(scope="session")
def seeds() -> Seeds:
    return Seeds()
