"""The security review of issue 7, item by item (SECURITY.md names each test):

1. API keys are stored only as a SHA-256 hash, compared in constant time, shown once.
2. No key or password in logs, error bodies or messages.
3. Security headers (CSP, nosniff, Referrer-Policy, no framing) on every response.
4. The sign-in cookie: HttpOnly, SameSite=Strict, Secure over HTTPS (direct or proxied).
5. CSRF: cross-site form posts (and cookie-authorised changes) are refused.
6. No Cypher built from user strings: every statement run is one from cypher/.
7. No path traversal through import or export.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import logging
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from api.security import graph_csp
from api.settings import Settings
from graphcrm import access
from graphcrm.cli import app as cli_app
from graphcrm.cypher import CYPHER_DIR, split_statements
from graphcrm.errors import StoreError
from graphcrm.fileformat import FILES
from graphcrm.model import Account
from graphcrm.store import describe
from graphcrm.store.ladybug import LadybugStore
from tests.integration.api_fixtures import assert_problem, assert_ui_error, running_app, seed_zip

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
NEO4J_WITH_PASSWORD = "neo4j://u:secret@127.0.0.1:1"
ZIP = {"Content-Type": "application/zip"}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("security")) as e:
        yield e


def _secret(token: str) -> str:
    return token.split("_", 2)[2]


# --- 1. API keys -----------------------------------------------------------------------


def test_keys_are_stored_only_as_a_hash_and_shown_once(env, tmp_path):
    response = env.admin("POST", "/keys", json={"role": "manager", "name": "hash check"})
    assert response.status_code == 201
    token = response.json()["token"]
    secret = _secret(token)
    assert len(secret) >= 40  # token_urlsafe(32): 256 random bits

    stored = env.store.get_api_key(response.json()["id"])
    assert stored.hash == hashlib.sha256(secret.encode()).hexdigest()
    rows = json.dumps([k.model_dump(mode="json") for k in env.store.api_keys()])
    assert secret not in rows and token not in rows
    # shown once: never again by the API (list, export), nor its hash
    for path in ("/keys", "/export"):
        body = env.admin("GET", path).text
        assert secret not in body and stored.hash not in body, path
    # and not in the store's files either (database and write-ahead log)
    for path in Path(env.store.path).parent.glob(Path(env.store.path).name + "*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_keys_are_compared_in_constant_time(env, monkeypatch):
    token = env.tokens["admin"]
    secret = _secret(token)
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")  # same length, last character wrong
    wrong = token[: -len(secret)] + flipped
    assert len(wrong) == len(token)

    calls = []
    real = access.hmac.compare_digest
    monkeypatch.setattr(access.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert access.authenticate(env.store, wrong) is None
    assert access.authenticate(env.store, token) is not None
    assert len(calls) == 2  # both went through compare_digest, of the hashes
    assert all(len(a) == len(b) == 64 for a, b in calls)
    assert "hmac.compare_digest" in inspect.getsource(access.authenticate)

    assert_problem(env.client.get("/accounts", headers={"Authorization": f"Bearer {wrong}"}), 401)
    assert env.client.get("/accounts", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- 2. no secrets in logs, error bodies or messages ------------------------------------------


def test_no_key_in_logs_or_error_bodies(env, caplog):
    caplog.set_level(logging.DEBUG)
    token = env.tokens["admin"]
    secret = _secret(token)
    wrong = token[:-4] + "AAAA"
    revoked = env.tokens["revoked"]
    bodies = []
    for auth in (token, wrong, revoked, "gcrm_" + "x" * 300, f"gcrm_nosuchid00_{secret}"):
        headers = {"Authorization": f"Bearer {auth}"}
        for method, path in (("GET", "/accounts"), ("GET", "/accounts/nope"), ("PUT", "/accounts/x"),
                             ("GET", "/keys"), ("GET", "/bids/nope/graph"), ("POST", "/import")):
            bodies.append(env.client.request(method, path, headers=headers, content=b"{"))
        bodies.append(env.client.get("/ui/", headers={"Cookie": f"graphcrm_key={auth}"}))
    for key in (wrong, token):
        bodies.append(env.client.post("/ui/login", data={"key": key}, headers={"Origin": "http://testserver"}))
    env.client.cookies.clear()
    everything = caplog.text + "".join(r.text + str(r.headers.get("location")) for r in bodies)
    for leak in (secret, _secret(wrong), _secret(revoked)):
        assert leak not in everything


def test_store_urls_are_shown_without_their_password():
    assert describe("neo4j://u:secret@db.example:7687") == "neo4j://u:***@db.example:7687"
    assert describe("bolt://neo4j:p%40ss@h") == "bolt://neo4j:***@h"
    assert describe("ladybug://./x.lbug") == "ladybug://./x.lbug"


def test_no_database_password_in_errors_or_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app = create_app(Settings(db=NEO4J_WITH_PASSWORD))
    with pytest.raises(StoreError) as failed:
        with TestClient(app):
            pass
    assert "secret" not in str(failed.value) and "secret" not in caplog.text

    for args in (["risks"], ["serve", "--port", "1"]):
        done = subprocess.run([str(GRAPHCRM), "--db", NEO4J_WITH_PASSWORD, *args], capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)
        assert done.returncode != 0
        output = done.stdout + done.stderr
        assert "Neo4j" in output or "neo4j" in output, output[-500:]
        assert "secret" not in output, output


# --- 3. security headers --------------------------------------------------------------------

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}


@pytest.mark.parametrize("method, path, auth, status", [
    ("GET", "/accounts", True, 200),
    ("GET", "/accounts/nope", True, 404),
    ("GET", "/accounts", False, 401),
    ("GET", "/accounts?limit=x", True, 422),
    ("GET", "/openapi.json", False, 200),
    ("GET", "/ui/login", False, 200),
    ("GET", "/ui/", True, 200),
    ("GET", "/ui/accounts/acc-jnm", True, 200),
    ("GET", "/docs", False, 200),
    ("GET", "/", False, 307),
    ("DELETE", "/", False, 405),
])
def test_every_response_has_security_headers(env, method, path, auth, status):
    headers = {**env.headers("admin"), "Cookie": f"graphcrm_key={env.tokens['admin']}"} if auth else {}
    response = env.client.request(method, path, headers=headers, follow_redirects=False)
    assert response.status_code == status
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    assert response.headers["x-frame-options"] == "DENY"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    if response.headers.get("content-type", "").startswith("text/html") and not path.startswith("/docs"):
        script_src = next(d.strip() for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script_src == "script-src 'self'", script_src  # the UI's own file, nothing inline
        assert "form-action 'self'" in csp and "frame-src 'self'" in csp


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_another_site(env, path):
    """Swagger UI and ReDoc are served from the package: the page names no remote
    URL, its own scripts and styles answer, and its CSP allows nothing remote."""
    import re

    page = env.client.get(path)
    assert page.status_code == 200
    assert "content-security-policy" in page.headers and "https:" not in page.headers["content-security-policy"]
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'""", page.text)
    assert urls
    for url in (a or b for a, b in urls):
        assert not re.match(r"(?i)(https?:)?//", url), url
        if url.endswith((".js", ".css", ".png")):
            assert env.client.get(url).status_code == 200, url


