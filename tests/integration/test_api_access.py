"""Who may call what over HTTP (issue 4): an explicit access matrix of every route ×
every kind of caller, and a member probing the accounts of other teams.

admin: everything. manager: reads everything, writes nothing (403). member (bound to
rep-feng-bo, whose only team is acc-mzp — seeds/account_team.csv): reads and writes
only acc-mzp; anything else answers 404 exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt

import csv
from typing import Any

import pytest

from graphcrm.access import create_key
from graphcrm.model import (
    Account,
    Activity,
    Agreement,
    Bid,
    BidRole,
    Contact,
    Feedback,
    Influence,
    Plan,
    Relationship,
    Rep,
    TeamMember,
    Unit,
)
from tests.integration.api_fixtures import (
    AS_OF,
    MEMBER_ACCOUNT,
    MEMBER_REP,
    ROLES,
    SEEDS,
    assert_no_trace,
    assert_problem,
    running_app,
)

try:  # FastAPI ≥ 0.16x includes routers lazily; this flattens them
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI: app.routes is already flat
    def iter_route_contexts(routes):
        return routes


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Seeded app for reads and for writes that must be refused (nothing changes)."""
    with running_app(tmp_path_factory.mktemp("access_ro")) as e:
        yield e


@pytest.fixture(scope="module")
def wenv(tmp_path_factory):
    """Seeded app for the write cells of the matrix (they change things)."""
    with running_app(tmp_path_factory.mktemp("access_rw")) as e:
        yield e


# --- the matrix -------------------------------------------------------------------

