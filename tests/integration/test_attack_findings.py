"""The findings of the attack on the API (issue 13), each replayed as the attacker did it.

Every test here failed on the code the attack was run against (commit 008ba66) and
holds one promise of SECURITY.md (the finding's name is in the test's docstring).
A real app on a real embedded store (``running_app``); the members are bound to
rep-feng-bo (team of acc-mzp only) and, where a member on two teams is needed, to
rep-ma-lin (teams of acc-jnm and acc-mzp).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graphcrm.access import create_key
from graphcrm.errors import InputError
from graphcrm.fileformat import read_csv_dir, read_document, write_csv_dir
from graphcrm.importer import load_source
from graphcrm.model import Account, Activity, Contact, Dataset, Relationship, Rep, TeamMember
from graphcrm.store import open_store
from tests.integration.api_fixtures import (
    MEMBER_ACCOUNT, SEEDS, assert_no_trace, assert_problem, q, running_app, seed_zip,
)

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
ZIP = {"Content-Type": "application/zip"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A seeded app; every test here leaves its records as it found them."""
    with running_app(tmp_path_factory.mktemp("attack")) as e:
        token, _ = create_key(e.store, "member", "member on two teams", "rep-ma-lin")
        e.tokens["member2"] = token
        yield e


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory):
    """A fresh store for ``load --dry-run`` of exports (a dry run writes nothing: it stays empty)."""
    store = open_store(f"ladybug://{tmp_path_factory.mktemp('fresh') / 'fresh.lbug'}")
    yield store
    store.close()


def assert_export_loads(env, empty_store) -> None:
    """The store holds nothing its own import would refuse: its export loads (dry run) into a fresh store."""
    doc = env.admin("GET", "/export").json()
    try:
        load_source(read_document(doc, "export.json"), empty_store, dry_run=True)
    except InputError as e:
        pytest.fail(f"the export does not load:\n{e}")


@pytest.fixture
def unchanged(env, empty_store):
    """The test leaves the store's records exactly as before, and loadable."""
    before = env.store.export()
    yield
    assert env.store.export() == before
    assert_export_loads(env, empty_store)


def put(env, role: str, path: str, body: dict):
    return env.call(role, "PUT", path, json=body)


def body_of(env, model, key, **changes) -> dict:
    return env.store.get(model, key).model_dump(mode="json") | changes


def same_problem(a, b, a_id: str, b_id: str) -> None:
    """Two answers that must not differ but by the id asked."""
    assert a.status_code == b.status_code, (a.text[:300], b.text[:300])
    assert a.text.replace(a_id, "<id>") == b.text.replace(b_id, "<id>")


# --- H1: moves that leave references across accounts ------------------------------------

# What refers to c-jnm-014 in acc-jnm (seeds/): two bid roles, three influences into it,
# five out of it (they would move with it), two reporting lines, two activities, one feedback.
LEFT_BEHIND = [
    *(f"would leave {r}" for r in (
        "bid_role 'bid-jnm-5g-core-2026/c-jnm-014'", "bid_role 'bid-jnm-ipran-2025/c-jnm-014'",
        "influence 'c-jnm-002/c-jnm-014'", "influence 'c-jnm-015/c-jnm-014'", "influence 'c-jnm-009/c-jnm-014'",
        "contact 'c-jnm-015'", "contact 'c-jnm-020'", "activity 'act-0001'", "activity 'act-0017'",
        "feedback 'fb-jnm-np-docs'")),
    *(f"would take influence 'c-jnm-014/{t}' along" for t in ("c-jnm-002", "c-jnm-016", "c-jnm-017", "c-jnm-020",
                                                               "c-jnm-021")),
]


@pytest.mark.parametrize("role", ["admin", "member2"])
def test_h1_a_move_that_leaves_references_behind_is_refused_naming_them(env, unchanged, role):
    """H1.1: moving c-jnm-014 to acc-mzp (admin, or a member on both teams) is refused
    (422), naming every record it would leave referring across accounts; nothing changes."""
    body = body_of(env, Contact, "c-jnm-014", account_id="acc-mzp", unit_id="unit-mzp-it", reports_to=None)
    problem = assert_problem(put(env, role, "/contacts/c-jnm-014", body), 422)
    assert problem["problems"] == len(LEFT_BEHIND) == len(problem["issues"])
    messages = [i["message"] for i in problem["issues"]]
    for named in LEFT_BEHIND:
        assert sum(named in m for m in messages) == 1, named
    assert all(i["where"] == "body" and i["field"] == "account_id" for i in problem["issues"])
    assert all("acc-mzp" in m and "acc-jnm" in m for m in messages)


