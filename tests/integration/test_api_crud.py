"""CRUD of every resource, lists, import/export, keys and the analyses over HTTP,
with an admin key, on a real app and a real embedded store."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import pytest

from graphcrm import services
from graphcrm.policy import Policy
from tests.integration.api_fixtures import (
    AS_OF,
    SEED_COUNTS,
    SEEDS,
    assert_problem,
    json_body,
    running_app,
    seed_zip,
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Seeded app that the CRUD tests write to (each on records of its own)."""
    with running_app(tmp_path_factory.mktemp("crud")) as e:
        yield e


@pytest.fixture(scope="module")
def ro(tmp_path_factory):
    """Seeded app that nobody writes to: lists, analyses, export."""
    with running_app(tmp_path_factory.mktemp("crud_ro")) as e:
        yield e


@pytest.fixture
def empty(tmp_path):
    """An app on an empty store of its own."""
    with running_app(tmp_path, seeds=False) as e:
        yield e


def _seed_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- create, read, replace, delete ------------------------------------------------------

# resource: (key path, full body, optional fields that a replacement leaves out)
RECORDS = {
    "accounts": ("acc-crud", {"id": "acc-crud", "name": "Crud Trading Co.", "tier": "C", "industry": "retail",
                              "parent_id": "acc-jnm", "strategic_fit": "diverging", "annual_revenue": 1234.5},
                 ("industry", "parent_id")),
    "units": ("unit-crud", {"id": "unit-crud", "account_id": "acc-mzp", "name": "Crud Unit", "kind": "department",
                            "parent_unit_id": "unit-mzp-it", "region": "Mingzhou"}, ("parent_unit_id", "region")),
    "contacts": ("c-crud", {"id": "c-crud", "account_id": "acc-mzp", "unit_id": "unit-mzp-it", "name": "Crud Person",
                            "title": "Architect", "level": "middle", "reports_to": "c-mzp-003",
                            "email": "crud@mingzhou-port.example"}, ("unit_id", "title", "reports_to", "email")),
    "reps": ("rep-crud", {"id": "rep-crud", "name": "Crud Rep", "role": "other", "level": "staff", "active": False,
                          "email": "crud@ourco.example"}, ("role", "level", "email")),
    "bids": ("bid-crud", {"id": "bid-crud", "account_id": "acc-mzp", "name": "Crud Bid", "stage": "qualify",
                          "tender_date": "2027-02-01", "value": 1000000, "currency": "CNY"},
             ("tender_date", "value", "currency")),
    "activities": ("act-crud", {"id": "act-crud", "date": "2026-01-10", "kind": "call", "account_id": "acc-mzp",
                                "bid_id": "bid-mzp-terminal-wifi-2026", "rep_ids": ["rep-feng-bo", "rep-ma-lin"],
                                "contact_ids": ["c-mzp-003"], "summary": "Crud call."},
                   ("bid_id", "rep_ids", "contact_ids", "summary")),
    "agreements": ("agr-crud", {"id": "agr-crud", "account_id": "acc-mzp", "kind": "framework",
                                "signed": "2026-01-01", "expires": "2027-01-01"}, ("signed", "expires")),
    "team-members": ("acc-mzp/rep-li-na", {"account_id": "acc-mzp", "rep_id": "rep-li-na", "role": "executive"},
                     ("role",)),
    "relationships": ("rep-li-na/c-mzp-005", {"rep_id": "rep-li-na", "contact_id": "c-mzp-005", "depth": 2,
                                              "last_contact": "2026-09-01", "since": "2024-01-01"},
                      ("last_contact", "since")),
    "influences": ("c-mzp-005/c-mzp-009", {"source_id": "c-mzp-005", "target_id": "c-mzp-009", "strength": 0.4,
                                           "kind": "personal"}, ("kind",)),
    "bid-roles": ("bid-mzp-terminal-wifi-2026/c-mzp-005",
                  {"bid_id": "bid-mzp-terminal-wifi-2026", "contact_id": "c-mzp-005", "role": "user",
                   "influence": "low", "stance": -1}, ("influence", "stance")),
}
CLEARED = {"rep_ids": [], "contact_ids": []}  # list fields clear to empty lists, the rest to null


