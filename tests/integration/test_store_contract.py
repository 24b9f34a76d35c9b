"""The store contract (graphcrm.store.port), run unchanged against every adapter."""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Influence, Relationship, Rep,
    TeamMember, Unit,
)

D = dt.date


def small() -> Dataset:
    """Two accounts; every record type at least once."""
    return Dataset(
        accounts=[Account(id="a1", name="Acme", tier="S", annual_revenue=12.5),
                  Account(id="a2", name="Beta", tier="B", parent_id="a1")],
        units=[Unit(id="u1", account_id="a1", name="HQ", kind="hq"),
               Unit(id="u2", account_id="a1", name="North", kind="branch", parent_unit_id="u1")],
        contacts=[Contact(id="c1", account_id="a1", unit_id="u1", name="王建国", level="executive"),
                  Contact(id="c2", account_id="a1", unit_id="u2", name="Li", reports_to="c1", level="staff"),
                  Contact(id="c3", account_id="a2", name="Zed")],
        reps=[Rep(id="r1", name="Rita", role="account_manager"), Rep(id="r2", name="Sam", active=False)],
        account_team=[TeamMember(account_id="a1", rep_id="r1", role="lead"),
                      TeamMember(account_id="a2", rep_id="r2")],
        relationships=[Relationship(rep_id="r1", contact_id="c1", depth=3, last_contact=D(2026, 1, 5)),
                       Relationship(rep_id="r2", contact_id="c3", depth=2)],
        influences=[Influence(source_id="c2", target_id="c1", strength=0.7, kind="advisory")],
        bids=[Bid(id="b1", account_id="a1", name="Core", stage="tender", tender_date=D(2026, 12, 1))],
        bid_roles=[BidRole(bid_id="b1", contact_id="c1", role="approver", stance=-1),
                   BidRole(bid_id="b1", contact_id="c2", role="user")],
        activities=[Activity(id="x1", date=D(2026, 2, 1), kind="visit", account_id="a1", bid_id="b1",
                             rep_ids=["r1"], contact_ids=["c1", "c2"])],
        agreements=[Agreement(id="g1", account_id="a1", kind="framework", signed=D(2025, 1, 1))],
    )


def test_empty_store_counts_zero(any_store):
    assert set(any_store.counts().values()) == {0}
    assert any_store.account_ids() == []
    assert any_store.account_data("nope") is None


def test_apply_then_counts(any_store):
    any_store.apply(small())
    # relationships: 2 given + r1→c2 created by the activity (r1 and c2 met on 2026-02-01)
    assert any_store.counts() == {
        "accounts": 2, "units": 2, "contacts": 3, "reps": 2, "account_team": 2,
        "relationships": 3, "influences": 1, "bids": 1, "bid_roles": 2, "activities": 1,
        "agreements": 1, "plans": 0, "feedback": 0,
    }


def test_activity_moves_last_contact_forward(any_store):
    any_store.apply(small())
    assert any_store.get(Relationship, ("r1", "c1")).last_contact == D(2026, 2, 1)
    created = any_store.get(Relationship, ("r1", "c2"))
    assert (created.depth, created.since, created.last_contact) == (1, D(2026, 2, 1), D(2026, 2, 1))
    earlier = Activity(id="x0", date=D(2025, 6, 1), kind="call", account_id="a1",
                       rep_ids=["r1"], contact_ids=["c1"])
    any_store.upsert([earlier])
    assert any_store.get(Relationship, ("r1", "c1")).last_contact == D(2026, 2, 1)


def test_apply_is_idempotent(any_store):
    any_store.apply(small())
    first = any_store.export()
    any_store.apply(small())
    assert any_store.export() == first


def test_upsert_replaces_every_property(any_store):
    any_store.apply(small())
    any_store.upsert([Contact(id="c2", account_id="a1", name="Li Na")])  # unit, level, manager cleared
    c2 = any_store.get(Contact, "c2")
    assert (c2.name, c2.unit_id, c2.level, c2.reports_to) == ("Li Na", None, None, None)
    g = any_store.account_graph("a1")
    assert not g.has_edge(("Contact", "c2"), ("Contact", "c1"), "REPORTS_TO")
    assert not g.has_edge(("Contact", "c2"), ("Unit", "u2"), "MEMBER_OF")


