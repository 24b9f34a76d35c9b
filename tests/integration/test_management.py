"""The management loop on the demo seeds: plans, cadence, completeness, handover, measures,
plans made from gaps — through the real ``graphcrm`` script and the real HTTP API.

Expected values are worked out by hand from seeds/plans.csv, feedback.csv and
activities.csv as of 2026-11-15 (seeds/README.md, "The management loop"), never
copied from graphcrm's output.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.api_fixtures import AS_OF, MEMBER_ACCOUNT, SEEDS, assert_problem, running_app

GRAPHCRM = Path(sys.executable).parent / "graphcrm"

# seeds/plans.csv as of 2026-11-15 (plan-mzp-backup is created 2026-12-01: it does not exist yet)
STATUS = {
    "plan-jnm-cfo-depth": "overdue",     # best depth to c-jnm-003 is 2 < 3; due 2026-10-31
    "plan-jnm-noc-visit": "overdue",     # no visit of rep-he-jing with c-jnm-031 since 2026-09-01; due 10-15
    "plan-jnm-baisha-visit": "open",     # nobody visited Baisha since 11-01; due 12-15
    "plan-mzp-vp-stance": "open",        # c-mzp-002's own stance 0 < 1; due 2027-01-31
    "plan-jnpg-sc": "done",              # agr-jnpg-sc-2025 runs until 2028-04-19
    "plan-jnm-cto-depth": "done",        # rep-wang-hao at 4 (2026-11-02)
}


def run(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GRAPHCRM), "--db", db, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=120)


def js(db: str, *args: str) -> dict:
    r = run(db, *args, "--json", "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("loop")) as e:
        yield e


def _rows(name: str) -> list[dict]:
    with open(SEEDS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_plans_statuses_and_completion(env):
    r = env.admin("GET", "/portfolio/plans", params={"as_of": AS_OF}).json()
    assert {p["plan_id"]: p["status"] for p in r["plans"]} == STATUS
    assert set(r["plans"][0]) >= {"plan_id", "account_id", "layer", "goal", "target", "owner_rep_id", "due", "status"}
    c = r["completion"]
    assert c["overall"] == pytest.approx(2 / 6, abs=1e-4)  # 2 done of 6
    # key: cfo, noc, mzp-vp, cto → 1 of 4; general: baisha → 0 of 1; organisational: jnpg-sc → 1 of 1
    assert c["by_layer"] == {"key": 0.25, "general": 0.0, "organisational": 1.0}
    assert c["by_rep"] == {"rep-feng-bo": 0.0, "rep-guo-tao": 0.0, "rep-he-jing": 0.0, "rep-liu-yang": 0.5,
                           "rep-wang-hao": 1.0}
    mine = env.admin("GET", "/portfolio/plans", params={"as_of": AS_OF, "rep_id": "rep-liu-yang"}).json()
    assert [p["plan_id"] for p in mine["plans"]] == ["plan-jnm-cfo-depth", "plan-jnpg-sc"]  # overdue first


def test_a_member_sees_only_their_accounts_plans(env):
    r = env.call("member", "GET", "/portfolio/plans", params={"as_of": AS_OF}).json()
    assert [p["plan_id"] for p in r["plans"]] == ["plan-mzp-vp-stance"] and r["completion"]["overall"] == 0.0
    assert_problem(env.call("member", "GET", "/accounts/acc-jnm/plans"), 404)
    assert env.call("member", "GET", f"/accounts/{MEMBER_ACCOUNT}/completeness").status_code == 200
    assert_problem(env.call("member", "GET", "/accounts/acc-jnm/completeness"), 404)


def test_check_flags_overdue_plans_and_the_open_complaint(env):
    r = env.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": AS_OF}).json()
    flags = {f["flag"]: f["contact_ids"] for f in r["red_flags"]}
    assert flags["overdue_plan"] == ["c-jnm-003", "c-jnm-031"]  # both key contacts of the open bid
    assert flags["open_complaint"] == ["c-jnm-031"]              # fb-jnm-noc-outage: open, high
    assert r["completeness"]["missing"] == [{"what": "last_contact", "ids": ["rep-guo-tao/c-jnm-041"]}]
    clean = env.admin("GET", "/bids/bid-jnpg-pvt5g-2027/coverage", params={"as_of": AS_OF}).json()
    assert clean["red_flags"] == []  # the healthy account stays clean (its feedback is a praise and a request)


def test_cadence(env):
    r = env.admin("GET", "/portfolio/cadence", params={"as_of": AS_OF, "weeks": 3}).json()
    reps = {x["rep_id"]: x for x in r["reps"]}
    active = {x["id"] for x in _rows("reps.csv") if x["active"] == "true"}
    assert set(reps) == active  # every active rep, whatever the role
    # W44 Oct 26–Nov 1, W45 Nov 2–8, W46 Nov 9–15: rep-wang-hao act-0017, act-0018, act-0020;
    # rep-li-na act-0016, act-0021 (act-0019 is a call)
    assert reps["rep-wang-hao"]["weeks"] == [{"week": "2026-W44", "meetings": 1}, {"week": "2026-W45", "meetings": 1},
                                             {"week": "2026-W46", "meetings": 1}]
    assert [w["meetings"] for w in reps["rep-li-na"]["weeks"]] == [1, 1, 0]
    assert all(x["weeks_below_target"] == 3 for x in r["reps"])  # nobody reaches 5 a week in the seeds
    assert r["neglected_accounts"] == []  # last meetings: jnm 11-09, jnpg 11-11, mzp 11-04
    member = env.call("member", "GET", "/portfolio/cadence", params={"as_of": AS_OF, "weeks": 3}).json()
    assert [x["rep_id"] for x in member["reps"]] == ["rep-feng-bo", "rep-ma-lin"]  # acc-mzp's team
    assert [w["meetings"] for w in member["reps"][1]["weeks"]] == [0, 1, 0]  # act-0027 only


def test_completeness(env):
    r = env.admin("GET", "/portfolio/completeness", params={"as_of": AS_OF}).json()
    jnm = next(a for a in r["accounts"] if a["account_id"] == "acc-jnm")
    active = {x["id"] for x in _rows("reps.csv") if x["active"] == "true"}
    known = [k for k in _rows("relationships.csv") if k["rep_id"] in active and k["contact_id"].startswith("c-jnm-")]
    # one of them (rep-guo-tao → c-jnm-041) has no last contact; everything else is given
    assert jnm["parts"]["last_contact"] == pytest.approx((len(known) - 1) / len(known), abs=1e-4)
    assert jnm["score"] == pytest.approx((4 + (len(known) - 1) / len(known)) / 5, abs=1e-4)
    assert r["accounts"][0]["account_id"] == "acc-jnm"  # least complete first
    mzp = next(a for a in r["accounts"] if a["account_id"] == "acc-mzp")
    assert "bid_roles" not in mzp["parts"]  # no open bid: the part is left out


def test_measures(env):
    r = env.admin("GET", "/portfolio/measures", params={"as_of": AS_OF}).json()
    # satisfaction over 2025-11-16 … 2026-11-15: praise 2 (jnm, jnpg), complaints 3 (jnm 2, mzp 1) → 2/5
    assert r["portfolio"]["satisfaction"] == 0.4 and r["portfolio"]["plan_completion"] == pytest.approx(1 / 3, abs=1e-4)
    accounts = {a["account_id"]: a for a in r["accounts"]}
    assert accounts["acc-jnm"]["satisfaction"] == pytest.approx(1 / 3, abs=1e-4)  # 1 praise, 2 complaints
    assert (accounts["acc-jnpg"]["satisfaction"], accounts["acc-mzp"]["satisfaction"]) == (1.0, 0.0)
    assert accounts["acc-mzp"]["cash_cow"] is True and accounts["acc-jnm"]["cash_cow"] is False
    assert accounts["acc-jnm"]["open_complaints"] == ["fb-jnm-noc-outage"]
    reps = {x["rep_id"]: x for x in r["reps"]}
    assert reps["rep-liu-yang"]["plan_completion"] == 0.5 and reps["rep-li-na"]["plan_completion"] is None


def test_gaps_carry_feedback_cash_cow_and_plan_drafts(env):
    r = env.admin("GET", "/accounts/acc-jnm/gaps", params={"as_of": AS_OF}).json()
    assert r["feedback"]["open_complaints"] == ["fb-jnm-noc-outage"]
    assert r["feedback"]["median_days_to_close"] == 14.0  # fb-jnm-np-docs: 06-10 → 06-24
    dark = next(g for g in r["layers"]["general"]["gaps"] if g["kind"] == "dark_unit")
    assert dark["plan"] == {"layer": "general", "goal": "activity", "target": "visit", "contact_id": None,
                            "unit_id": "unit-jnm-yz-baisha"}
    unknown = {g["subject_id"] for g in r["layers"]["general"]["gaps"] if g["kind"] == "unknown_contact"}
    assert unknown == {"c-jnm-020", "c-jnm-029", "c-jnm-030", "c-jnm-054", "c-jnm-055", "c-jnm-056", "c-jnm-057",
                       "c-jnm-059"}  # the 8 with best 0 (seeds/README.md)
    assert env.admin("GET", "/accounts/acc-mzp/gaps", params={"as_of": AS_OF}).json()["cash_cow"] is True


def test_handover(env):
    r = env.admin("GET", "/reps/rep-feng-bo/handover", params={"as_of": AS_OF}).json()
    (mzp,) = r["accounts"]
    assert mzp["account_id"] == "acc-mzp" and mzp["open_bids"] == []
    # every relationship of rep-feng-bo, deepest first; rep-ma-lin, the only other on the team, takes them
    # over (003, 004, 009 directly; the others by warm paths from c-mzp-003, e.g. 003 → 002 at 0.7)
    assert [(c["contact_id"], c["depth"], c["successor_id"]) for c in mzp["contacts"]] == [
        ("c-mzp-002", 4, "rep-ma-lin"), ("c-mzp-001", 3, "rep-ma-lin"), ("c-mzp-003", 3, "rep-ma-lin"),
        ("c-mzp-004", 2, "rep-ma-lin"), ("c-mzp-006", 2, "rep-ma-lin"), ("c-mzp-008", 2, "rep-ma-lin"),
        ("c-mzp-009", 1, "rep-ma-lin")]
    assert mzp["contacts"][0]["stance"] == 0 and mzp["contacts"][0]["last_contact"] == "2026-10-19"
    dep = env.admin("GET", "/reps/rep-feng-bo/departure", params={"as_of": AS_OF}).json()
    assert {s["contact_id"]: s["successor_id"] for s in dep["accounts"][0]["successors"]}["c-mzp-001"] == "rep-ma-lin"


def test_a_gap_becomes_a_plan_in_one_step(env):
    body = {"kind": "dark_unit", "subject_id": "unit-jnm-yz-baisha", "owner_rep_id": "rep-guo-tao",
            "due": "2026-12-31"}
    r = env.admin("POST", "/accounts/acc-jnm/gap-plans", params={"as_of": AS_OF}, json=body)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert (plan["layer"], plan["goal"], plan["target"], plan["unit_id"], plan["created"]) == (
        "general", "activity", "visit", "unit-jnm-yz-baisha", AS_OF)
    assert env.admin("GET", r.headers["Location"]).json() == plan
    assert_problem(env.admin("POST", "/accounts/acc-jnm/gap-plans", params={"as_of": AS_OF},
                             json={**body, "subject_id": "unit-nope"}), 404)
    assert_problem(env.call("manager", "POST", "/accounts/acc-jnm/gap-plans", params={"as_of": AS_OF}, json=body), 403)
    assert_problem(env.call("member", "POST", "/accounts/acc-jnm/gap-plans", params={"as_of": AS_OF}, json=body), 404)
    env.admin("DELETE", r.headers["Location"])


def test_the_cli_commands_and_their_keys(env, tmp_path):
    from graphcrm.importer import load
    from graphcrm.store import open_store

    db = f"ladybug://{tmp_path / 'cli.lbug'}"
    store = open_store(db)
    try:
        load(SEEDS, store)
    finally:
        store.close()
    plans = js(db, "plans", "acc-mzp")
    assert [(p["plan_id"], p["status"]) for p in plans["plans"]] == [("plan-mzp-vp-stance", "open")]
    assert set(plans["completion"]) == {"overall", "by_layer", "by_rep"}
    cadence = js(db, "cadence", "--weeks", "2")
    assert set(cadence) >= {"reps", "neglected_accounts"} and len(cadence["reps"][0]["weeks"]) == 2
    assert set(cadence["reps"][0]) == {"rep_id", "weeks", "weeks_below_target"}
    complete = js(db, "completeness", "acc-jnpg")
    assert [(a["account_id"], a["score"], a["missing"]) for a in complete["accounts"]] == [("acc-jnpg", 1.0, [])]
    hand = js(db, "handover", "rep-feng-bo")
    assert set(hand) >= {"rep_id", "accounts"} and set(hand["accounts"][0]) == {"account_id", "contacts", "open_bids"}
    assert set(hand["accounts"][0]["contacts"][0]) == {"contact_id", "depth", "stance", "last_contact", "successor_id"}
    made = run(db, "plan-gap", "acc-jnm", "key_contact", "c-jnm-003", "--owner", "rep-liu-yang", "--due", "2027-01-31",
               "--as-of", AS_OF)
    assert made.returncode == 0, made.stderr
    assert "plan-c-jnm-003-key_contact-20261115" in made.stdout
    again = js(db, "plans", "acc-jnm", "--rep", "rep-liu-yang")
    assert {p["plan_id"]: (p["goal"], p["target"], p["status"]) for p in again["plans"]} == {
        "plan-jnm-cfo-depth": ("depth", "3", "overdue"), "plan-c-jnm-003-key_contact-20261115": ("depth", "3", "open")}
    bad = run(db, "plan-gap", "acc-jnm", "dark_unit", "unit-nope", "--owner", "rep-guo-tao", "--due", "2027-01-31",
              "--as-of", AS_OF)
    assert bad.returncode == 2 and "no gap" in bad.stderr and "Traceback" not in bad.stderr


def _page(env, path: str, role: str = "admin") -> str:
    token = env.tokens[role]
    r = env.client.get(path + ("&" if "?" in path else "?") + f"as_of={AS_OF}",
                       headers={"Cookie": f"graphcrm_key={token}"}, follow_redirects=False)
    env.client.cookies.clear()
    assert r.status_code == 200, r.text[:300]
    return r.text


def test_the_account_page_shows_the_loop(env):
    html = _page(env, "/ui/accounts/acc-jnm")
    assert 'id="add-plan"' in html and "/ui/new/plans?account_id=acc-jnm" in html
    assert 'id="record-feedback"' in html and "/ui/new/feedback?account_id=acc-jnm" in html
    # "make this a plan" beside the dark unit's action: the plan's fields fixed in the form's address
    assert "layer=general&goal=activity&target=visit&unit_id=unit-jnm-yz-baisha&created=2026-11-15" in html
    assert html.count('class="make-plan small"') >= 3  # key gaps 003 and 031, the dark unit, the unknown people
    assert "plan-jnm-cfo-depth" in html and "overdue" in html
    assert "fb-jnm-noc-outage" in html and 'id="feedback-summary"' in html and "median days to close 14" in html
    assert 'id="last-activity"' in html and "2026-10-28" in html  # the last executive visit (act-0016)
    assert '<div id="key-chart"><svg' in html
    assert 'id="cash-cow"' not in html and 'id="cash-cow"' in _page(env, "/ui/accounts/acc-mzp")


def test_the_make_a_plan_form_opens_with_the_gap_fixed(env):
    html = _page(env, "/ui/new/plans?account_id=acc-jnm&layer=general&goal=activity&target=visit"
                      "&unit_id=unit-jnm-yz-baisha&created=2026-11-15")
    assert 'name="owner_rep_id"' in html and 'name="due"' in html
    assert 'name="_fixed.unit_id" value="unit-jnm-yz-baisha"' in html


def test_portfolio_rep_and_bid_pages(env):
    html = _page(env, "/ui/")
    assert 'id="measures"' in html and "customer satisfaction 40%" in html  # 2 praise / 5 (praise + complaints)
    assert 'class="flag cash-cow"' in html and 'id="rep-measures"' in html
    assert 'class="successors"' in _page(env, "/ui/reps/rep-feng-bo")
    # warm paths to the approver c-jnm-003 through the procurement director c-jnm-021 (stance −2 in the bid)
    assert "through-opponent" in _page(env, "/ui/bids/bid-jnm-5g-core-2026")