def _given(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, [])}


@pytest.mark.parametrize("prefix", list(RECORDS))
def test_put_get_replace_delete(env, prefix):
    key, body, optional = RECORDS[prefix]
    path = f"/{prefix}/{key}"
    assert_problem(env.admin("GET", path), 404)

    created = env.admin("PUT", path, json=body)
    assert created.status_code in (200, 201), created.text
    assert _given(created.json()) == body
    got = env.admin("GET", path)
    assert got.status_code == 200 and _given(got.json()) == body
    counts = env.store.counts()

    again = env.admin("PUT", path, json=body)
    assert again.status_code == 200 and again.json() == got.json()
    assert env.admin("GET", path).json() == got.json()
    assert env.store.counts() == counts

    smaller = {k: v for k, v in body.items() if k not in optional}
    replaced = env.admin("PUT", path, json=smaller)
    assert replaced.status_code == 200
    now = env.admin("GET", path).json()
    assert _given(now) == smaller
    for field in optional:
        assert now[field] == CLEARED.get(field), field

    deleted = env.admin("DELETE", path)
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(env.admin("GET", path), 404)
    assert_problem(env.admin("DELETE", path), 404)


def test_replacing_a_rep_without_active_makes_it_active_again(env):
    env.admin("PUT", "/reps/rep-crud-active", json={"id": "rep-crud-active", "name": "x", "active": False})
    env.admin("PUT", "/reps/rep-crud-active", json={"id": "rep-crud-active", "name": "x"})
    assert env.admin("GET", "/reps/rep-crud-active").json()["active"] is True


@pytest.mark.parametrize("path, body", [
    ("/accounts/acc-a", {"id": "acc-b", "name": "x", "tier": "C"}),
    ("/contacts/c-mzp-001", {"id": "c-mzp-002", "account_id": "acc-mzp", "name": "x"}),
    ("/relationships/rep-li-na/c-mzp-005", {"rep_id": "rep-li-na", "contact_id": "c-mzp-006", "depth": 1}),
    ("/team-members/acc-mzp/rep-li-na", {"account_id": "acc-jnm", "rep_id": "rep-li-na"}),
    ("/bid-roles/bid-mzp-terminal-wifi-2026/c-mzp-005",
     {"bid_id": "bid-jnm-5g-core-2026", "contact_id": "c-mzp-005", "role": "user"}),
])
def test_put_with_a_key_other_than_the_url_is_422(env, path, body):
    counts = env.store.counts()
    problem = assert_problem(env.admin("PUT", path, json=body), 422)
    assert problem.get("issues") or problem.get("errors")
    assert env.store.counts() == counts