ANY = (403, 404)  # a member touching a rep: forbidden, or invisible
SEE_LOGIN = 303  # the web UI sends a caller without a valid cookie to /ui/login
# method, route, anonymous (no key, a revoked key, a malformed one), admin, manager, member.
# The web UI (/ui/…) authenticates by the graphcrm_key cookie, the rest by the Bearer header.
MATRIX: list[tuple[str, str, Any, Any, Any, Any]] = [
    ("GET", "/openapi.json", 200, 200, 200, 200),
    ("GET", "/docs", 200, 200, 200, 200),
    ("GET", "/docs/oauth2-redirect", 200, 200, 200, 200),
    ("GET", "/redoc", 200, 200, 200, 200),
    ("GET", "/accounts", 401, 200, 200, 200),
    ("GET", "/accounts/{id}", 401, 200, 200, 200),
    ("POST", "/accounts", 401, 201, 403, 403),  # accounts and their teams are admin business
    ("PUT", "/accounts/{id}", 401, 200, 403, 200),
    ("DELETE", "/accounts/{id}", 401, 204, 403, 403),
    ("GET", "/units", 401, 200, 200, 200),
    ("GET", "/units/{id}", 401, 200, 200, 200),
    ("POST", "/units", 401, 201, 403, 201),
    ("PUT", "/units/{id}", 401, 200, 403, 200),
    ("DELETE", "/units/{id}", 401, 204, 403, 204),
    ("GET", "/contacts", 401, 200, 200, 200),
    ("GET", "/contacts/{id}", 401, 200, 200, 200),
    ("POST", "/contacts", 401, 201, 403, 201),
    ("PUT", "/contacts/{id}", 401, 200, 403, 200),
    ("DELETE", "/contacts/{id}", 401, 204, 403, 204),
    ("GET", "/reps", 401, 200, 200, 200),
    ("GET", "/reps/{id}", 401, 200, 200, 200),
    ("POST", "/reps", 401, 201, 403, 403),
    ("PUT", "/reps/{id}", 401, 200, 403, ANY),
    ("DELETE", "/reps/{id}", 401, 204, 403, ANY),
    ("GET", "/bids", 401, 200, 200, 200),
    ("GET", "/bids/{id}", 401, 200, 200, 200),
    ("POST", "/bids", 401, 201, 403, 201),
    ("PUT", "/bids/{id}", 401, 200, 403, 200),
    ("DELETE", "/bids/{id}", 401, 204, 403, 204),
    ("GET", "/activities", 401, 200, 200, 200),
    ("GET", "/activities/{id}", 401, 200, 200, 200),
    ("POST", "/activities", 401, 201, 403, 201),
    ("PUT", "/activities/{id}", 401, 200, 403, 200),
    ("DELETE", "/activities/{id}", 401, 204, 403, 204),
    ("GET", "/agreements", 401, 200, 200, 200),
    ("GET", "/agreements/{id}", 401, 200, 200, 200),
    ("POST", "/agreements", 401, 201, 403, 201),
    ("PUT", "/agreements/{id}", 401, 200, 403, 200),
    ("DELETE", "/agreements/{id}", 401, 204, 403, 204),
    ("GET", "/team-members", 401, 200, 200, 200),
    ("GET", "/team-members/{account_id}/{rep_id}", 401, 200, 200, 200),
    ("PUT", "/team-members/{account_id}/{rep_id}", 401, 200, 403, 403),
    ("DELETE", "/team-members/{account_id}/{rep_id}", 401, 204, 403, 403),
    ("GET", "/relationships", 401, 200, 200, 200),
    ("GET", "/relationships/{rep_id}/{contact_id}", 401, 200, 200, 200),
    ("PUT", "/relationships/{rep_id}/{contact_id}", 401, 200, 403, 200),
    ("DELETE", "/relationships/{rep_id}/{contact_id}", 401, 204, 403, 204),
    ("GET", "/influences", 401, 200, 200, 200),
    ("GET", "/influences/{source_id}/{target_id}", 401, 200, 200, 200),
    ("PUT", "/influences/{source_id}/{target_id}", 401, 200, 403, 200),
    ("DELETE", "/influences/{source_id}/{target_id}", 401, 204, 403, 204),
    ("GET", "/bid-roles", 401, 200, 200, 200),
    ("GET", "/bid-roles/{bid_id}/{contact_id}", 401, 200, 200, 200),
    ("PUT", "/bid-roles/{bid_id}/{contact_id}", 401, 200, 403, 200),
    ("DELETE", "/bid-roles/{bid_id}/{contact_id}", 401, 204, 403, 204),
    ("GET", "/plans", 401, 200, 200, 200),
    ("GET", "/plans/{id}", 401, 200, 200, 200),
    ("POST", "/plans", 401, 201, 403, 201),
    ("PUT", "/plans/{id}", 401, 200, 403, 200),
    ("DELETE", "/plans/{id}", 401, 204, 403, 204),
    ("GET", "/feedback", 401, 200, 200, 200),
    ("GET", "/feedback/{id}", 401, 200, 200, 200),
    ("POST", "/feedback", 401, 201, 403, 201),
    ("PUT", "/feedback/{id}", 401, 200, 403, 200),
    ("DELETE", "/feedback/{id}", 401, 204, 403, 204),
    ("GET", "/reps/{id}/handover", 401, 200, 200, 200),
    ("GET", "/portfolio/plans", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/plans", 401, 200, 200, 200),
    ("POST", "/accounts/{id}/gap-plans", 401, 201, 403, 201),
    ("GET", "/portfolio/cadence", 401, 200, 200, 200),
    ("GET", "/portfolio/completeness", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/completeness", 401, 200, 200, 200),
    ("GET", "/portfolio/measures", 401, 200, 200, 200),
    ("GET", "/bids/{id}/coverage", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/gaps", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/influence", 401, 200, 200, 200),
    ("GET", "/portfolio/risks", 401, 200, 200, 200),
    ("GET", "/reps/{id}/departure", 401, 200, 200, 200),
    ("GET", "/contacts/{id}/warm-paths", 401, 200, 200, 200),
    ("GET", "/bids/{id}/graph", 401, 200, 200, 200),
    ("GET", "/bids/{id}/review.{format}", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/graph", 401, 200, 200, 200),
    ("GET", "/portfolio/graph", 401, 200, 200, 200),
    ("GET", "/changes", 401, 200, 200, 200),
    ("GET", "/stale-soon", 401, 200, 200, 200),
    ("GET", "/accounts/{id}/trend", 401, 200, 200, 200),
    ("GET", "/bids/{id}/trend", 401, 200, 200, 200),
    ("GET", "/portfolio/trend", 401, 200, 200, 200),
    ("GET", "/results", 401, 200, 200, 200),
    ("GET", "/digest", 401, 200, 200, 200),
    ("POST", "/import", 401, 200, 403, 403),
    ("GET", "/export", 401, 200, 200, 403),
    ("GET", "/audit", 401, 200, 200, 200),
    ("GET", "/keys", 401, 200, 403, 403),
    ("POST", "/keys", 401, 201, 403, 403),
    ("DELETE", "/keys/{id}", 401, 200, 403, 403),
    ("GET", "/", 307, 307, 307, 307),
    ("GET", "/ui/login", 200, 200, 200, 200),
    ("POST", "/ui/login", (200, 422), 303, 303, 303),  # a bad key: the form again (or 422 without one)
    ("POST", "/ui/logout", 303, 303, 303, 303),
    ("GET", "/ui/", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/accounts/{id}", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/bids/{id}", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/reps/{id}", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/contacts/{id}", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/accounts/{id}/trend", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/bids/{id}/trend", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/portfolio/trend", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/search", SEE_LOGIN, 200, 200, 200),
    ("GET", "/ui/static/ui.js", 200, 200, 200, 200),
    # the forms: a manager changes nothing; a member's own account (acc-mzp)
    ("GET", "/ui/new/{resource}", SEE_LOGIN, 200, 403, 200),
    ("GET", "/ui/edit/{resource}/{k1}", SEE_LOGIN, 200, 403, 200),
    ("GET", "/ui/edit/{resource}/{k1}/{k2}", SEE_LOGIN, 200, 403, 200),
    # posts without the page's anti-CSRF token (test_web_forms.py posts with it)
    ("POST", "/ui/new/{resource}", SEE_LOGIN, 403, 403, 403),
    ("POST", "/ui/edit/{resource}/{k1}", SEE_LOGIN, 403, 403, 403),
    ("POST", "/ui/edit/{resource}/{k1}/{k2}", SEE_LOGIN, 403, 403, 403),
    ("POST", "/ui/delete/{resource}/{k1}", SEE_LOGIN, 403, 403, 403),
    ("POST", "/ui/delete/{resource}/{k1}/{k2}", SEE_LOGIN, 403, 403, 403),
]
# PATCH follows PUT's rules exactly
MATRIX += [("PATCH", *row[1:]) for row in MATRIX if row[0] == "PUT"]


def expected(row, role: str) -> set[int]:
    anonymous, admin, manager, member = row[2:]
    cell = {"admin": admin, "manager": manager, "member": member}.get(role, anonymous)
    return set(cell) if isinstance(cell, tuple) else {cell}


CELLS = [pytest.param(row, role, id=f"{row[0]} {row[1]} as {role}") for row in MATRIX for role in ROLES]

# The member's own records (acc-mzp), used for every role so that every cell asks
# the same question; other teams' records are probed further down.
OWN = {
    "accounts": "acc-mzp", "units": "unit-mzp-it", "contacts": "c-mzp-001", "reps": MEMBER_REP,
    "bids": "bid-mzp-terminal-wifi-2026", "activities": "act-0026", "agreements": "agr-mzp-fw-2026",
    "team-members": "acc-mzp/rep-feng-bo", "relationships": "rep-feng-bo/c-mzp-001",
    "influences": "c-mzp-002/c-mzp-001", "bid-roles": "bid-mzp-terminal-wifi-2026/c-mzp-001",
    "plans": "plan-mzp-vp-stance", "feedback": "fb-mzp-wifi",
}
ANALYSES = {
    "/bids/{id}/coverage": "/bids/bid-mzp-terminal-wifi-2026/coverage",
    "/bids/{id}/graph": "/bids/bid-mzp-terminal-wifi-2026/graph",
    "/bids/{id}/review.{format}": "/bids/bid-mzp-terminal-wifi-2026/review.xlsx",  # the PDF is the same route
    "/accounts/{id}/graph": "/accounts/acc-mzp/graph",
    "/portfolio/graph": "/portfolio/graph",
    "/ui/": "/ui/",
    "/ui/accounts/{id}": "/ui/accounts/acc-mzp",
    "/ui/bids/{id}": "/ui/bids/bid-mzp-terminal-wifi-2026",
    "/ui/reps/{id}": f"/ui/reps/{MEMBER_REP}",
    "/ui/contacts/{id}": "/ui/contacts/c-mzp-001",
    "/ui/accounts/{id}/trend": "/ui/accounts/acc-mzp/trend",
    "/ui/bids/{id}/trend": "/ui/bids/bid-mzp-terminal-wifi-2026/trend",
    "/ui/portfolio/trend": "/ui/portfolio/trend",
    "/ui/search": "/ui/search?q=mzp",
    "/ui/new/{resource}": "/ui/new/contacts?account_id=acc-mzp",
    "/ui/edit/{resource}/{k1}": "/ui/edit/contacts/c-mzp-001",
    "/ui/edit/{resource}/{k1}/{k2}": "/ui/edit/relationships/rep-feng-bo/c-mzp-001",
    "/ui/delete/{resource}/{k1}": "/ui/delete/contacts/c-mzp-001",
    "/ui/delete/{resource}/{k1}/{k2}": "/ui/delete/relationships/rep-feng-bo/c-mzp-001",
    "/accounts/{id}/gaps": "/accounts/acc-mzp/gaps",
    "/accounts/{id}/influence": "/accounts/acc-mzp/influence",
    "/portfolio/risks": "/portfolio/risks",
    "/reps/{id}/departure": f"/reps/{MEMBER_REP}/departure",
    "/contacts/{id}/warm-paths": "/contacts/c-mzp-001/warm-paths",
    "/changes": "/changes",
    "/stale-soon": "/stale-soon",
    "/accounts/{id}/trend": "/accounts/acc-mzp/trend",
    "/bids/{id}/trend": "/bids/bid-mzp-terminal-wifi-2026/trend",
    "/portfolio/trend": "/portfolio/trend",
    "/results": "/results",
    "/digest": "/digest",
    "/reps/{id}/handover": f"/reps/{MEMBER_REP}/handover",
    "/portfolio/plans": "/portfolio/plans",
    "/accounts/{id}/plans": "/accounts/acc-mzp/plans",
    "/portfolio/cadence": "/portfolio/cadence",
    "/portfolio/completeness": "/portfolio/completeness",
    "/accounts/{id}/completeness": "/accounts/acc-mzp/completeness",
    "/portfolio/measures": "/portfolio/measures",
}
QUERY = {"/changes": {"since": dt.date.today().isoformat()}}
"""Parameters a route needs besides as_of (the store's history begins today: changes since today)."""
MODELS = {
    "accounts": Account, "units": Unit, "contacts": Contact, "reps": Rep, "bids": Bid, "activities": Activity,
    "agreements": Agreement, "team-members": TeamMember, "relationships": Relationship,
    "influences": Influence, "bid-roles": BidRole, "plans": Plan, "feedback": Feedback,
}
# A change per resource, so that a refused PUT can be seen to have changed nothing.
TWEAK = {
    "accounts": ("industry", "ports & logistics"), "units": ("region", "Mingzhou North"),
    "contacts": ("title", "President (tweaked)"), "reps": ("email", "tweaked@ourco.example"),
    "bids": ("value", 8700000), "activities": ("summary", "tweaked summary"),
    "agreements": ("expires", "2027-06-30"), "team-members": ("role", "lead account_manager"),
    "relationships": ("depth", 2), "influences": ("strength", 0.75), "bid-roles": ("stance", 1),
    "plans": ("due", "2027-02-28"), "feedback": ("summary", "tweaked summary"),
}


PUBLIC_PAGES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/", "/ui/login", "/ui/logout",
                "/ui/static/ui.js"}


def app_routes(app) -> set[tuple[str, str]]:
    """Every (method, path) the app answers; a route without methods (a mount) as ANY."""
    found = set()
    for route in iter_route_contexts(app.routes):
        methods = getattr(route, "methods", None) or {"ANY"}
        found |= {(m, route.path) for m in methods if m != "HEAD"}
    return found


PUBLIC_MOUNTS = {("ANY", "/static-offline-docs")}
"""Static files anyone may fetch: Swagger UI and ReDoc for /docs and /redoc
(test_security.py::test_api_docs_load_nothing_from_another_site fetches them anonymously)."""


def test_every_route_has_an_access_rule(env):
    table = {(m, p) for m, p, *_ in MATRIX}
    assert len(table) == len(MATRIX), "a route appears twice in MATRIX"
    assert app_routes(env.app) == table | PUBLIC_MOUNTS


def _resource(route: str) -> str:
    return route.split("/")[1]


def _own_path(route: str) -> str:
    if route in ANALYSES:
        return ANALYSES[route]
    if route in PUBLIC_PAGES:
        return route
    prefix = _resource(route)
    return f"/{prefix}/{OWN[prefix]}" if "{" in route else f"/{prefix}"


def _throwaway(store, prefix: str, tag: str):
    """Create a record of acc-mzp (or a new account on the member's team) to delete."""
    c = Contact(id=f"c-tmp-{tag}", account_id=MEMBER_ACCOUNT, name="Throwaway")
    r = Rep(id=f"rep-tmp-{tag}", name="Throwaway")
    made = {
        "accounts": [Account(id=f"acc-tmp-{tag}", name="Throwaway", tier="C"),
                     TeamMember(account_id=f"acc-tmp-{tag}", rep_id=MEMBER_REP)],
        "units": [Unit(id=f"unit-tmp-{tag}", account_id=MEMBER_ACCOUNT, name="Throwaway", kind="department")],
        "contacts": [c],
        "reps": [r],
        "bids": [Bid(id=f"bid-tmp-{tag}", account_id=MEMBER_ACCOUNT, name="Throwaway", stage="lead")],
        "activities": [Activity(id=f"act-tmp-{tag}", date="2026-01-05", kind="call", account_id=MEMBER_ACCOUNT)],
        "agreements": [Agreement(id=f"agr-tmp-{tag}", account_id=MEMBER_ACCOUNT, kind="framework")],
        "team-members": [r, TeamMember(account_id=MEMBER_ACCOUNT, rep_id=r.id)],
        "relationships": [c, Relationship(rep_id="rep-ma-lin", contact_id=c.id, depth=1)],
        "influences": [c, Influence(source_id=c.id, target_id="c-mzp-001", strength=0.3)],
        "bid-roles": [c, BidRole(bid_id="bid-mzp-terminal-wifi-2026", contact_id=c.id, role="user")],
        "plans": [Plan(id=f"plan-tmp-{tag}", account_id=MEMBER_ACCOUNT, layer="key", owner_rep_id=MEMBER_REP,
                       goal="agreement", target="framework", created="2026-01-05", due="2026-02-05")],
        "feedback": [Feedback(id=f"fb-tmp-{tag}", account_id=MEMBER_ACCOUNT, date="2026-01-05", kind="praise")],
    }[prefix]
    store.upsert(made)
    target = [r for r in made if isinstance(r, MODELS[prefix])][-1]
    return f"/{prefix}/{'/'.join(target.key)}", target, made


def _cleanup(store, made: list) -> None:
    for record in reversed(made):
        store.delete(type(record), record.key)


@pytest.mark.parametrize("row, role", CELLS)
def test_access_matrix(env, wenv, row, role):
    method, route = row[0], row[1]
    try:
        response = _cell(env, wenv, method, route, role)
    finally:
        env.client.cookies.clear()
        wenv.client.cookies.clear()
    assert response.status_code in expected(row, role), (response.status_code, response.text[:300])
    assert_no_trace(response)
    if response.status_code >= 400 and route.startswith("/ui/"):  # the web UI answers with its own pages
        assert response.headers["content-type"].startswith("text/html")
        assert 'id="error-detail"' in response.text
    elif response.status_code >= 400:
        assert_problem(response, response.status_code)
    if response.status_code == 401:
        assert response.headers.get("www-authenticate", "").lower().startswith("bearer")
    if response.status_code in (303, 307):
        assert response.headers["location"] in ("/ui/", "/ui/login")


def _cell(env, wenv, method: str, route: str, role: str):
    if route == "/ui/login" and method == "POST":
        form = {} if role == "none" else {"key": env.headers(role)["Authorization"].removeprefix("Bearer ")}
        response = env.client.post(route, data=form, follow_redirects=False)
        if response.status_code == 303:
            assert response.cookies.get("graphcrm_key") or "graphcrm_key" in response.headers["set-cookie"]
        return response
    if route.startswith("/ui/"):  # the web UI: the key travels in its cookie
        token = env.headers(role).get("Authorization", "").removeprefix("Bearer ")
        headers = {"Cookie": f"graphcrm_key={token}"} if token else {}
        return env.client.request(method, _own_path(route), headers=headers, follow_redirects=False,
                                  params={"as_of": AS_OF})
    if method == "GET":
        params = {"as_of": AS_OF, **QUERY.get(route, {})} if route in ANALYSES else None
        return env.call(role, "GET", _own_path(route), params=params, follow_redirects=False)
    if method in ("PUT", "PATCH"):
        return _put_cell(wenv, route, role, method)
    if route == "/accounts/{id}/gap-plans":
        return _gap_plan_cell(wenv, role)
    if method == "POST" and _resource(route) in NEW:
        return _post_cell(wenv, route, role)
    if route == "/keys/{id}":
        _, key = create_key(wenv.store, "manager", f"matrix {role}")
        response = wenv.call(role, "DELETE", f"/keys/{key.id}")
        assert (wenv.store.get_api_key(key.id).revoked is not None) == (response.status_code == 200)
        return response
    if route == "/keys":
        before = len(wenv.store.api_keys())
        response = wenv.call(role, "POST", "/keys", json={"role": "manager", "name": f"matrix {role}"})
        assert len(wenv.store.api_keys()) == before + (response.status_code == 201)
        return response
    if route == "/import":
        before = wenv.store.counts()
        new = {"id": f"acc-imp-{role}", "name": "x", "tier": "C"}
        response = wenv.call(role, "POST", "/import", json={"accounts": [new]})
        assert wenv.store.counts()["accounts"] == before["accounts"] + (response.status_code == 200)
        wenv.store.delete(Account, new["id"])
        return response
    # DELETE of a record
    path, target, made = _throwaway(wenv.store, _resource(route), role)
    try:
        response = wenv.call(role, "DELETE", path)
        gone = wenv.store.get(type(target), target.key) is None
        assert gone == (response.status_code == 204), "a refused DELETE deleted, or a 204 did not"
        return response
    finally:
        _cleanup(wenv.store, made)


def _put_cell(wenv, route: str, role: str, method: str):
    prefix = _resource(route)
    path = _own_path(route)
    model = MODELS[prefix]
    key = tuple(OWN[prefix].split("/"))
    original = wenv.store.get(model, key)
    body = original.model_dump(mode="json")
    field, value = TWEAK[prefix]
    body[field] = value
    try:
        response = wenv.call(role, method, path, json=body if method == "PUT" else {field: value})
        after = wenv.store.get(model, key)
        if response.status_code == 200:
            assert response.json() == body
            assert after.model_dump(mode="json") == body
        else:
            assert after == original, "a refused PUT changed the record"
    finally:
        wenv.store.upsert([original])
    return response


NEW = {
    "accounts": {"name": "Posted", "tier": "C"}, "reps": {"name": "Posted"},
    "units": {"account_id": MEMBER_ACCOUNT, "name": "Posted", "kind": "department"},
    "contacts": {"account_id": MEMBER_ACCOUNT, "name": "Posted"},
    "bids": {"account_id": MEMBER_ACCOUNT, "name": "Posted", "stage": "lead"},
    "activities": {"date": "2026-01-05", "kind": "call", "account_id": MEMBER_ACCOUNT},
    "agreements": {"account_id": MEMBER_ACCOUNT, "kind": "framework"},
    "plans": {"account_id": MEMBER_ACCOUNT, "layer": "general", "owner_rep_id": MEMBER_REP, "goal": "activity",
              "target": "visit", "created": "2026-01-05", "due": "2026-02-05"},
    "feedback": {"account_id": MEMBER_ACCOUNT, "date": "2026-01-05", "kind": "request"},
}
"""A record of each kind to create with POST (the server assigns its id)."""


def _post_cell(wenv, route: str, role: str):
    prefix = _resource(route)
    model = MODELS[prefix]
    before = wenv.store.counts()
    response = wenv.call(role, "POST", route, json=NEW[prefix])
    field = model.FILE.removesuffix(".csv")
    assert wenv.store.counts()[field] == before[field] + (response.status_code == 201)
    if response.status_code == 201:
        made = response.json()
        assert {k: made[k] for k in NEW[prefix]} == NEW[prefix]
        assert response.headers["location"] == f"/{prefix}/{made['id']}"
        assert wenv.admin("GET", response.headers["location"]).json() == made
        wenv.store.delete(model, made["id"])
    return response


def _gap_plan_cell(wenv, role: str):
    """Make acc-mzp's gap "nobody knows c-mzp-007" (rep-ma-lin's depth 1 there has gone stale) a plan."""
    before = wenv.store.counts()["plans"]
    body = {"kind": "unknown_contact", "subject_id": "c-mzp-007", "owner_rep_id": MEMBER_REP, "due": "2027-01-31"}
    response = wenv.call(role, "POST", f"/accounts/{MEMBER_ACCOUNT}/gap-plans", json=body, params={"as_of": AS_OF})
    assert wenv.store.counts()["plans"] == before + (response.status_code == 201)
    if response.status_code == 201:
        wenv.store.delete(Plan, response.json()["id"])
    return response


# --- authentication ---------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic YWRtaW46YWRtaW4="},
    {"Authorization": "Token gcrm_abc_def"},
    {"Authorization": "Bearer gcrm_"},
    {"Authorization": "Bearer gcrm__"},
    {"Authorization": "Bearer gcrm_nope_secret"},
    {"Authorization": "Bearer " + "gcrm_" + "a" * 5000},
    {"Authorization": "Bearer gcrm_x'}) DETACH DELETE n --_y"},
    {"Cookie": "graphcrm_key=garbage"},
], ids=lambda h: repr(h)[:40])
def test_without_a_valid_key_everything_is_401(env, headers):
    for method, path in [("GET", "/accounts"), ("GET", "/portfolio/risks"), ("PUT", "/accounts/acc-mzp"),
                         ("POST", "/import"), ("GET", "/keys")]:
        response = env.client.request(method, path, headers=headers, json={})
        body = assert_problem(response, 401)
        assert "gcrm_" not in body["detail"]
        assert response.headers["www-authenticate"].lower().startswith("bearer")