def test_h1_the_member_of_the_other_account_cannot_then_delete_it(env, unchanged):
    """H1.2–4: after the attempted move the contact is still acc-jnm's, invisible to a
    member of acc-mzp: no list of its influences, no delete (which took its bid roles,
    influences, reporting lines and attendance in acc-jnm with it)."""
    body = body_of(env, Contact, "c-jnm-014", account_id="acc-mzp", unit_id="unit-mzp-it", reports_to=None)
    put(env, "admin", "/contacts/c-jnm-014", body)
    assert env.store.get(Contact, "c-jnm-014").account_id == "acc-jnm"
    page = env.call("member", "GET", "/influences", params={"source_id": "c-jnm-014"}).json()
    assert page == {"data": [], "count": 0}
    assert_problem(env.call("member", "DELETE", "/contacts/c-jnm-014"), 404)


def test_h1_moving_a_bid_does_not_expose_its_decision_chain(env, unchanged):
    """H1.4: moving bid-jnm-5g-core-2026 to acc-mzp would take its roles along, naming
    contacts of acc-jnm: refused; a member on both teams cannot do it either."""
    bid = env.admin("GET", "/bids/bid-jnm-5g-core-2026").json() | {"account_id": "acc-mzp"}
    for role in ("admin", "member2"):
        problem = assert_problem(put(env, role, "/bids/bid-jnm-5g-core-2026", bid), 422)
        text = " ".join(i["message"] for i in problem["issues"])
        assert "would take bid_role 'bid-jnm-5g-core-2026/c-jnm-001' along" in text
        assert "activity 'act-0017'" in text  # an activity of acc-jnm for the bid
    roles = env.call("member", "GET", "/bid-roles", params={"bid_id": "bid-jnm-5g-core-2026"}).json()
    assert roles == {"data": [], "count": 0}


def test_h1_a_move_that_takes_everything_along_is_allowed(env, empty_store):
    """A move is refused only for what it leaves behind: two contacts that report to
    each other move together in one import; moving one alone is refused."""
    made = [Contact(id="c-h1-boss", account_id="acc-jnm", name="Boss"),
            Contact(id="c-h1-aide", account_id="acc-jnm", name="Aide", reports_to="c-h1-boss")]
    env.store.upsert(made)
    try:
        moved = [c.model_dump(mode="json", exclude_none=True) | {"account_id": "acc-mzp"} for c in made]
        alone = assert_problem(env.admin("POST", "/import", json={"contacts": moved[:1]}), 422)
        assert "contact 'c-h1-aide' of account 'acc-jnm' referring to it (reports_to)" in alone["issues"][0]["message"]
        assert env.admin("POST", "/import", json={"contacts": moved}).status_code == 200
        assert {c.account_id for c in env.store.get_many(Contact, [(c.id,) for c in made]).values()} == {"acc-mzp"}
        assert_export_loads(env, empty_store)
    finally:
        for c in reversed(made):
            env.store.delete(Contact, c.id)


@pytest.mark.parametrize("kind, first, second, field", [
    ("contacts", ("c-h1-a", {"account_id": "acc-mzp", "name": "A"}), ("c-h1-b", {"account_id": "acc-mzp", "name": "B"}),
     "reports_to"),
    ("units", ("unit-h1-a", {"account_id": "acc-mzp", "name": "A", "kind": "department"}),
     ("unit-h1-b", {"account_id": "acc-mzp", "name": "B", "kind": "department"}), "parent_unit_id"),
    ("accounts", ("acc-h1-a", {"name": "A", "tier": "C"}), ("acc-h1-b", {"name": "B", "tier": "C"}), "parent_id"),
])
def test_h1_writes_one_at_a_time_cannot_close_a_cycle(env, unchanged, kind, first, second, field):
    """Two PUTs that each look fine but together make a cycle (a reports to b, b to a):
    the store would hold what its import refuses ("part of a cycle"); the second is 422."""
    (a, fa), (b, fb) = first, second
    try:
        assert put(env, "admin", f"/{kind}/{a}", {"id": a, **fa}).status_code == 200
        assert put(env, "admin", f"/{kind}/{b}", {"id": b, **fb, field: a}).status_code == 200
        problem = assert_problem(put(env, "admin", f"/{kind}/{a}", {"id": a, **fa, field: b}), 422)
        assert problem["issues"][0]["field"] == field and "cycle" in problem["issues"][0]["message"]
    finally:
        for i in (b, a):
            env.admin("DELETE", f"/{kind}/{i}")