@pytest.mark.parametrize("path, body, field", [
    ("/contacts/c-crud-ref", {"id": "c-crud-ref", "account_id": "acc-nope", "name": "x"}, "account_id"),
    ("/contacts/c-crud-ref", {"id": "c-crud-ref", "account_id": "acc-mzp", "unit_id": "unit-nope", "name": "x"},
     "unit_id"),
    ("/units/unit-crud-ref", {"id": "unit-crud-ref", "account_id": "acc-mzp", "name": "x", "kind": "branch",
                              "parent_unit_id": "unit-nope"}, "parent_unit_id"),
    ("/relationships/rep-nope/c-mzp-001", {"rep_id": "rep-nope", "contact_id": "c-mzp-001", "depth": 1}, "rep_id"),
    ("/relationships/rep-li-na/c-nope", {"rep_id": "rep-li-na", "contact_id": "c-nope", "depth": 1}, "contact_id"),
    ("/influences/c-mzp-001/c-nope", {"source_id": "c-mzp-001", "target_id": "c-nope", "strength": 0.5},
     "target_id"),
    ("/bid-roles/bid-nope/c-mzp-001", {"bid_id": "bid-nope", "contact_id": "c-mzp-001", "role": "user"}, "bid_id"),
    ("/team-members/acc-mzp/rep-nope", {"account_id": "acc-mzp", "rep_id": "rep-nope"}, "rep_id"),
    ("/bids/bid-crud-ref", {"id": "bid-crud-ref", "account_id": "acc-nope", "name": "x", "stage": "lead"},
     "account_id"),
    ("/activities/act-crud-ref", {"id": "act-crud-ref", "date": "2026-01-01", "kind": "call",
                                  "account_id": "acc-mzp", "rep_ids": ["rep-nope"]}, "rep_ids"),
    ("/agreements/agr-crud-ref", {"id": "agr-crud-ref", "account_id": "acc-nope", "kind": "framework"},
     "account_id"),
    ("/accounts/acc-crud-ref", {"id": "acc-crud-ref", "name": "x", "tier": "C", "parent_id": "acc-nope"},
     "parent_id"),
    # a reference into another account is as bad as one to nothing
    ("/contacts/c-crud-ref", {"id": "c-crud-ref", "account_id": "acc-mzp", "unit_id": "unit-jnm-hq", "name": "x"},
     "unit_id"),
])
def test_put_with_an_unknown_reference_is_422_naming_the_field(env, path, body, field):
    counts = env.store.counts()
    problem = assert_problem(env.admin("PUT", path, json=body), 422)
    assert problem["issues"][0]["field"] == field
    assert env.store.counts() == counts
    assert_problem(env.admin("GET", path), 404)


@pytest.mark.parametrize("path, body, field", [
    ("/relationships/rep-li-na/c-mzp-001", {"rep_id": "rep-li-na", "contact_id": "c-mzp-001", "depth": 7}, "depth"),
    ("/relationships/rep-li-na/c-mzp-001", {"rep_id": "rep-li-na", "contact_id": "c-mzp-001", "depth": "deep"},
     "depth"),
    ("/accounts/acc-crud-bad", {"id": "acc-crud-bad", "name": "x", "tier": "X"}, "tier"),
    ("/accounts/acc-crud-bad", {"id": "acc-crud-bad", "tier": "S"}, "name"),
    ("/accounts/acc-crud-bad", {"id": "acc-crud-bad", "name": "", "tier": "S"}, "name"),
    ("/accounts/acc-crud-bad", {"id": "acc-crud-bad", "name": "x", "tier": "S", "colour": "red"}, "colour"),
    ("/contacts/c-crud-bad", {"id": "c-crud-bad", "account_id": "acc-mzp", "name": "x", "level": "boss"}, "level"),
    ("/contacts/c-crud-bad", {"id": "c-crud-bad", "account_id": "acc-mzp", "name": "x", "email": "no-at"},
     "email"),
    ("/bids/bid-crud-bad", {"id": "bid-crud-bad", "account_id": "acc-mzp", "name": "x", "stage": "lead",
                            "tender_date": "2026-02-30"}, "tender_date"),
    ("/bids/bid-crud-bad", {"id": "bid-crud-bad", "account_id": "acc-mzp", "name": "x", "stage": "lead",
                            "currency": "yuan"}, "currency"),
    ("/bids/bid-crud-bad", {"id": "bid-crud-bad", "account_id": "acc-mzp", "name": "x", "stage": "lead",
                            "value": -1}, "value"),
    ("/influences/c-mzp-001/c-mzp-002", {"source_id": "c-mzp-001", "target_id": "c-mzp-002", "strength": 0},
     "strength"),
    ("/bid-roles/bid-mzp-terminal-wifi-2026/c-mzp-005",
     {"bid_id": "bid-mzp-terminal-wifi-2026", "contact_id": "c-mzp-005", "role": "user", "stance": 3}, "stance"),
    ("/reps/rep-crud-bad", {"id": "rep-crud-bad", "name": "x", "active": "maybe"}, "active"),
])
def test_invalid_bodies_are_422_with_the_field(env, path, body, field):
    counts = env.store.counts()
    problem = assert_problem(env.admin("PUT", path, json=body), 422)
    locations = [e["loc"] for e in problem["errors"]]
    assert any(field in loc for loc in locations), locations
    assert env.store.counts() == counts


