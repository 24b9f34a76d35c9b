"""Hostile input over HTTP: every odd string is stored and returned verbatim or
refused with a 4xx problem — never a 5xx, never a stack trace, never a half write."""

from __future__ import annotations

import io
import json
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.integration.api_fixtures import (
    AS_OF,
    SEEDS,
    assert_no_trace,
    assert_problem,
    q,
    running_app,
    seed_zip,
)

ZIP = {"Content-Type": "application/zip"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("hostile")) as e:
        yield e


@pytest.fixture
def empty(tmp_path):
    with running_app(tmp_path, seeds=False) as e:
        yield e


@pytest.fixture
def unchanged(env):
    """Asserts after the test that the store holds the same records as before."""
    before = env.store.counts()
    yield
    assert env.store.counts() == before


# --- strings that must come back verbatim -------------------------------------------------

NAMES = [
    "x'}) DETACH DELETE n --",
    '"; MATCH (n) DETACH DELETE n; //',
    "' OR 1=1 --",
    "$rows", "{rows}", "${id}", "{{7*7}}", "`backtick`", ":Label", "n.id",
    "back\\slash \\' \\\" \\\\ \\u0000",
    "<script>alert(1)</script>", "</script><img src=x onerror=alert(2)>",
    "江南 🚀 Ünïcødé e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦",
    "\u202eevil\u202c", "zero\u200bwidth\ufeff",
    "%00 %2F..%2F ..%2F..%2Fetc", "null", "None", "true", "0", "-1", " leading and trailing ",
    "a" * 500,
]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_odd_names_are_stored_verbatim(env, name):
    i = NAMES.index(name)
    cases = [
        (f"/accounts/acc-h-{i}", {"id": f"acc-h-{i}", "name": name, "tier": "C", "industry": name}),
        (f"/contacts/c-h-{i}", {"id": f"c-h-{i}", "account_id": "acc-mzp", "name": name, "title": name}),
        (f"/reps/rep-h-{i}", {"id": f"rep-h-{i}", "name": name}),
        (f"/team-members/acc-mzp/rep-h-{i}", {"account_id": "acc-mzp", "rep_id": f"rep-h-{i}", "role": name}),
        (f"/activities/act-h-{i}", {"id": f"act-h-{i}", "date": "2026-01-02", "kind": "other",
                                    "account_id": "acc-mzp", "summary": name}),
    ]
    for path, body in cases:
        response = env.admin("PUT", path, json=body)
        assert response.status_code == 200, response.text[:300]
        got = env.admin("GET", path).json()
        assert {k: got[k] for k in body} == body
    listed = env.admin("GET", "/contacts", params={"account_id": "acc-mzp", "limit": 500}).json()["data"]
    assert any(c["name"] == name for c in listed)
    for path in [f"/contacts/c-h-{i}/warm-paths", "/accounts/acc-mzp/gaps", "/accounts/acc-mzp/influence"]:
        response = env.admin("GET", path, params={"as_of": AS_OF})
        assert response.status_code == 200, response.text[:300]


def test_graph_pages_escape_odd_names(env):
    env.admin("PUT", "/contacts/c-h-xss", json={"id": "c-h-xss", "account_id": "acc-mzp",
                                               "name": "<script>alert(1)</script>",
                                               "title": "</script><img src=x onerror=alert(2)>"})
    for path in ["/accounts/acc-mzp/graph", "/portfolio/graph"]:
        page = env.admin("GET", path, params={"as_of": AS_OF})
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text


# (Not "%2F" or "%41": Starlette's TestClient unquotes paths twice, so such ids cannot be
# addressed through it; a real server decodes once.)
IDS = ["x'}) DETACH DELETE n --", "$rows", "{id}", "a b", "江南🚀", "..x", "100%", "'", '"', "<b>", "a" * 198]