# --- M1: no existence oracle through PUT ----------------------------------------------------

TAKEN = [  # ids of acc-jnm, which the member cannot see, with a body that names the member's account
    ("contacts", "c-jnm-001", {"account_id": MEMBER_ACCOUNT, "name": "x"}),
    ("bids", "bid-jnm-5g-core-2026", {"account_id": MEMBER_ACCOUNT, "name": "x", "stage": "lead"}),
    ("units", "unit-jnm-hq", {"account_id": MEMBER_ACCOUNT, "name": "x", "kind": "department"}),
    ("agreements", "agr-jnm-sc-2024", {"account_id": MEMBER_ACCOUNT, "kind": "framework"}),
    ("activities", "act-0001", {"account_id": MEMBER_ACCOUNT, "date": "2026-11-01", "kind": "call"}),
]


@pytest.mark.parametrize("prefix, taken, fields", TAKEN, ids=[t[0] for t in TAKEN])
def test_m1_a_member_put_answers_the_same_for_taken_and_free_ids(env, unchanged, prefix, taken, fields):
    """M1: PUT of an id in an invisible account and of an id nobody has: the same 404
    (before: 404 "no contact" against 200 and a new record)."""
    free = f"{taken}-zz-free"
    a = put(env, "member", f"/{prefix}/{taken}", {"id": taken, **fields})
    b = put(env, "member", f"/{prefix}/{free}", {"id": free, **fields})
    assert_problem(a, 404)
    same_problem(a, b, taken, free)
    assert_problem(env.admin("GET", f"/{prefix}/{free}"), 404)


def test_m1_members_create_with_post_and_server_ids(env, unchanged):
    """M1: a member creates records with POST; the server picks the id; the member
    then changes the record with PUT. An invisible account is answered like a missing one."""
    created = env.call("member", "POST", "/contacts", json={"account_id": MEMBER_ACCOUNT, "name": "New"})
    assert created.status_code == 201, created.text
    contact = created.json()
    try:
        assert contact["id"].startswith("contact-") and len(contact["id"]) == len("contact-") + 16
        changed = put(env, "member", f"/contacts/{contact['id']}", contact | {"title": "Engineer"})
        assert changed.status_code == 200 and changed.json()["title"] == "Engineer"
        hidden = env.call("member", "POST", "/contacts", json={"account_id": "acc-jnm", "name": "x"})
        missing = env.call("member", "POST", "/contacts", json={"account_id": "acc-zz", "name": "x"})
        assert_problem(hidden, 422)
        same_problem(hidden, missing, "acc-jnm", "acc-zz")
        chosen = env.call("member", "POST", "/contacts", json={"id": "c-mine", "account_id": MEMBER_ACCOUNT, "name": "x"})
        assert_problem(chosen, 422)
    finally:
        env.store.delete(Contact, contact["id"])


# --- M2: member keys end with their rep ------------------------------------------------------