# --- lists --------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix, total", [
    ("accounts", 3), ("units", 20), ("contacts", 81), ("reps", 13), ("bids", 4), ("activities", 28),
    ("agreements", 6), ("team-members", 15), ("relationships", 141), ("influences", 79), ("bid-roles", 30),
    ("plans", 7), ("feedback", 6),
])
def test_lists_paginate(ro, prefix, total):
    everything = ro.admin("GET", f"/{prefix}", params={"limit": 500}).json()
    assert everything["count"] == len(everything["data"]) == total
    pages, offset = [], 0
    while offset < total:
        page = ro.admin("GET", f"/{prefix}", params={"limit": 7, "offset": offset}).json()
        assert page["count"] == total and len(page["data"]) == min(7, total - offset)
        pages += page["data"]
        offset += 7
    assert pages == everything["data"]  # a stable order, no record twice, none left out
    beyond = ro.admin("GET", f"/{prefix}", params={"offset": total + 10}).json()
    assert beyond == {"data": [], "count": total}
    default = ro.admin("GET", f"/{prefix}").json()
    assert default["data"] == everything["data"][:50]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": -1}, {"offset": -1},
                                    {"limit": "ten"}, {"active": "perhaps"}])
def test_list_parameters_are_checked(ro, params):
    problem = assert_problem(ro.admin("GET", "/reps", params=params), 422)
    assert any(loc[-1] in params for loc in (e["loc"] for e in problem["errors"]))


def _count(rows, **where) -> int:
    return sum(all(r[k] == v for k, v in where.items()) for r in rows)


@pytest.mark.parametrize("prefix, params, csv_name, where", [
    ("contacts", {"account_id": "acc-mzp"}, "contacts", {"account_id": "acc-mzp"}),
    ("contacts", {"level": "executive"}, "contacts", {"level": "executive"}),
    ("contacts", {"account_id": "acc-jnm", "level": "senior"}, "contacts", {"account_id": "acc-jnm", "level": "senior"}),
    ("contacts", {"unit_id": "unit-jnm-cto"}, "contacts", {"unit_id": "unit-jnm-cto"}),
    ("bids", {"stage": "won"}, "bids", {"stage": "won"}),
    ("bids", {"stage": "tender"}, "bids", {"stage": "tender"}),
    ("relationships", {"rep_id": "rep-li-na"}, "relationships", {"rep_id": "rep-li-na"}),
    ("relationships", {"contact_id": "c-jnm-003"}, "relationships", {"contact_id": "c-jnm-003"}),
    ("reps", {"active": "false"}, "reps", {"active": "false"}),
    ("reps", {"active": "true"}, "reps", {"active": "true"}),
    ("accounts", {"tier": "S"}, "accounts", {"tier": "S"}),
    ("team-members", {"rep_id": "rep-liu-yang"}, "account_team", {"rep_id": "rep-liu-yang"}),
    ("bid-roles", {"bid_id": "bid-jnm-5g-core-2026"}, "bid_roles", {"bid_id": "bid-jnm-5g-core-2026"}),
    ("units", {"kind": "branch"}, "units", {"kind": "branch"}),
    ("agreements", {"kind": "framework"}, "agreements", {"kind": "framework"}),
])
def test_lists_filter(ro, prefix, params, csv_name, where):
    page = ro.admin("GET", f"/{prefix}", params={**params, "limit": 500}).json()
    expected = _count(_seed_rows(csv_name), **where)
    assert expected > 0 and page["count"] == len(page["data"]) == expected
    for record in page["data"]:
        for k, v in where.items():
            assert str(record[k]).lower() == v.lower()


