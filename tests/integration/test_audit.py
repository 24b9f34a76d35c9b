"""The audit trail (graphcrm.audit): every write records who changed which record,
when, with its values before and after, in the same transaction.

The expected entries of the hand-worked cases follow from docs/design.md §2 (an activity
moves a relationship's last contact forward or creates it at depth 1) and the
store contract (a record replaces the stored one; deleting a node takes its
edges). The property test compares each write's entries with the difference of
the store's exports before and after it, on both LadybugDB write paths.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from graphcrm.audit import Actor, AuditEntry
from graphcrm.cli import app
from graphcrm.errors import InputError, InUse
from graphcrm.fileformat import Source, read_csv_dir, read_path, write_csv_dir, write_json
from graphcrm.importer import load_source
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Influence, Relationship, Rep, TeamMember, Unit,
)
from graphcrm.store import ladybug, open_store

from tests.integration.api_fixtures import MEMBER_ACCOUNT, running_app
from tests.integration.test_store_contract import small

D = dt.date


def entries(store) -> list[AuditEntry]:
    return store.audit_trail()


def by_record(trail: list[AuditEntry]) -> dict[tuple[str, str], AuditEntry]:
    found = {(e.kind, e.key): e for e in trail}
    assert len(found) == len(trail), "one entry per record and write"
    return found


# --- what a write records (contract: runs on every engine) ---------------------------------


def test_a_first_load_records_every_record_created(any_store):
    any_store.apply(small(), actor=Actor(who="os:tester", via="cli load"))
    trail = by_record(entries(any_store))
    # 2 accounts, 2 units, 3 contacts, 2 reps, 2 team members, 3 relationships (2 given,
    # r1→c2 made by x1), 1 influence, 1 bid, 2 bid roles, 1 activity, 1 agreement
    assert len(trail) == 20
    assert {e.action.value for e in trail.values()} == {"create"}
    assert {(e.actor, e.via) for e in trail.values()} == {("os:tester", "cli load")}
    assert len({e.at for e in trail.values()}) == 1  # one write, one time
    # x1 (2026-02-01) moved r1→c1's last contact from 2026-01-05 and created r1→c2
    assert trail[("relationship", "r1/c1")].after == {"rep_id": "r1", "contact_id": "c1", "depth": 3,
                                                      "last_contact": "2026-02-01"}
    assert trail[("relationship", "r1/c2")].after == {"rep_id": "r1", "contact_id": "c2", "depth": 1,
                                                      "last_contact": "2026-02-01", "since": "2026-02-01"}
    # each entry is filed under the record's account (a relationship: its contact's)
    assert trail[("relationship", "r2/c3")].account_id == "a2"
    assert trail[("influence", "c2/c1")].account_id == "a1"
    assert trail[("bid_role", "b1/c1")].account_id == "a1"
    assert trail[("team_member", "a2/r2")].account_id == "a2"
    assert trail[("rep", "r1")].account_id is None
    assert trail[("account", "a2")].after == {"id": "a2", "name": "Beta", "tier": "B", "parent_id": "a1"}
    assert trail[("account", "a2")].before is None


def test_writing_what_the_store_holds_records_nothing(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    any_store.apply(small())
    any_store.upsert([small().contacts[0]])
    assert len(entries(any_store)) == n


def test_an_update_records_the_values_before_and_after(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    any_store.upsert([Contact(id="c3", account_id="a2", name="Zed", title="CFO")], )
    (entry,) = entries(any_store)[n:]
    assert (entry.action.value, entry.kind, entry.key, entry.account_id) == ("update", "contact", "c3", "a2")
    assert entry.before == {"id": "c3", "account_id": "a2", "name": "Zed"}
    assert entry.after == {"id": "c3", "account_id": "a2", "name": "Zed", "title": "CFO"}
    assert entry.changed() == ["title"]


def test_a_record_moved_to_another_account_is_shown_to_both(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    any_store.upsert([Contact(id="c3", account_id="a1", name="Zed")])  # from a2
    (entry,) = entries(any_store)[n:]
    assert (entry.account_id, entry.moved_from, entry.changed()) == ("a1", "a2", ["account_id"])
    for seen_by in (["a1"], ["a2"]):
        assert any_store.audit(scope=seen_by, kind="contact", key="c3", limit=1)[0] == [entry]
    assert any_store.audit(account_id="a2", kind="contact", key="c3", limit=1)[0] == [entry]
    assert any_store.audit(scope=["zz"], kind="contact")[1] == 0
    # an update within one account moves nothing
    any_store.upsert([Contact(id="c3", account_id="a1", name="Zed", title="CFO")])
    assert entries(any_store)[-1].moved_from is None


def test_a_logged_activity_records_the_relationships_it_moves(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    later = Activity(id="x2", date=D(2026, 3, 1), kind="call", account_id="a1", rep_ids=["r1", "r2"],
                     contact_ids=["c1"])
    any_store.upsert([later])
    trail = by_record(entries(any_store)[n:])
    # r1→c1 (last 2026-02-01) moves to 2026-03-01; r2→c1 is new at depth 1
    assert set(trail) == {("activity", "x2"), ("relationship", "r1/c1"), ("relationship", "r2/c1")}
    moved = trail[("relationship", "r1/c1")]
    assert (moved.action.value, moved.changed()) == ("update", ["last_contact"])
    assert (moved.before["last_contact"], moved.after["last_contact"]) == ("2026-02-01", "2026-03-01")
    assert trail[("relationship", "r2/c1")].action.value == "create"
    assert trail[("activity", "x2")].after["rep_ids"] == ["r1", "r2"]


def test_deleting_a_contact_records_what_goes_with_it(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    assert any_store.delete(Contact, "c1", actor=Actor.key("ops", "api DELETE"))
    trail = by_record(entries(any_store)[n:])
    # c1's relationships (r1), bid role, influence (c2→c1) go; c2 no longer reports to
    # c1; activity x1 loses c1 from its attendees
    assert {k: e.action.value for k, e in trail.items()} == {
        ("contact", "c1"): "delete", ("relationship", "r1/c1"): "delete", ("bid_role", "b1/c1"): "delete",
        ("influence", "c2/c1"): "delete", ("contact", "c2"): "update", ("activity", "x1"): "update"}
    assert trail[("contact", "c2")].changed() == ["reports_to"]
    assert trail[("activity", "x1")].after["contact_ids"] == ["c2"]
    assert trail[("contact", "c1")].after is None
    assert trail[("contact", "c1")].before["name"] == "王建国"
    assert {(e.actor, e.via) for e in trail.values()} == {("key:ops", "api DELETE")}
    assert {e.account_id for e in trail.values()} == {"a1"}
    # and the entries agree with the store
    assert any_store.get(Contact, "c2").reports_to is None
    assert any_store.get(Activity, "x1").contact_ids == ["c2"]


def test_deleting_a_rep_records_their_team_places_relationships_and_meetings(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    assert any_store.delete(Rep, "r1")
    trail = by_record(entries(any_store)[n:])
    assert {k: e.action.value for k, e in trail.items()} == {
        ("rep", "r1"): "delete", ("team_member", "a1/r1"): "delete", ("relationship", "r1/c1"): "delete",
        ("relationship", "r1/c2"): "delete", ("activity", "x1"): "update"}
    assert trail[("activity", "x1")].after["rep_ids"] == []


def test_deleting_nothing_or_an_edge(any_store):
    any_store.apply(small())
    n = len(entries(any_store))
    assert not any_store.delete(Contact, "nobody")
    assert any_store.delete(Influence, ("c2", "c1"))
    (entry,) = entries(any_store)[n:]
    assert (entry.kind, entry.key, entry.action.value, entry.account_id) == ("influence", "c2/c1", "delete", "a1")


def test_a_write_that_fails_records_nothing(any_store, monkeypatch):
    any_store.apply(small())
    n = len(entries(any_store))
    bad = Dataset(contacts=[Contact(id="c9", account_id="a1", name="New")],
                  relationships=[Relationship(rep_id="r1", contact_id="c9", depth=9 - 7)])
    real = type(any_store).write

    def failing(self, steps, advance=None):  # the last step fails: the transaction rolls back
        from graphcrm.store.port import Step
        return real(self, [*steps, Step("no/such_query", {})], advance)

    monkeypatch.setattr(type(any_store), "write", failing)
    with pytest.raises(FileNotFoundError):
        any_store.apply(bad)
    monkeypatch.undo()
    assert len(entries(any_store)) == n
    assert any_store.get(Contact, "c9") is None


def test_api_keys_are_recorded_without_their_hash(any_store):
    from graphcrm.access import create_key, revoke_key

    _, key = create_key(any_store, "manager", "reporting", actor=Actor.os_user("cli keys"))
    revoke_key(any_store, key.id, Actor.key("boss", "api keys"))
    created, revoked = entries(any_store)
    assert (created.kind, created.key, created.action.value) == ("api_key", key.id, "create")
    assert "hash" not in created.after and key.hash not in created.model_dump_json()
    assert revoked.changed() == ["revoked"] and revoked.actor == "key:boss"
    assert created.actor.startswith("os:")


def test_a_big_trail_is_packed_in_chunks_and_keeps_its_order(monkeypatch):
    from graphcrm import audit

    monkeypatch.setattr(audit, "CHUNK", 3)
    trail = audit.Trail(Actor(who="os:x", via="test"), at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    contacts = [Contact(id=f"c{i}", account_id="a1", name=f"N{i}") for i in range(7)]
    trail.add(Contact, [(c.key, None, c) for c in contacts], lambda c: c.account_id)
    old = AuditEntry(id="old-1", at=dt.datetime(2025, 1, 1), actor="os:y", via="cli load", action="delete",
                     kind="rep", key="r9", before={"id": "r9", "name": "R"})
    trail.restored([old])
    rows = list(trail.dicts())
    assert len(trail) == len(rows) == 9 and trail.table().num_rows == 9
    assert [r["key"] for r in rows] == [f"c{i}" for i in range(7)] + ["r9", "old-1..old-1"]
    assert [r["id"] for r in rows[:7]] == sorted(r["id"] for r in rows[:7])  # numbered in order
    assert rows[0]["id"].startswith("2026-01-01T12:00:00.000000Z-") and rows[0]["at"] == dt.datetime(2026, 1, 1, 12)
    assert json.loads(rows[3]["after"]) == {"id": "c3", "account_id": "a1", "name": "N3"}
    assert AuditEntry.from_row(rows[7]) == old
    assert (rows[8]["action"], json.loads(rows[8]["after"])) == ("restore", {"entries": 1, "first": "old-1",
                                                                              "last": "old-1"})
    assert trail.table().to_pylist() == rows


def test_listing_filters_and_pages_newest_first(any_store):
    any_store.apply(small(), actor=Actor(who="os:a", via="cli load"))
    first = entries(any_store)[-1].at
    any_store.upsert([Contact(id="c3", account_id="a2", name="Zed", title="CFO")])
    page, total = any_store.audit(limit=5)
    assert total == 21 and len(page) == 5
    assert page[0].key == "c3"  # newest first
    assert [e.id for e in page] == sorted((e.id for e in page), reverse=True)
    assert any_store.audit(offset=20, limit=5)[0][0].id == entries(any_store)[0].id
    assert any_store.audit(offset=21)[0] == []
    assert any_store.audit(account_id="a2")[1] == 5  # a2, c3 twice, r2→c3, a2/r2
    assert any_store.audit(scope=["a2"])[1] == 5
    assert any_store.audit(scope=[])[1] == 0
    assert any_store.audit(kind="rep")[1] == 2
    assert any_store.audit(kind="contact", key="c3")[1] == 2
    assert any_store.audit(since=first + dt.timedelta(microseconds=1))[1] == 1
    assert any_store.audit(until=first + dt.timedelta(microseconds=1))[1] == 20
    # a time with a zone is compared in UTC
    east = dt.timezone(dt.timedelta(hours=8))
    assert any_store.audit(since=(first + dt.timedelta(microseconds=1)).astimezone(east))[1] == 1


def test_hostile_filter_values_are_data(any_store):
    any_store.apply(small())
    for value in ("' OR 1=1 //", "a1' }) DETACH DELETE n //", "%", "*"):
        assert any_store.audit(account_id=value, kind=value, key=value)[1] == 0
    assert any_store.counts()["accounts"] == 2


# --- surviving export and load ------------------------------------------------------------


def test_an_exported_trail_is_restored_once(any_store, tmp_path):
    with open_store(f"ladybug://{tmp_path / 'first.lbug'}") as first:
        first.apply(small(), actor=Actor(who="os:first", via="cli load"))
        first.delete(Influence, ("c2", "c1"))
        old = entries(first)
        write_csv_dir(first.export(), tmp_path / "out", old)
    source = read_csv_dir(tmp_path / "out")
    assert source.audit == old
    load_source(source, any_store, actor=Actor(who="os:second", via="cli load"))
    trail = entries(any_store)
    assert trail[:len(old)] == old  # as they were, at their old places
    ours = trail[len(old):]
    # the records come in as the restored trail left them: no entry says the load
    # created them (they existed since their first entries); one says it restored the trail
    assert [e.action.value for e in ours] == ["restore"]
    restore = ours[0]
    assert restore.after == {"entries": 21, "first": old[0].id, "last": old[-1].id}
    assert {e.actor for e in ours} == {"os:second"}
    # loading it again adds nothing: the records and the entries are all there
    load_source(read_csv_dir(tmp_path / "out"), any_store)
    assert entries(any_store) == trail


def test_a_rewritten_entry_is_refused_and_nothing_is_written(any_store, tmp_path):
    any_store.apply(small())
    old = entries(any_store)
    forged = [*old[:3], old[3].model_copy(update={"actor": "os:someone-else"}), *old[4:]]
    write_json(Dataset(accounts=[small().accounts[0].model_copy(update={"name": "Renamed"})]),
               tmp_path / "f.json", forged)
    with pytest.raises(InputError) as e:
        load_source(read_path(tmp_path / "f.json"), any_store)
    assert [(i.where, i.item, i.field) for i in e.value.issues] == [("f.json: audit", 3, "id")]
    assert "stored with other values" in e.value.issues[0].message
    assert entries(any_store) == old and any_store.get(type(small().accounts[0]), "a1").name == "Acme"


def test_an_entry_from_the_future_is_refused(any_store, tmp_path):
    future = AuditEntry(id="9999-forged", at=dt.datetime(2099, 1, 1), actor="key:ceo", via="api PUT",
                        action="update", kind="account", key="a1", before={"id": "a1"}, after={"id": "a1"})
    write_json(Dataset(), tmp_path / "f.json", [future])
    with pytest.raises(InputError) as e:
        load_source(read_path(tmp_path / "f.json"), any_store)
    assert [(i.where, i.item, i.field) for i in e.value.issues] == [("f.json: audit", 0, "at")]
    assert entries(any_store) == []


def test_a_long_key_name_is_recorded_and_read_back(any_store):
    any_store.apply(small(), actor=Actor.key("n" * 500, "api import"))
    page, total = any_store.audit(limit=1)
    assert total == 20 and page[0].actor == "key:" + "n" * 500
    assert len(any_store.snapshot()[1]) == 20


def test_bad_audit_rows_name_file_line_and_column(tmp_path):
    out = tmp_path / "bad"
    out.mkdir()
    (out / "audit.csv").write_text(
        "id,at,actor,via,action,kind,key,account_id,before,after\n"
        "e1,2026-01-01T00:00:00,os:x,cli,create,contact,c1,a1,,{\"id\": \"c1\"}\n"
        "e2,yesterday,os:x,cli,create,contact,c1,a1,,{\"id\": \"c1\"}\n"
        "e3,2026-01-01T00:00:00,os:x,cli,explode,contact,c1,a1,,{\"id\": \"c1\"}\n"
        "e4,2026-01-01T00:00:00,os:x,cli,update,contact,c1,a1,{not json,{\"id\": \"c1\"}\n",
        encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_csv_dir(out)
    assert [(i.where, i.line, i.field) for i in e.value.issues] == [
        ("audit.csv", 3, "at"), ("audit.csv", 4, "action"), ("audit.csv", 5, "before")]


# --- the command line and the API ---------------------------------------------------------


def test_cli_load_records_the_os_user_and_audit_shows_it(tmp_path, seeds_dir):
    db = f"ladybug://{tmp_path / 'c.lbug'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "load", str(seeds_dir)]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "audit", "--json", "--account", "acc-mzp", "--kind", "contact",
                                 "--limit", "3"])
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert len(page["data"]) == 3 and page["count"] == sum(
        1 for c in read_csv_dir(seeds_dir).data.contacts if c.account_id == "acc-mzp")
    assert {(e["via"], e["action"], e["account_id"]) for e in page["data"]} == {("cli load", "create", "acc-mzp")}
    assert all(e["actor"].startswith("os:") and e["at"].endswith("Z") for e in page["data"])
    table = runner.invoke(app, ["--db", db, "audit", "--since", "2000-01-01", "--limit", "2"])
    # one entry per seed row: 420 before issue 15, plus 7 plans and 6 feedback records
    assert table.exit_code == 0 and "cli load" in table.stdout and "2 of 433" in table.stdout
    bad = runner.invoke(app, ["--db", db, "audit", "--since", "last week"])
    assert bad.exit_code == 2 and "--since" in bad.output and "Traceback" not in bad.output
    older = runner.invoke(app, ["--db", db, "audit", "--json", "--via", "cli load", "--offset", "432"])
    assert [e["key"] for e in json.loads(older.stdout)["data"]] == [entries_of(tmp_path)[0].key]
    # the demo rebuilds its store from nothing: it refuses a store whose trail it did not write
    demo = runner.invoke(app, ["--db", db, "demo"])
    assert demo.exit_code != 0 and "not a demo store" in str(demo.exception)


def entries_of(tmp_path: Path) -> list[AuditEntry]:
    with open_store(f"ladybug://{tmp_path / 'c.lbug'}") as store:
        return entries(store)


def test_api_writes_record_the_key_and_each_role_sees_its_part(tmp_path):
    with running_app(tmp_path) as env:
        before = env.admin("GET", "/audit", params={"limit": 1}).json()["count"]
        changed = env.call("member", "PUT", "/contacts/c-mzp-008",
                           json={**env.admin("GET", "/contacts/c-mzp-008").json(), "title": "Head of Ops"})
        assert changed.status_code == 200, changed.text
        assert env.call("member", "DELETE", "/influences/c-mzp-008/c-mzp-001").status_code == 204
        admin = env.admin("GET", "/audit", params={"limit": 500}).json()
        ours = admin["data"][: admin["count"] - before]
        assert [(e["actor"], e["via"], e["kind"], e["key"], e["action"]) for e in ours] == [  # newest first
            ("key:test member", "api DELETE", "influence", "c-mzp-008/c-mzp-001", "delete"),
            ("key:test member", "api PUT", "contact", "c-mzp-008", "update")]
        mine = ours[1:]
        assert ours[0]["before"] == {"source_id": "c-mzp-008", "target_id": "c-mzp-001", "strength": 0.3,
                                     "kind": "personal"} and ours[0]["after"] is None
        assert mine[0]["after"]["title"] == "Head of Ops" and mine[0]["before"].get("title") != "Head of Ops"
        keys = env.admin("GET", "/audit", params={"kind": "api_key"}).json()["count"]
        assert keys == 5  # the fixture's four keys created, one revoked
        manager = env.call("manager", "GET", "/audit", params={"limit": 1}).json()
        assert manager["count"] == admin["count"] - keys
        assert env.call("manager", "GET", "/audit", params={"kind": "api_key"}).json()["count"] == 0
        member = env.call("member", "GET", "/audit", params={"limit": 500}).json()
        assert member["count"] > 0 and {e["account_id"] for e in member["data"]} <= {MEMBER_ACCOUNT}
        other = env.call("member", "GET", "/audit", params={"account_id": "acc-jnm"}).json()
        assert other == {"data": [], "count": 0}
        since = env.admin("GET", "/audit", params={"since": mine[0]["at"], "kind": "contact"}).json()
        assert [e["key"] for e in since["data"]] == ["c-mzp-008"]
        assert env.admin("GET", "/audit", params={"since": "soon"}).status_code == 422


# --- the entries are exactly the store's changes (property) ------------------------------

SMALL = small()
CONTACTS, REPS = [c.id for c in SMALL.contacts], [r.id for r in SMALL.reps]
A1_CONTACTS = [c.id for c in SMALL.contacts if c.account_id == "a1"]
KINDS = {"accounts": "account", "units": "unit", "contacts": "contact", "reps": "rep",
         "account_team": "team_member", "relationships": "relationship", "influences": "influence",
         "bids": "bid", "bid_roles": "bid_role", "activities": "activity", "agreements": "agreement"}


def _snapshot(store) -> dict[tuple[str, str], dict]:
    return {(KINDS[field], "/".join(r.key)): r.model_dump(mode="json", exclude_none=True)
            for field, records in store.export() for r in records}


days = st.dates(D(2025, 1, 1), D(2026, 12, 31))
accounts = st.sampled_from(["a1", "a2"])  # a contact or activity may move to the other account
writes = st.one_of(
    st.builds(lambda i, d, a, reps, cs: ("upsert", [Activity(id=f"x{i}", date=d, kind="call", account_id=a,
                                                            rep_ids=reps, contact_ids=cs)]),
              st.integers(1, 3), days, accounts, st.lists(st.sampled_from(REPS), max_size=2, unique=True),
              st.lists(st.sampled_from(CONTACTS), max_size=2, unique=True)),
    st.builds(lambda c, a: ("upsert", [Contact(id=c, account_id=a, name="N")]), st.sampled_from(CONTACTS), accounts),
    st.sampled_from([("upsert", [Contact(id=c, account_id="a1", name="N", reports_to=r)])
                     for c in A1_CONTACTS for r in A1_CONTACTS if c != r]),
    st.sampled_from([("upsert", [Influence(source_id=s, target_id=t, strength=0.5)])
                     for s in CONTACTS for t in CONTACTS if s != t]),
    st.builds(lambda c, stance: ("upsert", [BidRole(bid_id="b1", contact_id=c, role="user", stance=stance)]),
              st.sampled_from(CONTACTS), st.integers(-2, 2)),
    st.builds(lambda r, c, depth, d: ("upsert", [Relationship(rep_id=r, contact_id=c, depth=depth, last_contact=d)]),
              st.sampled_from(REPS), st.sampled_from(CONTACTS), st.integers(0, 4), st.none() | days),
    st.builds(lambda c, title: ("upsert", [next(x for x in SMALL.contacts if x.id == c).model_copy(
        update={"title": title})]), st.sampled_from(CONTACTS), st.none() | st.sampled_from(["CEO", "CTO"])),
    st.sampled_from([("delete", Contact, c) for c in CONTACTS] + [("delete", Rep, r) for r in REPS]
                    + [("delete", t, k) for t, k in ((Activity, "x1"), (Activity, "x2"), (Bid, "b1"), (Unit, "u1"),
                                                     (Unit, "u2"), (Account, "a2"), (Agreement, "g1"))]),
    st.builds(lambda r, c: ("delete", Relationship, (r, c)), st.sampled_from(REPS), st.sampled_from(CONTACTS)),
    st.builds(lambda r: ("delete", TeamMember, ("a1", r)), st.sampled_from(REPS)),
    st.just(("upsert", list(SMALL.relationships) + list(SMALL.activities))),
)


def _upsert(store, records) -> bool:
    """Write records as an import would (references checked); False if refused."""
    lists: dict[str, list] = {}
    for r in records:
        lists.setdefault(Dataset.field_for(type(r)), []).append(r)
    try:
        load_source(Source(Dataset(**lists), {f: [("t", i, None) for i in range(len(rs))]
                                              for f, rs in lists.items()}), store)
    except InputError:
        return False
    return True


@pytest.mark.parametrize("bulk", [False, True], ids=["ordinary", "bulk"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(writes, min_size=1, max_size=6))
def test_each_writes_entries_are_the_difference_of_the_store(bulk, steps, monkeypatch):
    monkeypatch.setattr(ladybug, "BULK_FROM", 0 if bulk else 10**12)
    with tempfile.TemporaryDirectory() as tmp, open_store(f"ladybug://{Path(tmp) / 'p.lbug'}") as store:
        store.apply(SMALL)
        for step in steps:
            before, n = _snapshot(store), len(entries(store))
            if step[0] == "upsert":
                if not _upsert(store, step[1]):
                    continue  # it names a deleted record: refused, nothing written
            else:
                try:
                    store.delete(step[1], step[2])
                except InUse:
                    continue  # still named by other records: refused, nothing written
            after = _snapshot(store)
            diff = {k: (before.get(k), after.get(k)) for k in before.keys() | after.keys()
                    if before.get(k) != after.get(k)}
            recorded = {(e.kind, e.key): (e.before, e.after) for e in entries(store)[n:]}
            assert recorded == diff