@pytest.mark.parametrize("value", IDS, ids=range(len(IDS)))
def test_odd_ids_round_trip(env, value):
    body = {"id": value, "name": "odd id", "tier": "C"}
    path = f"/accounts/{q(value)}"
    assert env.admin("PUT", path, json=body).status_code == 200
    assert env.admin("GET", path).json() == {**body, "industry": None, "parent_id": None, "strategic_fit": None,
                                             "annual_revenue": None}
    contact = {"id": f"c-{value}", "account_id": value, "name": "odd"}
    assert env.admin("PUT", f"/contacts/{q(contact['id'])}", json=contact).status_code == 200
    rel = {"rep_id": "rep-feng-bo", "contact_id": contact["id"], "depth": 2}
    assert env.admin("PUT", f"/relationships/rep-feng-bo/{q(contact['id'])}", json=rel).status_code == 200
    assert env.admin("GET", f"/relationships/rep-feng-bo/{q(contact['id'])}").json()["depth"] == 2
    for analysis in [f"/accounts/{q(value)}/gaps", f"/accounts/{q(value)}/influence",
                     f"/contacts/{q(contact['id'])}/warm-paths"]:
        response = env.admin("GET", analysis, params={"as_of": AS_OF})
        assert response.status_code == 200, response.text[:300]
    page = env.admin("GET", "/contacts", params={"account_id": value}).json()
    assert [c["id"] for c in page["data"]] == [contact["id"]]
    assert env.admin("DELETE", f"/contacts/{q(contact['id'])}").status_code == 204
    assert env.admin("DELETE", path).status_code == 204
    assert_problem(env.admin("GET", path), 404)


# --- strings that must be refused, writing nothing ------------------------------------------

BAD_NAMES = [
    "a\x00b", "tab\there", "new\nline", "carriage\rreturn", "\x1b[31mred", "del\x7f", "nel\x85", "",
    "a" * 501, "a" * 10_000, "a" * 100_000,
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda v: repr(v)[:20])
def test_bad_names_are_422(env, unchanged, name):
    for path, body in [("/accounts/acc-bad", {"id": "acc-bad", "name": name, "tier": "C"}),
                       ("/contacts/c-bad", {"id": "c-bad", "account_id": "acc-mzp", "name": name}),
                       ("/reps/rep-bad", {"id": "rep-bad", "name": name})]:
        problem = assert_problem(env.admin("PUT", path, json=body), 422)
        assert any("name" in e["loc"] for e in problem["errors"])


@pytest.mark.parametrize("summary, ok", [
    ("line one\nline two\ttabbed\r\n", True), ("a" * 10_000, True), ("a" * 10_001, False),
    ("a" * 100_000, False), ("nul\x00byte", False),
], ids=["newlines", "10k", "10k+1", "100k", "nul"])
def test_activity_summaries(env, summary, ok):
    before = env.store.counts()
    body = {"id": "act-h-summary", "date": "2026-01-03", "kind": "call", "account_id": "acc-mzp", "summary": summary}
    response = env.admin("PUT", "/activities/act-h-summary", json=body)
    if ok:
        assert response.status_code == 200
        assert env.admin("GET", "/activities/act-h-summary").json()["summary"] == summary
        assert env.admin("DELETE", "/activities/act-h-summary").status_code == 204
    else:
        assert_problem(response, 422)
    assert env.store.counts() == before


BAD_IDS = ["a\\b", "a\x00b", "a\tb", "a\nb", " lead", "trail ", "a" * 201, "\x7f"]


@pytest.mark.parametrize("value", BAD_IDS, ids=lambda v: repr(v)[:20])
def test_bad_ids_are_refused(env, unchanged, value):
    for path, body in [(f"/accounts/{q(value)}", {"id": value, "name": "x", "tier": "C"}),
                       (f"/contacts/{q(value)}", {"id": value, "account_id": "acc-mzp", "name": "x"}),
                       (f"/relationships/rep-feng-bo/{q(value)}", {"rep_id": "rep-feng-bo", "contact_id": value,
                                                                   "depth": 1})]:
        assert_problem(env.admin("PUT", path, json=body), (404, 422))
        assert_problem(env.admin("GET", path), (404, 422))
        assert_problem(env.admin("DELETE", path), (404, 422))
    # as a reference, too
    body = {"id": "c-bad-ref", "account_id": "acc-mzp", "name": "x", "reports_to": value}
    assert_problem(env.admin("PUT", "/contacts/c-bad-ref", json=body), 422)


