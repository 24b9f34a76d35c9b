"""History through its interfaces (docs/design.md §3.19–3.24): the demo's seeded trail,
the CLI commands and the HTTP resources, on real LadybugDB stores.

Expected values come from the seeds' story (scripts/seed_history.py: history begins
2025-11-16 09:00 UTC, rep-zhao-lei leaves on 2026-08-31), seeds/README.md (the planted
problems) or small stores built here; never from graphcrm's output.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphcrm import history, over_time
from graphcrm.fileformat import read_csv_dir
from graphcrm.importer import load
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Relationship, Rep
from graphcrm.policy import Policy
from graphcrm.store import open_store

from tests.integration.api_fixtures import MEMBER_ACCOUNT, SEEDS, assert_problem, running_app

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
AS_OF = "2026-11-15"
BID = "bid-jnm-5g-core-2026"
APPROVER = "c-jnm-003"  # seeds/README.md, planted problem 1: the approver nobody knows well


def _seed_history():
    spec = importlib.util.spec_from_file_location("seed_history", SEEDS.parent / "scripts" / "seed_history.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestSeededTrail:
    def test_the_file_is_what_the_script_writes(self):
        data = read_csv_dir(SEEDS).data
        assert read_csv_dir(SEEDS / "history").audit == _seed_history().trail(data)

    def test_its_last_word_on_every_record_is_the_seed(self):
        source = read_csv_dir(SEEDS / "history")
        assert history.known_at(Dataset(), source.audit, dt.datetime(2027, 1, 1)) == read_csv_dir(SEEDS).data.sorted()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo store as `graphcrm demo` builds it: the seeds' trail, then the seeds."""
    path = tmp_path_factory.mktemp("demo") / "demo.lbug"
    with open_store(f"ladybug://{path}") as store:
        load(SEEDS / "history", store)
        load(SEEDS, store)
    return f"ladybug://{path}"


def _cli(db: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GRAPHCRM_DB", "GRAPHCRM_POLICY")}
    return subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True, env=env, timeout=120)


class TestCli:
    def test_known_at_the_demo_day_is_the_store_now(self, demo):
        now = _cli(demo, "check", BID, "--json", "--as-of", AS_OF)
        then = _cli(demo, "check", BID, "--json", "--as-of", AS_OF, "--known-at", AS_OF)
        assert now.returncode == then.returncode == 0 and json.loads(now.stdout) == json.loads(then.stdout)

    def test_before_history_is_refused_naming_its_start(self, demo):
        r = _cli(demo, "gaps", "acc-jnm", "--known-at", "2025-01-01")
        assert r.returncode == 2 and "history begins at 2025-11-16 09:00:00 UTC" in r.stderr
        assert "Traceback" not in r.stderr

    @pytest.mark.parametrize("command", [["plans"], ["cadence"], ["completeness"], ["measures"]])
    def test_the_loop_known_at_the_demo_day_is_the_store_now(self, demo, command):
        now = _cli(demo, *command, "--json", "--as-of", AS_OF)
        then = _cli(demo, *command, "--json", "--as-of", AS_OF, "--known-at", AS_OF)
        assert now.returncode == then.returncode == 0 and json.loads(now.stdout) == json.loads(then.stdout)
        early = _cli(demo, *command, "--known-at", "2025-11-01")
        assert early.returncode == 2 and "history begins at 2025-11-16 09:00:00 UTC" in early.stderr

    def test_a_rep_known_before_and_after_leaving(self, demo):
        # the story: rep-zhao-lei active from the first day, inactive from 2026-08-31
        before = json.loads(_cli(demo, "departure", "rep-zhao-lei", "--json", "--as-of", "2026-08-30",
                                 "--known-at", "2026-08-30").stdout)
        after = json.loads(_cli(demo, "departure", "rep-zhao-lei", "--json", "--as-of", "2026-09-01",
                                "--known-at", "2026-09-01").stdout)
        assert (before["active"], after["active"], after["accounts"]) == (True, False, [])

    def test_trend_months_before_history_are_empty(self, demo):
        r = _cli(demo, "trend", "account", "acc-jnm", "--months", "14", "--as-of", AS_OF, "--json")
        months = json.loads(r.stdout)["months"]
        # 14 months up to 2026-11: 2025-10 … 2026-11; 2025-10-31 is before the history (2025-11-16)
        assert [m["month"] for m in months][:2] == ["2025-10", "2025-11"] and len(months) == 14
        assert months[0]["bus_factor"] is None and months[1]["bus_factor"] is not None

    def test_changes_cite_entries_of_the_period(self, demo):
        report = json.loads(_cli(demo, "changes", "--since", "2026-08-15", "--until", AS_OF, "--json").stdout)
        cited = {i for a in report["accounts"] for kind in ("key_contacts", "red_flags", "went_stale", "team")
                 for item in a[kind] for i in item["entries"]}
        assert report["accounts"] and cited
        with open_store(demo) as store:
            found = store.audit_entries(cited)
        start, end = history.end_of_day(dt.date(2026, 8, 15)), history.end_of_day(dt.date(2026, 11, 15))
        assert set(found) == cited and all(start < e.at.replace(tzinfo=None) <= end for e in found.values())