def test_filter_with_nothing_matching(ro):
    assert ro.admin("GET", "/contacts", params={"account_id": "acc-nope"}).json() == {"data": [], "count": 0}
    assert ro.admin("GET", "/bids", params={"stage": "lead"}).json() == {"data": [], "count": 0}
    assert_problem(ro.admin("GET", "/bids", params={"stage": ""}), 422)


# --- import and export --------------------------------------------------------------------


def _seed_document() -> dict:
    """The seeds in the import's JSON form, built from the CSV files by hand."""
    doc: dict[str, list[dict]] = {}
    for path in sorted(SEEDS.glob("*.csv")):
        rows = _seed_rows(path.stem)
        doc[path.stem] = [{k: v for k, v in row.items() if v != ""} for row in rows]
    return doc


def test_import_json(empty):
    response = empty.admin("POST", "/import", json=_seed_document())
    assert response.status_code == 200, response.text
    assert response.json() == {"dry_run": False, "counts": SEED_COUNTS}
    assert empty.store.counts() == SEED_COUNTS
    again = empty.admin("POST", "/import", json=_seed_document())  # idempotent
    assert again.status_code == 200 and empty.store.counts() == SEED_COUNTS


def test_import_zip_of_the_seed_csvs(empty):
    response = empty.admin("POST", "/import", content=seed_zip(), headers={"Content-Type": "application/zip"})
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == SEED_COUNTS
    assert empty.store.counts() == SEED_COUNTS
    assert empty.admin("GET", "/contacts/c-jnm-001").json()["name"] == "陈志远"


def test_import_zip_in_a_folder(empty):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in SEEDS.glob("*.csv"):
            z.writestr(f"export-2026/{path.name}", path.read_bytes())
        z.writestr("export-2026/README.txt", "not a csv: ignored")
    response = empty.admin("POST", "/import", content=buf.getvalue(), headers={"Content-Type": "application/zip"})
    assert response.status_code == 200, response.text
    assert empty.store.counts() == SEED_COUNTS


@pytest.mark.parametrize("form", ["json", "zip"])
def test_import_dry_run_writes_nothing(empty, form):
    zero = empty.store.counts()
    if form == "json":
        response = empty.admin("POST", "/import", params={"dry_run": "true"}, json=_seed_document())
    else:
        response = empty.admin("POST", "/import", params={"dry_run": "true"}, content=seed_zip(),
                               headers={"Content-Type": "application/zip"})
    assert response.status_code == 200, response.text
    assert response.json() == {"dry_run": True, "counts": SEED_COUNTS}
    assert empty.store.counts() == zero == {k: 0 for k in SEED_COUNTS}


def test_import_with_bad_rows_reports_them_all_and_writes_nothing(empty):
    doc = _seed_document()
    doc["relationships"][3]["depth"] = "7"
    doc["contacts"][10].pop("name")
    doc["accounts"][0]["tier"] = "X"
    doc["bid_roles"][0]["contact_id"] = "c-nobody"  # only found once the rows themselves are valid
    problem = assert_problem(empty.admin("POST", "/import", json=doc), 422)
    places = {(i["where"], i["item"], i["field"]) for i in problem["issues"]}
    assert {("body: relationships", 3, "depth"), ("body: contacts", 10, "name"),
            ("body: accounts", 0, "tier")} <= places
    assert empty.store.counts() == {k: 0 for k in SEED_COUNTS}
    # with the rows fixed, the bad reference is reported, still nothing written
    doc = _seed_document()
    doc["bid_roles"][0]["contact_id"] = "c-nobody"
    problem = assert_problem(empty.admin("POST", "/import", json=doc), 422)
    assert [(i["item"], i["field"]) for i in problem["issues"]] == [(0, "contact_id")]
    assert empty.store.counts() == {k: 0 for k in SEED_COUNTS}


def test_import_zip_with_a_bad_row_names_file_line_and_column(empty):
    accounts = (SEEDS / "accounts.csv").read_text(encoding="utf-8").replace(",S,", ",X,")
    data = seed_zip({"accounts.csv": accounts.encode()}, seeds=False)
    problem = assert_problem(empty.admin("POST", "/import", content=data,
                                         headers={"Content-Type": "application/zip"}), 422)
    assert [(i["where"], i["line"], i["field"]) for i in problem["issues"]] == [("accounts.csv", 2, "tier")]
    assert empty.store.counts()["accounts"] == 0