@pytest.mark.parametrize("value", ["a/b", "../etc", "a/../../b"])
def test_ids_with_a_slash_are_refused(env, unchanged, value):
    # percent-encoded: the router decodes %2F, so the path no longer names one record
    for path, body in [(f"/accounts/{q(value)}", {"id": value, "name": "x", "tier": "C"}),
                       (f"/team-members/acc-mzp/{q(value)}", {"account_id": "acc-mzp", "rep_id": value})]:
        assert_problem(env.admin("PUT", path, json=body), (404, 422))
        assert_problem(env.admin("GET", path), (404, 422))
    # sent where no path is involved, the model refuses it
    assert_problem(env.admin("PUT", "/contacts/c-slash", json={"id": "c-slash", "account_id": "acc-mzp",
                                                               "name": "x", "unit_id": value}), 422)
    assert_problem(env.admin("POST", "/import", json={"accounts": [{"id": value, "name": "x", "tier": "C"}]}), 422)


PATHS = [
    "/accounts/..%2F..%2Fetc%2Fpasswd", "/accounts/..%2F..%2Fetc", "/accounts/%2e%2e%2f%2e%2e%2fetc",
    "/contacts/..%2F..%2Fetc/warm-paths", "/accounts/..%2F..%2Fetc/gaps", "/bids/..%2F..%2Fetc/coverage",
    "/reps/..%5C..%5Cwindows/departure", "/relationships/..%2F/..%2F", "/accounts/a%00b", "/accounts/acc-mzp%00",
    "/accounts/acc-mzp%00/gaps", "/accounts/%FF%FE", "/accounts/%C0%AF", "/accounts/" + "a" * 10_000,
    "/bids/%27%7D)%20DETACH%20DELETE%20n%20--/coverage", "/reps/%24rows/departure", "/keys/..%2F..%2F",
    "/team-members/%00/%00", "/bid-roles/%27/%22",
]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p[:45])
def test_hostile_paths(env, unchanged, path):
    for method in ("GET", "PUT", "DELETE"):
        response = env.admin(method, path, params={"as_of": AS_OF},
                             json={"id": "x", "name": "x", "tier": "C"} if method == "PUT" else None)
        assert_problem(response, (404, 405, 422))


# --- bodies that are not what they should be ----------------------------------------------


@pytest.mark.parametrize("content", [
    b"[1, 2]", b'"just a string"', b"null", b"42", b"true", b"[]", b"{}", b"", b"{", b"{'id': 'x'}",
    b'{"id": "x", "name": "x", "tier": "C"', b"\xff\xfe\x00{", b'{"id": "\xff", "name": "x", "tier": "C"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"id": "x", "name": "x", "tier": "C", "annual_revenue": ' + b"9" * 5000 + b"}",
    b'{"id": "x", "name": "x", "tier": "C", "annual_revenue": NaN}',
    b'{"id": "x", "name": "x", "tier": "C", "annual_revenue": 1e999}',
    b'{"id": "x", "id": "y", "name": "x", "tier": "C"}',
], ids=lambda c: repr(c)[:30])
def test_put_bodies_that_are_not_a_record(env, unchanged, content):
    assert_problem(env.admin("PUT", "/accounts/x", content=content, headers=JSON), (400, 422))


@pytest.mark.parametrize("content", [
    b"[1, 2]", b'"just a string"', b"null", b"42", b"[]", b"", b"{", b"\xff\xfe\x00{", b'{"nope": []}',
    b'{"accounts": "nope"}', b'{"accounts": [1, "x", null]}', b'{"accounts": {"id": "x"}}',
    b'{"accounts": [{"id": "x", "name": "x", "tier": "C", "annual_revenue": NaN}]}',
], ids=lambda c: repr(c)[:30])
def test_import_bodies_that_are_not_the_format(env, unchanged, content):
    assert_problem(env.admin("POST", "/import", content=content, headers=JSON), (400, 422))


