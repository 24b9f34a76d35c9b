"""Partial updates (``PATCH``, RFC 7396) and no lost updates (``ETag`` / ``If-Match``),
for every record type, on a real app and a real embedded store.

The scenario of the issue that asked for them: an account team raises a
relationship's depth after a meeting was logged; a full ``PUT`` of ``{"depth": 2}``
wiped ``last_contact`` and ``since``. A ``PATCH`` must keep them.
"""

from __future__ import annotations

import pytest

from tests.integration.api_fixtures import assert_problem, q, running_app
from tests.integration.test_api_crud import RECORDS

# resource: a field to change and two values it can take (neither the record's own)
CHANGES = {
    "accounts": ("industry", "shipping", "mining"),
    "units": ("region", "North", "South"),
    "contacts": ("title", "Chief Architect", "Lead Architect"),
    "reps": ("email", "one@ourco.example", "two@ourco.example"),
    "bids": ("value", 2000000, 3000000),
    "activities": ("summary", "First words.", "Other words."),
    "agreements": ("expires", "2028-01-01", "2029-01-01"),
    "team-members": ("role", "sales", "presales"),
    "relationships": ("depth", 3, 4),
    "influences": ("strength", 0.6, 0.9),
    "bid-roles": ("stance", 1, 2),
}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("versions")) as e:
        for prefix, (key, body, _) in RECORDS.items():
            assert e.admin("PUT", f"/{prefix}/{key}", json=body).status_code in (200, 201)
        yield e


def test_every_resource_has_a_change_to_try():
    assert set(CHANGES) == set(RECORDS)


@pytest.mark.parametrize("prefix", list(RECORDS))
def test_patch_changes_only_the_named_field(env, prefix):
    key, body, _ = RECORDS[prefix]
    field, _, value = CHANGES[prefix]
    before = env.admin("GET", f"/{prefix}/{key}").json()
    patched = env.admin("PATCH", f"/{prefix}/{key}", json={field: value}, headers=MERGE_PATCH)
    assert patched.status_code == 200, patched.text
    after = env.admin("GET", f"/{prefix}/{key}").json()
    assert after == {**before, field: value}
    assert patched.json() == after


def test_a_depth_change_keeps_last_contact_and_since(env):
    """The lost update of the issue: the record had since 2024-01-01 and
    last_contact 2026-09-01 (RECORDS); raising the depth keeps both."""
    path = "/relationships/rep-li-na/c-mzp-005"
    env.admin("PATCH", path, json={"depth": 1})
    patched = env.admin("PATCH", path, json={"depth": 2})
    assert patched.status_code == 200
    assert patched.json() == {"rep_id": "rep-li-na", "contact_id": "c-mzp-005", "depth": 2,
                              "last_contact": "2026-09-01", "since": "2024-01-01"}


def test_patch_null_clears_an_optional_field_and_refuses_a_required_one(env):
    path = "/contacts/c-crud"
    env.admin("PATCH", path, json={"email": "crud@mingzhou-port.example"})
    cleared = env.admin("PATCH", path, json={"email": None})
    assert cleared.status_code == 200 and cleared.json()["email"] is None
    body = assert_problem(env.admin("PATCH", path, json={"name": None}), 422)
    assert [i["field"] for i in body["issues"]] == ["name"]
    assert env.admin("GET", path).json()["name"] == "Crud Person"


def test_patch_runs_the_imports_checks(env):
    body = assert_problem(env.admin("PATCH", "/contacts/c-crud", json={"unit_id": "unit-jnm-hq"}), 422)
    assert any(i["field"] == "unit_id" for i in body["issues"]), body
    assert env.admin("GET", "/contacts/c-crud").json()["unit_id"] == "unit-mzp-it"


def test_patch_cannot_change_a_key(env):
    body = assert_problem(env.admin("PATCH", "/relationships/rep-li-na/c-mzp-005",
                                    json={"contact_id": "c-mzp-009"}), 422)
    assert [i["field"] for i in body["issues"]] == ["contact_id"]
    unknown = assert_problem(env.admin("PATCH", "/contacts/c-crud", json={"nickname": "x"}), 422)
    assert "nickname" in unknown["detail"]