class TestApi:
    def test_member_digest_holds_only_its_accounts(self, tmp_path):
        with running_app(tmp_path) as env:
            # the tender of BID (2026-12-08) is 23 days after the as-of day, its approver weak
            admin = env.admin("GET", "/digest", params={"as_of": AS_OF, "format": "json"}).json()
            due = {t["bid_id"]: t["uncovered"] for t in admin["due_tenders"]}
            assert APPROVER in due[BID]
            member = env.call("member", "GET", "/digest", params={"as_of": AS_OF, "format": "json"}).json()
            assert {t["account_id"] for t in member["due_tenders"]} <= {MEMBER_ACCOUNT}
            assert {s["account_id"] for s in member["stale_soon"]} <= {MEMBER_ACCOUNT}
            assert_problem(env.call("member", "GET", "/changes", params={"since": "7d", "account_id": "acc-jnm"}),
                           404)

    def test_bad_input_is_a_problem(self, tmp_path):
        with running_app(tmp_path) as env:
            assert "known_at" in assert_problem(env.admin("GET", "/accounts/acc-jnm/gaps",
                                                          params={"known_at": "soon"}), 422)["detail"]
            for path in ("/portfolio/risks", "/portfolio/plans", "/portfolio/cadence", "/portfolio/completeness",
                         "/portfolio/measures", "/accounts/acc-jnm/plans", "/accounts/acc-jnm/completeness"):
                body = assert_problem(env.admin("GET", path, params={"known_at": "2020-01-01"}), 422)
                assert "history begins" in body["detail"]
            assert_problem(env.admin("GET", "/changes", params={"since": "last week"}), 422)
            assert_problem(env.admin("GET", "/stale-soon", params={"account_id": "nope"}), 404)

    def test_the_html_digest_escapes_names(self, tmp_path):
        hostile = "<script>alert(1)</script>"
        with running_app(tmp_path, seeds=False) as env:
            env.store.apply(Dataset(
                accounts=[Account(id="a", name="A", tier="B")],
                contacts=[Contact(id="c", account_id="a", name=hostile)],
                bids=[Bid(id="b", account_id="a", name=hostile, stage="tender",
                          tender_date=dt.date.today() + dt.timedelta(days=3))],
                bid_roles=[BidRole(bid_id="b", contact_id="c", role="decision_maker")]))
            page = env.admin("GET", "/digest", params={"format": "html"}).text
            markdown = env.admin("GET", "/digest").text
        assert hostile not in page and "&lt;script&gt;" in page
        assert hostile not in markdown and "\\<script\\>" in markdown


def test_results_by_band(tmp_path):
    """Two bids tendered today: b-won, its decision-maker known at 3 (covered: 1/1 = 1.0,
    bus factor 1); b-lost, its decision-maker known by nobody (0/1 = 0.0, bus factor 0)."""
    today = dt.date.today()
    with open_store(f"ladybug://{tmp_path / 'r.lbug'}") as store:
        store.apply(Dataset(
            accounts=[Account(id="a", name="A", tier="B")],
            contacts=[Contact(id="c1", account_id="a", name="C1"), Contact(id="c2", account_id="a", name="C2")],
            reps=[Rep(id="r", name="R")],
            relationships=[Relationship(rep_id="r", contact_id="c1", depth=3, last_contact=today)],
            bids=[Bid(id="b-won", account_id="a", name="W", stage="won", tender_date=today),
                  Bid(id="b-lost", account_id="a", name="L", stage="lost", tender_date=today),
                  Bid(id="b-open", account_id="a", name="O", stage="tender", tender_date=today)],
            bid_roles=[BidRole(bid_id="b-won", contact_id="c1", role="decision_maker"),
                       BidRole(bid_id="b-lost", contact_id="c2", role="decision_maker")]))
        r = over_time.results(store, Policy())
    assert [(b.bid_id, b.coverage, b.bus_factor) for b in r.bids] == [("b-lost", 0.0, 0), ("b-won", 1.0, 1)]
    assert [(b.band, b.bids, b.won, b.win_rate) for b in r.by_coverage] == [
        ("under 50%", 1, 0, 0.0), ("50–79%", 0, 0, None), ("80–100%", 1, 1, 1.0)]
    assert [(b.band, b.bids, b.won) for b in r.by_bus_factor] == [("0", 1, 0), ("1", 1, 1), ("2", 0, 0), ("3+", 0, 0)]


def test_the_portfolio_trend_counts_each_account_as_known_at_each_month_end(demo):
    """The trend's fast path (each account moved forward by its entries, the bus
    factor from its rows) counts what the definition gives month by month: each
    account rebuilt known at the month's end and judged on its graph as of that day."""
    from graphcrm.analysis.dependency import account_risk
    from graphcrm.graph import build_graph

    day, policy = dt.date.fromisoformat(AS_OF), Policy()
    with open_store(demo) as store:
        trend = over_time.portfolio_trend(store, policy, 14, day)
        first, ids = history.begins(store), history.all_account_ids(store)
        expected = []
        for point in trend.months:
            at = history.end_of_day(point.as_of)
            pasts = [history.account_data(store, a, at) if at >= first else None for a in ids]
            graphs = [build_graph(p, a) for a, p in zip(ids, pasts) if p is not None]
            expected.append((len(graphs), sum(account_risk(g, point.as_of, policy).held_by_one for g in graphs)))
    assert [(p.accounts, p.held_by_one) for p in trend.months] == expected
    assert expected[0] == (0, 0) and expected[-1][0] > 0 and any(held for _, held in expected)