def test_get_returns_records_or_none(any_store):
    any_store.apply(small())
    assert any_store.get(Account, "a1") == small().accounts[0]
    assert any_store.get(Influence, ("c2", "c1")).strength == pytest.approx(0.7)
    assert any_store.get(BidRole, ("b1", "c1")).stance == -1
    assert any_store.get(TeamMember, ("a1", "r1")).role == "lead"
    assert any_store.get(Account, "zz") is None
    assert any_store.get(Relationship, ("r2", "c1")) is None


def test_delete(any_store):
    any_store.apply(small())
    assert any_store.delete(Relationship, ("r1", "c1")) is True
    assert any_store.delete(Relationship, ("r1", "c1")) is False
    assert any_store.get(Relationship, ("r1", "c1")) is None
    assert any_store.delete(Rep, "r2") is True
    counts = any_store.counts()
    assert counts["reps"] == 1 and counts["account_team"] == 1  # r2's team edge went with it
    from graphcrm.errors import InUse

    for record_type, key in ((Account, "a1"), (Unit, "u1"), (Bid, "b1")):  # still named by others
        with pytest.raises(InUse):
            any_store.delete(record_type, key)
    assert any_store.get(Account, "a1") is not None


def test_account_data_is_one_account(any_store):
    any_store.apply(small())
    data = any_store.account_data("a1")
    assert [c.id for c in data.contacts] == ["c1", "c2"]
    assert [r.id for r in data.reps] == ["r1"]  # r2 only touches a2
    assert [u.id for u in data.units] == ["u1", "u2"]
    assert [b.id for b in data.bids] == ["b1"]
    assert {(k.rep_id, k.contact_id) for k in data.relationships} == {("r1", "c1"), ("r1", "c2")}
    assert data.activities[0].contact_ids == ["c1", "c2"]
    other = any_store.account_data("a2")
    assert [r.id for r in other.reps] == ["r2"] and other.accounts[0].parent_id == "a1"


def test_account_graph_has_every_edge_type(any_store):
    any_store.apply(small())
    g = any_store.account_graph("a1")
    assert g.graph["account_id"] == "a1"
    types = {k for _, _, k in g.edges(keys=True)}
    assert types == {"PART_OF", "MEMBER_OF", "WORKS_AT", "REPORTS_TO", "INFLUENCES", "KNOWS",
                     "ON_TEAM", "ROLE_IN", "FOR", "ATTENDED"}
    knows = g.get_edge_data(("Rep", "r1"), ("Contact", "c1"), "KNOWS")
    assert knows["depth"] == 3 and knows["last_contact"] == D(2026, 2, 1)
    assert g.nodes[("Contact", "c1")]["name"] == "王建国"
    assert any_store.account_graph("nope") is None


def test_bid_graph(any_store):
    any_store.apply(small())
    g = any_store.bid_graph("b1")
    assert g.graph == {"account_id": "a1", "bid_id": "b1"}
    assert g.get_edge_data(("Contact", "c1"), ("Bid", "b1"), "ROLE_IN")["role"] == "approver"
    assert any_store.bid_graph("nope") is None


def test_lookup_and_ids(any_store):
    any_store.apply(small())
    assert any_store.lookup(Contact, ["c1", "c3", "zz"]) == {"c1": "a1", "c3": "a2"}
    assert any_store.lookup(Rep, ["r1"]) == {"r1": None}
    assert any_store.lookup(Unit, []) == {}
    assert any_store.account_ids() == ["a1", "a2"]
    assert [d.accounts[0].id for d in any_store.iter_account_data()] == ["a1", "a2"]


def test_export_round_trips_through_apply(any_store, lbug_store):
    any_store.apply(small())
    exported = any_store.export()
    lbug_store.apply(exported)
    assert lbug_store.export() == exported


def test_failed_write_leaves_store_unchanged(any_store):
    """A write that fails in the engine half-way rolls back everything before it."""
    any_store.apply(small())
    before = any_store.export()
    from graphcrm.store.port import Step
    from graphcrm.store.writes import write_plan

    steps = write_plan(Dataset(accounts=[Account(id="a9", name="New", tier="C")]))
    steps.append(Step("no/such/query", {}))
    with pytest.raises(FileNotFoundError):
        any_store.write(steps)
    assert any_store.export() == before