def test_m2_a_member_key_works_only_while_its_rep_exists_and_is_active(tmp_path):
    """M2: rep set inactive → the key stops; active again → it works; rep deleted → the
    key is revoked, and a new rep with the same id does not inherit it."""
    with running_app(tmp_path) as e:
        rep = {"id": "rep-tmp", "name": "Temporary"}
        assert e.admin("PUT", "/reps/rep-tmp", json=rep).status_code == 200
        team = {"account_id": MEMBER_ACCOUNT, "rep_id": "rep-tmp"}
        assert e.admin("PUT", f"/team-members/{MEMBER_ACCOUNT}/rep-tmp", json=team).status_code == 200
        token, key = create_key(e.store, "member", "temporary", "rep-tmp")
        as_rep = {"Authorization": f"Bearer {token}"}
        contact = body_of(e, Contact, "c-mzp-001")

        def works() -> bool:
            return e.client.get("/accounts", headers=as_rep).status_code == 200

        assert works()
        assert e.admin("PUT", "/reps/rep-tmp", json=rep | {"active": False}).status_code == 200
        assert not works()
        assert_problem(e.client.put("/contacts/c-mzp-001", json=contact | {"title": "x"}, headers=as_rep), 401)
        assert e.store.get(Contact, "c-mzp-001").title == contact["title"]
        assert e.admin("PUT", "/reps/rep-tmp", json=rep).status_code == 200
        assert works()
        assert e.admin("DELETE", "/reps/rep-tmp").status_code == 204
        assert e.store.get_api_key(key.id).revoked is not None
        assert not works()
        assert e.admin("PUT", "/reps/rep-tmp", json=rep).status_code == 200
        assert e.admin("PUT", f"/team-members/{MEMBER_ACCOUNT}/rep-tmp", json=team).status_code == 200
        assert not works()


# --- M3: DNS rebinding ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def no_auth(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("noauth"), auth=False) as e:
        yield e


REBOUND = {"Host": "rebind.attacker.example:8000"}


@pytest.mark.parametrize("app", ["no_auth", "env"])
def test_m3_a_page_on_another_host_name_gets_nothing(request, app):
    """M3: a request whose Host is a name the server is not meant to answer to (a page
    of an attacker's domain resolving to 127.0.0.1) is refused (400), with or without
    keys, for reads and writes; nothing changes."""
    e = request.getfixturevalue(app)
    before = e.store.export()
    auth = e.headers("admin") if app == "env" else {}
    for method, path, body in [("GET", "/export", None), ("GET", "/contacts", None),
                               ("PUT", "/accounts/acc-mzp", {"id": "acc-mzp", "name": "owned", "tier": "C"}),
                               ("DELETE", "/contacts/c-mzp-001", None), ("GET", "/ui/", None)]:
        response = e.client.request(method, path, json=body, headers={**auth, **REBOUND})
        problem = assert_problem(response, 400)
        assert "rebind.attacker.example" in problem["detail"] and "c-mzp" not in response.text
    assert e.store.export() == before
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "127.0.0.2"):
        assert e.client.get("/contacts", headers={**auth, "Host": host}).status_code == 200, host


def test_m3_without_keys_changes_must_still_come_from_this_site(no_auth):
    """M3: the Origin checks hold without authentication too: a cross-site PUT or
    DELETE is 403; the same from this site, or from a script (no Origin), is fine."""
    before = no_auth.store.get(Account, MEMBER_ACCOUNT)
    body = before.model_dump(mode="json") | {"industry": "from another site"}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Referer": "http://evil.example/x"},
                    {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"}):
        assert_problem(no_auth.client.put(f"/accounts/{MEMBER_ACCOUNT}", json=body, headers=headers), 403)
        assert_problem(no_auth.client.delete("/agreements/agr-mzp-fw-2026", headers=headers), 403)
    assert no_auth.store.get(Account, MEMBER_ACCOUNT) == before
    try:
        assert no_auth.client.put(f"/accounts/{MEMBER_ACCOUNT}", json=body,
                                  headers={"Origin": "http://testserver"}).status_code == 200
        assert no_auth.client.put(f"/accounts/{MEMBER_ACCOUNT}", json=body).status_code == 200
    finally:
        no_auth.store.upsert([before])


# --- M4: the list separator in ids ------------------------------------------------------------


@pytest.mark.parametrize("value", ["c-mzp-x;ghost", ";", "a;", ".", ".."])
def test_m4_ids_with_the_separator_or_dots_are_refused(env, unchanged, value):
    """M4 (and Info): ``;`` splits activity attendee lists in the CSV export, so an id
    holding one came back as two; ``.``/``..`` ids made UI links resolve elsewhere.
    Refused everywhere: PUT, import, as a reference in a member's activity."""
    problem = assert_problem(env.admin("POST", "/import", json={"contacts": [
        {"id": value, "account_id": MEMBER_ACCOUNT, "name": "x"}]}), 422)
    assert problem["issues"][0]["field"] == "id"
    if value not in (".", ".."):  # a path cannot name these ids at all
        assert_problem(put(env, "admin", f"/contacts/{q(value)}",
                           {"id": value, "account_id": MEMBER_ACCOUNT, "name": "x"}), 422)
    activity = body_of(env, Activity, "act-0026")
    activity["contact_ids"] = [*activity["contact_ids"], value]
    assert_problem(put(env, "member", "/activities/act-0026", activity), 422)


ID_CHARS = st.sampled_from(list("a1-_;.,'\"= ＝+@\t#?%&*()[]{}<>|!~`^$") + ["江", "🚀", "\u00a0", "\u2028"])
IDS = st.text(ID_CHARS, min_size=1, max_size=8)


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=IDS, second=IDS)
@example(first="c-mzp-x;ghost", second="c-mzp-x")
@example(first="c-mzp-x", second="ghost;c-mzp-x")
def test_m4_export_and_load_round_trip_every_id_the_model_accepts(tmp_path, first, second):
    """M4: whatever id the model accepts — for a contact, and in an activity's list of
    attendees — comes back from a CSV export unchanged, one id per id."""
    assume(first != second)
    try:
        data = Dataset(
            accounts=[Account(id="acc-1", name="A", tier="C")],
            contacts=[Contact(id=first, account_id="acc-1", name="1"), Contact(id=second, account_id="acc-1", name="2")],
            reps=[Rep(id=first, name="r")],
            relationships=[Relationship(rep_id=first, contact_id=second, depth=2)],
            activities=[Activity(id=first, date="2026-01-01", kind="call", account_id="acc-1",
                                 rep_ids=[first], contact_ids=[first, second])])
    except ValidationError:
        assume(False)
    out = tmp_path / f"out-{abs(hash((first, second)))}"
    write_csv_dir(data, out)
    assert read_csv_dir(out).data == data.sorted()


