"""Relationship-depth gaps by layer (docs/design.md §3): key, general, organisational.

Expected values are worked out by hand. Where docs/design.md leaves a point open the
tests pin the code's choice: dark units are units of kind department or branch
(hq excluded) with no contact at best ≥ 1, lit by any contact (any level); an
agreement still counts on its expiry day and does not count before it is
signed; with no executive contact the executive criterion is met.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.gaps import gaps
from graphcrm.errors import NotFound
from graphcrm.graph import build_graph
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Relationship, Rep, Unit,
)
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 1, 1)
P = Policy()


def ago(days: int | None) -> dt.date | None:
    return None if days is None else AS_OF - dt.timedelta(days=days)


def person(id: str, level: str | None = None, unit: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", level=level, unit_id=unit)


def knows(rep: str, contact: str, depth: int, days: int | None = 0) -> Relationship:
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=ago(days))


def unit(id: str, kind: str, parent: str | None = None) -> Unit:
    return Unit(id=id, account_id="a1", name=f"Unit {id}", kind=kind, parent_unit_id=parent)


def agreement(kind: str, signed=dt.date(2025, 1, 1), expires=dt.date(2027, 1, 1), id="ag1") -> Agreement:
    return Agreement(id=id, account_id="a1", kind=kind, signed=signed, expires=expires)


def make_graph(*, tier="S", units=(), contacts=(), reps=(), knows=(), bids=(), roles=(), agreements=(), activities=(),
               fit=None):
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(
        accounts=[Account(id="a1", name="Acme", tier=tier, strategic_fit=fit)], units=list(units),
        contacts=list(contacts), reps=reps, relationships=list(knows), bids=list(bids), bid_roles=list(roles),
        agreements=list(agreements), activities=list(activities),
    )
    return build_graph(data, "a1")


# --- key layer ---------------------------------------------------------------------------


class TestKeyLayer:
    def _graph(self):
        return make_graph(
            tier="B",
            contacts=[person("e1", "executive"), person("e2", "executive"), person("m1", "middle"),
                      person("s1", "staff"), person("w1", "middle")],
            bids=[Bid(id="b1", account_id="a1", name="B1", stage="qualify"),
                  Bid(id="b0", account_id="a1", name="B0", stage="lost")],
            roles=[BidRole(bid_id="b1", contact_id="m1", role="decision_maker"),
                   BidRole(bid_id="b1", contact_id="s1", role="user", influence="low"),
                   BidRole(bid_id="b0", contact_id="w1", role="approver")],
            knows=[knows("r1", "e1", 4), knows("r2", "e2", 3, 200), knows("r3", "w1", 1)],
        )

    def test_account_key_layer(self):
        key = gaps(self._graph(), AS_OF, P).layers.key
        # key: e1, e2 (executives) + m1 (decision_maker of open b1); w1 only in lost b0
        # e1: 4 ≥ 3 covered; e2: 3 − 1 (200 days) = 2 → gap 1; m1: nobody → gap 3
        assert [(g.kind, g.subject_id, g.best_depth, g.required_depth, g.gap) for g in key.gaps] == [
            ("key_contact", "e2", 2, 3, 1), ("key_contact", "m1", 0, 3, 3)]
        assert key.score == pytest.approx(1 / 3, abs=1e-4)  # 1 of 3 covered
        assert all(g.action for g in key.gaps)

    def test_bid_key_layer(self):
        key = gaps(self._graph(), AS_OF, P, bid_id="b1").layers.key
        # only b1's key contacts: m1 (uncovered) → score 0/1
        assert [(g.subject_id, g.gap) for g in key.gaps] == [("m1", 3)]
        assert key.score == 0.0

    def test_stale_and_shallow_gaps_get_different_actions(self):
        key = gaps(self._graph(), AS_OF, P).layers.key
        stale, unknown = key.gaps
        assert "stale" in stale.action          # e2: raw 3 would cover, effective 2 does not
        assert "nobody" in unknown.action       # m1: best 0

    def test_no_key_contacts_scores_full(self):
        g = make_graph(tier="B", contacts=[person("m1", "middle")])
        key = gaps(g, AS_OF, P).layers.key
        assert (key.score, key.gaps) == (1.0, [])  # empty set counts as fully covered

    def test_all_covered(self):
        g = make_graph(tier="B", contacts=[person("e1", "executive")], knows=[knows("r1", "e1", 3, 180)])
        key = gaps(g, AS_OF, P).layers.key
        assert (key.score, key.gaps) == (1.0, [])  # 180 days: no decay → 3


# --- general layer -------------------------------------------------------------------------


def minimal_rounding_case():
    """Tier B; departments d1, d2, d3; senior contact s1 in d1, known by r1 at 2;
    an open bid b1 with s1 as its decision maker (for the check's gaps)."""
    return make_graph(
        tier="B", units=[unit("d1", "department"), unit("d2", "department"), unit("d3", "department")],
        contacts=[person("s1", "senior", "d1")], knows=[knows("r1", "s1", 2)],
        bids=[Bid(id="b1", account_id="a1", name="Bid", stage="tender")],
        roles=[BidRole(bid_id="b1", contact_id="s1", role="decision_maker")],
    )


class TestGeneralLayer:
    def test_contacts_and_units(self):
        g = make_graph(
            tier="B",
            units=[unit("h", "hq"), unit("d1", "department"), unit("d2", "department"),
                   unit("br", "branch"), unit("d3", "department", parent="d1")],
            contacts=[
                person("m1", "middle", "d1"),     # known 1 → reached, lights d1
                person("s1", "staff", "d2"),      # 2 − 2 (400 days) = 0 → not reached
                person("s2", "staff", "br"),      # unknown
                person("e1", "executive", "d3"),  # known 3 → lights d3 (not a general contact)
                person("x1", "middle"),           # in no unit, known 2 → reached
                person("m2", "middle", "h"),      # known 2, in the hq → reached, hq not a unit here
            ],
            knows=[knows("r1", "m1", 1), knows("r1", "s1", 2, 400), knows("r2", "e1", 3),
                   knows("r2", "x1", 2), knows("r3", "m2", 2)],
        )
        general = gaps(g, AS_OF, P).layers.general
        # middle/staff: m1, s1, s2, x1, m2 → reached m1, x1, m2 → 3/5
        assert general.contacts_covered_share == pytest.approx(0.6)
        # departments/branches: d1, d2, br, d3 → lit d1, d3 → dark br, d2 → 2/4
        assert general.dark_units == ["br", "d2"]
        assert general.units_lit_share == pytest.approx(0.5)
        assert general.score == pytest.approx(0.55)  # (0.6 + 0.5) / 2
        # then the people nobody knows (best 0): s1 (decayed to 0), s2
        assert [(x.kind, x.subject_id) for x in general.gaps] == [
            ("dark_unit", "br"), ("dark_unit", "d2"), ("unknown_contact", "s1"), ("unknown_contact", "s2")]
        assert "branch" in general.gaps[0].action and "department" in general.gaps[1].action

    def test_account_with_no_units(self):
        g = make_graph(tier="B", contacts=[person("s1", "staff"), person("s2", "staff")],
                       knows=[knows("r1", "s1", 1)])
        general = gaps(g, AS_OF, P).layers.general
        # no units: units share 1.0 (empty set); contacts 1/2 → (0.5 + 1.0)/2
        assert general.dark_units == []
        assert general.units_lit_share == 1.0
        assert general.contacts_covered_share == pytest.approx(0.5)
        assert general.score == pytest.approx(0.75)

    def test_only_an_hq_unit_is_not_dark(self):
        g = make_graph(tier="B", units=[unit("h", "hq")], contacts=[person("s1", "staff", "h")])
        general = gaps(g, AS_OF, P).layers.general
        # hq excluded → no units → 1.0; s1 unknown → 0/1 → score 0.5
        assert (general.dark_units, general.units_lit_share) == ([], 1.0)
        assert general.contacts_covered_share == 0.0
        assert general.score == pytest.approx(0.5)

    def test_no_general_contacts_and_no_units(self):
        g = make_graph(tier="B", contacts=[person("e1", "executive")])
        general = gaps(g, AS_OF, P).layers.general
        # the only contact is key (an executive) → no general contacts → 1.0; no units → 1.0
        assert (general.contacts_covered_share, general.units_lit_share, general.score) == (1.0, 1.0, 1.0)

    def test_every_non_key_contact_counts_whatever_its_level(self):
        g = make_graph(tier="B", contacts=[person("e1", "executive"), person("n", None), person("s", "senior")],
                       knows=[knows("r1", "s", 1)])
        general = gaps(g, AS_OF, P).layers.general
        # e1 is key; n (level unknown) and s (senior) are general: s reached, n not → 1/2; no units → 1.0
        assert (general.contacts_covered_share, general.score) == (0.5, 0.75)
        assert [(x.kind, x.subject_id, x.best_depth) for x in general.gaps] == [("unknown_contact", "n", 0)]

    def test_unit_lit_only_by_inactive_rep_is_dark(self):
        g = make_graph(tier="B", units=[unit("d1", "department")], contacts=[person("s1", "staff", "d1")],
                       reps=[Rep(id="gone", name="Gone", active=False)], knows=[knows("gone", "s1", 4)])
        general = gaps(g, AS_OF, P).layers.general
        assert general.dark_units == ["d1"]
        assert general.score == 0.0  # (0/1 + 0/1) / 2

    def test_the_score_is_rounded_once_from_unrounded_shares(self):
        """Issue 20's minimal case: three departments, one senior contact in one
        of them at depth 2, no middle or staff contacts. Units lit 1/3, contacts
        1.0 (empty set) → (1/3 + 1)/2 = 0.66666… → 0.6667; the mean of the
        rounded shares, (0.3333 + 1.0)/2 = 0.66665, rounded again gave 0.6666."""
        g = minimal_rounding_case()
        for general in (gaps(g, AS_OF, P).layers.general, coverage_check(g, "b1", AS_OF, P).gaps.general):
            assert general.score == 0.6667
            assert (general.contacts_covered_share, general.units_lit_share) == (1.0, 0.3333)
            assert general.dark_units == ["d2", "d3"]

    def test_a_child_unit_does_not_light_its_parent(self):
        g = make_graph(tier="B", units=[unit("d1", "department"), unit("d2", "department", parent="d1")],
                       contacts=[person("s1", "staff", "d2")], knows=[knows("r1", "s1", 2)])
        general = gaps(g, AS_OF, P).layers.general
        assert general.dark_units == ["d1"]           # nobody in d1 itself
        assert general.units_lit_share == pytest.approx(0.5)


# --- organisational layer ---------------------------------------------------------------------


ORG_VISIT = Activity(id="sa", date=AS_OF - dt.timedelta(days=30), kind="strategy_alignment", account_id="a1")
"""A strategy alignment 30 days before the day: the fourth criterion met."""


def org_graph(*, tier="S", exec_rep_level="executive", exec_rep_active=True, exec_depth=2, exec_days=0,
              agreements=None, team=("r2", "r3"), extra_knows=(), extra_reps=(), activities=(ORG_VISIT,), fit=None):
    """Base: every criterion met.

    e1 (executive) known by rx (executive rep) at 2; m1 known by r2, r3 at 2 →
    team {rx, r2, r3} = 3; an unexpired strategic_cooperation agreement; a
    strategy alignment within 365 days.
    """
    reps = [Rep(id="rx", name="Rep rx", level=exec_rep_level, active=exec_rep_active), *extra_reps]
    rels = [knows("rx", "e1", exec_depth, exec_days), *(knows(r, "m1", 2) for r in team), *extra_knows]
    return make_graph(
        tier=tier, contacts=[person("e1", "executive"), person("m1", "middle")], reps=reps, knows=rels,
        agreements=[agreement("strategic_cooperation")] if agreements is None else agreements,
        activities=activities, fit=fit,
    )


def org(g):
    return gaps(g, AS_OF, P).layers.organisational


class TestOrganisationalLayer:
    @pytest.mark.parametrize("tier", ["S", "A"])
    def test_all_three_met(self, tier):
        layer = org(org_graph(tier=tier))
        assert (layer.required, layer.score, layer.gaps) == (True, 1.0, [])

    @pytest.mark.parametrize("tier", ["B", "C"])
    def test_not_required_for_b_and_c(self, tier):
        layer = org(org_graph(tier=tier, agreements=[], team=()))  # even with nothing met
        assert (layer.required, layer.score, layer.gaps) == (False, None, [])

    # executive counterpart ----------------------------------------------------------------

    def test_executive_not_met_by_a_non_executive_rep(self):
        layer = org(org_graph(exec_rep_level="senior"))
        # 3 of 4 met (agreement, team of 3 with rx, the strategy alignment)
        assert layer.score == pytest.approx(3 / 4, abs=1e-4)
        assert [(x.kind, x.subject_id) for x in layer.gaps] == [("executive_counterpart", "e1")]

    def test_executive_not_met_when_stale(self):
        # rx: 2 − 1 (181 days) = 1 < 2; r4 keeps the team at 3 (r2, r3, r4)
        layer = org(org_graph(exec_days=181, team=("r2", "r3", "r4")))
        assert [(x.kind, x.subject_id) for x in layer.gaps] == [("executive_counterpart", "e1")]
        assert layer.score == pytest.approx(3 / 4, abs=1e-4)

    def test_executive_met_at_180_days(self):
        assert org(org_graph(exec_days=180)).score == 1.0  # no decay at exactly 180

    def test_executive_not_met_by_an_inactive_rep(self):
        layer = org(org_graph(exec_rep_active=False, team=("r2", "r3", "r4")))
        assert [x.kind for x in layer.gaps] == ["executive_counterpart"]
        assert layer.score == pytest.approx(3 / 4, abs=1e-4)

    def test_every_executive_needs_a_counterpart(self):
        g = make_graph(
            contacts=[person("e1", "executive"), person("e2", "executive"), person("m1", "middle")],
            reps=[Rep(id="rx", name="Rep rx", level="executive")],
            knows=[knows("rx", "e1", 3), knows("r2", "e2", 4), knows("r3", "m1", 2)],
            agreements=[agreement("joint_innovation_center")], activities=[ORG_VISIT],
        )
        layer = org(g)
        # e1 met by rx; e2 only by r2 (no level) → unmet; team rx, r2, r3 = 3; agreement ok; activity ok
        assert [(x.kind, x.subject_id) for x in layer.gaps] == [("executive_counterpart", "e2")]
        assert layer.score == pytest.approx(3 / 4, abs=1e-4)

    def test_no_executive_contacts_meets_the_criterion(self):
        g = make_graph(contacts=[person("m1", "middle")],
                       knows=[knows("r1", "m1", 2), knows("r2", "m1", 2), knows("r3", "m1", 2)],
                       agreements=[agreement("strategic_cooperation")], activities=[ORG_VISIT])
        assert org(g).score == 1.0

    # agreement ----------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("agreements", "met"),
        [
            ([agreement("strategic_cooperation")], True),
            ([agreement("joint_innovation_center")], True),
            ([agreement("strategic_cooperation", expires=None)], True),               # open-ended
            ([agreement("strategic_cooperation", signed=None, expires=None)], True),
            ([agreement("strategic_cooperation", expires=AS_OF)], True),              # expiry day
            ([agreement("strategic_cooperation", expires=AS_OF - dt.timedelta(days=1))], False),  # expired
            ([agreement("joint_innovation_center", expires=dt.date(2025, 6, 30))], False),         # expired
            ([agreement("framework")], False),                                        # wrong kind
            ([agreement("framework", expires=None)], False),
            ([agreement("strategic_cooperation", signed=dt.date(2026, 2, 1))], False),  # not signed yet
            ([], False),
            ([agreement("framework", id="f"),
              agreement("strategic_cooperation", expires=dt.date(2025, 1, 2), id="old"),
              agreement("joint_innovation_center", id="jic")], True),                 # one valid is enough
        ],
    )
    def test_agreement(self, agreements, met):
        layer = org(org_graph(agreements=agreements))
        kinds = [x.kind for x in layer.gaps]
        if met:
            assert (layer.score, kinds) == (1.0, [])
        else:
            assert kinds == ["agreement"]
            assert layer.score == pytest.approx(3 / 4, abs=1e-4)

    # team breadth ---------------------------------------------------------------------------

    def test_two_reps_are_not_enough(self):
        layer = org(org_graph(team=("r2",)))  # rx, r2 → 2 < 3
        assert [x.kind for x in layer.gaps] == ["team_breadth"]
        assert layer.score == pytest.approx(3 / 4, abs=1e-4)

    def test_inactive_and_shallow_reps_do_not_count(self):
        layer = org(org_graph(
            team=("r2",),
            extra_reps=[Rep(id="r9", name="Rep r9", active=False)],
            extra_knows=[knows("r9", "m1", 4),        # inactive
                         knows("r4", "m1", 1),        # depth 1 < 2
                         knows("r5", "m1", 3, 400)],  # 3 − 2 = 1 < 2
        ))
        # team: rx, r2 only → unmet
        assert [x.kind for x in layer.gaps] == ["team_breadth"]

    def test_one_rep_on_many_contacts_counts_once(self):
        g = make_graph(
            contacts=[person("m1", "middle"), person("m2", "middle"), person("m3", "middle")],
            knows=[knows("r1", "m1", 4), knows("r1", "m2", 4), knows("r1", "m3", 4), knows("r2", "m1", 2)],
            agreements=[agreement("strategic_cooperation")], activities=[ORG_VISIT],
        )
        assert [x.kind for x in org(g).gaps] == ["team_breadth"]  # distinct reps: r1, r2

    def test_nothing_met(self):
        layer = org(org_graph(exec_rep_level="staff", agreements=[agreement("framework")], team=(), activities=()))
        # exec: rx is staff → unmet; agreement: framework → unmet; team: rx only → unmet; no activity → unmet
        assert layer.score == 0.0
        assert [x.kind for x in layer.gaps] == ["executive_counterpart", "agreement", "team_breadth", "org_activity"]
        assert all(x.action for x in layer.gaps)

    def test_one_of_three(self):
        layer = org(org_graph(exec_rep_level="middle", agreements=[]))
        assert layer.score == pytest.approx(2 / 4, abs=1e-4)  # only the team (rx, r2, r3) and the activity

    # company-to-company activity (issue 15) ------------------------------------------------

    @pytest.mark.parametrize(("kind", "days", "met"), [
        ("strategy_alignment", 30, True), ("executive_visit", 364, True),
        ("executive_visit", 365, False),   # exactly 365 days before: outside the window (D − 365, D]
        ("meeting", 30, False),            # another kind
        ("executive_visit", -1, False),    # after the day
    ])
    def test_org_activity_within_the_window(self, kind, days, met):
        act = Activity(id="v", date=AS_OF - dt.timedelta(days=days), kind=kind, account_id="a1")
        layer = org(org_graph(activities=[act]))
        assert (layer.score, [x.kind for x in layer.gaps]) == ((1.0, []) if met else (0.75, ["org_activity"]))

    def test_an_executive_visited_lately_is_to_be_deepened(self):
        # e1 met rx at an executive visit 40 days ago, but rx is only at depth 1 there: unmet, and the
        # action says when and asks to deepen rather than for another first visit
        visit = Activity(id="ev", date=AS_OF - dt.timedelta(days=40), kind="executive_visit", account_id="a1",
                         rep_ids=["rx"], contact_ids=["e1"])
        layer = org(org_graph(exec_depth=1, team=("r2", "r3", "r4"), activities=[visit]))
        (gap,) = layer.gaps
        assert gap.kind == "executive_counterpart" and str(AS_OF - dt.timedelta(days=40)) in gap.action
        assert "deepen" in gap.action and "arrange" not in gap.action
        assert "arrange an executive visit" in org(org_graph(exec_depth=1, team=("r2", "r3", "r4"))).gaps[0].action

    @pytest.mark.parametrize("tier", ["S", "A"])
    def test_cash_cow_is_not_invested_in(self, tier):
        r = gaps(org_graph(tier=tier, fit="diverging", agreements=[], team=()), AS_OF, P)
        assert r.cash_cow is True
        assert (r.layers.organisational.required, r.layers.organisational.score, r.layers.organisational.gaps) == (
            False, None, [])
        assert gaps(org_graph(tier=tier, fit="neutral"), AS_OF, P).cash_cow is False


class TestReport:
    def test_report_header(self):
        r = gaps(org_graph(tier="A"), AS_OF, P)
        assert (r.account_id, r.name, r.tier, r.as_of) == ("a1", "Acme", "A", AS_OF)


class TestErrors:
    def test_unknown_bid_raises_not_found(self):
        g = make_graph(tier="B", contacts=[person("e1", "executive")])
        with pytest.raises(NotFound):
            gaps(g, AS_OF, P, bid_id="nope")