def test_export_round_trips_through_import(ro, tmp_path):
    exported = ro.admin("GET", "/export")
    assert exported.status_code == 200
    doc = exported.json()
    trail = doc.pop("audit")
    assert {k: len(v) for k, v in doc.items()} == SEED_COUNTS
    keys = [e for e in trail if e["kind"] == "api_key"]
    # the fixture's four keys created, one of them revoked; never a hash
    assert sorted(e["action"] for e in keys) == ["create"] * 4 + ["update"]
    assert all("hash" not in e["after"] for e in keys)
    managers = ro.call("manager", "GET", "/export").json()
    assert managers.pop("audit") == [e for e in trail if e["kind"] != "api_key"]  # keys: admins only
    assert managers == doc
    with running_app(tmp_path, seeds=False) as fresh:
        response = fresh.admin("POST", "/import", **json_body({**doc, "audit": trail}))
        assert response.status_code == 200, response.text[:500]
        assert fresh.store.counts() == SEED_COUNTS
        again = fresh.admin("GET", "/export").json()
        grown = again.pop("audit")
        assert again == doc
        ours = {e["id"] for e in grown} - {e["id"] for e in trail}
        assert {e["id"] for e in trail} <= {e["id"] for e in grown}
        # the records come in as the restored trail left them: only the restore entry is new
        assert [e["action"] for e in grown if e["id"] in ours and e["kind"] != "api_key"] == ["restore"]
        assert {e["actor"] for e in grown if e["id"] in ours and e["via"] == "api import"} == {"key:test admin"}


def test_delete_keeps_the_store_consistent(tmp_path):
    with running_app(tmp_path) as e:
        response = e.admin("DELETE", "/units/unit-mzp-east")
        if response.status_code == 204:  # deleting must not leave contacts in a unit that is gone
            assert e.admin("GET", "/contacts/c-mzp-008").json()["unit_id"] is None
        else:
            assert_problem(response, 409)
        (tmp_path / "fresh").mkdir()
        with running_app(tmp_path / "fresh", seeds=False) as fresh:
            reimport = fresh.admin("POST", "/import", **json_body(e.admin("GET", "/export").json()))
            assert reimport.status_code == 200, reimport.text[:300]


# --- keys -------------------------------------------------------------------------------


def test_keys_create_list_revoke(env):
    created = env.admin("POST", "/keys", json={"role": "member", "name": "Feng's phone", "rep_id": "rep-feng-bo"})
    assert created.status_code == 201, created.text
    key = created.json()
    token = key["token"]
    assert token.startswith(f"gcrm_{key['id']}_") and key["role"] == "member" and key["revoked"] is None
    secret = token.split("_", 2)[2]
    stored = env.store.get_api_key(key["id"])

    listed = env.admin("GET", "/keys")
    assert listed.status_code == 200
    mine = [k for k in listed.json() if k["id"] == key["id"]]
    assert mine and set(mine[0]) == {"id", "name", "role", "rep_id", "created", "revoked"}
    assert secret not in listed.text and stored.hash not in listed.text and "token" not in listed.text
    assert "hash" not in listed.text

    as_member = {"Authorization": f"Bearer {token}"}
    assert env.client.get("/accounts", headers=as_member).json()["count"] == 1
    revoked = env.admin("DELETE", f"/keys/{key['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked"] is not None
    assert secret not in revoked.text and stored.hash not in revoked.text
    assert_problem(env.client.get("/accounts", headers=as_member), 401)
    again = env.admin("DELETE", f"/keys/{key['id']}")  # revoking twice changes nothing
    assert again.status_code == 200 and again.json()["revoked"] == revoked.json()["revoked"]


