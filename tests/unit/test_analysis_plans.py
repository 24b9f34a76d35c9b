"""Relationship-improvement plans (docs/design.md §3.25): status as of a day, completion.

Expected values are worked out by hand from the definitions: ``done`` when the goal
holds as of D, else ``overdue`` when due < D, else ``open``; plans created after D
do not exist; completion = done ÷ plans, None when there are none.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from graphcrm.analysis.depth import depths
from graphcrm.analysis.plans import completion, plan_statuses
from graphcrm.graph import build_graph
from graphcrm.model import Account, Activity, Agreement, Contact, Dataset, Plan, Relationship, Rep, Unit
from graphcrm.policy import Policy

D = dt.date(2026, 11, 15)
P = Policy()


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def plan(id, goal, target, *, contact=None, unit=None, owner="r1", layer="key", created="2026-10-01",
         due="2026-12-31") -> Plan:
    return Plan(id=id, account_id="a", layer=layer, contact_id=contact, unit_id=unit, owner_rep_id=owner,
                goal=goal, target=target, created=day(created), due=day(due))


def statuses(plans, *, knows=(), activities=(), agreements=(), stance=None, reps=None):
    reps = reps or [Rep(id="r1", name="R1"), Rep(id="r2", name="R2"), Rep(id="gone", name="G", active=False)]
    data = Dataset(
        accounts=[Account(id="a", name="A", tier="S")],
        units=[Unit(id="u1", account_id="a", name="U1", kind="branch")],
        contacts=[Contact(id="c1", account_id="a", name="C1", stance=stance),
                  Contact(id="c2", account_id="a", unit_id="u1", name="C2")],
        reps=reps, relationships=list(knows), activities=list(activities), agreements=list(agreements),
        plans=list(plans))
    g = build_graph(data, "a")
    return {s.plan_id: s.status for s in plan_statuses(g, depths(g, D, P), D)}


class TestDepthGoal:
    def test_reached_by_any_active_rep(self):
        # r2 (not the owner) knows c1 at 3, last contact 10 days ago: effective 3 ≥ 3 → done
        knows = [Relationship(rep_id="r2", contact_id="c1", depth=3, last_contact=D - dt.timedelta(days=10))]
        assert statuses([plan("p", "depth", "3", contact="c1")], knows=knows) == {"p": "done"}

    def test_stale_depth_is_not_reached_and_past_due_is_overdue(self):
        # depth 3, last contact 200 days ago (> 180): effective 3 − 1 = 2 < 3; due 2026-11-01 < D → overdue
        knows = [Relationship(rep_id="r1", contact_id="c1", depth=3, last_contact=D - dt.timedelta(days=200))]
        assert statuses([plan("p", "depth", "3", contact="c1", due="2026-11-01")], knows=knows) == {"p": "overdue"}

    def test_inactive_rep_counts_for_nothing(self):
        # only the inactive rep knows c1 (depth 4): best 0; due 2026-12-31 ≥ D → open
        knows = [Relationship(rep_id="gone", contact_id="c1", depth=4, last_contact=D)]
        assert statuses([plan("p", "depth", "2", contact="c1")], knows=knows) == {"p": "open"}

    def test_due_on_the_day_is_not_overdue(self):
        assert statuses([plan("p", "depth", "1", contact="c1", due="2026-11-15")]) == {"p": "open"}


class TestStanceGoal:
    def test_reached(self):
        assert statuses([plan("p", "stance", "1", contact="c1")], stance=2) == {"p": "done"}  # 2 ≥ 1

    def test_below_or_unknown(self):
        assert statuses([plan("p", "stance", "1", contact="c1")], stance=0) == {"p": "open"}  # 0 < 1
        assert statuses([plan("p", "stance", "-2", contact="c1")], stance=None) == {"p": "open"}  # not known


def visit(id, date, reps, contacts, kind="visit"):
    return Activity(id=id, date=day(date), kind=kind, account_id="a", rep_ids=reps, contact_ids=contacts)


class TestActivityGoal:
    def test_owner_and_contact_attended_on_or_after_created(self):
        acts = [visit("v1", "2026-10-01", ["r1"], ["c1"])]  # on the day created: counts
        assert statuses([plan("p", "activity", "visit", contact="c1")], activities=acts) == {"p": "done"}

    def test_before_created_wrong_kind_or_owner_absent_does_not_count(self):
        acts = [visit("v1", "2026-09-30", ["r1"], ["c1"]),           # a day before created
                visit("v2", "2026-10-05", ["r1"], ["c1"], "call"),    # another kind
                visit("v3", "2026-10-06", ["r2"], ["c1"]),            # the owner was not there
                visit("v4", "2026-11-20", ["r1"], ["c1"])]            # after D
        assert statuses([plan("p", "activity", "visit", contact="c1")], activities=acts) == {"p": "open"}

    def test_unit_goal_needs_a_contact_of_the_unit(self):
        acts = [visit("v1", "2026-10-02", ["r1"], ["c1"])]  # c1 has no unit
        assert statuses([plan("p", "activity", "visit", unit="u1", layer="general")], activities=acts) == {"p": "open"}
        acts.append(visit("v2", "2026-10-03", ["r1"], ["c2"]))  # c2 is in u1
        assert statuses([plan("p", "activity", "visit", unit="u1", layer="general")], activities=acts) == {"p": "done"}

    def test_account_goal_any_activity_of_the_kind_with_the_owner(self):
        acts = [visit("v1", "2026-10-02", ["r1"], [], "executive_visit")]
        assert statuses([plan("p", "activity", "executive_visit", layer="organisational")],
                        activities=acts) == {"p": "done"}


class TestAgreementGoal:
    def test_unexpired_of_the_kind(self):
        ag = [Agreement(id="g", account_id="a", kind="strategic_cooperation", signed=day("2026-01-01"),
                        expires=day("2026-11-15"))]  # expires on D: still unexpired
        assert statuses([plan("p", "agreement", "strategic_cooperation")], agreements=ag) == {"p": "done"}

    def test_expired_or_other_kind(self):
        ag = [Agreement(id="g", account_id="a", kind="strategic_cooperation", expires=day("2026-11-14")),
              Agreement(id="h", account_id="a", kind="framework")]
        assert statuses([plan("p", "agreement", "strategic_cooperation", due="2026-11-01")],
                        agreements=ag) == {"p": "overdue"}


def test_plans_created_after_the_day_do_not_exist():
    assert statuses([plan("p", "depth", "1", contact="c1", created="2026-11-16", due="2026-12-01")]) == {}


def test_completion_overall_by_layer_and_by_rep():
    # p1 done (key, r1): c1 known at 2 ≥ 2; p2 overdue (key, r2); p3 open (general, r1)
    knows = [Relationship(rep_id="r1", contact_id="c1", depth=2, last_contact=D)]
    plans = [plan("p1", "depth", "2", contact="c1"), plan("p2", "depth", "4", contact="c1", owner="r2",
                                                           due="2026-11-01"),
             plan("p3", "activity", "visit", unit="u1", layer="general")]
    data = Dataset(accounts=[Account(id="a", name="A", tier="S")],
                   units=[Unit(id="u1", account_id="a", name="U1", kind="branch")],
                   contacts=[Contact(id="c1", account_id="a", name="C1")],
                   reps=[Rep(id="r1", name="R1"), Rep(id="r2", name="R2")], relationships=knows, plans=plans)
    g = build_graph(data, "a")
    s = plan_statuses(g, depths(g, D, P), D)
    assert [(x.plan_id, x.status) for x in s] == [("p1", "done"), ("p2", "overdue"), ("p3", "open")]
    c = completion(s)
    assert c.overall == pytest.approx(1 / 3, abs=1e-4)                # 1 done of 3
    assert c.by_layer == {"key": 0.5, "general": 0.0, "organisational": None}  # 1/2, 0/1, no plans
    assert c.by_rep == {"r1": 0.5, "r2": 0.0}                           # r1: 1 of 2; r2: 0 of 1
    assert completion([]).overall is None


class TestErrors:
    def test_target_must_fit_the_goal(self):
        with pytest.raises(ValidationError, match="a depth goal takes a depth 1 to 4"):
            plan("p", "depth", "5", contact="c1")
        with pytest.raises(ValidationError, match="an activity kind"):
            plan("p", "activity", "lunch")

    def test_depth_goal_names_a_contact_and_due_follows_created(self):
        with pytest.raises(ValidationError, match="contact_id"):
            plan("p", "depth", "3")
        with pytest.raises(ValidationError, match="due: must not be before created"):
            plan("p", "stance", "1", contact="c1", created="2026-10-02", due="2026-10-01")