def test_wrong_secret_revoked_and_cookie(env):
    admin = env.tokens["admin"]
    _, key_id, secret = admin.split("_", 2)
    for token in (f"gcrm_{key_id}_{secret[:-1]}", f"gcrm_{key_id}_{secret}x", env.tokens["revoked"],
                  f"gcrm_{env.key_ids['revoked']}_{secret}"):
        assert_problem(env.client.get("/accounts", headers={"Authorization": f"Bearer {token}"}), 401)
    # the lower-case scheme is still Bearer (RFC 7235: case-insensitive)
    assert env.client.get("/accounts", headers={"Authorization": f"bearer {admin}"}).status_code == 200
    env.client.cookies.set("graphcrm_key", env.tokens["revoked"])
    try:
        assert_problem(env.client.get("/accounts"), 401)
    finally:
        env.client.cookies.clear()


# --- a member probing other teams ------------------------------------------------------

# Records of acc-jnm and acc-jnpg, neither on rep-feng-bo's team.
OTHER = [
    ("accounts", "acc-jnm"), ("accounts", "acc-jnpg"), ("units", "unit-jnm-hq"), ("units", "unit-jnpg-hq"),
    ("contacts", "c-jnm-001"), ("contacts", "c-jnpg-002"), ("reps", "rep-liu-yang"), ("reps", "rep-zhao-lei"),
    ("bids", "bid-jnm-5g-core-2026"), ("bids", "bid-jnpg-pvt5g-2027"), ("activities", "act-0001"),
    ("agreements", "agr-jnm-sc-2024"), ("agreements", "agr-jnpg-sc-2025"),
    ("team-members", "acc-jnm/rep-liu-yang"),
    ("team-members", "acc-jnm/rep-ma-lin"),  # a rep the member can see, on a team they cannot
    ("relationships", "rep-liu-yang/c-jnm-001"),
    ("relationships", "rep-ma-lin/c-jnm-054"),  # a visible rep's relationship in another account
    ("influences", "c-jnm-002/c-jnm-001"), ("bid-roles", "bid-jnm-5g-core-2026/c-jnm-001"),
    ("bid-roles", "bid-jnpg-pvt5g-2027/c-jnpg-002"),
]
OTHER_ANALYSES = [
    "/bids/bid-jnm-5g-core-2026/coverage", "/bids/bid-jnpg-pvt5g-2027/coverage", "/accounts/acc-jnm/gaps",
    "/accounts/acc-jnpg/gaps", "/accounts/acc-jnm/influence", "/accounts/acc-jnpg/influence",
    "/contacts/c-jnm-003/warm-paths", "/contacts/c-jnpg-001/warm-paths", "/reps/rep-liu-yang/departure",
    "/reps/rep-chen-yu/departure", "/reps/rep-zhao-lei/departure",
]


