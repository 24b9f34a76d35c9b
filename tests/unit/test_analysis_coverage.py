"""The pre-tender coverage check of a bid (docs/design.md §3): decision chain with
coverage status, uncovered decision-makers with warm paths, bus factor, red
flags (each firing and each not firing), and NotFound for an unknown bid.

Expected values are worked out by hand from the definitions in docs/design.md. Chain
members that are not key need depth 2, key ones 3.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.coverage import RED_FLAGS, coverage_check
from graphcrm.errors import NotFound
from graphcrm.graph import build_graph
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Influence, Relationship, Rep
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 1, 1)
P = Policy()


def ago(days: int | None) -> dt.date | None:
    return None if days is None else AS_OF - dt.timedelta(days=days)


def person(id: str, level: str | None = None, reports_to: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", level=level, reports_to=reports_to)


def knows(rep: str, contact: str, depth: int, days: int | None = 0) -> Relationship:
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=ago(days))


def role(contact: str, name: str, influence: str | None = None, stance: int | None = None) -> BidRole:
    return BidRole(bid_id="b1", contact_id=contact, role=name, influence=influence, stance=stance)


def make_graph(*, roles, knows=(), contacts=None, reps=(), influences=(), plans=(), feedback=(), stage="tender"):
    """Account a1 with open bid b1; contacts default to one per role."""
    contacts = [person(r.contact_id) for r in roles] if contacts is None else contacts
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(
        accounts=[Account(id="a1", name="Acme", tier="B")], contacts=list(contacts), reps=reps,
        relationships=list(knows), influences=list(influences),
        bids=[Bid(id="b1", account_id="a1", name="Core network", stage=stage)], bid_roles=list(roles),
        plans=list(plans), feedback=list(feedback),
    )
    return build_graph(data, "a1")


def flags(report) -> dict[str, list[str]]:
    return {f.flag: f.contact_ids for f in report.red_flags}


# --- a full check --------------------------------------------------------------------------


def scenario():
    """dm: decision_maker +1, r1 at 4 → covered.
    ap: approver −1, r2 at 3 but 200 days old → 2 → weak, stale, opponent.
    te: technical_evaluator, influence high, stance unknown, nobody → uncovered.
    ev: commercial_evaluator, influence low, 0, r1 at 2 → covered at required 2.
    ap REPORTS_TO dm; ev INFLUENCES te 0.5; x is outside the chain."""
    return make_graph(
        roles=[role("dm", "decision_maker", stance=1), role("ap", "approver", stance=-1),
               role("te", "technical_evaluator", "high"), role("ev", "commercial_evaluator", "low", 0)],
        contacts=[person("dm", "senior"), person("ap", "senior", reports_to="dm"), person("te", "middle"),
                  person("ev", "staff"), person("x", "staff")],
        knows=[knows("r1", "dm", 4, 10), knows("r1", "ev", 2, 10), knows("r2", "ap", 3, 200)],
        influences=[Influence(source_id="ev", target_id="te", strength=0.5)],
    )


class TestFullCheck:
    def test_decision_chain(self):
        r = coverage_check(scenario(), "b1", AS_OF, P)
        rows = [(m.contact_id, m.key, m.status, m.best_depth, m.required_depth, m.opponent, m.holders)
                for m in r.decision_chain]
        # sorted: key first, not covered first, then id
        assert rows == [
            ("ap", True, "weak", 2, 3, True, []),          # 3 − 1 = 2 < 3; stance −1
            ("te", True, "uncovered", 0, 3, False, []),
            ("dm", True, "covered", 4, 3, False, ["r1"]),
            ("ev", False, "covered", 2, 2, False, ["r1"]),  # not key → required 2
        ]
        assert "x" not in {m.contact_id for m in r.decision_chain}

    def test_relationships_of_a_member(self):
        r = coverage_check(scenario(), "b1", AS_OF, P)
        ap = next(m for m in r.decision_chain if m.contact_id == "ap")
        assert [(x.rep_id, x.depth, x.effective_depth, x.last_contact) for x in ap.relationships] == [
            ("r2", 3, 2, ago(200))]

    def test_uncovered_with_warm_paths(self):
        r = coverage_check(scenario(), "b1", AS_OF, P)
        got = [(u.contact_id, u.status, u.best_depth, u.required_depth,
                [(p.rep_id, p.via, p.strength) for p in u.warm_paths]) for u in r.uncovered]
        assert got == [
            # ap: r1 knows dm at 4, dm–ap reporting line 0.5 → 4/4 × 0.5
            ("ap", "weak", 2, 3, [("r1", ["dm", "ap"], pytest.approx(0.5))]),
            # te: r1 knows ev at 2, ev–te influence 0.5 → 2/4 × 0.5
            ("te", "uncovered", 0, 3, [("r1", ["ev", "te"], pytest.approx(0.25))]),
        ]

    def test_bus_factor(self):
        # covered key contacts: dm {r1} → 1 covered, r1 alone uncovers it → 1
        assert coverage_check(scenario(), "b1", AS_OF, P).bus_factor == 1

    def test_red_flags(self):
        r = coverage_check(scenario(), "b1", AS_OF, P)
        assert flags(r) == {
            "uncovered_key_contact": ["ap", "te"],
            "opponent": ["ap"],
            "no_champion": [],          # nobody at +2, no coach
            "unknown_stance": ["te"],
            "stale_key_relationship": ["ap"],  # raw 3 ≥ 3, effective 2 < 3
            "single_threaded": ["dm"],
        }  # missing_role does not fire: both decision_maker and approver are there
        # no plans and no feedback: overdue_plan and open_complaint do not fire either
        assert [f.flag for f in r.red_flags] == [
            f for f in RED_FLAGS if f not in ("missing_role", "overdue_plan", "open_complaint")]
        assert all(f.detail for f in r.red_flags)

    def test_gaps_are_about_the_bids_key_contacts(self):
        key = coverage_check(scenario(), "b1", AS_OF, P).gaps.key
        # key: ap (2 → gap 1), dm (covered), te (0 → gap 3) → 1/3 covered
        assert [(g.subject_id, g.gap) for g in key.gaps] == [("ap", 1), ("te", 3)]
        assert key.score == pytest.approx(1 / 3, abs=1e-4)

    def test_header(self):
        r = coverage_check(scenario(), "b1", AS_OF, P)
        assert (r.bid_id, r.bid_name, r.account_id, r.stage, r.as_of) == ("b1", "Core network", "a1", "tender", AS_OF)

    def test_as_of_moves_staleness(self):
        # 20 days earlier ap's last contact is 180 days old: no decay → 3 → covered
        r = coverage_check(scenario(), "b1", AS_OF - dt.timedelta(days=20), P)
        assert "stale_key_relationship" not in flags(r)
        assert [u.contact_id for u in r.uncovered] == ["te"]
        # covered: ap {r2}, dm {r1} → need 1 → either alone → 1
        assert r.bus_factor == 1


# --- each red flag, firing and not firing -------------------------------------------------------


def healthy(**change):
    """No red flag: dm +2 and ap +1, both held by r1 and r2 at ≥ 3.
    Bus factor: 2 covered, need 1; one rep leaving leaves the other → 2."""
    roles = {"dm": role("dm", "decision_maker", stance=2), "ap": role("ap", "approver", stance=1)}
    rels = {("r1", "dm"): knows("r1", "dm", 4), ("r2", "dm"): knows("r2", "dm", 3),
            ("r1", "ap"): knows("r1", "ap", 3), ("r2", "ap"): knows("r2", "ap", 4)}
    for k, v in change.get("roles", {}).items():
        if v is None:
            roles.pop(k)
        else:
            roles[k] = v
    for k, v in change.get("knows", {}).items():
        if v is None:
            rels.pop(k)
        else:
            rels[k] = v
    return make_graph(roles=list(roles.values()), knows=list(rels.values()))


def check(g):
    return coverage_check(g, "b1", AS_OF, P)


class TestRedFlags:
    def test_healthy_bid_has_none(self):
        r = check(healthy())
        assert r.red_flags == []
        assert r.bus_factor == 2
        assert r.uncovered == []

    # uncovered_key_contact
    def test_weak_key_contact_fires(self):
        r = check(healthy(knows={("r1", "ap"): knows("r1", "ap", 2), ("r2", "ap"): knows("r2", "ap", 2)}))
        # ap best 2 < 3 → weak; raw best 2 < 3 → NOT stale; dm {r1, r2} → bus factor 2
        assert flags(r) == {"uncovered_key_contact": ["ap"]}

    def test_uncovered_key_contact_fires(self):
        r = check(healthy(knows={("r1", "ap"): None, ("r2", "ap"): None}))
        assert flags(r) == {"uncovered_key_contact": ["ap"]}
        assert [(u.contact_id, u.status) for u in r.uncovered] == [("ap", "uncovered")]

    def test_weak_non_key_member_does_not_fire(self):
        r = check(healthy(roles={"u1": role("u1", "user", "medium", 0)},
                          knows={("r1", "u1"): knows("r1", "u1", 1)}))
        u1 = next(m for m in r.decision_chain if m.contact_id == "u1")
        assert (u1.key, u1.status, u1.required_depth) == (False, "weak", 2)  # 1 < 2
        assert r.red_flags == []
        assert r.uncovered == []

    # opponent
    def test_covered_opponent_fires(self):
        r = check(healthy(roles={"ap": role("ap", "approver", stance=-1)}))
        assert flags(r) == {"opponent": ["ap"]}  # covered or not

    def test_strong_opponent_fires(self):
        r = check(healthy(roles={"dm": role("dm", "decision_maker", stance=-2),
                                 "ap": role("ap", "approver", stance=2)}))
        assert flags(r) == {"opponent": ["dm"]}

    @pytest.mark.parametrize("stance", [0, 1])
    def test_neutral_or_supporting_key_contact_is_no_opponent(self, stance):
        r = check(healthy(roles={"ap": role("ap", "approver", stance=stance)}))
        assert "opponent" not in flags(r)

    def test_non_key_opponent_does_not_fire(self):
        r = check(healthy(roles={"u1": role("u1", "user", "low", -2)}, knows={("r1", "u1"): knows("r1", "u1", 2)}))
        assert r.red_flags == []
        assert next(m for m in r.decision_chain if m.contact_id == "u1").opponent is False

    # no_champion
    def test_no_champion_fires(self):
        r = check(healthy(roles={"dm": role("dm", "decision_maker", stance=1)}))
        assert flags(r) == {"no_champion": []}

    def test_coach_role_suppresses_no_champion(self):
        r = check(healthy(roles={"dm": role("dm", "decision_maker", stance=1),
                                 "co": role("co", "coach")}, knows={("r1", "co"): knows("r1", "co", 2)}))
        assert r.red_flags == []  # a coach with no stance is enough

    def test_non_key_champion_suppresses_no_champion(self):
        r = check(healthy(roles={"dm": role("dm", "decision_maker", stance=1),
                                 "u1": role("u1", "user", "low", 2)}, knows={("r1", "u1"): knows("r1", "u1", 2)}))
        assert r.red_flags == []

    # missing_role
    def test_missing_approver_fires(self):
        r = check(healthy(roles={"ap": None}, knows={("r1", "ap"): None, ("r2", "ap"): None}))
        # dm alone: {r1, r2} → 1 covered, need 1 → both must go → 2: no single_threaded
        assert flags(r) == {"missing_role": []}
        assert r.bus_factor == 2

    def test_approver_only_as_influencer_still_missing(self):
        r = check(healthy(roles={"ap": role("ap", "influencer", "high", 1)}))
        # ap still key (influence high) and covered; but no approver role
        assert flags(r) == {"missing_role": []}

    def test_missing_decision_maker_fires(self):
        r = check(healthy(roles={"dm": role("dm", "user", "low", 2)}))
        assert flags(r) == {"missing_role": []}  # dm +2 still the champion

    # unknown_stance
    def test_unknown_stance_of_key_contact_fires(self):
        r = check(healthy(roles={"ap": role("ap", "approver")}))
        assert flags(r) == {"unknown_stance": ["ap"]}

    def test_unknown_stance_of_non_key_member_does_not_fire(self):
        r = check(healthy(roles={"u1": role("u1", "user", "low")}, knows={("r1", "u1"): knows("r1", "u1", 2)}))
        assert r.red_flags == []

    # stale_key_relationship
    def test_stale_key_relationship_fires(self):
        r = check(healthy(knows={("r1", "ap"): knows("r1", "ap", 3, 200),     # 3 − 1 = 2
                                 ("r2", "ap"): knows("r2", "ap", 4, 400)}))   # 4 − 2 = 2
        # best 2 < 3 ≤ raw best 4 → stale; also weak → uncovered_key_contact; dm {r1,r2} → 2
        assert flags(r) == {"uncovered_key_contact": ["ap"], "stale_key_relationship": ["ap"]}

    def test_exactly_180_days_is_not_stale(self):
        r = check(healthy(knows={("r1", "ap"): knows("r1", "ap", 3, 180), ("r2", "ap"): knows("r2", "ap", 3, 180)}))
        assert r.red_flags == []

    def test_stale_via_inactive_rep_does_not_fire(self):
        r = check(make_graph(
            roles=[role("dm", "decision_maker", stance=2), role("ap", "approver", stance=1)],
            reps=[Rep(id="r9", name="Rep r9", active=False)],
            knows=[knows("r1", "dm", 4), knows("r2", "dm", 3), knows("r1", "ap", 2), knows("r9", "ap", 4)],
        ))
        # r9 inactive holds nothing: raw best of ap is r1's 2 < 3 → weak, not stale
        assert flags(r) == {"uncovered_key_contact": ["ap"]}

    # single_threaded
    def test_single_threaded_fires(self):
        r = check(healthy(knows={("r2", "dm"): None, ("r2", "ap"): None}))
        # dm {r1}, ap {r1} → r1 alone uncovers both → 1
        assert r.bus_factor == 1
        assert flags(r) == {"single_threaded": ["ap", "dm"]}

    def test_single_threaded_names_only_what_the_rep_takes(self):
        r = check(healthy(knows={("r2", "dm"): None}))
        # dm {r1}, ap {r1, r2}: 2 covered, need 1; r1 alone uncovers dm → 1
        assert r.bus_factor == 1
        assert flags(r) == {"single_threaded": ["dm"]}


class TestEdgeCases:
    def test_bid_without_key_contacts(self):
        g = make_graph(roles=[role("u1", "user", "low", 1), role("i1", "influencer", "medium", 0)],
                       knows=[knows("r1", "u1", 4), knows("r1", "i1", 4)])
        r = check(g)
        assert r.bus_factor == 0          # no key contact covered (none exists)
        assert r.uncovered == []
        assert flags(r) == {"no_champion": [], "missing_role": []}
        assert r.gaps.key.score == 1.0    # empty set counts as fully covered

    def test_empty_chain(self):
        r = check(make_graph(roles=[], contacts=[person("c1")]))
        assert (r.decision_chain, r.uncovered, r.bus_factor) == ([], [], 0)
        assert flags(r) == {"no_champion": [], "missing_role": []}

    def test_key_by_high_influence(self):
        g = make_graph(roles=[role("dm", "decision_maker", stance=2), role("ap", "approver", stance=1),
                              role("ev", "technical_evaluator", "high", 0)],
                       knows=[knows("r1", "dm", 4), knows("r2", "dm", 4), knows("r1", "ap", 4),
                              knows("r2", "ap", 4), knows("r1", "ev", 2)])
        r = check(g)
        ev = next(m for m in r.decision_chain if m.contact_id == "ev")
        assert (ev.key, ev.required_depth, ev.status) == (True, 3, "weak")  # 2 < 3
        assert flags(r) == {"uncovered_key_contact": ["ev"]}

    def test_inactive_holder_leaves_the_contact_uncovered(self):
        g = make_graph(roles=[role("dm", "decision_maker", stance=2), role("ap", "approver", stance=1)],
                       reps=[Rep(id="gone", name="Gone", active=False)],
                       knows=[knows("gone", "dm", 4), knows("r1", "ap", 3)])
        r = check(g)
        dm = next(m for m in r.decision_chain if m.contact_id == "dm")
        assert (dm.status, dm.best_depth, dm.holders) == ("uncovered", 0, [])
        # covered: ap {r1} → 1
        assert flags(r) == {"uncovered_key_contact": ["dm"], "single_threaded": ["ap"]}


class TestErrors:
    def test_unknown_bid_raises_not_found(self):
        with pytest.raises(NotFound) as e:
            coverage_check(scenario(), "nope", AS_OF, P)
        assert (e.value.kind, e.value.id) == ("bid", "nope")

    def test_a_contact_id_is_not_a_bid(self):
        with pytest.raises(NotFound):
            coverage_check(scenario(), "dm", AS_OF, P)


# --- issue 15: a contact's own stance, overdue plans, open complaints, paths through opponents ----


class TestIssue15:
    def test_the_role_stance_wins_else_the_contacts_own(self):
        from graphcrm.model import Contact

        contacts = [Contact(id="dm", account_id="a1", name="DM", stance=-1),
                    Contact(id="ap", account_id="a1", name="AP", stance=-2)]
        roles = [BidRole(bid_id="b1", contact_id="dm", role="decision_maker", stance=1),   # role: +1
                 BidRole(bid_id="b1", contact_id="ap", role="approver")]                   # own: −2
        r = coverage_check(make_graph(roles=roles, contacts=contacts), "b1", AS_OF, P)
        assert {m.contact_id: m.stance for m in r.decision_chain} == {"dm": 1, "ap": -2}
        assert flags(r)["opponent"] == ["ap"] and "unknown_stance" not in flags(r)

    def overdue(self, due, stage="tender"):
        from graphcrm.model import Plan

        plan = Plan(id="p", account_id="a1", layer="key", contact_id="dm", owner_rep_id="r1", goal="depth",
                    target="3", created=AS_OF - dt.timedelta(days=60), due=due)
        roles = [BidRole(bid_id="b1", contact_id="dm", role="decision_maker", stance=2)]
        return flags(coverage_check(make_graph(roles=roles, knows=[knows("r1", "dm", 1)], plans=[plan],
                                               stage=stage), "b1", AS_OF, P))

    def test_overdue_plan_on_a_key_contact(self):
        # dm at depth 1 < target 3: not done; due yesterday → overdue → flagged; due today → open → not
        assert self.overdue(AS_OF - dt.timedelta(days=1))["overdue_plan"] == ["dm"]
        assert "overdue_plan" not in self.overdue(AS_OF)
        assert "overdue_plan" not in self.overdue(AS_OF - dt.timedelta(days=1), stage="won")  # not an open bid

    def test_open_high_complaint_flags_the_bid(self):
        from graphcrm.model import Feedback

        roles = [BidRole(bid_id="b1", contact_id="dm", role="decision_maker", stance=2)]
        f = [Feedback(id="f1", account_id="a1", contact_id="dm", date=AS_OF, kind="complaint", severity="high"),
             Feedback(id="f2", account_id="a1", date=AS_OF, kind="complaint", severity="medium")]
        assert flags(coverage_check(make_graph(roles=roles, feedback=f), "b1", AS_OF, P))["open_complaint"] == ["dm"]
        closed = [f[0].model_copy(update={"status": "closed", "closed": AS_OF}), f[1]]
        assert "open_complaint" not in flags(coverage_check(make_graph(roles=roles, feedback=closed), "b1", AS_OF, P))

    def test_warm_paths_through_an_opponent_are_marked_not_reranked(self):
        from graphcrm.model import Contact, Influence

        # ap is uncovered; r1 → op (3) → ap (0.9): 0.75 × 0.9 = 0.675, op is an opponent (own −2);
        # r2 → fr (2) → ap (0.9): 0.5 × 0.9 = 0.45. The stronger path stays first.
        contacts = [Contact(id="ap", account_id="a1", name="AP"), Contact(id="op", account_id="a1", name="OP", stance=-2),
                    Contact(id="fr", account_id="a1", name="FR", stance=1)]
        roles = [BidRole(bid_id="b1", contact_id="ap", role="approver", stance=0)]
        g = make_graph(roles=roles, contacts=contacts, knows=[knows("r1", "op", 3), knows("r2", "fr", 2)],
                       influences=[Influence(source_id="op", target_id="ap", strength=0.9),
                                   Influence(source_id="fr", target_id="ap", strength=0.9)])
        (u,) = coverage_check(g, "b1", AS_OF, P).uncovered
        assert [(p.rep_id, p.via, p.strength, p.through_opponents) for p in u.warm_paths] == [
            ("r1", ["op", "ap"], pytest.approx(0.675), ["op"]), ("r2", ["fr", "ap"], pytest.approx(0.45), [])]