def test_an_internal_error_has_security_headers_too(env, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(type(env.store), "page", broken)
    response = env.admin("GET", "/accounts")
    assert_problem(response, 500)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/bids/bid-jnm-5g-core-2026/graph", "/accounts/acc-jnm/graph", "/portfolio/graph"])
def test_graph_pages_allow_exactly_their_own_scripts(env, path):
    response = env.admin("GET", path)
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "SAMEORIGIN"  # the web UI frames them
    csp = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'none'"] and directives["frame-ancestors"] == ["'self'"]
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    assert len(scripts) == 2  # vis-network, then the page's own
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
    assert set(directives["script-src"]) == hashes  # no 'unsafe-inline', no origin, no other script
    for header, value in COMMON.items():
        assert response.headers[header] == value


def test_a_script_injected_into_a_graph_page_is_not_allowed(env):
    html = env.admin("GET", "/accounts/acc-jnm/graph").text
    injected = html.replace("<header>", "<header><script>alert(1)</script>", 1)
    evil = "'sha256-" + base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode() + "'"
    assert evil not in graph_csp(injected)
    assert graph_csp(injected) == graph_csp(html)


# --- 4. the sign-in cookie ------------------------------------------------------------------


def _sign_in(env, base: str = "http://testserver", **headers):
    response = env.client.post(f"{base}/ui/login", data={"key": env.tokens["admin"]},
                               headers={"Origin": base, **headers}, follow_redirects=False)
    env.client.cookies.clear()
    assert response.status_code == 303, response.text
    return response.headers["set-cookie"].lower()


def test_cookie_is_httponly_strict_and_not_secure_over_http(env):
    cookie = _sign_in(env)
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie
    # a client's X-Forwarded-Proto is not believed unless the deployer says so
    assert "secure" not in _sign_in(env, **{"X-Forwarded-Proto": "https"})


def test_cookie_is_secure_over_https_and_behind_a_trusted_proxy(env, monkeypatch):
    cookie = _sign_in(env, base="https://testserver")
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    monkeypatch.setattr(env.app.state.settings, "trust_proxy", True)
    assert "secure" in _sign_in(env, **{"X-Forwarded-Proto": "https"})
    assert "secure" not in _sign_in(env, **{"X-Forwarded-Proto": "http"})


def test_trust_proxy_is_a_setting(monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TRUST_PROXY", "true")
    assert Settings().trust_proxy is True
    monkeypatch.delenv("GRAPHCRM_TRUST_PROXY")
    assert Settings().trust_proxy is False


# --- 5. CSRF ----------------------------------------------------------------------------------

CROSS_SITE = [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.evil.example"},
    {"Referer": "http://evil.example/page"},
    {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"},
]


@pytest.mark.parametrize("headers", CROSS_SITE, ids=lambda h: " ".join(f"{k}={v}" for k, v in h.items()))
def test_cross_site_form_posts_are_refused(env, headers):
    response = env.client.post("/ui/login", data={"key": env.tokens["admin"]}, headers=headers,
                               follow_redirects=False)
    assert_ui_error(response, 403)
    assert "set-cookie" not in response.headers
    response = env.client.post("/ui/logout", headers={**headers, "Cookie": f"graphcrm_key={env.tokens['admin']}"},
                               follow_redirects=False)
    assert_ui_error(response, 403)
    assert "set-cookie" not in response.headers  # the cookie was not cleared


@pytest.mark.parametrize("headers", [
    {"Origin": "http://testserver"},
    {"Referer": "http://testserver/ui/login"},
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
], ids=["origin", "referer", "fetch-metadata"])
def test_same_origin_forms_still_work(env, headers):
    response = env.client.post("/ui/login", data={"key": env.tokens["admin"]}, headers=headers,
                               follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/"
    env.client.cookies.clear()
    response = env.client.post("/ui/logout", headers=headers, follow_redirects=False)
    assert response.status_code == 303 and "graphcrm_key=" in response.headers["set-cookie"]


def test_cookie_authorised_changes_must_come_from_this_site(env):
    cookie = {"Cookie": f"graphcrm_key={env.tokens['admin']}"}
    body = {"id": "acc-csrf", "name": "CSRF", "tier": "C"}
    try:
        response = env.client.put("/accounts/acc-csrf", json=body, headers={**cookie, "Origin": "http://evil.example"})
        assert_problem(response, 403)
        assert env.store.get(Account, "acc-csrf") is None
        # the same change from this site, or with the key in the Authorization header, is fine
        assert env.client.put("/accounts/acc-csrf", json=body,
                              headers={**cookie, "Origin": "http://testserver"}).status_code == 200
        assert env.client.put("/accounts/acc-csrf", json=body,
                              headers={**env.headers("admin"), "Origin": "http://evil.example"}).status_code == 200
        # reads by cookie are not affected
        response = env.client.get("/accounts/acc-csrf", headers={**cookie, "Origin": "http://evil.example"})
        assert response.status_code == 200
    finally:
        env.client.cookies.clear()
        env.store.delete(Account, ("acc-csrf",))


# --- 6. no Cypher from user strings -----------------------------------------------------------

PAYLOADS = ["x' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "$id",
            "acc-jnm' }) RETURN 1 UNION MATCH (n) RETURN n //", '"; MATCH (n) DETACH DELETE n; //', "`x`) DETACH DELETE n //"]
CONTROL = {"BEGIN TRANSACTION", "COMMIT", "ROLLBACK"}


def _known_statements() -> set[str]:
    known = set(CONTROL)
    for path in CYPHER_DIR.rglob("*.cypher"):
        known |= set(split_statements(path.read_text(encoding="utf-8")))
    return known


def _requests(app) -> list[tuple[str, str, dict]]:
    """Every operation of the OpenAPI schema (and the web UI's pages) with each payload
    in every path parameter and in every string query parameter."""
    calls = []
    for template, operations in app.openapi()["paths"].items():
        for method, op in operations.items():
            params = op.get("parameters", [])
            queries = [p["name"] for p in params if p["in"] == "query"
                       and "string" in json.dumps(p["schema"]) and "date" not in json.dumps(p["schema"])]
            for payload in PAYLOADS:
                path = re.sub(r"\{[^}]+\}", quote(payload, safe=""), template)
                calls.append((method.upper(), path, {}))
                for name in queries:
                    calls.append((method.upper(), path, {name: payload}))
                if queries:
                    calls.append((method.upper(), path, {name: payload for name in queries}))
    for payload in PAYLOADS:
        for page in ("/ui/accounts/{}", "/ui/bids/{}", "/ui/reps/{}"):
            calls.append(("GET", page.format(quote(payload, safe="")), {}))
    return calls


def test_every_statement_run_comes_from_the_cypher_files(env, monkeypatch):
    known = _known_statements()
    ran: list[str] = []
    real = LadybugStore._run

    def recording(self, statement, params):
        ran.append(statement)
        return real(self, statement, params)

    monkeypatch.setattr(LadybugStore, "_run", recording)
    before = env.store.counts()
    cookie = {"Cookie": f"graphcrm_key={env.tokens['admin']}", "Origin": "http://testserver"}
    # read-only first: GETs, and DELETEs / imports of things that do not exist or are invalid
    statuses = set()
    for method, path, query in _requests(env.app):
        if method in ("PUT", "POST"):
            continue
        headers = {**env.headers("admin"), **cookie}
        response = env.client.request(method, path, params=query, headers=headers, follow_redirects=False)
        statuses.add(response.status_code)
        assert response.status_code < 500, (method, path, query, response.text[:300])
    env.client.cookies.clear()
    assert env.store.counts() == before
    assert 200 in statuses and 404 in statuses  # the payloads reached the store
    reads = len(ran)
    assert reads > 100

    # writes with the payloads as data: ids (those without "/", which ids may not hold), names, filters
    ids = [p for p in PAYLOADS if "/" not in p] + ["...", "$rows", "{id}"]
    for payload in ids:
        response = env.admin("PUT", f"/accounts/{quote(payload, safe='')}",
                             json={"id": payload, "name": payload, "tier": "C", "industry": payload})
        assert response.status_code == 200, response.text
        assert env.admin("GET", f"/accounts/{quote(payload, safe='')}").json()["name"] == payload
        assert env.admin("DELETE", f"/accounts/{quote(payload, safe='')}").status_code == 204
    for payload in PAYLOADS:
        assert env.admin("POST", "/keys", json={"role": "manager", "name": payload}).status_code == 201
    doc = {"accounts": [{"id": f"acc-{i}", "name": p, "tier": "C", "industry": p} for i, p in enumerate(PAYLOADS)]}
    assert env.admin("POST", "/import", params={"dry_run": "true"}, json=doc).status_code == 200
    assert len(ran) > reads

    unknown = sorted({s for s in ran if s not in known})
    assert unknown == [], unknown[:3]
    telltales = [p for p in PAYLOADS if not any(p in k for k in known)]  # "$id" is a real parameter
    assert len(telltales) == len(PAYLOADS) - 1
    for statement in set(ran):
        assert not any(p in statement for p in telltales), statement
    counts = env.store.counts()
    assert {k: v for k, v in counts.items() if k != "api_keys"} == \
           {k: v for k, v in before.items() if k != "api_keys"}


# --- 7. path traversal -----------------------------------------------------------------------

ESCAPES = ["../x.csv", "../../accounts.csv", "/etc/accounts.csv", "..\\..\\accounts.csv", "a/../../accounts.csv"]


@pytest.mark.parametrize("member", ESCAPES)
def test_zip_members_are_confined_to_a_scratch_directory(tmp_path, member):
    with running_app(tmp_path, seeds=False) as env:
        before = env.store.counts()
        target = tmp_path / "out" / "deep"
        target.mkdir(parents=True)
        rows = b"id,name,tier\nacc-zip,Zipped,C\n"
        name = member if not member.startswith("/") else str(target / "accounts.csv")
        relative = "../" * 12 + str(target / "accounts.csv").lstrip("/")
        for candidate in (name, relative):
            response = env.admin("POST", "/import", content=seed_zip({candidate: rows}, seeds=False), headers=ZIP)
            if response.status_code == 200:
                # read under its base name inside a scratch directory, never from the archive's path
                assert PurePosixPath(candidate).name == "accounts.csv"
            else:
                assert "not an import file" in json.dumps(assert_problem(response, 422))
            assert not (target / "accounts.csv").exists()
            assert not (target / Path(candidate.replace("\\", "/")).name).exists()
        assert not list((tmp_path / "out").rglob("*.csv"))
        assert set(p.name for p in tmp_path.iterdir()) <= {"s.lbug", "s.lbug.wal", "out", "s.lbug.shadow"}
        assert env.store.counts()["accounts"] in (before["accounts"], before["accounts"] + 1)


def _cli(*args: str):
    result = CliRunner().invoke(cli_app, list(args))
    return result.exit_code, result.output + (str(result.exception) if result.exception else "")


def test_cli_load_reads_only_the_import_files_of_the_directory(tmp_path):
    db = f"ladybug://{tmp_path / 'c.lbug'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,name,tier\n..x,../../etc/shadow,C\n", encoding="utf-8")
    (folder / "evil.csv").write_text("id\n1\n", encoding="utf-8")
    code, output = _cli("--db", db, "load", str(folder))
    assert code != 0 and "evil.csv" in output and "not an import file" in output
    (folder / "evil.csv").unlink()
    assert _cli("--db", db, "load", str(folder))[0] == 0  # traversal-looking strings are just data
    # a JSON document cannot name files: unknown keys are refused
    doc = tmp_path / "in.json"
    doc.write_text(json.dumps({"../../accounts": [{"id": "a", "name": "a", "tier": "C"}]}), encoding="utf-8")
    code, output = _cli("--db", db, "load", str(doc))
    assert code != 0 and "is not a list of the import format" in output
    assert {p.name for p in tmp_path.iterdir()} <= {"in", "in.json", "c.lbug", "c.lbug.wal"}
    assert [p.name for p in folder.iterdir()] == ["accounts.csv"]


def test_cli_export_writes_only_the_import_files_inside_the_target(tmp_path):
    db = f"ladybug://{tmp_path / 'c.lbug'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,name,tier\n...,../../../escape.csv,C\n", encoding="utf-8")
    assert _cli("--db", db, "load", str(folder))[0] == 0
    before = {p for p in tmp_path.rglob("*")}
    assert _cli("--db", db, "export", str(tmp_path / "out" / "csv"))[0] == 0
    assert _cli("--db", db, "export", "--format", "json", str(tmp_path / "out" / "json"))[0] == 0
    written = {p for p in tmp_path.rglob("*")} - before
    files = {p.relative_to(tmp_path).as_posix() for p in written if p.is_file() and not p.name.startswith("c.lbug")}
    assert files == {f"out/csv/{name}" for name in FILES} | {"out/json/graphcrm.json"}
    assert "../../../escape.csv" in (tmp_path / "out" / "csv" / "accounts.csv").read_text(encoding="utf-8")


def _form_token(env, path: str) -> str:
    import re

    page = env.client.get(path, headers={"Cookie": f"graphcrm_key={env.tokens['admin']}"})
    return re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("headers", CROSS_SITE, ids=lambda h: " ".join(f"{k}={v}" for k, v in h.items()))
def test_a_form_post_from_another_site_is_refused_even_with_the_token(env, headers):
    """The cookie alone never suffices: a change needs this site's page (Origin /
    Sec-Fetch-Site) and its token."""
    token = _form_token(env, "/ui/edit/contacts/c-mzp-006")
    cookie = {"Cookie": f"graphcrm_key={env.tokens['admin']}"}
    before = env.admin("GET", "/contacts/c-mzp-006").json()
    response = env.client.post("/ui/edit/contacts/c-mzp-006", data={"_csrf": token, "title": "Pwned"},
                               headers={**cookie, **headers}, follow_redirects=False)
    assert "cross-site" in assert_ui_error(response, 403)
    assert env.admin("GET", "/contacts/c-mzp-006").json() == before


def test_a_form_post_needs_the_token_of_the_signed_in_browser(env):
    cookie = {"Cookie": f"graphcrm_key={env.tokens['admin']}"}
    before = env.admin("GET", "/contacts/c-mzp-006").json()
    for data in ({"title": "No token"}, {"title": "Wrong token", "_csrf": "0" * 64},
                 {"title": "Another key's token", "_csrf": _form_token(env, "/ui/new/units?account_id=acc-mzp")
                  .translate(str.maketrans("0123456789abcdef", "123456789abcdef0"))}):
        response = env.client.post("/ui/edit/contacts/c-mzp-006", data=data, headers=cookie, follow_redirects=False)
        assert "out of date" in assert_ui_error(response, 403)
    assert env.admin("GET", "/contacts/c-mzp-006").json() == before
    token = _form_token(env, "/ui/edit/contacts/c-mzp-006")
    ok = env.client.post("/ui/edit/contacts/c-mzp-006", data={"_csrf": token, "title": "Signed-in change"},
                         headers={**cookie, "Origin": "http://testserver"}, follow_redirects=False)
    assert ok.status_code == 303, ok.text[:300]
    changed = env.admin("GET", "/contacts/c-mzp-006").json()
    assert changed == {**before, "title": "Signed-in change"}
    entry = env.admin("GET", "/audit", params={"kind": "contact", "key": "c-mzp-006", "limit": 1}).json()["data"][0]
    assert (entry["actor"], entry["via"]) == ("key:test admin", "ui form")