def _missing(value: str) -> str:
    """The same shape of id, naming nothing."""
    return "/".join(f"zz-{part}-nothing" for part in value.split("/"))


def _secrets() -> set[str]:
    """Names, titles, e-mails and ids of records the member must not learn about."""
    out: set[str] = set()
    mzp_team = {"rep-feng-bo", "rep-ma-lin"}
    for name in ("accounts", "units", "contacts", "bids", "agreements"):
        with open(SEEDS / f"{name}.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                account = row["id"] if name == "accounts" else row["account_id"]
                if account != MEMBER_ACCOUNT:
                    out |= {row.get(k) for k in ("id", "name", "title", "email")} - {None, ""}
    with open(SEEDS / "reps.csv", encoding="utf-8") as f:
        out |= {v for row in csv.DictReader(f) if row["id"] not in mzp_team for v in (row["name"], row["email"])}
    return out


SECRETS = _secrets() - {""}


def _assert_like_missing(env, method: str, path: str, asked: str, missing_path: str, missing: str, **kw):
    response = env.call("member", method, path, **kw)
    body = assert_problem(response, 404)
    twin = assert_problem(env.call("member", method, missing_path, **kw), 404)
    assert body["detail"].replace(asked, "<id>") == twin["detail"].replace(missing, "<id>")
    assert {k: v for k, v in body.items() if k != "detail"} == {k: v for k, v in twin.items() if k != "detail"}
    leaked = {s for s in SECRETS if s in response.text and s not in asked}
    assert not leaked, f"{path} leaks {leaked}"


@pytest.mark.parametrize("prefix, key", OTHER, ids=lambda v: v)
def test_member_cannot_see_other_teams_records(env, prefix, key):
    _assert_like_missing(env, "GET", f"/{prefix}/{key}", key, f"/{prefix}/{_missing(key)}", _missing(key))


@pytest.mark.parametrize("prefix, key", OTHER, ids=lambda v: v)
def test_member_cannot_change_or_delete_other_teams_records(env, prefix, key):
    model = MODELS[prefix]
    original = env.store.get(model, tuple(key.split("/")))
    assert original is not None
    body = original.model_dump(mode="json")
    field, value = TWEAK[prefix]
    body[field] = value
    # reps and teams are an admin's to change, accounts an admin's to delete: 403 whatever the id
    refused = {"reps": ANY, "team-members": 403}
    assert_problem(env.call("member", "PUT", f"/{prefix}/{key}", json=body), refused.get(prefix, 404))
    assert_problem(env.call("member", "DELETE", f"/{prefix}/{key}"), {**refused, "accounts": 403}.get(prefix, 404))
    assert env.store.get(model, tuple(key.split("/"))) == original


@pytest.mark.parametrize("path", OTHER_ANALYSES)
def test_member_cannot_analyse_other_teams(env, path):
    asked = path.split("/")[2]
    missing = f"zz-{asked}-nothing"
    _assert_like_missing(env, "GET", path, asked, path.replace(asked, missing), missing,
                         params={"as_of": AS_OF})


OWN_COUNTS = {
    "accounts": 1, "units": 4, "contacts": 9, "reps": 2, "bids": 1, "activities": 2, "agreements": 1,
    "team-members": 2, "relationships": 12, "influences": 9, "bid-roles": 3,
}


@pytest.mark.parametrize("prefix", list(OWN_COUNTS))
def test_member_lists_only_their_accounts(env, prefix):
    response = env.call("member", "GET", f"/{prefix}", params={"limit": 500})
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == len(page["data"]) == OWN_COUNTS[prefix]
    leaked = {s for s in SECRETS if s in response.text}
    assert not leaked, leaked
    everything = env.admin("GET", f"/{prefix}", params={"limit": 500}).json()
    assert everything["count"] > page["count"]
    if prefix != "reps":
        other = env.call("member", "GET", f"/{prefix}", params={"account_id": "acc-jnm"})
        assert other.status_code == 200 and other.json() == {"data": [], "count": 0}
        mine = env.call("member", "GET", f"/{prefix}", params={"account_id": MEMBER_ACCOUNT, "limit": 500})
        assert mine.json() == page


@pytest.mark.parametrize("prefix, params", [
    ("relationships", {"contact_id": "c-jnm-001"}), ("relationships", {"rep_id": "rep-liu-yang"}),
    ("bid-roles", {"bid_id": "bid-jnm-5g-core-2026"}), ("team-members", {"rep_id": "rep-liu-yang"}),
    ("influences", {"source_id": "c-jnm-009"}), ("activities", {"bid_id": "bid-jnm-5g-core-2026"}),
    ("contacts", {"unit_id": "unit-jnm-hq"}), ("reps", {"active": "false"}), ("accounts", {"tier": "S"}),
])
def test_member_filters_never_reach_other_teams(env, prefix, params):
    assert env.admin("GET", f"/{prefix}", params=params).json()["count"] > 0
    assert env.call("member", "GET", f"/{prefix}", params=params).json() == {"data": [], "count": 0}


def test_member_relationship_list_of_a_shared_rep(env):
    page = env.call("member", "GET", "/relationships", params={"rep_id": "rep-ma-lin", "limit": 500}).json()
    assert page["count"] == 5 and {r["contact_id"][:5] for r in page["data"]} == {"c-mzp"}


def test_member_portfolio_holds_only_their_account(env):
    for role, wanted in [("member", [MEMBER_ACCOUNT]), ("manager", ["acc-jnm", "acc-jnpg", "acc-mzp"]),
                         ("admin", ["acc-jnm", "acc-jnpg", "acc-mzp"])]:
        report = env.call(role, "GET", "/portfolio/risks", params={"as_of": AS_OF}).json()
        assert sorted(a["account_id"] for a in report["accounts"]) == wanted
    only_s = env.call("member", "GET", "/portfolio/risks", params={"as_of": AS_OF, "tier": "S"})
    assert only_s.status_code == 200 and only_s.json()["accounts"] == []
    text = env.call("member", "GET", "/portfolio/risks").text
    assert not {s for s in SECRETS if s in text}


def test_member_departure_of_a_shared_rep_covers_only_their_account(env):
    mine = env.call("member", "GET", "/reps/rep-ma-lin/departure", params={"as_of": AS_OF})
    assert mine.status_code == 200
    assert [a["account_id"] for a in mine.json()["accounts"]] == [MEMBER_ACCOUNT]
    assert not {s for s in SECRETS if s in mine.text}
    every = env.admin("GET", "/reps/rep-ma-lin/departure", params={"as_of": AS_OF}).json()
    assert sorted(a["account_id"] for a in every["accounts"]) == ["acc-jnm", "acc-mzp"]


def test_member_cannot_move_their_contact_to_another_account(env):
    before = env.store.get(Contact, "c-mzp-009")
    counts = env.store.counts()
    for account, unit, boss in [("acc-jnm", None, None), ("acc-jnm", "unit-jnm-hq", "c-jnm-001"),
                                ("acc-jnpg", None, None)]:
        body = before.model_dump(mode="json") | {"account_id": account, "unit_id": unit, "reports_to": boss}
        assert_problem(env.call("member", "PUT", "/contacts/c-mzp-009", json=body), 404)
    assert env.store.get(Contact, "c-mzp-009") == before
    assert env.store.counts() == counts
    # and the account of a contact of another team is not "taken over" by PUTting it into acc-mzp
    stolen = env.store.get(Contact, "c-jnm-055").model_dump(mode="json") | {
        "account_id": MEMBER_ACCOUNT, "unit_id": None, "reports_to": None}
    assert_problem(env.call("member", "PUT", "/contacts/c-jnm-055", json=stolen), 404)
    assert env.store.get(Contact, "c-jnm-055").account_id == "acc-jnm"


@pytest.mark.parametrize("path, body", [
    ("/contacts/c-new-in-jnm", {"id": "c-new-in-jnm", "account_id": "acc-jnm", "name": "x"}),
    ("/bids/bid-new-in-jnm", {"id": "bid-new-in-jnm", "account_id": "acc-jnm", "name": "x", "stage": "lead"}),
    ("/accounts/acc-new-by-member", {"id": "acc-new-by-member", "name": "x", "tier": "C"}),
    (f"/relationships/{MEMBER_REP}/c-jnm-001", {"rep_id": MEMBER_REP, "contact_id": "c-jnm-001", "depth": 4}),
    ("/influences/c-jnm-001/c-mzp-001", {"source_id": "c-jnm-001", "target_id": "c-mzp-001", "strength": 1}),
    ("/bid-roles/bid-jnm-5g-core-2026/c-jnm-005",
     {"bid_id": "bid-jnm-5g-core-2026", "contact_id": "c-jnm-005", "role": "coach", "stance": 2}),
    ("/activities/act-new-in-jnm", {"id": "act-new-in-jnm", "date": "2026-11-01", "kind": "visit",
                                    "account_id": "acc-jnm", "rep_ids": [MEMBER_REP], "contact_ids": ["c-jnm-001"]}),
])
def test_member_cannot_create_records_in_other_accounts(env, path, body):
    counts = env.store.counts()
    assert_problem(env.call("member", "PUT", path, json=body), 404)
    assert env.store.counts() == counts
    assert_problem(env.admin("GET", path), 404)


@pytest.mark.parametrize("account", ["acc-jnm", "acc-jnpg"])
def test_member_cannot_add_themself_to_another_team(env, account):
    body = {"account_id": account, "rep_id": MEMBER_REP, "role": "account_manager"}
    # only admins change teams (SECURITY.md): 403 whatever the account
    assert_problem(env.call("member", "PUT", f"/team-members/{account}/{MEMBER_REP}", json=body), 403)
    assert env.store.get(TeamMember, (account, MEMBER_REP)) is None
    assert env.store.team_account_ids(MEMBER_REP) == [MEMBER_ACCOUNT]
    # nor by an import, nor by creating a key for themself
    assert_problem(env.call("member", "POST", "/import", json={"account_team": [body]}), 403)
    assert_problem(env.call("member", "POST", "/keys", json={"role": "admin", "name": "me"}), 403)
    assert env.store.team_account_ids(MEMBER_REP) == [MEMBER_ACCOUNT]


@pytest.mark.parametrize("rep", [MEMBER_REP, "rep-ma-lin", "rep-liu-yang", "rep-new-from-member"])
def test_member_cannot_write_reps(env, rep):
    before = env.store.get(Rep, rep)
    body = {"id": rep, "name": "Renamed by a member", "active": False}
    assert_problem(env.call("member", "PUT", f"/reps/{rep}", json=body), ANY)
    assert_problem(env.call("member", "DELETE", f"/reps/{rep}"), ANY)
    assert env.store.get(Rep, rep) == before


@pytest.mark.parametrize("prefix", list(OWN))
def test_manager_never_writes(env, prefix):
    key = tuple(OWN[prefix].split("/"))
    before = env.store.get(MODELS[prefix], key)
    body = before.model_dump(mode="json")
    assert_problem(env.call("manager", "PUT", f"/{prefix}/{OWN[prefix]}", json=body), 403)
    assert_problem(env.call("manager", "DELETE", f"/{prefix}/{OWN[prefix]}"), 403)
    new = body | {k: f"{v}-new" for k, v in body.items() if k in MODELS[prefix].KEY}
    new_path = "/".join(new[k] for k in MODELS[prefix].KEY)
    assert_problem(env.call("manager", "PUT", f"/{prefix}/{new_path}", json=new), 403)
    assert env.store.get(MODELS[prefix], key) == before


# References to records the member cannot see must look exactly like references to
# records that do not exist (same status, same message), or the 422 is an oracle.
LEAKY_REFERENCES = [
    ("influences", "/influences/c-mzp-001/{x}", {"source_id": "c-mzp-001", "target_id": "{x}", "strength": 0.5},
     "c-jnm-001"),
    ("bid-roles", "/bid-roles/bid-mzp-terminal-wifi-2026/{x}",
     {"bid_id": "bid-mzp-terminal-wifi-2026", "contact_id": "{x}", "role": "user"}, "c-jnm-001"),
    ("contacts", "/contacts/c-mzp-009",
     {"id": "c-mzp-009", "account_id": "acc-mzp", "name": "柴丽", "reports_to": "{x}"}, "c-jnm-001"),
    ("units", "/units/unit-mzp-east",
     {"id": "unit-mzp-east", "account_id": "acc-mzp", "name": "x", "kind": "branch", "parent_unit_id": "{x}"},
     "unit-jnm-hq"),
    ("activities", "/activities/act-0026",
     {"id": "act-0026", "date": "2026-10-19", "kind": "visit", "account_id": "acc-mzp", "bid_id": "{x}"},
     "bid-jnm-5g-core-2026"),
    ("accounts", "/accounts/acc-mzp", {"id": "acc-mzp", "name": "x", "tier": "B", "parent_id": "{x}"}, "acc-jnm"),
]


@pytest.mark.parametrize("prefix, path, body, hidden", LEAKY_REFERENCES, ids=[c[0] for c in LEAKY_REFERENCES])
def test_member_references_to_other_teams_look_unknown(wenv, prefix, path, body, hidden):
    model = MODELS[prefix]
    key = tuple(k.replace("{x}", hidden) for k in path.split("/")[2:])
    original = wenv.store.get(model, key)
    try:
        def put(x):
            fill = {k: (v.replace("{x}", x) if isinstance(v, str) else v) for k, v in body.items()}
            return wenv.call("member", "PUT", path.replace("{x}", x), json=fill)

        seen, unknown = put(hidden), put("zz-nothing")
        assert unknown.status_code == (403 if prefix == "accounts" else 422)  # members do not change parents
        assert seen.status_code == unknown.status_code
        assert seen.text.replace(hidden, "<id>") == unknown.text.replace("zz-nothing", "<id>")
    finally:
        if original is None:
            wenv.store.delete(model, key)
        else:
            wenv.store.upsert([original])


# --- graph pages and the web UI ---------------------------------------------------------

OTHER_GRAPHS = ["/bids/bid-jnm-5g-core-2026/graph", "/bids/bid-jnpg-pvt5g-2027/graph", "/accounts/acc-jnm/graph",
                "/accounts/acc-jnpg/graph", "/bids/bid-jnm-5g-core-2026/review.xlsx"]
OTHER_UI = ["/ui/accounts/acc-jnm", "/ui/accounts/acc-jnpg", "/ui/bids/bid-jnm-5g-core-2026",
            "/ui/reps/rep-liu-yang", "/ui/reps/rep-zhao-lei"]


@pytest.mark.parametrize("path", OTHER_GRAPHS)
def test_member_cannot_see_other_teams_graphs(env, path):
    asked = path.split("/")[2]
    missing = f"zz-{asked}-nothing"
    _assert_like_missing(env, "GET", path, asked, path.replace(asked, missing), missing,
                         params={"as_of": AS_OF})


@pytest.mark.parametrize("path", OTHER_UI)
def test_member_cannot_see_other_teams_ui_pages(env, path):
    cookie = {"Cookie": f"graphcrm_key={env.tokens['member']}"}
    asked = path.split("/")[3]
    missing = f"zz-{asked}-nothing"
    response = env.client.get(path, headers=cookie, params={"as_of": AS_OF}, follow_redirects=False)
    twin = env.client.get(path.replace(asked, missing), headers=cookie, params={"as_of": AS_OF},
                          follow_redirects=False)
    assert response.status_code == twin.status_code == 404
    assert response.text.replace(asked, "<id>") == twin.text.replace(missing, "<id>")
    assert not {s for s in SECRETS if s in response.text and s != asked}


@pytest.mark.parametrize("path", ["/portfolio/graph", "/ui/", "/ui/reps/rep-ma-lin", "/ui/accounts/acc-mzp",
                                  "/accounts/acc-mzp/graph"])
def test_member_pages_show_only_their_account(env, path):
    headers = {"Cookie": f"graphcrm_key={env.tokens['member']}"} if path.startswith("/ui/") else \
        env.headers("member")
    response = env.client.get(path, headers=headers, params={"as_of": AS_OF}, follow_redirects=False)
    assert response.status_code == 200
    assert "acc-mzp" in response.text or "明州" in response.text or "\\u660e\\u5dde" in response.text
    leaked = {s for s in SECRETS if s in response.text}
    assert not leaked, leaked
