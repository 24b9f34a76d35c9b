"""The management loop known at a time (docs/design.md §3.19, §3.25–3.29): plans,
cadence, completeness and measures answer from the records as the store held them
then, on a real LadybugDB store. Expected answers are worked out by hand below.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm import history, management
from graphcrm.model import Account, Activity, Contact, Dataset, Plan, Relationship, Rep, TeamMember
from graphcrm.policy import Policy
from graphcrm.store import open_store

from tests.integration.test_history import _now

D = dt.date(2026, 11, 15)
"""A Sunday: the last complete ISO week is 2026-W46 (9–15 November)."""
P = Policy()
KNOWS = dict(rep_id="r1", contact_id="c1", last_contact=dt.date(2026, 11, 1), since=dt.date(2025, 1, 1))
PLAN = Plan(id="p1", account_id="A", layer="key", contact_id="c1", owner_rep_id="r1", goal="depth", target="3",
            created=dt.date(2026, 11, 1), due=dt.date(2026, 12, 31))


@pytest.fixture
def loop(tmp_path):
    """Five writes, the time after each (T1 … T5):

    1. account A (tier B), executive c1, reps r1 and r2 (active), r1 on A's team and
       knowing c1 at depth 1; plan p1: r1 raises c1 to depth 3 by 2026-12-31;
    2. r1's relationship with c1 raised to depth 3;
    3. r2 deactivated;
    4. a meeting of r1 with c1 on 2026-11-10 logged;
    5. plan p1 deleted.
    """
    store = open_store(f"ladybug://{tmp_path / 'loop.lbug'}")
    t = [_now()]
    store.apply(Dataset(accounts=[Account(id="A", name="A", tier="B")],
                        contacts=[Contact(id="c1", account_id="A", name="C1", level="executive")],
                        reps=[Rep(id="r1", name="R1"), Rep(id="r2", name="R2")],
                        account_team=[TeamMember(account_id="A", rep_id="r1")],
                        relationships=[Relationship(depth=1, **KNOWS)], plans=[PLAN]))
    t.append(_now())
    store.upsert([Relationship(depth=3, **KNOWS)])
    t.append(_now())
    store.upsert([Rep(id="r2", name="R2", active=False)])
    t.append(_now())
    store.upsert([Activity(id="m1", date=dt.date(2026, 11, 10), kind="meeting", account_id="A", rep_ids=["r1"],
                           contact_ids=["c1"])])
    t.append(_now())
    assert store.delete(Plan, "p1")
    t.append(_now())
    yield store, t
    store.close()


def test_plans_known_at_each_time(loop):
    store, t = loop
    got = {i: [(p.plan_id, p.status) for p in management.plans(store, D, P, known_at=t[i], jobs=1).plans]
           for i in (1, 2, 5)}
    # T1: c1's best depth 1 < 3 and due after D: open; T2: depth 3 reached: done; T5: deleted
    assert got == {1: [("p1", "open")], 2: [("p1", "done")], 5: []}
    assert management.plans(store, D, P, known_at=t[1], jobs=1).completion.overall == 0.0
    assert management.plans(store, D, P, account_id="A", rep_id="r1", known_at=t[2], jobs=1).completion.overall == 1.0
    assert management.plans(store, D, P).plans == []  # now: as at T5


def test_cadence_known_at_each_time(loop):
    store, t = loop

    def at(i):
        report = management.cadence(store, D, P, weeks=1, known_at=t[i], jobs=1)
        return ({r.rep_id: [(w.week, w.meetings) for w in r.weeks] for r in report.reps},
                [(n.account_id, n.days_since_meeting) for n in report.neglected_accounts])

    # T2: both reps active, no meeting yet: A never met (neglected, None days)
    assert at(2) == ({"r1": [("2026-W46", 0)], "r2": [("2026-W46", 0)]}, [("A", None)])
    # T3: r2 inactive is no longer judged
    assert at(3) == ({"r1": [("2026-W46", 0)]}, [("A", None)])
    # T4: r1 met c1 on 10 November (W46); A's last meeting 5 days before D, within 90: not neglected
    assert at(4) == ({"r1": [("2026-W46", 1)]}, [])


def test_completeness_and_measures_are_those_of_the_store_as_it_was(loop, tmp_path):
    """Known at T2, the answers are those of a fresh store holding what the store held at T2."""
    store, t = loop
    then = history.known_at(store.export(), store.audit_trail(), t[2])
    assert [p.id for p in then.plans] == ["p1"] and [r.depth for r in then.relationships] == [3]
    with open_store(f"ladybug://{tmp_path / 'then.lbug'}") as fresh:
        fresh.apply(then)
        assert management.completeness(store, D, P, known_at=t[2], jobs=1) == management.completeness(fresh, D, P)
        assert management.completeness(store, D, P, account_id="A", known_at=t[2], jobs=1) \
            == management.completeness(fresh, D, P, account_id="A")
        assert management.measures(store, D, P, known_at=t[2], jobs=1) == management.measures(fresh, D, P)
    # and the plan completion measured then: p1 done (1.0); now (p1 deleted) there is no plan
    assert management.measures(store, D, P, known_at=t[2], jobs=1).portfolio.plan_completion == 1.0
    assert management.measures(store, D, P).portfolio.plan_completion is None


def test_before_history_is_refused(loop):
    store, t = loop
    for run in (lambda: management.plans(store, D, P, known_at=t[0] - dt.timedelta(days=1)),
                lambda: management.cadence(store, D, P, known_at=t[0] - dt.timedelta(days=1)),
                lambda: management.completeness(store, D, P, known_at=t[0] - dt.timedelta(days=1)),
                lambda: management.measures(store, D, P, known_at=t[0] - dt.timedelta(days=1))):
        with pytest.raises(history.BeforeHistory, match="history begins at"):
            run()


def test_an_unknown_account_or_rep_then_is_not_found(loop):
    store, t = loop
    with pytest.raises(Exception, match="no account"):
        management.completeness(store, D, P, account_id="nope", known_at=t[1])
    with pytest.raises(Exception, match="no rep"):
        management.plans(store, D, P, rep_id="nope", known_at=t[1])