def test_patch_of_nothing_is_404(env):
    assert_problem(env.admin("PATCH", "/contacts/c-nobody", json={"title": "x"}), 404)


@pytest.mark.parametrize("prefix", list(RECORDS))
def test_if_match_refuses_a_change_made_meanwhile(env, prefix):
    """Two people read the same version; the first one's change lands, the
    second one's is refused with 412 and the record as it is now — for PUT,
    PATCH and DELETE alike; nothing of the second is written."""
    key, body, _ = RECORDS[prefix]
    field, first, second = CHANGES[prefix]
    path = f"/{prefix}/{key}"
    read = env.admin("GET", path)
    tag = read.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert env.admin("GET", path).headers["ETag"] == tag  # the same version, the same tag

    mine = env.admin("PATCH", path, json={field: first}, headers={"If-Match": tag})
    assert mine.status_code == 200, mine.text
    assert mine.headers["ETag"] != tag
    assert mine.headers["ETag"] == env.admin("GET", path).headers["ETag"]
    now = env.admin("GET", path).json()

    for method, kw in (("PATCH", {"json": {field: second}}), ("PUT", {"json": {**read.json(), field: second}}),
                       ("DELETE", {})):
        late = assert_problem(env.admin(method, path, headers={"If-Match": tag}, **kw), 412)
        assert late["current"] == now, method
        assert late["current"][field] == first
        assert env.admin("GET", path).json() == now, method

    fresh = env.admin("GET", path).headers["ETag"]
    again = env.admin("PUT", path, json={**now, field: second}, headers={"If-Match": fresh})
    assert again.status_code == 200 and again.json()[field] == second


def test_if_match_star_and_lists(env):
    path = "/units/unit-crud"
    tag = env.admin("GET", path).headers["ETag"]
    assert env.admin("PATCH", path, json={"region": "East"}, headers={"If-Match": "*"}).status_code == 200
    assert env.admin("PATCH", path, json={"region": "West"}, headers={"If-Match": f'"nope", {tag}'}).status_code == 412
    now = env.admin("GET", path).headers["ETag"]
    assert env.admin("PATCH", path, json={"region": "West"}, headers={"If-Match": f'"nope", {now}'}).status_code == 200


def test_if_match_on_a_deleted_record_is_412_without_current(env):
    path = "/agreements/agr-gone"
    body = {"id": "agr-gone", "account_id": "acc-mzp", "kind": "framework"}
    assert env.admin("PUT", path, json=body).status_code in (200, 201)
    tag = env.admin("GET", path).headers["ETag"]
    assert env.admin("DELETE", path).status_code == 204
    gone = assert_problem(env.admin("PUT", path, json=body, headers={"If-Match": tag}), 412)
    assert gone["current"] is None
    assert_problem(env.admin("GET", path), 404)


def test_a_member_patches_their_own_accounts_only(env):
    """The member's rep is on acc-mzp's team only; acc-jnm's contacts do not exist for them."""
    mine = env.call("member", "PATCH", "/contacts/c-crud", json={"title": "Member's title"})
    assert mine.status_code == 200, mine.text
    assert_problem(env.call("member", "PATCH", f"/contacts/{q('c-jnm-001')}", json={"title": "x"}), 404)
    assert_problem(env.call("manager", "PATCH", "/contacts/c-crud", json={"title": "x"}), 403)


def test_patch_is_in_the_audit_trail_under_the_key(env):
    env.admin("PATCH", "/bids/bid-crud", json={"currency": "EUR"})
    entry = env.admin("GET", "/audit", params={"kind": "bid", "key": "bid-crud", "limit": 1}).json()["data"][0]
    assert entry["after"]["currency"] == "EUR"
    assert (entry["actor"], entry["via"]) == ("key:test admin", "api PATCH")
