"""The analysis commands of the real ``graphcrm`` console script on the demo seeds.

The store is loaded once per module from seeds/; every command runs as a separate
process with ``--db ladybug://…`` and ``--as-of 2026-11-15`` (the seeds' snapshot
day). The expected values are literals taken from seeds/README.md (the planted
problems and the expected results it documents), never from graphcrm's output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphcrm.importer import load
from graphcrm.model import Contact
from graphcrm.store import open_store

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AS_OF = "2026-11-15"
BID = "bid-jnm-5g-core-2026"

# seeds/README.md, "Planted problems" and "Expected check/gaps/influence".
APPROVER = "c-jnm-003"            # 1: approver nobody knows well (weak)
SINGLE_HOLDER_DM = "c-jnm-002"    # 2: decision-maker held by rep-wang-hao only
SINGLE_HOLDER_REP = "rep-wang-hao"
DARK_UNIT = "unit-jnm-yz-baisha"  # 3
HIDDEN_INFLUENCER = "c-jnm-009"   # 4
STALE = "c-jnm-031"               # 5: stale relationship rep-he-jing → c-jnm-031
OPPONENT = "c-jnm-021"            # 6
HELD_BY_ONE = "acc-mzp"           # tier B, bus factor 1, rep-feng-bo


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GRAPHCRM_DB", "GRAPHCRM_POLICY")}
    env.update(extra)
    return env


def run(*args: str, db: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True,
                          encoding="utf-8", env=env or _env(), timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"ladybug://{tmp_path_factory.mktemp('cli') / 's.lbug'}"
    store = open_store(url)
    try:
        load(SEEDS, store)
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def cli(db):
    """Run a command once per module (processes are slow); JSON commands parsed."""
    cache: dict[tuple[str, ...], subprocess.CompletedProcess] = {}

    def call(*args: str) -> subprocess.CompletedProcess:
        if args not in cache:
            cache[args] = run(*args, db=db)
        return cache[args]

    return call


def js(cli, *args: str) -> dict:
    proc = cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# --- check --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def check(cli) -> dict:
    return js(cli, "check", BID, "--as-of", AS_OF)


def test_check_json_has_the_documented_keys(check):
    assert {"bid_id", "bus_factor", "red_flags", "uncovered", "decision_chain", "gaps"} <= check.keys()
    assert check["bid_id"] == BID
    for f in check["red_flags"]:
        assert {"flag", "contact_ids"} <= f.keys()
    for u in check["uncovered"]:
        assert {"contact_id", "role", "status", "best_depth", "required_depth", "warm_paths"} <= u.keys()
        for p in u["warm_paths"]:
            assert {"rep_id", "via", "strength"} <= p.keys()
    assert {"key", "general", "organisational"} <= check["gaps"].keys()
    assert len(check["decision_chain"]) == 15


def test_check_red_flags_are_the_planted_ones(check):
    flags = {f["flag"]: sorted(f["contact_ids"]) for f in check["red_flags"]}
    assert flags == {
        "uncovered_key_contact": [APPROVER, STALE],
        "opponent": [OPPONENT],
        "stale_key_relationship": [STALE],
        "overdue_plan": [APPROVER, STALE],  # plan-jnm-cfo-depth, plan-jnm-noc-visit (seeds/README.md)
        "open_complaint": [STALE],          # fb-jnm-noc-outage
    }
    assert check["bus_factor"] == 2


def test_check_uncovered_are_the_approver_and_the_stale_director(check):
    uncovered = {u["contact_id"]: u for u in check["uncovered"]}
    assert set(uncovered) == {APPROVER, STALE}
    assert {k: uncovered[APPROVER][k] for k in ("role", "status", "best_depth", "required_depth")} == {
        "role": "approver", "status": "weak", "best_depth": 2, "required_depth": 3}
    assert {k: uncovered[STALE][k] for k in ("role", "status", "best_depth", "required_depth")} == {
        "role": "user", "status": "weak", "best_depth": 2, "required_depth": 3}


def test_check_warm_paths_to_the_approver(check):
    paths = next(u for u in check["uncovered"] if u["contact_id"] == APPROVER)["warm_paths"]
    got = [(p["rep_id"], p["via"], round(p["strength"], 6)) for p in paths]
    # 0.70 first; the two 0.60 paths in either order (a tie)
    assert got[0] == ("rep-liu-yang", ["c-jnm-001", APPROVER], 0.7)
    assert sorted(got[1:]) == [("rep-li-na", [OPPONENT, APPROVER], 0.6), ("rep-zhang-min", [OPPONENT, APPROVER], 0.6)]


def test_check_warm_paths_to_the_stale_director(check):
    paths = next(u for u in check["uncovered"] if u["contact_id"] == STALE)["warm_paths"]
    got = [(p["rep_id"], p["via"], round(p["strength"], 6)) for p in paths]
    assert got[:2] == [("rep-sun-qiang", [HIDDEN_INFLUENCER, STALE], 0.7),
                       ("rep-wang-hao", [SINGLE_HOLDER_DM, STALE], 0.6)]


def test_check_decision_chain_single_holder(check):
    chain = {m["contact_id"]: m for m in check["decision_chain"]}
    assert chain[SINGLE_HOLDER_DM]["holders"] == [SINGLE_HOLDER_REP]
    assert chain[OPPONENT]["status"] == "covered"
    # inactive rep-zhao-lei (depth 4 to the CFO) counts for nothing
    assert "rep-zhao-lei" not in chain[APPROVER]["holders"]


# --- gaps ---------------------------------------------------------------------------


def test_gaps_of_the_strategic_account(cli):
    r = js(cli, "gaps", "acc-jnm", "--as-of", AS_OF)
    assert r["account_id"] == "acc-jnm"
    layers = r["layers"]
    assert {"key", "general", "organisational"} <= layers.keys()
    assert {"score", "gaps"} <= layers["key"].keys()
    assert {"score", "dark_units", "gaps"} <= layers["general"].keys()
    assert {"score", "required", "gaps"} <= layers["organisational"].keys()
    assert layers["key"]["score"] == pytest.approx(5 / 7, abs=1e-3)
    assert sorted(g["subject_id"] for g in layers["key"]["gaps"]) == [APPROVER, STALE]
    assert layers["general"]["dark_units"] == [DARK_UNIT]
    # 45 of the 53 non-key contacts known, 10 of 11 units lit (seeds/README.md)
    assert layers["general"]["score"] == pytest.approx((45 / 53 + 10 / 11) / 2, abs=2e-3)
    assert layers["organisational"]["required"] is True
    assert layers["organisational"]["score"] == pytest.approx(1.0)


def test_gaps_of_the_tier_b_account_need_no_organisational_layer(cli):
    org = js(cli, "gaps", "acc-mzp", "--as-of", AS_OF)["layers"]["organisational"]
    assert org["required"] is False
    assert org["score"] is None


# --- influence ----------------------------------------------------------------------


def test_influence_ranking_and_the_hidden_influencer(cli):
    r = js(cli, "influence", "acc-jnm", "--as-of", AS_OF)
    assert r["account_id"] == "acc-jnm"
    ranking = r["ranking"]
    assert len(ranking) == 60
    scores = [e["score"] for e in ranking]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-4)
    assert [e["contact_id"] for e in ranking[:6]] == [
        "c-jnm-001", "c-jnm-007", "c-jnm-002", "c-jnm-008", HIDDEN_INFLUENCER, "c-jnm-003"]
    assert [e["contact_id"] for e in ranking if e["hidden_influencer"]] == [HIDDEN_INFLUENCER]


# --- risks --------------------------------------------------------------------------


def test_risks_riskiest_first(cli):
    accounts = js(cli, "risks", "--as-of", AS_OF)["accounts"]
    for a in accounts:
        assert {"account_id", "tier", "bus_factor", "top_holder_id", "top_holder_share",
                "single_holder_contacts"} <= a.keys()
    rows = {a["account_id"]: a for a in accounts}
    assert accounts[0]["account_id"] == HELD_BY_ONE
    assert set(rows) == {"acc-mzp", "acc-jnm", "acc-jnpg"}
    mzp = rows[HELD_BY_ONE]
    assert (mzp["tier"], mzp["bus_factor"], mzp["top_holder_id"]) == ("B", 1, "rep-feng-bo")
    assert mzp["top_holder_share"] == pytest.approx(0.71, abs=0.01)
    assert sorted(mzp["single_holder_contacts"]) == ["c-mzp-001", "c-mzp-002"]
    assert (rows["acc-jnm"]["bus_factor"], rows["acc-jnm"]["single_holder_contacts"]) == (3, [SINGLE_HOLDER_DM])
    assert rows["acc-jnm"]["top_holder_id"] == "rep-li-na"
    assert (rows["acc-jnpg"]["bus_factor"], rows["acc-jnpg"]["single_holder_contacts"]) == (3, [])
    factors = [a["bus_factor"] for a in accounts]
    assert factors == sorted(factors)


def test_risks_tier_filter(cli):
    accounts = js(cli, "risks", "--as-of", AS_OF, "--tier", "S")["accounts"]
    assert [a["account_id"] for a in accounts] == ["acc-jnm"]
    assert all(a["tier"] == "S" for a in accounts)


def test_risks_limit(cli):
    accounts = js(cli, "risks", "--as-of", AS_OF, "--limit", "1")["accounts"]
    assert [a["account_id"] for a in accounts] == [HELD_BY_ONE]


# --- departure and paths ------------------------------------------------------------


def test_departure_of_the_single_holder(cli):
    r = js(cli, "departure", SINGLE_HOLDER_REP, "--as-of", AS_OF)
    assert r["rep_id"] == SINGLE_HOLDER_REP
    for a in r["accounts"]:
        assert {"account_id", "orphaned_contacts", "uncovered_key_contacts", "bus_factor_after"} <= a.keys()
    jnm = {a["account_id"]: a for a in r["accounts"]}["acc-jnm"]
    assert jnm["uncovered_key_contacts"] == [SINGLE_HOLDER_DM]


@pytest.fixture(scope="module")
def approver_paths(cli) -> dict:
    return js(cli, "paths", APPROVER, "--as-of", AS_OF)


def test_paths_to_the_approver(approver_paths):
    paths = approver_paths["warm_paths"]
    assert paths
    strengths = [p["strength"] for p in paths]
    assert strengths == sorted(strengths, reverse=True)
    assert strengths[0] == pytest.approx(0.7)
    assert all(p["via"][-1] == APPROVER and p["via"][0] != APPROVER for p in paths)
    assert approver_paths["best_depth"] == 2


def test_paths_status_uses_the_contacts_required_depth(approver_paths):
    assert approver_paths["status"] == "weak"


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("check", "nope"), ("gaps", "nope"), ("departure", "nope"), ("paths", "nope"), ("influence", "nope"),
])
def test_unknown_id_exits_2_with_one_line(cli, args):
    proc = cli(*args, "--as-of", AS_OF)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "nope" in lines[0] and "error" in lines[0].lower()
    assert proc.stdout == ""


def test_unknown_tier_exits_2(cli):
    proc = cli("risks", "--as-of", AS_OF, "--tier", "X")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--tier" in proc.stderr


def test_bad_as_of_exits_2(cli):
    proc = cli("check", BID, "--as-of", "2026-13-01")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--as-of" in proc.stderr


@pytest.mark.parametrize("toml, key", [
    ("stale_after_dayz = 200\n", "stale_after_dayz"),
    ('stale_after_days = "soon"\n', "stale_after_days"),
    ("stale_after_days = 0\n", "stale_after_days"),
])
def test_bad_policy_file_exits_2_naming_the_key(db, tmp_path, toml, key):
    policy = tmp_path / "policy.toml"
    policy.write_text(toml, encoding="utf-8")
    proc = run("check", BID, "--as-of", AS_OF, "--policy", str(policy), db=db,
               env=_env(COLUMNS="200"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert key in proc.stderr


@pytest.mark.parametrize("toml, key, message", [
    ("stale_after_days = true\n", "stale_after_days", "must be an integer, not the boolean true"),
    ("hidden_influencer_share = true\n", "hidden_influencer_share", "must be a number, not the boolean true"),
])
def test_a_boolean_in_the_policy_file_exits_2_naming_the_key(db, tmp_path, toml, key, message):
    """Issue 20: ``true`` was read as 1 and the check ran with it."""
    policy = tmp_path / "policy.toml"
    policy.write_text(toml, encoding="utf-8")
    proc = run("check", BID, "--as-of", AS_OF, "--policy", str(policy), "--json", db=db,
               env=_env(COLUMNS="200"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{key}: {message}" in proc.stderr
    assert proc.stdout == ""


def test_policy_file_changes_the_result(db, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("stale_after_days = 400\n", encoding="utf-8")
    proc = run("check", BID, "--as-of", AS_OF, "--policy", str(policy), "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    flags = {f["flag"]: sorted(f["contact_ids"]) for f in json.loads(proc.stdout)["red_flags"]}
    # 250 days is not stale any more: c-jnm-031 is covered at depth 3
    assert "stale_key_relationship" not in flags
    assert flags["uncovered_key_contact"] == [APPROVER]


# --- demo ---------------------------------------------------------------------------


def test_demo_mentions_every_planted_problem(tmp_path):
    proc = run("demo", db=f"ladybug://{tmp_path / 'demo.lbug'}", env=_env(COLUMNS="200"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for needle in (
        APPROVER, "刘慧敏",              # approver nobody knows well
        SINGLE_HOLDER_DM, SINGLE_HOLDER_REP,  # decision-maker held by one rep
        "Baisha",                       # dark unit (named in the general-layer action)
        HIDDEN_INFLUENCER, "hidden influencer",
        "stale_key_relationship", STALE,
        "opponent", OPPONENT,
        HELD_BY_ONE, "held by one person",
    ):
        assert needle in out, f"demo output does not mention {needle!r}"


# --- first run: the README's commands after `make demo` ----------------------------


def _bare(*args: str, cwd, env=None) -> subprocess.CompletedProcess:
    """The console script with no --db, as the README writes it."""
    return subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, encoding="utf-8",
                          env=env or _env(), timeout=120, cwd=cwd)


def test_after_the_demo_the_readmes_commands_work_as_written(tmp_path):
    """`graphcrm demo` builds ./graphcrm-demo.lbug; with no ./graphcrm.lbug, the
    README's `graphcrm check …` reads it (and says so), and creates no store file."""
    assert _bare("demo", cwd=tmp_path).returncode == 0
    proc = _bare("check", "bid-jnm-5g-core-2026", "--as-of", "2026-11-15", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert APPROVER in proc.stdout
    assert "graphcrm-demo.lbug" in proc.stderr
    assert not (tmp_path / "graphcrm.lbug").exists()
    found = json.loads(_bare("find", "刘慧", "--json", cwd=tmp_path).stdout)
    assert [(h["kind"], h["id"]) for h in found["hits"]] == [("contact", APPROVER)]  # 刘慧敏 (seeds/contacts.csv)


def test_a_read_only_command_never_creates_a_store(tmp_path):
    proc = _bare("gaps", "acc-jnm", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no store at" in proc.stderr and "graphcrm load" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_id_says_which_store_it_read(db):
    proc = run("check", "bid-nope", db=db)
    assert proc.returncode == 2
    assert "no bid with id 'bid-nope'" in proc.stderr and db.removeprefix("ladybug://") in proc.stderr.replace("\n", "")


def test_demo_reset_rebuilds_an_edited_demo_and_nothing_else(tmp_path):
    db = f"ladybug://{tmp_path / 'demo.lbug'}"
    assert run("demo", db=db).returncode == 0
    store = open_store(db)
    try:
        store.delete(Contact, "c-mzp-009")  # an edit after the demo was built
    finally:
        store.close()
    refused = run("demo", db=db)
    assert refused.returncode == 2 and "--reset" in refused.stderr
    assert run("demo", "--reset", db=db).returncode == 0
    store = open_store(db)
    try:
        assert store.get(Contact, "c-mzp-009") is not None
    finally:
        store.close()
    other = f"ladybug://{tmp_path / 'mine.lbug'}"
    assert run("load", str(SEEDS), db=other).returncode == 0
    assert run("demo", "--reset", db=other).returncode == 2  # not a demo store: never cleared