# --- L1: no 500 and no traceback on extreme times and encrypted zips --------------------------


@pytest.mark.parametrize("params", [{"since": "0001-01-01T00:00:00+14:00"}, {"until": "9999-12-31T23:59:59-14:00"},
                                    {"since": "0001-01-01T00:00:00+14:00", "until": "9999-12-31T23:59:59-14:00"},
                                    {"since": "9999-12-31T23:59:59-14:00"}, {"until": "0001-01-01T00:00:00+14:00"}])
def test_l1_audit_filters_at_the_ends_of_time(env, params):
    """L1: the audit trail filtered from before the year 1 or to after 9999 (in UTC)
    answers as from the first or to the last moment there is (was: 500 OverflowError)."""
    response = env.admin("GET", "/audit", params=params)
    assert response.status_code == 200, response.text[:300]
    everything = env.admin("GET", "/audit").json()["count"]
    expected = 0 if params in ({"since": "9999-12-31T23:59:59-14:00"}, {"until": "0001-01-01T00:00:00+14:00"}) \
        else everything
    assert response.json()["count"] == expected


def _entry(at: str) -> dict:
    return {"id": "2020-01-01T00:00:00.000000Z-abcdef01-00000000", "at": at, "actor": "os:x", "via": "cli load",
            "action": "create", "kind": "account", "key": "acc-x", "account_id": "acc-x", "after": {"id": "acc-x"}}


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_l1_an_imported_audit_entry_at_the_ends_of_time_is_a_clear_error(env, unchanged, at):
    """L1: an audit entry dated outside the years 1–9999 in UTC is refused, naming where (was: 500)."""
    problem = assert_problem(env.admin("POST", "/import", json={"audit": [_entry(at)]}), 422)
    assert problem["issues"][0]["field"] == "at" and "9999" in problem["issues"][0]["message"]


