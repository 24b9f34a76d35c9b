"""Every .cypher file runs on LadybugDB, and parses for Neo4j with Neo4j's own linter."""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm import cypher, cypher_gen, history, over_time
from graphcrm.audit import AUDIT_COLUMNS, AuditEntry
from graphcrm.policy import Policy
from graphcrm.store.writes import Step, index_audit
from graphcrm.cypher import CYPHER_DIR
from graphcrm.fileformat import read_csv_dir
from graphcrm.errors import InUse
from graphcrm.model import RECORD_TYPES, Account, Bid, Rep, Unit, kind_of
from graphcrm.store import ladybug
from graphcrm.access import authenticate, create_key

from graphcrm.search import find
from graphcrm.portfolio import portfolio_summary
from tests.cypher_lint import lint_files


def _names(engine: str) -> set[str]:
    names = set()
    for path in CYPHER_DIR.rglob("*.cypher"):
        rel = path.relative_to(CYPHER_DIR).with_suffix("")
        if rel.parts[0] == "schema":
            if rel.name == engine:
                names.add(str(rel))
        elif rel.parts[0] in ("ladybug", "neo4j"):
            if rel.parts[0] == engine:
                names.add(str(rel.relative_to(engine)))
        else:
            names.add(str(rel))
    return names


def test_every_cypher_file_runs_on_ladybug(tmp_path, monkeypatch, seeds_dir):
    """Drive the store through its whole contract and record which queries ran."""
    from graphcrm.store import open_store

    ran: set[str] = set()
    real = cypher.statements

    def recording(name: str, engine: str):
        ran.add(name)
        return real(name, engine)

    monkeypatch.setattr(cypher, "statements", recording)
    monkeypatch.setattr(cypher, "schema", lambda engine: recording(f"schema/{engine}", engine))
    data = read_csv_dir(seeds_dir).data
    with open_store(f"ladybug://{tmp_path / 's.lbug'}") as store:
        store.apply(data)
        now, first = dt.datetime.now(dt.UTC), data.accounts[0].id  # the audit queries graphcrm.history reads
        assert history.begins(store) is not None
        assert history.account_data(store, first, now) == store.account_data(first)
        assert history.rep_account_ids(store, data.reps[0].id, now) == store.rep_account_ids(data.reps[0].id)
        assert [r["id"] for r in store.read("audit/account_ids")] == store.account_ids()
        assert [p.at(now) for p in history.iter_account_pasts(store)] == list(store.accounts_data(store.account_ids()).values())
        store.export()
        store.counts()
        summary = portfolio_summary(store, dt.date(2026, 11, 15), Policy())  # portfolio/regions, open_bids
        assert summary.regions and any(r.open_bids for r in summary.rows)
        for account_id in store.account_ids():
            store.account_data(account_id)  # one account: of_account
        assert len(store.accounts_data(store.account_ids())) == len(data.accounts)  # several: in_accounts
        assert store.rep_account_ids(data.reps[0].id) is not None
        assert store.team_account_ids(data.reps[0].id) is not None
        for t in RECORD_TYPES:
            records, total = store.page(t, scope=[data.accounts[0].id], limit=5)
            assert total >= len(records)
        assert find(store, data.contacts[0].name, scope=[data.accounts[0].id]).hits  # */find
        owner = data.plans[0].owner_rep_id
        assert store.plan_account_ids() == {p.account_id for p in data.plans}  # plan/accounts
        assert store.plan_account_ids(owner) == {p.account_id for p in data.plans if p.owner_rep_id == owner}
        token, key = create_key(store, "admin", "k")
        assert authenticate(store, token) is not None and store.api_keys() == [key]
        for t in RECORD_TYPES:
            if t.KEY == ("id",):
                assert store.lookup(t, [data.records(t)[0].id])
        for t in reversed(RECORD_TYPES):  # relationships before the nodes they hang on
            first = data.records(t)[0]
            if t is Rep:  # a rep who owns plans is still named by them: take one who owns none
                first = next(r for r in data.reps if all(p.owner_rep_id != r.id for p in data.plans))
                gone_rep = first.id
            assert store.get(t, first.key) is not None
            if t in (Account, Unit, Bid):  # still named by other records: refused
                with pytest.raises(InUse):
                    store.delete(t, first.key)
            else:
                assert store.delete(t, first.key)
        store.upsert([Account(id="zz", name="Z", tier="C"), Unit(id="zu", account_id="zz", name="U", kind="hq"),
                      Bid(id="zb", account_id="zz", name="B", stage="lead")])
        for t, key in ((Bid, "zb"), (Unit, "zu"), (Account, "zz")):  # nothing refers to them
            assert store.delete(t, key)
        trail = store.audit_trail()
        assert store.audit(kind="account", scope=["zz"], api_keys=False, limit=1)[1] == 2  # created, deleted
        assert history.record_known_at(store, Account, "zz", dt.datetime.now(dt.UTC)) is None  # deleted: by key
        assert over_time.changes(store, dt.date.today(), dt.date.today(), Policy(),
                                   rep_id=next(r.id for r in data.reps if r.id != gone_rep))
        # a trail written before it was indexed by subject is indexed when the store is opened
        old = AuditEntry(id="0001-old", at=dt.datetime(2026, 1, 1), actor="os:x", via="x", action="create",
                         kind="account", key="zz-old", account_id="zz-old", after={"id": "zz-old"})
        store.write([Step("audit/append", {"rows": [dict(zip(AUDIT_COLUMNS, old.row()))]})])
        index_audit(store)
        assert history.account_past(store, "zz-old").entries == [old]
        assert store.audit_entries([trail[0].id]) == {trail[0].id: trail[0]}
        store.clear()
    monkeypatch.setattr(ladybug, "BULK_FROM", 0)  # the bulk path's COPY statements
    with open_store(f"ladybug://{tmp_path / 'bulk.lbug'}") as store:
        store.apply(data)
    missing = _names("ladybug") - ran
    assert not missing, f"never executed on LadybugDB: {sorted(missing)}"