def test_clear(any_store):
    any_store.apply(small())
    any_store.clear()
    assert set(any_store.counts().values()) == {0}


def test_page_filters_scopes_and_counts(any_store):
    any_store.apply(small())
    contacts, total = any_store.page(Contact, limit=2)
    assert [c.id for c in contacts] == ["c1", "c2"] and total == 3
    contacts, total = any_store.page(Contact, offset=2, limit=2)
    assert [c.id for c in contacts] == ["c3"] and total == 3
    contacts, total = any_store.page(Contact, scope=["a2"])
    assert [c.id for c in contacts] == ["c3"] and total == 1
    assert any_store.page(Contact, scope=[]) == ([], 0)
    contacts, total = any_store.page(Contact, level="staff")
    assert [c.reports_to for c in contacts] == ["c1"] and total == 1
    bids, _ = any_store.page(Bid, stage="won")
    assert bids == []
    reps, total = any_store.page(Rep, scope=["a2"])
    assert [r.id for r in reps] == ["r2"]
    reps, total = any_store.page(Rep, active=False)
    assert [r.id for r in reps] == ["r2"] and total == 1
    knows, total = any_store.page(Relationship, rep_id="r1")
    assert {k.contact_id for k in knows} == {"c1", "c2"} and total == 2
    roles, total = any_store.page(BidRole, scope=["a1"], contact_id="c2")
    assert [(r.bid_id, r.role) for r in roles] == [("b1", "user")]
    activities, total = any_store.page(Activity, bid_id="b1")
    assert [a.contact_ids for a in activities] == [["c1", "c2"]]
    with pytest.raises(ValueError):
        any_store.page(Contact, stage="won")


def test_api_keys_round_trip(any_store):
    from graphcrm.access import authenticate, create_key, revoke_key

    any_store.apply(small())
    token, key = create_key(any_store, "member", "Rita's laptop", rep_id="r1")
    who = authenticate(any_store, token)
    assert (who.role, who.rep_id, who.name) == ("member", "r1", "Rita's laptop")
    assert authenticate(any_store, token[:-1] + ("x" if token[-1] != "x" else "y")) is None
    assert key.hash not in token and len(key.hash) == 64
    revoke_key(any_store, key.id)
    assert authenticate(any_store, token) is None
    assert any_store.team_account_ids("r1") == ["a1"]


def test_account_rows_build_the_same_graph_as_records(any_store):
    """The portfolio scans' unvalidated rows give the graph the validated records give."""
    from graphcrm.graph import build_graph
    from graphcrm.model import RECORD_TYPES

    any_store.apply(small())
    reps = any_store.reps()
    assert sorted(reps) == ["r1", "r2"] and reps["r2"].active is False
    for rows, account_id in zip(any_store.iter_account_rows(["a1", "a2"], RECORD_TYPES), ["a1", "a2"]):
        assert rows.reps == []  # reps are read once, apart (GraphStore.reps)
        rows.reps = sorted({reps[k.rep_id] for k in rows.relationships} | {reps[t.rep_id] for t in rows.account_team}
                           | {reps[r] for a in rows.activities for r in a.rep_ids}, key=lambda r: r.id)
        fast, checked = build_graph(rows, account_id), any_store.account_graph(account_id)
        assert dict(fast.nodes(data=True)) == dict(checked.nodes(data=True))
        assert sorted(fast.edges(keys=True, data=True), key=repr) == sorted(checked.edges(keys=True, data=True), key=repr)


def test_batches_read_only_the_accounts_asked_for(any_store):
    """Batches are id ranges narrowed by the ids: an id between two asked for is left out."""
    data = small()
    middle = Account(id="a1b", name="Between", tier="C")
    any_store.apply(data.model_copy(update={"accounts": [*data.accounts, middle]}))
    assert list(any_store.accounts_data(["a2", "a1"])) == ["a2", "a1"]
    assert [d.accounts[0].id for d in any_store.iter_account_data(["a2", "a1", "zz"])] == ["a1", "a2"]
    assert [r.accounts[0].id for r in any_store.iter_account_rows(["a1", "a2"], [Contact])] == ["a1", "a2"]
    only_contacts = next(any_store.iter_account_rows(["a1"], [Contact]))
    assert [c.id for c in only_contacts.contacts] == ["c1", "c2"] and only_contacts.relationships == []