def _encrypted_zip() -> bytes:
    """A zip whose member says it is encrypted (the flag in both of its headers)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("accounts.csv", (SEEDS / "accounts.csv").read_bytes())
    data = bytearray(buf.getvalue())
    data[6] |= 0x01
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01
    return bytes(data)


def test_l1_an_encrypted_zip_member_is_a_clear_error(env, unchanged):
    """L1: a zip member flagged as encrypted is 422 naming it (was: 500 RuntimeError)."""
    problem = assert_problem(env.admin("POST", "/import", content=_encrypted_zip(), headers=ZIP), 422)
    assert problem["issues"][0]["where"] == "accounts.csv" and "encrypted" in problem["issues"][0]["message"]


def test_l1_the_cli_gives_messages_not_tracebacks(tmp_path):
    """L1: ``graphcrm audit --since …+14:00`` and ``graphcrm load`` of a file with such an
    entry print a message, not a traceback."""
    db = f"ladybug://{tmp_path / 's.lbug'}"
    open_store(db).close()  # an empty store (a command that only reads never creates one)
    done = subprocess.run([GRAPHCRM, "--db", db, "audit", "--since", "0001-01-01T00:00:00+14:00", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-800:]
    assert json.loads(done.stdout)["count"] == 0
    doc = tmp_path / "old.json"
    doc.write_text(json.dumps({"audit": [_entry("0001-01-01T00:00:00+14:00")]}), encoding="utf-8")
    done = subprocess.run([GRAPHCRM, "--db", db, "load", str(doc)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-800:]
    assert "old.json: audit[0]: at:" in done.stderr


# --- L2: rep probing and account teams ----------------------------------------------------------


def test_l2_a_member_cannot_tell_which_rep_ids_exist(env, unchanged):
    """L2: naming a rep that exists but is on none of the member's teams answers exactly
    as naming one that does not exist (was: 422 "no rep" against 200)."""
    for hidden, missing in [("rep-liu-yang", "rep-zz-nobody"), ("rep-chen-yu", "rep-zz-nobody")]:
        rel = {"rep_id": "{}", "contact_id": "c-mzp-001", "depth": 2}
        a = put(env, "member", f"/relationships/{hidden}/c-mzp-001", {**rel, "rep_id": hidden})
        b = put(env, "member", f"/relationships/{missing}/c-mzp-001", {**rel, "rep_id": missing})
        assert_problem(a, 422)
        same_problem(a, b, hidden, missing)
        activity = body_of(env, Activity, "act-0026")
        a = put(env, "member", "/activities/act-0026", activity | {"rep_ids": [*activity["rep_ids"], hidden]})
        b = put(env, "member", "/activities/act-0026", activity | {"rep_ids": [*activity["rep_ids"], missing]})
        assert_problem(a, 422)
        same_problem(a, b, hidden, missing)
        team = {"account_id": MEMBER_ACCOUNT, "rep_id": hidden}
        a = put(env, "member", f"/team-members/{MEMBER_ACCOUNT}/{hidden}", team)
        b = put(env, "member", f"/team-members/{MEMBER_ACCOUNT}/{missing}", team | {"rep_id": missing})
        assert_problem(a, 403)
        same_problem(a, b, hidden, missing)
        assert_problem(env.call("member", "GET", f"/reps/{hidden}"), 404)


def test_l2_only_admins_change_teams_so_no_member_grants_access(env, unchanged):
    """L2: a member cannot add a rep to their team (which would show them the rep and give
    the rep's own key their account), nor take one off."""
    rep_key, _ = create_key(env.store, "member", "Liu Yang's key", "rep-liu-yang")
    team = {"account_id": MEMBER_ACCOUNT, "rep_id": "rep-liu-yang"}
    assert_problem(put(env, "member", f"/team-members/{MEMBER_ACCOUNT}/rep-liu-yang", team), 403)
    assert_problem(env.call("member", "DELETE", f"/team-members/{MEMBER_ACCOUNT}/rep-ma-lin"), 403)
    assert env.store.get(TeamMember, (MEMBER_ACCOUNT, "rep-liu-yang")) is None
    assert_problem(env.client.get(f"/accounts/{MEMBER_ACCOUNT}", headers={"Authorization": f"Bearer {rep_key}"}), 404)


def test_l2_a_rep_the_record_already_names_stays_nameable(env, unchanged):
    """L2: a member may keep a rep their record already names (an admin logged an
    executive visit), though the rep is on none of their teams."""
    visit = Activity(id="act-l2-visit", date="2026-11-02", kind="executive_visit", account_id=MEMBER_ACCOUNT,
                     rep_ids=["rep-liu-yang"], contact_ids=["c-mzp-001"])
    env.store.upsert([visit])
    try:
        body = visit.model_dump(mode="json") | {"summary": "noted by the member"}
        assert put(env, "member", "/activities/act-l2-visit", body).status_code == 200
    finally:
        env.store.delete(Activity, visit.id)
        env.store.delete(Relationship, ("rep-liu-yang", "c-mzp-001"))


# --- L4: import amplification ------------------------------------------------------------------

ROWS = 100_000


def _repeated_ids(rows: int) -> bytes:
    return b"id,name,tier\n" + b"acc-x,x,C\n" * rows


def test_l4_many_bad_rows_give_the_first_of_each_kind_and_a_count(env, unchanged):
    """L4: 100,000 rows with one repeated id (a zip of a few hundred bytes) to
    ``POST /import?dry_run=true``: a small 422 with the first problems and how many
    there were (was: one message per row, 201 MB for 1.1 M rows)."""
    upload = seed_zip({"accounts.csv": _repeated_ids(ROWS)}, seeds=False)
    assert len(upload) < 10_000
    response = env.admin("POST", "/import", params={"dry_run": "true"}, content=upload, headers=ZIP)
    problem = assert_problem(response, 422)
    assert len(response.content) < 20_000
    assert problem["problems"] == ROWS - 1
    assert 0 < len(problem["issues"]) <= 20
    assert problem["omitted"] == [{"where": "accounts.csv", "field": "id", "count": ROWS - 1 - len(problem["issues"])}]
    assert problem["detail"].startswith(f"{ROWS - 1} problems")


def test_l4_reading_many_bad_rows_takes_bounded_memory(tmp_path):
    """L4: memory does not grow with the bad rows: neither their messages nor their
    records are kept (was: ~3.5 KB a row)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_bytes(_repeated_ids(30_000))
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as e:
            read_csv_dir(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert e.value.total == 29_999 and len(e.value.issues) <= 20
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"


# --- L5: the account hierarchy across visibility -----------------------------------------------


def test_l5_an_invisible_parent_account_is_not_revealed(tmp_path):
    """L5: acc-mzp under acc-jnm (which the member cannot see): the member sees no parent,
    may rename the account (the parent stays), cannot set or clear a parent (403 whatever
    the id), cannot delete the account (403, as any account: no answer about its children)."""
    with running_app(tmp_path) as e:
        mzp = body_of(e, Account, MEMBER_ACCOUNT)
        assert e.admin("PUT", f"/accounts/{MEMBER_ACCOUNT}", json=mzp | {"parent_id": "acc-jnm"}).status_code == 200
        shown = e.call("member", "GET", f"/accounts/{MEMBER_ACCOUNT}").json()
        assert shown["parent_id"] is None
        assert e.call("member", "GET", "/accounts").json()["data"][0]["parent_id"] is None
        renamed = put(e, "member", f"/accounts/{MEMBER_ACCOUNT}", shown | {"name": "Renamed"})
        assert renamed.status_code == 200 and renamed.json()["parent_id"] is None
        assert e.store.get(Account, MEMBER_ACCOUNT).parent_id == "acc-jnm"
        a = put(e, "member", f"/accounts/{MEMBER_ACCOUNT}", shown | {"parent_id": "acc-jnm"})
        b = put(e, "member", f"/accounts/{MEMBER_ACCOUNT}", shown | {"parent_id": "acc-zz"})
        assert_problem(a, 403)
        same_problem(a, b, "acc-jnm", "acc-zz")
        assert_problem(e.call("member", "DELETE", f"/accounts/{MEMBER_ACCOUNT}"), 403)
        trail = e.call("member", "GET", "/audit", params={"limit": 500}).text
        assert "acc-jnm" not in trail
        assert e.admin("GET", f"/accounts/{MEMBER_ACCOUNT}").json()["parent_id"] == "acc-jnm"


# --- Info: chunked bodies over the limit ------------------------------------------------------


def test_info_a_chunked_put_over_the_limit_is_413(tmp_path):
    """Info: a PUT body sent chunked (no Content-Length) over the limit is 413, as for
    /import (was: 400 "error parsing the body")."""
    with running_app(tmp_path, seeds=False, max_body_bytes=1000) as e:
        big = json.dumps({"id": "acc-big", "name": "x", "tier": "C", "industry": "y" * 5000}).encode()

        def chunks():
            for i in range(0, len(big), 256):
                yield big[i:i + 256]

        assert_problem(e.admin("PUT", "/accounts/acc-big", content=chunks(), headers=JSON), 413)
        assert e.store.get(Account, "acc-big") is None