def test_query_dirs_cover_every_record_type():
    assert {kind_of(t) for t in RECORD_TYPES} <= {p.name for p in CYPHER_DIR.iterdir() if p.is_dir()}


def test_generated_cypher_is_up_to_date():
    """Regenerating the CRUD Cypher from the model changes nothing (run `make cypher`)."""
    files = cypher_gen.generate()
    for name, text in files.items():
        path = CYPHER_DIR / f"{name}.cypher"
        assert path.is_file() and path.read_text(encoding="utf-8") == text, f"{name}.cypher is stale: run `make cypher`"
    stale = {str(p.relative_to(CYPHER_DIR)) for p in cypher_gen.generated_files()} - {f"{n}.cypher" for n in files}
    assert not stale, f"generated files the model no longer declares: {sorted(stale)}"


def test_the_generated_check_can_fail(tmp_path):
    """A hand edit of a generated file is found: the comparison above is real."""
    cypher_gen.write(tmp_path)
    path = tmp_path / "contact" / "get.cypher"
    path.write_text(path.read_text(encoding="utf-8").replace("n.email AS email", "n.email AS mail"), encoding="utf-8")
    assert cypher_gen.write(tmp_path) == [path]


@pytest.mark.slow
def test_every_cypher_file_parses_for_neo4j():
    paths = [CYPHER_DIR / f"{n}.cypher" for n in sorted(_names("neo4j"))]
    paths = [p if p.exists() else CYPHER_DIR / "neo4j" / p.relative_to(CYPHER_DIR) for p in paths]
    failures = lint_files(paths)
    assert failures == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in failures)


def test_linter_catches_errors(tmp_path):
    """The lint check can fail: a broken statement is reported."""
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (n:Contact {id: $id} RETURN n\n")
    assert lint_files([bad])