@pytest.mark.parametrize("body, status", [
    ({"role": "member", "name": "x"}, 422),
    ({"role": "admin", "name": "x", "rep_id": "rep-feng-bo"}, 422),
    ({"role": "owner", "name": "x"}, 422),
    ({"role": "admin"}, 422),
    ({"role": "admin", "name": ""}, 422),
    ({"role": "member", "name": "x", "rep_id": "rep-nobody"}, (404, 422)),
])
def test_keys_refuse_nonsense(env, body, status):
    before = len(env.store.api_keys())
    assert_problem(env.admin("POST", "/keys", json=body), status)
    assert len(env.store.api_keys()) == before


def test_revoking_an_unknown_key_is_404(env):
    assert_problem(env.admin("DELETE", "/keys/nope"), 404)


# --- analyses -------------------------------------------------------------------------------


def _keys(obj: dict, *names: str) -> None:
    missing = set(names) - set(obj)
    assert not missing, f"missing JSON keys {missing} in {sorted(obj)}"


def test_coverage_has_the_cli_json_keys_and_the_planted_problems(ro):
    report = ro.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": AS_OF}).json()
    _keys(report, "bid_id", "bus_factor", "red_flags", "uncovered", "decision_chain", "gaps")
    for flag in report["red_flags"]:
        _keys(flag, "flag", "contact_ids")
    for item in report["uncovered"]:
        _keys(item, "contact_id", "role", "status", "best_depth", "required_depth", "warm_paths")
        for path in item["warm_paths"]:
            _keys(path, "rep_id", "via", "strength")
    flags = {f["flag"]: f["contact_ids"] for f in report["red_flags"]}
    assert flags == {"uncovered_key_contact": ["c-jnm-003", "c-jnm-031"], "opponent": ["c-jnm-021"],
                     "stale_key_relationship": ["c-jnm-031"], "overdue_plan": ["c-jnm-003", "c-jnm-031"],
                     "open_complaint": ["c-jnm-031"]}  # seeds/README.md, "The management loop"
    assert report["bus_factor"] == 2
    assert sorted(u["contact_id"] for u in report["uncovered"]) == ["c-jnm-003", "c-jnm-031"]
    cfo = next(u for u in report["uncovered"] if u["contact_id"] == "c-jnm-003")
    assert (cfo["warm_paths"][0]["rep_id"], cfo["warm_paths"][0]["via"][-1]) == ("rep-liu-yang", "c-jnm-003")


