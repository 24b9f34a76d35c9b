"""``graphcrm generate``: a synthetic portfolio that loads without a problem and has
the shapes the benchmarks need.

Every figure is measured on the written files with the ``csv`` module and compared
with the ranges the issue asks for (docs/design.md §3 for what the product computes); none
is taken from the generator's own numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphcrm import services
from graphcrm.cli import app
from graphcrm.errors import InputError
from graphcrm.generate import generate
from graphcrm.importer import load
from graphcrm.model import RECORD_TYPES, BidRoleName, InfluenceKind
from graphcrm.policy import Policy
from graphcrm.store import open_store

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
FILES = [t.FILE for t in RECORD_TYPES]
HEADERS = {  # docs/design.md §4, written out
    "accounts.csv": "id,name,tier,industry,parent_id,strategic_fit,annual_revenue",
    "units.csv": "id,account_id,name,kind,parent_unit_id,region",
    "contacts.csv": "id,account_id,unit_id,name,title,level,reports_to,email,stance",
    "reps.csv": "id,name,role,level,active,email",
    "account_team.csv": "account_id,rep_id,role",
    "relationships.csv": "rep_id,contact_id,depth,last_contact,since",
    "influences.csv": "source_id,target_id,strength,kind",
    "bids.csv": "id,account_id,name,stage,tender_date,value,currency",
    "bid_roles.csv": "bid_id,contact_id,role,influence,stance",
    "activities.csv": "id,date,kind,account_id,bid_id,rep_ids,contact_ids,summary",
    "agreements.csv": "id,account_id,kind,signed,expires",
    "plans.csv": "id,account_id,layer,contact_id,unit_id,owner_rep_id,goal,target,created,due",
    "feedback.csv": "id,account_id,contact_id,date,kind,severity,status,closed,summary",
}
AS_OF = dt.date(2026, 11, 15)  # the documented default snapshot day
STALE_AFTER = 180              # Policy's default stale_after_days (docs/design.md §3)


def rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def age(day: str) -> int:
    return (AS_OF - dt.date.fromisoformat(day)).days


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "GRAPHCRM_DB")}
    return subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=env, timeout=60)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    """2,000 accounts, seed 1, read but never loaded."""
    out = tmp_path_factory.mktemp("gen") / "p2000"
    generate(out, 2_000)
    return out


@pytest.fixture(scope="module")
def data(portfolio) -> dict[str, list[dict[str, str]]]:
    return {name.removesuffix(".csv"): rows(portfolio, name) for name in FILES}


# --- files, determinism ---------------------------------------------------------------


def test_writes_every_import_file_with_its_header_and_says_how_many_rows(tmp_path):
    counts = generate(tmp_path / "p", 40, seed=3)
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == sorted(HEADERS)
    for name, header in HEADERS.items():
        lines = (tmp_path / "p" / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == header
        assert counts[name.removesuffix(".csv")] == len(rows(tmp_path / "p", name)) > 0, name
    assert counts["accounts"] == 40


def test_the_same_arguments_give_the_same_bytes_and_another_seed_other_ones(tmp_path):
    generate(tmp_path / "a", 150, seed=5)
    generate(tmp_path / "b", 150, seed=5)
    generate(tmp_path / "c", 150, seed=6)
    for name in HEADERS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    differ = [n for n in HEADERS if (tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes()]
    assert {"contacts.csv", "relationships.csv", "influences.csv"} <= set(differ)


def test_the_default_snapshot_day_is_fixed_not_today(tmp_path):
    generate(tmp_path / "default", 20, seed=2)
    generate(tmp_path / "fixed", 20, seed=2, as_of=AS_OF)
    generate(tmp_path / "other", 20, seed=2, as_of=dt.date(2030, 1, 1))
    name = "relationships.csv"
    assert (tmp_path / "default" / name).read_bytes() == (tmp_path / "fixed" / name).read_bytes()
    assert (tmp_path / "default" / name).read_bytes() != (tmp_path / "other" / name).read_bytes()
    assert max(r["last_contact"] for r in rows(tmp_path / "other", name)) < "2030-01-01"


# --- loading --------------------------------------------------------------------------


def test_cli_generates_and_loads_a_small_portfolio_completely(tmp_path):
    out, db = tmp_path / "p30", f"ladybug://{tmp_path / 'g.lbug'}"
    result = CliRunner().invoke(app, ["generate", "--accounts", "30", "--seed", "4", str(out)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["--db", db, "load", str(out)])
    assert result.exit_code == 0, result.output
    expected = {name.removesuffix(".csv"): len(rows(out, name)) for name in HEADERS}
    assert expected["accounts"] == 30 and expected["relationships"] > 0
    with open_store(db) as store:
        assert store.counts() == expected


# --- shapes, measured on 2,000 accounts --------------------------------------------------


def test_accounts_are_heavy_tailed_about_twenty_contacts_with_operators(data):
    per = Counter(c["account_id"] for c in data["contacts"])
    sizes = [per[a["id"]] for a in data["accounts"]]
    assert 10 <= statistics.median(sizes) <= 60
    assert 15 <= statistics.mean(sizes) <= 25
    assert sum(10 <= s <= 60 for s in sizes) > len(sizes) / 2  # most accounts
    big = [a for a in data["accounts"] if per[a["id"]] >= 1_000]
    assert big and all(a["tier"] == "S" and per[a["id"]] <= 3_000 for a in big)


def test_operators_have_branch_trees_of_four_levels(data):
    per = Counter(c["account_id"] for c in data["contacts"])
    operators = {a for a, n in per.items() if n >= 1_000}
    parent = {u["id"]: u["parent_unit_id"] for u in data["units"]}

    def depth(unit: str) -> int:
        return 0 if not parent[unit] else 1 + depth(parent[unit])

    for account in operators:
        units = [u for u in data["units"] if u["account_id"] == account]
        depths = Counter((u["kind"], depth(u["id"])) for u in units)
        assert depths[("hq", 0)] == 1
        assert depths[("department", 1)] >= 3 and depths[("branch", 1)] >= 3
        assert depths[("branch", 2)] > depths[("branch", 1)] and depths[("branch", 3)] > 0


def test_contacts_have_levels_and_reporting_trees_without_cycles(data):
    seen: dict[str, str] = {}
    for c in data["contacts"]:
        if c["reports_to"]:  # an earlier contact of the same account: no cycle possible
            assert seen.get(c["reports_to"]) == c["account_id"], c
        seen[c["id"]] = c["account_id"]
    levels = Counter(c["level"] for c in data["contacts"])
    n = len(data["contacts"])
    assert levels["executive"] < 0.1 * n and levels["staff"] > 0.4 * n
    assert levels["executive"] < levels["senior"] < levels["middle"] < levels["staff"]
    assert 0 < sum(not c["unit_id"] for c in data["contacts"]) < 0.05 * n
    assert 0.1 * n < sum(bool(c["email"]) for c in data["contacts"]) < 0.9 * n


def test_about_three_influences_per_contact_within_accounts(data):
    account = {c["id"]: c["account_id"] for c in data["contacts"]}
    ratio = len(data["influences"]) / len(data["contacts"])
    assert 2.5 <= ratio <= 3.5
    pairs = set()
    for i in data["influences"]:
        s, t = i["source_id"], i["target_id"]
        assert s != t and account[s] == account[t]
        assert (s, t) not in pairs
        pairs.add((s, t))
        assert re.fullmatch(r"[01]\.\d\d", i["strength"]) and 0 < float(i["strength"]) <= 1
    kinds = Counter(i["kind"] for i in data["influences"])
    assert set(kinds) == {k.value for k in InfluenceKind}


def test_about_three_relationships_per_contact_mostly_from_the_team_some_stale(data):
    rels, n = data["relationships"], len(data["contacts"])
    assert 2.5 <= len(rels) / n <= 3.5
    assert len({(r["rep_id"], r["contact_id"]) for r in rels}) == len(rels)
    account = {c["id"]: c["account_id"] for c in data["contacts"]}
    team = {(t["account_id"], t["rep_id"]) for t in data["account_team"]}
    assert sum((account[r["contact_id"]], r["rep_id"]) in team for r in rels) > 0.8 * len(rels)
    depth = Counter(int(r["depth"]) for r in rels)
    assert set(depth) <= {0, 1, 2, 3, 4} and min(depth[1], depth[2]) > depth[4] > 0
    dated = [r for r in rels if r["last_contact"]]
    assert 0.02 < 1 - len(dated) / len(rels) < 0.08  # about 5 % missing
    assert sum(age(r["last_contact"]) > STALE_AFTER for r in dated) > 0.10 * len(rels)
    assert sum(age(r["last_contact"]) > 2 * STALE_AFTER for r in dated) > 0.03 * len(rels)
    assert all(age(r["last_contact"]) > 0 for r in dated)
    assert all(r["since"] <= r["last_contact"] for r in dated if r["since"])


def test_teams_of_five_to_forty_mostly_small(data):
    sizes = Counter(t["account_id"] for t in data["account_team"])
    assert set(sizes) == {a["id"] for a in data["accounts"]}
    assert all(5 <= s <= 40 for s in sizes.values())
    assert statistics.median(sizes.values()) <= 12 and max(sizes.values()) >= 30
    reps = data["reps"]
    assert len(reps) == 2_000 // 5
    inactive = sum(r["active"] == "false" for r in reps) / len(reps)
    assert 0.01 < inactive < 0.10


def test_tiers_and_account_parents(data):
    tiers = Counter(a["tier"] for a in data["accounts"])
    n = len(data["accounts"])
    for tier, share in {"S": 0.05, "A": 0.15, "B": 0.35, "C": 0.45}.items():
        assert abs(tiers[tier] / n - share) < 0.04, tier
    order = {a["id"]: i for i, a in enumerate(data["accounts"])}
    children = [a for a in data["accounts"] if a["parent_id"]]
    assert 0 < len(children) < 0.1 * n
    assert all(order[a["parent_id"]] < order[a["id"]] for a in children)


def test_bids_have_decision_chains_that_sometimes_lack_a_role(data):
    bids = data["bids"]
    per_account = Counter(b["account_id"] for b in bids)
    assert max(per_account.values()) <= 3 and len(per_account) < len(data["accounts"])  # 0–3 each
    stages = Counter(b["stage"] for b in bids)
    open_bids = {b["id"] for b in bids if b["stage"] not in ("won", "lost")}
    assert 0.5 < len(open_bids) / len(bids) < 0.95 and stages["won"] and stages["lost"]
    assert {b["currency"] for b in bids} <= {"CNY", "EUR", ""}
    chain = defaultdict(list)
    for r in data["bid_roles"]:
        chain[r["bid_id"]].append(r)
    assert set(chain) == open_bids
    assert all(4 <= len(c) <= 15 for c in chain.values())
    complete = [c for c in chain.values() if {"decision_maker", "approver"} <= {r["role"] for r in c}]
    assert 0.7 * len(chain) < len(complete) < len(chain)
    roles = data["bid_roles"]
    assert {r["role"] for r in roles} == {x.value for x in BidRoleName}
    assert {r["stance"] for r in roles} == {"-2", "-1", "0", "1", "2", ""}


def test_activities_meet_known_contacts_and_move_nothing_forward(data):
    acts = data["activities"]
    assert 1 <= len(acts) / len(data["accounts"]) <= 3.5
    last = {(r["rep_id"], r["contact_id"]): r["last_contact"] for r in data["relationships"]}
    for a in acts:
        assert a["date"] < AS_OF.isoformat()
        for rep in a["rep_ids"].split(";"):
            for contact in a["contact_ids"].split(";"):
                assert last.get((rep, contact), "") >= a["date"], a  # a relationship, no older


def test_agreements_for_most_strategic_and_partner_accounts(data):
    tier = {a["id"]: a["tier"] for a in data["accounts"]}
    with_agreement = {g["account_id"] for g in data["agreements"]}
    top = [a for a, t in tier.items() if t in "SA"]
    assert sum(a in with_agreement for a in top) > 0.5 * len(top)
    expired = [g for g in data["agreements"] if g["expires"] and g["expires"] < AS_OF.isoformat()]
    assert 0 < len(expired) < 0.5 * len(data["agreements"])
    assert all(g["signed"] <= g["expires"] for g in data["agreements"] if g["expires"])


# --- accounts held by one rep, found by the product ----------------------------------------


def held_by_one(directory: Path) -> dict[str, str]:
    """Accounts where one active team rep knows every key contact (docs/design.md §3: the
    executives and the decision makers, approvers and high-influence members of
    open bids) at depth 3–4 within 180 days, and no other rep knows any of them at
    depth ≥ 2 within 360 days (or with no date): account → that rep."""
    active = {r["id"] for r in rows(directory, "reps.csv") if r["active"] == "true"}
    team = defaultdict(set)
    for t in rows(directory, "account_team.csv"):
        team[t["account_id"]].add(t["rep_id"])
    account, key = {}, defaultdict(set)
    for c in rows(directory, "contacts.csv"):
        account[c["id"]] = c["account_id"]
        if c["level"] == "executive":
            key[c["account_id"]].add(c["id"])
    open_bids = {b["id"] for b in rows(directory, "bids.csv") if b["stage"] not in ("won", "lost")}
    for r in rows(directory, "bid_roles.csv"):
        if r["bid_id"] in open_bids and (r["role"] in ("decision_maker", "approver") or r["influence"] == "high"):
            key[account[r["contact_id"]]].add(r["contact_id"])
    knows = defaultdict(list)
    for r in rows(directory, "relationships.csv"):
        days = age(r["last_contact"]) if r["last_contact"] else None
        knows[r["contact_id"]].append((r["rep_id"], int(r["depth"]), days))
    found = {}
    for a, contacts in key.items():
        holders = None
        for c in contacts:
            strong = {rep for rep, depth, days in knows[c]
                      if rep in active and depth >= 3 and days is not None and days <= STALE_AFTER}
            close = {rep for rep, depth, days in knows[c] if depth >= 2 and (days is None or days <= 2 * STALE_AFTER)}
            holders = strong if holders is None else holders & strong
            if len(strong) != 1 or close != strong:
                holders = set()
            if not holders:
                break
        if holders and holders <= team[a]:
            found[a] = holders.pop()
    return found


def test_accounts_held_by_one_rep_have_bus_factor_one(tmp_path, lbug_store):
    out = tmp_path / "p80"
    generate(out, 80, seed=1)
    planted = held_by_one(out)
    assert len(planted) >= 0.05 * 80
    load(out, lbug_store)
    report = services.risks(lbug_store, AS_OF, Policy(), jobs=1)
    risk = {r.account_id: r for r in report.accounts}
    assert len(risk) == 80
    for account, rep in planted.items():
        assert risk[account].bus_factor == 1, account
        assert risk[account].holders and all(h == [rep] for h in risk[account].holders.values()), account
    assert sum(r.bus_factor == 1 for r in report.accounts) >= len(planted)


# --- bad arguments --------------------------------------------------------------------------


class TestBadArguments:
    def test_no_accounts_is_refused(self, tmp_path):
        with pytest.raises(InputError, match="at least 1"):
            generate(tmp_path / "p", 0)
        assert not (tmp_path / "p").exists()

    def test_cli_refuses_zero_accounts_with_exit_code_2(self, tmp_path):
        result = run_cli("generate", "--accounts", "0", str(tmp_path / "p"))
        assert result.returncode == 2
        assert "--accounts" in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "p").exists()

    def test_cli_refuses_an_out_dir_that_is_a_file(self, tmp_path):
        target = tmp_path / "taken.txt"
        target.write_text("mine\n", encoding="utf-8")
        result = run_cli("generate", "--accounts", "5", str(target))
        assert result.returncode == 2
        assert "is a file, not a directory" in result.stderr and "Traceback" not in result.stderr
        assert target.read_text(encoding="utf-8") == "mine\n"

    def test_cli_refuses_a_directory_with_other_csv_files(self, tmp_path):
        (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
        result = run_cli("generate", "--accounts", "5", str(tmp_path))
        assert result.returncode == 2
        assert "notes.csv" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv"]

    def test_cli_refuses_a_bad_date(self, tmp_path):
        result = run_cli("generate", "--accounts", "5", "--as-of", "2026-02-30", str(tmp_path / "p"))
        assert result.returncode == 2
        assert "--as-of" in result.stderr and "Traceback" not in result.stderr