@pytest.mark.parametrize("content", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"accounts": [{"id": "x", "name": "x", "tier": "C", "annual_revenue": ' + b"9" * 5000 + b"}]}",
], ids=["deep", "bigint"])
def test_import_json_that_breaks_the_parser(env, unchanged, content):
    assert_problem(env.admin("POST", "/import", content=content, headers=JSON), (400, 422))


@pytest.mark.parametrize("kind", [None, "text/plain", "text/csv", "application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x", "application/json-seq", "application/zipx",
                                  "application/octet-stream", "image/png"])
def test_import_with_a_wrong_content_type(env, unchanged, kind):
    headers = {"Content-Type": kind} if kind else {}
    body = json.dumps({"accounts": [{"id": "acc-ct", "name": "x", "tier": "C"}]}).encode()
    assert_problem(env.admin("POST", "/import", content=body, headers=headers), (415, 422))


def test_import_json_with_a_charset(empty):
    body = json.dumps({"accounts": [{"id": "acc-ct", "name": "x", "tier": "C"}]}).encode()
    response = empty.admin("POST", "/import", content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200 and empty.store.counts()["accounts"] == 1


def test_put_with_a_wrong_content_type(env, unchanged):
    body = json.dumps({"id": "acc-ct", "name": "x", "tier": "C"}).encode()
    for kind in ("text/plain", "application/x-www-form-urlencoded", "application/zip"):
        assert_problem(env.admin("PUT", "/accounts/acc-ct", content=body, headers={"Content-Type": kind}),
                       (400, 415, 422))


def test_unknown_routes_and_methods_are_problems(env):
    assert_problem(env.admin("GET", "/nothing-here"), 404)
    assert_problem(env.admin("PATCH", "/accounts", json={}), 405)  # a list is not patched
    assert_problem(env.admin("POST", "/team-members", json={}), 405)  # nodes only: edges are keyed by their ends
    assert_problem(env.admin("PUT", "/export"), 405)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2026-02-29", "2026-11-15T10:00:00", "-1", "now"])
def test_odd_as_of(env, as_of):
    for path in ["/bids/bid-jnm-5g-core-2026/coverage", "/accounts/acc-jnm/gaps", "/portfolio/risks",
                 "/reps/rep-li-na/departure", "/contacts/c-jnm-003/warm-paths"]:
        response = env.admin("GET", path, params={"as_of": as_of})
        assert response.status_code in (200, 422), (path, response.status_code, response.text[:200])
        assert_no_trace(response)
        if response.status_code == 422:
            assert_problem(response, 422)


@pytest.mark.parametrize("prefix, params", [
    ("contacts", {"account_id": "' OR 1=1 --"}), ("contacts", {"level": "$level"}),
    ("bids", {"stage": "x'}) DETACH DELETE n --"}), ("relationships", {"rep_id": "{rep_id}"}),
    ("team-members", {"rep_id": "\\"}), ("units", {"kind": "' OR ''='"}), ("activities", {"bid_id": "%00"}),
])
def test_hostile_filters_match_nothing(env, unchanged, prefix, params):
    assert env.admin("GET", f"/{prefix}", params=params).json() == {"data": [], "count": 0}


# --- zips -------------------------------------------------------------------------------------


def _accounts_csv() -> bytes:
    return (SEEDS / "accounts.csv").read_bytes()


def test_zip_member_outside_the_archive_is_not_written(empty):
    name = f"evil-{uuid.uuid4().hex}.csv"
    data = seed_zip({f"../{name}": b"id,name\nx,y\n", f"../../{name}": b"id\n"}, seeds=False)
    problem = assert_problem(empty.admin("POST", "/import", content=data, headers=ZIP), 422)
    assert name in problem["detail"] or any(i["where"] == name for i in problem["issues"])
    for where in {Path(tempfile.gettempdir()), Path(tempfile.gettempdir()).parent, Path.cwd(), Path.cwd().parent}:
        assert not (where / name).exists()
    assert empty.store.counts()["accounts"] == 0


@pytest.mark.parametrize("member", ["../accounts.csv", "../../accounts.csv", "/tmp/accounts.csv",
                                    "deep/er/accounts.csv", "..\\accounts.csv"])
def test_zip_members_count_by_their_base_name(empty, member):
    response = empty.admin("POST", "/import", content=seed_zip({member: _accounts_csv()}, seeds=False), headers=ZIP)
    if "\\" in member:  # a backslash is no separator in a zip: the name is not accounts.csv
        assert_problem(response, 422)
        assert empty.store.counts()["accounts"] == 0
    else:
        assert response.status_code == 200, response.text[:300]
        assert empty.store.counts()["accounts"] == 3


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04 truncated", seed_zip()[:200],
                                     seed_zip()[: len(seed_zip()) // 2]], ids=range(5))
def test_zips_that_are_not_zips(empty, content):
    assert_problem(empty.admin("POST", "/import", content=content, headers=ZIP), 422)
    assert empty.store.counts()["accounts"] == 0


def test_zip_with_too_many_members(empty):
    members = {f"notes/{i}.txt": b"x" for i in range(60)}
    assert_problem(empty.admin("POST", "/import", content=seed_zip(members), headers=ZIP), 422)
    assert empty.store.counts()["accounts"] == 0


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\x01binary", b"id,name,tier\nacc-x,\x00,S\n",
                                     b'id,name,tier\n"unterminated,x,S\n', b"id,name,tier,colour\nx,y,S,red\n"],
                         ids=["binary", "nul", "quote", "column"])
def test_zip_with_bad_csv(empty, content):
    data = seed_zip({"accounts.csv": content}, seeds=False)
    problem = assert_problem(empty.admin("POST", "/import", content=data, headers=ZIP), 422)
    assert problem["issues"][0]["where"] == "accounts.csv"
    assert empty.store.counts()["accounts"] == 0


def _damaged_zips() -> dict[str, bytes]:
    good = seed_zip()
    flipped = bytearray(good)
    for i in range(len(good) // 3, len(good) // 3 + 200):
        flipped[i] ^= 0x55
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("accounts.csv", _accounts_csv())
    method = bytearray(buf.getvalue())
    method[8:10] = (99).to_bytes(2, "little")  # AES / unknown compression, local header …
    central = method.find(b"PK\x01\x02")
    method[central + 10:central + 12] = (99).to_bytes(2, "little")  # … and central directory
    crc = bytearray(buf.getvalue())
    crc[crc.find(b"id,name")] ^= 0x01  # contents that no longer match their CRC
    return {"flipped": bytes(flipped), "compression-99": bytes(method), "crc": bytes(crc)}


@pytest.mark.parametrize("name", ["flipped", "compression-99", "crc"])
def test_damaged_zips_are_422(empty, name):
    assert_problem(empty.admin("POST", "/import", content=_damaged_zips()[name], headers=ZIP), 422)
    assert empty.store.counts()["accounts"] == 0


# --- size limits --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("small"), seeds=False, max_body_bytes=1000) as e:
        yield e


def _accounts_doc(n: int, prefix: str = "acc") -> bytes:
    return json.dumps({"accounts": [{"id": f"{prefix}-{i}", "name": "x" * 40, "tier": "C"}
                                    for i in range(n)]}).encode()


def test_oversized_bodies_are_413(small):
    before = small.store.counts()["accounts"]
    big = _accounts_doc(60, "acc-big")
    assert len(big) > 1000
    assert_problem(small.admin("POST", "/import", content=big, headers=JSON), 413)
    assert_problem(small.admin("POST", "/import", content=seed_zip(), headers=ZIP), 413)
    assert_problem(small.admin("PUT", "/accounts/acc-big", json={"id": "acc-big", "name": "x" * 400, "tier": "C",
                                                                "industry": "y" * 400, "parent_id": "z" * 190}), 413)
    assert small.store.counts()["accounts"] == before
    fits = _accounts_doc(5, "acc-fit")
    assert len(fits) < 1000
    assert small.admin("POST", "/import", content=fits, headers=JSON).status_code == 200
    assert small.store.counts()["accounts"] == before + 5


def test_oversized_chunked_body_is_413(small):
    big = _accounts_doc(60, "acc-chunked")

    def chunks():
        for i in range(0, len(big), 256):
            yield big[i:i + 256]

    before = small.store.counts()["accounts"]
    response = small.admin("POST", "/import", content=chunks(), headers=JSON)
    assert_problem(response, 413)
    assert small.store.counts()["accounts"] == before