@pytest.mark.parametrize("path, service", [
    ("/bids/bid-jnm-5g-core-2026/coverage", lambda s, d, p: services.check(s, "bid-jnm-5g-core-2026", d, p)),
    ("/accounts/acc-jnm/gaps", lambda s, d, p: services.account_gaps(s, "acc-jnm", d, p)),
    ("/accounts/acc-jnm/influence", lambda s, d, p: services.account_influence(s, "acc-jnm", p)),
    ("/portfolio/risks", lambda s, d, p: services.risks(s, d, p, jobs=1)),
    ("/reps/rep-wang-hao/departure", lambda s, d, p: services.departure(s, "rep-wang-hao", d, p)),
    ("/contacts/c-jnm-003/warm-paths", lambda s, d, p: services.contact_paths(s, "c-jnm-003", d, p)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_analyses_answer_the_cli_json(ro, path, service):
    """The CLI's --json prints the same report models (``report.model_dump_json``)."""
    report = service(ro.store, dt.date(2026, 11, 15), Policy())
    assert ro.admin("GET", path, params={"as_of": AS_OF}).json() == json.loads(report.model_dump_json())


def test_as_of_changes_the_coverage(ro):
    now = ro.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": AS_OF}).json()
    later = ro.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": "2027-06-01"}).json()
    assert now["as_of"] == AS_OF and later["as_of"] == "2027-06-01"
    assert len(later["uncovered"]) > len(now["uncovered"])
    assert later["bus_factor"] < now["bus_factor"]
    assert_problem(ro.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": "2026-13-01"}), 422)
    assert_problem(ro.admin("GET", "/bids/bid-jnm-5g-core-2026/coverage", params={"as_of": "yesterday"}), 422)


def test_gaps(ro):
    report = ro.admin("GET", "/accounts/acc-jnm/gaps", params={"as_of": AS_OF}).json()
    _keys(report, "account_id", "layers")
    layers = report["layers"]
    _keys(layers["key"], "score", "gaps")
    _keys(layers["general"], "score", "dark_units", "gaps")
    _keys(layers["organisational"], "score", "required", "gaps")
    assert report["account_id"] == "acc-jnm"
    assert layers["key"]["score"] == pytest.approx(5 / 7, abs=1e-3)
    assert layers["general"]["dark_units"] == ["unit-jnm-yz-baisha"]
    assert layers["organisational"]["score"] == 1.0


def test_influence(ro):
    report = ro.admin("GET", "/accounts/acc-jnm/influence").json()
    _keys(report, "account_id", "ranking")
    for row in report["ranking"]:
        _keys(row, "contact_id", "score", "hidden_influencer")
    scores = [r["score"] for r in report["ranking"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 60
    assert [r["contact_id"] for r in report["ranking"] if r["hidden_influencer"]] == ["c-jnm-009"]
    assert report["ranking"][4]["contact_id"] == "c-jnm-009"


def test_risks(ro):
    report = ro.admin("GET", "/portfolio/risks", params={"as_of": AS_OF}).json()
    _keys(report, "accounts")
    for row in report["accounts"]:
        _keys(row, "account_id", "tier", "bus_factor", "top_holder_id", "top_holder_share", "single_holder_contacts")
    first = report["accounts"][0]
    assert (first["account_id"], first["bus_factor"], first["top_holder_id"]) == ("acc-mzp", 1, "rep-feng-bo")
    assert first["single_holder_contacts"] == ["c-mzp-001", "c-mzp-002"]
    assert len(report["accounts"]) == 3
    only_s = ro.admin("GET", "/portfolio/risks", params={"as_of": AS_OF, "tier": "S"}).json()
    assert [a["account_id"] for a in only_s["accounts"]] == ["acc-jnm"]
    assert len(ro.admin("GET", "/portfolio/risks", params={"limit": 1}).json()["accounts"]) == 1
    assert_problem(ro.admin("GET", "/portfolio/risks", params={"tier": "X"}), 422)


def test_departure(ro):
    report = ro.admin("GET", "/reps/rep-feng-bo/departure", params={"as_of": AS_OF}).json()
    _keys(report, "rep_id", "accounts")
    (mzp,) = report["accounts"]
    _keys(mzp, "account_id", "orphaned_contacts", "uncovered_key_contacts", "bus_factor_after")
    assert sorted(mzp["orphaned_contacts"]) == ["c-mzp-001", "c-mzp-002", "c-mzp-006", "c-mzp-008"]
    assert sorted(mzp["uncovered_key_contacts"]) == ["c-mzp-001", "c-mzp-002"]
    assert mzp["bus_factor_after"] == 0


def test_warm_paths(ro):
    report = ro.admin("GET", "/contacts/c-jnm-055/warm-paths", params={"as_of": AS_OF}).json()
    assert report["contact_id"] == "c-jnm-055" and report["best_depth"] == 0
    assert any(p["rep_id"] == "rep-guo-tao" and p["via"] == ["c-jnm-051", "c-jnm-055"] for p in report["warm_paths"])


@pytest.mark.parametrize("path", ["/bids/bid-nope/coverage", "/accounts/acc-nope/gaps", "/accounts/acc-nope/influence",
                                  "/reps/rep-nope/departure", "/contacts/c-nope/warm-paths"])
def test_analyses_of_unknown_ids_are_404(ro, path):
    body = assert_problem(ro.admin("GET", path), 404)
    assert "nope" in body["detail"]


def test_record_counts_match_the_seed_files():
    counts = Counter({p.stem: len(_seed_rows(p.stem)) for p in SEEDS.glob("*.csv")})
    assert dict(counts) == SEED_COUNTS
