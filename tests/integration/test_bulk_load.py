"""The LadybugDB bulk path (COPY what is new, upsert the rest) writes exactly what
the ordinary path writes: same exports, after fresh and incremental loads; and
like it, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm import cypher
from graphcrm.fileformat import read_csv_dir
from graphcrm.model import (
    Activity, Contact, Dataset, Influence, Relationship, Rep, TeamMember, Unit,
)
from graphcrm.store import ladybug, open_store
from graphcrm.audit import ARROW_TYPES, AUDIT_COLUMNS
from graphcrm.schema import EDGE_TYPES, NODE_TYPES, edge_props
from graphcrm.store.ladybug_bulk import arrow_type

from tests.integration.test_store_contract import small

D = dt.date


@pytest.fixture
def stores(tmp_path):
    """Two empty stores: ``bulk`` writes everything the bulk way, ``plain`` never."""
    bulk = open_store(f"ladybug://{tmp_path / 'bulk.lbug'}")
    plain = open_store(f"ladybug://{tmp_path / 'plain.lbug'}")
    yield bulk, plain
    bulk.close()
    plain.close()


def _load(store, data: Dataset, monkeypatch, bulk: bool) -> None:
    monkeypatch.setattr(ladybug, "BULK_FROM", 0 if bulk else 10**12)
    store.apply(data)


def _both(stores, monkeypatch, *datasets: Dataset) -> None:
    bulk, plain = stores
    for data in datasets:
        _load(bulk, data, monkeypatch, True)
        _load(plain, data, monkeypatch, False)
    assert bulk.counts() == plain.counts()
    assert bulk.export() == plain.export()


def _later(base: Dataset) -> Dataset:
    """A second load onto ``small()``: updates, new records beside old ones, and
    activities that meet old pairs, new pairs and a pair with a copied relationship."""
    return Dataset(
        units=[Unit(id="u1", account_id="a1", name="Head office", kind="hq"),  # renamed
               Unit(id="u3", account_id="a1", name="South", kind="branch", parent_unit_id="u1")],
        contacts=[Contact(id="c2", account_id="a1", unit_id="u3", name="Li", reports_to="c4"),  # moved
                  Contact(id="c4", account_id="a1", unit_id="u3", name="New boss", level="senior",
                          reports_to="c1")],
        reps=[Rep(id="r3", name="Newcomer")],
        account_team=[TeamMember(account_id="a1", rep_id="r3"), TeamMember(account_id="a1", rep_id="r1",
                                                                             role="owner")],
        relationships=[Relationship(rep_id="r1", contact_id="c1", depth=4, last_contact=D(2025, 1, 1)),
                       Relationship(rep_id="r3", contact_id="c4", depth=2, last_contact=D(2026, 1, 1))],
        influences=[Influence(source_id="c4", target_id="c1", strength=0.4)],
        activities=[
            Activity(id="x1", date=D(2026, 2, 1), kind="meeting", account_id="a1", rep_ids=["r1"],
                     contact_ids=["c1"]),  # an old activity with fewer attendees now
            Activity(id="x2", date=D(2026, 3, 1), kind="visit", account_id="a1", rep_ids=["r1", "r3"],
                     contact_ids=["c1", "c4"]),  # r1–c1 old pair; r3–c4 copied; r1–c4, r3–c1 new
        ],
    )


class TestSameAsTheOrdinaryPath:
    def test_fresh_load_of_every_record_type(self, stores, monkeypatch):
        _both(stores, monkeypatch, small())

    def test_fresh_load_of_the_seeds(self, stores, monkeypatch, seeds_dir):
        _both(stores, monkeypatch, read_csv_dir(seeds_dir).data)

    def test_incremental_load(self, stores, monkeypatch):
        _both(stores, monkeypatch, small(), _later(small()))
        # worked out by hand: x2 moved r1–c1 to 2026-03-01 after the row set 2025-01-01;
        # r3–c4 (copied at 2026-01-01) moved to 2026-03-01; r1–c4 and r3–c1 met first there
        bulk, _ = stores
        assert bulk.get(Relationship, ("r1", "c1")).last_contact == D(2026, 3, 1)
        assert bulk.get(Relationship, ("r3", "c4")).last_contact == D(2026, 3, 1)
        assert bulk.get(Relationship, ("r1", "c4")) == Relationship(
            rep_id="r1", contact_id="c4", depth=1, last_contact=D(2026, 3, 1), since=D(2026, 3, 1))
        assert bulk.get(Activity, "x1").contact_ids == ["c1"]
        assert bulk.get(Contact, "c2").reports_to == "c4"

    def test_meetings_of_pairs_the_store_holds(self, stores, monkeypatch):
        """Activities alone, between reps and contacts the store has: r1–c2 (known
        since x1 on 2026-02-01) meet again later, r1–c1 (last 2026-02-01) earlier,
        r2–c1 for the first time: only the first and last change anything."""
        again = Dataset(activities=[
            Activity(id="x3", date=D(2026, 4, 1), kind="call", account_id="a1", rep_ids=["r1"], contact_ids=["c2"]),
            Activity(id="x4", date=D(2025, 12, 1), kind="call", account_id="a1", rep_ids=["r1", "r2"],
                     contact_ids=["c1"])])
        _both(stores, monkeypatch, small(), again)
        bulk, _ = stores
        assert bulk.get(Relationship, ("r1", "c2")).last_contact == D(2026, 4, 1)
        assert bulk.get(Relationship, ("r1", "c1")).last_contact == D(2026, 2, 1)
        assert bulk.get(Relationship, ("r2", "c1")).depth == 1

    def test_loading_twice_changes_nothing(self, stores, monkeypatch, seeds_dir):
        data = read_csv_dir(seeds_dir).data
        bulk, _ = stores
        _load(bulk, data, monkeypatch, True)
        before = bulk.export()
        _load(bulk, data, monkeypatch, True)
        assert bulk.export() == before


def test_what_the_store_holds_unchanged_is_not_written(stores, monkeypatch, seeds_dir):
    data = read_csv_dir(seeds_dir).data
    bulk, _ = stores
    _load(bulk, data, monkeypatch, True)
    written: list[list] = []
    monkeypatch.setattr(bulk, "write", lambda steps, advance=None: written.append(list(steps)))
    bulk.apply(data)
    assert written == [[]]  # not even an audit entry
    changed = data.model_copy(update={"contacts": [data.contacts[0].model_copy(update={"title": "CEO"}),
                                                   *data.contacts[1:]]})
    bulk.apply(changed)
    assert [(s.query, len(s.params["rows"])) for s in written[1]] == [  # the entry, its subject and index edge
        ("audit/copy", 1), ("audit/subjects", 1), ("audit/copy_of", 1), ("contact/upsert", 1), ("contact/link", 1)]


def test_a_failing_step_writes_nothing(stores, monkeypatch):
    """An error in a late step, after the COPY steps, rolls them back too."""
    bulk, _ = stores
    _load(bulk, small(), monkeypatch, True)
    before = bulk.export()
    real = cypher.statements

    def broken(name: str, engine: str):
        if name == "contact/link":  # c2 moved: its links are rebuilt, after every COPY
            return ("UNWIND $rows AS row MATCH (n:Nope {id: row.id}) RETURN n",)
        return real(name, engine)

    monkeypatch.setattr(cypher, "statements", broken)
    with pytest.raises(RuntimeError):
        _load(bulk, _later(small()), monkeypatch, True)
    monkeypatch.setattr(cypher, "statements", real)
    assert bulk.export() == before


def test_copy_columns_match_the_schema(lbug_store):
    """COPY matches columns by position: the bulk path's column lists are the tables'."""
    conn = lbug_store._conn()

    def columns(table: str) -> list[tuple[str, str]]:
        result = conn.execute(f"CALL table_info('{table}') RETURN *")
        rows = []
        while result.has_next():
            row = result.get_next()
            rows.append((row[1], row[2]))
        return rows

    arrow = {"string": "STRING", "date32[day]": "DATE", "double": "DOUBLE", "int64": "INT64", "bool": "BOOL",
             "timestamp[us]": "TIMESTAMP"}
    for t in NODE_TYPES:  # what the bulk path copies, in the order it copies it
        assert columns(t.LABEL) == [(n, arrow[str(arrow_type(t, n))]) for n in lbug_store._columns(t)], t.LABEL
    for t in EDGE_TYPES:
        assert columns(t.LABEL) == [(n, arrow[str(arrow_type(t, n))]) for n in edge_props(t)], t.LABEL
    assert columns("AuditEntry") == [(n, arrow[str(ty)]) for n, ty in zip(AUDIT_COLUMNS, ARROW_TYPES)]
