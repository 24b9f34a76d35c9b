"""Relationship depth (docs/design.md §3): effective depth, best depth and holders, key
contacts of a bid and of an account, required depth, coverage status.

Every expected value is worked out by hand from the definitions in docs/design.md; the
comment next to it shows the arithmetic.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.depth import (
    account_key_contacts, account_required_depth, account_required_depths, bid_key_contacts, chain, depths, effective_depth, is_key_role,
    last_contacts, open_bids, status,
)
from graphcrm.graph import build_graph
from graphcrm.model import Account, Activity, Bid, BidRole, Contact, Dataset, Relationship, Rep
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 1, 1)
P = Policy()


def ago(days: int | None) -> dt.date | None:
    return None if days is None else AS_OF - dt.timedelta(days=days)


def person(id: str, level: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", level=level)


def knows(rep: str, contact: str, depth: int, days: int | None = 0) -> Relationship:
    """``days``: how long before AS_OF the last contact was (None: never logged)."""
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=ago(days))


def met(id: str, days: int, reps: list[str], contacts: list[str]) -> Activity:
    """An activity ``days`` before AS_OF (negative: after it) attended by ``reps`` and ``contacts``."""
    return Activity(id=id, date=ago(days), kind="meeting", account_id="a1", rep_ids=reps, contact_ids=contacts)


def make_graph(*, contacts=(), reps=(), knows=(), bids=(), roles=(), activities=()):
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(
        accounts=[Account(id="a1", name="Acme", tier="S")], contacts=list(contacts), reps=reps,
        relationships=list(knows), bids=list(bids), bid_roles=list(roles), activities=list(activities),
    )
    return build_graph(data, "a1")


# --- effective depth -------------------------------------------------------------


class TestEffectiveDepth:
    @pytest.mark.parametrize(
        ("depth", "days", "expected"),
        [
            (3, 0, 3),      # contacted today: no decay
            (3, 179, 3),    # 179 ≤ 180: no decay
            (3, 180, 3),    # exactly 180 days is not OLDER than 180: no decay
            (3, 181, 2),    # 181 > 180 → 3 − 1
            (3, 360, 2),    # 360 is not older than 2 × 180: still only − 1
            (3, 361, 1),    # 361 > 360 → 3 − 2
            (4, 1000, 2),   # far beyond 360 → only − 2, never more
            (2, 181, 1),    # 2 − 1
            (1, 181, 0),    # 1 − 1
            (1, 361, 0),    # 1 − 2 = −1 → floored at 0
            (0, 400, 0),    # 0 − 2 = −2 → floored at 0
            (2, -30, 2),    # last contact after as_of: not older at all
        ],
    )
    def test_decay(self, depth, days, expected):
        assert effective_depth(depth, ago(days), AS_OF, P) == expected

    @pytest.mark.parametrize("depth", [0, 1, 2, 3, 4])
    def test_missing_last_contact_does_not_decay(self, depth):
        assert effective_depth(depth, None, AS_OF, P) == depth

    @pytest.mark.parametrize(
        ("days", "expected"),
        [(30, 4), (31, 3), (60, 3), (61, 2)],  # stale_after 30: >30 → −1, >60 → −2
    )
    def test_threshold_comes_from_the_policy(self, days, expected):
        assert effective_depth(4, ago(days), AS_OF, Policy(stale_after_days=30)) == expected


# --- depths of a graph -------------------------------------------------------------


class TestDepths:
    def test_effective_and_raw_depth_per_contact(self):
        g = make_graph(
            contacts=[person("c1"), person("c2")],
            knows=[
                knows("r1", "c1", 3, 200),  # 200 > 180 → 2
                knows("r2", "c1", 4, 400),  # 400 > 360 → 2
                knows("r3", "c1", 1, 361),  # 1 − 2 → 0
                knows("r1", "c2", 4, 180),  # exactly 180 → 4
            ],
        )
        d = depths(g, AS_OF, P)
        assert d.effective == {"c1": {"r1": 2, "r2": 2, "r3": 0}, "c2": {"r1": 4}}
        assert d.raw == {"c1": {"r1": 3, "r2": 4, "r3": 1}, "c2": {"r1": 4}}
        assert d.best("c1") == 2      # max(2, 2, 0)
        assert d.raw_best("c1") == 4  # max(3, 4, 1)
        assert d.best("c2") == 4

    def test_inactive_rep_holds_nothing(self):
        g = make_graph(
            contacts=[person("c1"), person("c2")],
            reps=[Rep(id="gone", name="Gone", active=False), Rep(id="r1", name="R1")],
            knows=[knows("gone", "c1", 4), knows("gone", "c2", 4, None), knows("r1", "c1", 2)],
        )
        d = depths(g, AS_OF, P)
        assert d.effective == {"c1": {"r1": 2}}          # "gone" left out everywhere
        assert d.raw == {"c1": {"r1": 2}}
        assert d.best("c1") == 2                           # not 4: the inactive rep does not count
        assert d.best("c2") == 0                           # known only by an inactive rep
        assert d.holders("c1", 1) == ["r1"]
        assert d.missing_last_contact == []                # the inactive rep's gap is not listed

    def test_missing_last_contact_is_listed_and_does_not_decay(self):
        g = make_graph(
            contacts=[person("c1"), person("c2")],
            knows=[knows("r2", "c1", 3, None), knows("r1", "c2", 4, None), knows("r1", "c1", 2, 10)],
        )
        d = depths(g, AS_OF, P)
        assert d.effective["c1"] == {"r2": 3, "r1": 2}  # no date → no decay
        assert d.effective["c2"] == {"r1": 4}
        # (rep_id, contact_id), sorted; r1→c1 has a date so is not listed
        assert d.missing_last_contact == [("r1", "c2"), ("r2", "c1")]

    def test_holders_reach_the_required_depth_deepest_first(self):
        g = make_graph(
            contacts=[person("c1")],
            knows=[knows("rb", "c1", 3), knows("ra", "c1", 3), knows("rc", "c1", 4),
                   knows("rd", "c1", 2), knows("re", "c1", 4, 200)],  # re: 4 − 1 = 3
        )
        d = depths(g, AS_OF, P)
        # depth ≥ 3: rc 4, then the 3s by id: ra, rb, re
        assert d.holders("c1", 3) == ["rc", "ra", "rb", "re"]
        assert d.holders("c1", 4) == ["rc"]
        assert d.holders("c1", 2) == ["rc", "ra", "rb", "re", "rd"]
        assert d.holders("nobody", 1) == []

    def test_best_of_an_unknown_contact_is_zero(self):
        d = depths(make_graph(contacts=[person("c1")]), AS_OF, P)
        assert d.best("c1") == 0
        assert d.raw_best("c1") == 0
        assert d.effective == {}

    def test_without_removes_reps_as_if_inactive(self):
        g = make_graph(
            contacts=[person("c1"), person("c2")],
            knows=[knows("r1", "c1", 4, None), knows("r2", "c1", 2), knows("r1", "c2", 3)],
        )
        after = depths(g, AS_OF, P).without(["r1"])
        assert after.best("c1") == 2   # only r2 left
        assert after.best("c2") == 0   # only r1 knew c2
        assert after.missing_last_contact == []


class TestLastContactAsOf:
    """Issue 19's definition, which issue 20 needs: as of D, a pair's last contact is
    the latest of the activities on or before D that both attended and of the
    stored last_contact if it is on or before D; a stored date after D with no
    activity on or before D is not known."""

    def test_a_later_activity_moves_the_last_contact_forward(self):
        # stored 400 days ago (4 − 2 = 2); met 10 days ago → fresh → 4
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 4, 400)],
                       activities=[met("v1", 10, ["r1"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): ago(10)}
        assert d.effective == {"c1": {"r1": 4}}
        assert d.missing_last_contact == []

    def test_a_later_stored_date_beats_an_older_activity(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 4, 5)],
                       activities=[met("v1", 300, ["r1"], ["c1"])])
        assert last_contacts(g, AS_OF) == {("r1", "c1"): ago(5)}
        assert depths(g, AS_OF, P).effective == {"c1": {"r1": 4}}

    def test_the_latest_of_several_activities(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 3, 500)],
                       activities=[met("v1", 250, ["r1"], ["c1"]), met("v2", 200, ["r1"], ["c1"]),
                                   met("v3", 370, ["r1"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): ago(200)}
        assert d.effective == {"c1": {"r1": 2}}  # 200 > 180 → 3 − 1

    def test_an_activity_after_as_of_does_not_count(self):
        # met 5 days after AS_OF: as of AS_OF the stored 400 days holds → 4 − 2 = 2
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 4, 400)],
                       activities=[met("v1", -5, ["r1"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): ago(400)}
        assert d.effective == {"c1": {"r1": 2}}
        # and five days later it counts
        assert depths(g, AS_OF + dt.timedelta(days=5), P).effective == {"c1": {"r1": 4}}

    def test_an_activity_on_as_of_counts(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 4, 400)],
                       activities=[met("v1", 0, ["r1"], ["c1"])])
        assert last_contacts(g, AS_OF) == {("r1", "c1"): AS_OF}

    def test_a_stored_date_after_as_of_without_an_activity_is_not_known(self):
        # not known: does not decay, listed as missing information
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 3, -30)])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): None}
        assert d.effective == {"c1": {"r1": 3}}
        assert d.missing_last_contact == [("r1", "c1")]

    def test_a_stored_date_after_as_of_gives_way_to_an_activity_before_it(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 3, -30)],
                       activities=[met("v1", 200, ["r1"], ["c1"]), met("v2", -10, ["r1"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): ago(200)}
        assert d.effective == {"c1": {"r1": 2}}  # 200 > 180 → 3 − 1
        assert d.missing_last_contact == []

    def test_a_never_logged_pair_that_met_has_that_date(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 2, None)],
                       activities=[met("v1", 30, ["r1"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("r1", "c1"): ago(30)}
        assert d.missing_last_contact == []

    def test_only_pairs_who_both_attended(self):
        # v1: r1 and r2 met c1 and c2 → all four pairs; v2: r3 with nobody; v3: c3 with no rep.
        # r3→c3 known but never met together; r1→c3 known, c3 met only without reps.
        g = make_graph(
            contacts=[person("c1"), person("c2"), person("c3")],
            knows=[knows("r1", "c1", 3, 400), knows("r2", "c2", 3, 400), knows("r1", "c2", 1, None),
                   knows("r3", "c3", 3, 400), knows("r1", "c3", 3, 400)],
            activities=[met("v1", 20, ["r1", "r2"], ["c1", "c2"]), met("v2", 10, ["r3"], []),
                        met("v3", 5, [], ["c3"])],
        )
        assert last_contacts(g, AS_OF) == {
            ("r1", "c1"): ago(20), ("r2", "c2"): ago(20), ("r1", "c2"): ago(20),
            ("r3", "c3"): ago(400), ("r1", "c3"): ago(400),
        }

    def test_an_inactive_reps_pair_has_a_last_contact_but_no_depth(self):
        g = make_graph(contacts=[person("c1")], reps=[Rep(id="gone", name="Gone", active=False)],
                       knows=[knows("gone", "c1", 4, 400)], activities=[met("v1", 3, ["gone"], ["c1"])])
        d = depths(g, AS_OF, P)
        assert d.last_contact == {("gone", "c1"): ago(3)}
        assert d.effective == {} and d.missing_last_contact == []


class TestSinceAsOf:
    """As of D, a relationship whose ``since`` is after D does not exist (issue 19)."""

    def _graph(self, since_days: int):
        k = knows("r1", "c1", 3, 0).model_copy(update={"since": ago(since_days)})
        return make_graph(contacts=[person("c1")], knows=[k])

    def test_a_relationship_that_begins_after_as_of_does_not_exist(self):
        d = depths(self._graph(-1), AS_OF, P)  # since = AS_OF + 1 day
        assert (d.best("c1"), d.raw_best("c1"), d.last_contact) == (0, 0, {})
        assert last_contacts(self._graph(-1), AS_OF) == {}

    def test_one_that_begins_on_as_of_does(self):
        d = depths(self._graph(0), AS_OF, P)  # since = AS_OF, last contact AS_OF: age 0, depth 3
        assert (d.best("c1"), d.last_contact) == (3, {("r1", "c1"): AS_OF})


# --- key contacts and the decision chain ---------------------------------------------


def bid_graph_with_roles():
    contacts = [person(c) for c in ("dm", "ap", "hi", "med", "usr", "coach", "x")]
    bids = [Bid(id="b1", account_id="a1", name="B1", stage="tender")]
    roles = [
        BidRole(bid_id="b1", contact_id="dm", role="decision_maker"),
        BidRole(bid_id="b1", contact_id="ap", role="approver", influence="low"),
        BidRole(bid_id="b1", contact_id="hi", role="technical_evaluator", influence="high"),
        BidRole(bid_id="b1", contact_id="med", role="influencer", influence="medium"),
        BidRole(bid_id="b1", contact_id="usr", role="user"),
        BidRole(bid_id="b1", contact_id="coach", role="coach", stance=2),
    ]
    return make_graph(contacts=contacts, bids=bids, roles=roles)


class TestKeyContacts:
    def test_bid_key_contacts(self):
        # decision_maker, approver (whatever its influence), or influence high
        assert bid_key_contacts(bid_graph_with_roles(), "b1") == {"dm", "ap", "hi"}

    def test_chain_holds_every_member_with_its_role(self):
        c = chain(bid_graph_with_roles(), "b1")
        assert set(c) == {"dm", "ap", "hi", "med", "usr", "coach"}  # x has no role
        assert c["coach"]["stance"] == 2
        assert c["hi"]["influence"] == "high"

    @pytest.mark.parametrize(
        ("role", "influence", "key"),
        [
            ("decision_maker", None, True), ("approver", "low", True),
            ("user", "high", True), ("influencer", "medium", False),
            ("coach", None, False), ("gatekeeper", "low", False),
        ],
    )
    def test_is_key_role(self, role, influence, key):
        assert is_key_role({"role": role, "influence": influence}) is key

    def test_account_key_contacts_are_executives_plus_key_contacts_of_open_bids(self):
        contacts = [
            person("ex", "executive"), person("sen", "senior"),
            *(person(c, "middle") for c in ("lead", "qual", "tend", "subm", "won", "lost", "other")),
        ]
        stages = {"bl": "lead", "bq": "qualify", "bt": "tender", "bs": "submitted", "bw": "won", "bx": "lost"}
        bids = [Bid(id=b, account_id="a1", name=b, stage=s) for b, s in stages.items()]
        roles = [
            BidRole(bid_id="bl", contact_id="lead", role="decision_maker"),
            BidRole(bid_id="bq", contact_id="qual", role="approver"),
            BidRole(bid_id="bt", contact_id="tend", role="user", influence="high"),
            BidRole(bid_id="bs", contact_id="subm", role="decision_maker"),
            BidRole(bid_id="bw", contact_id="won", role="decision_maker"),    # won: closed
            BidRole(bid_id="bx", contact_id="lost", role="approver"),         # lost: closed
            BidRole(bid_id="bt", contact_id="other", role="user", influence="low"),  # not key
        ]
        g = make_graph(contacts=contacts, bids=bids, roles=roles)
        assert sorted(open_bids(g)) == ["bl", "bq", "bs", "bt"]
        # the executive + the key contacts of the four open bids; senior "sen" is not key
        assert account_key_contacts(g) == {"ex", "lead", "qual", "tend", "subm"}

    def test_account_required_depths_key_chain_and_others(self):
        # Policy(): key 3, chain 2, others 1. "ex" is an executive (key, no role);
        # "dm" decides the open bid (key); "usr" is in its chain, not key (2);
        # "won" decided a won bid only: a closed chain does not count (1); "x" has no role (1).
        contacts = [person("ex", "executive"), *(person(c, "middle") for c in ("dm", "usr", "won", "x"))]
        bids = [Bid(id="bt", account_id="a1", name="T", stage="tender"),
                Bid(id="bw", account_id="a1", name="W", stage="won")]
        roles = [BidRole(bid_id="bt", contact_id="dm", role="decision_maker"),
                 BidRole(bid_id="bt", contact_id="usr", role="user", influence="low"),
                 BidRole(bid_id="bw", contact_id="won", role="decision_maker")]
        g = make_graph(contacts=contacts, bids=bids, roles=roles)
        expected = {"ex": 3, "dm": 3, "usr": 2, "won": 1, "x": 1}
        assert account_required_depths(g, P) == expected
        assert {c: account_required_depth(g, c, P) for c in expected} == expected
        assert account_required_depths(g, Policy(key_required_depth=4, chain_required_depth=3,
                                                 other_required_depth=2))["usr"] == 3

    def test_account_key_contacts_without_bids(self):
        g = make_graph(contacts=[person("e1", "executive"), person("e2", "executive"), person("m", "middle")])
        assert account_key_contacts(g) == {"e1", "e2"}


# --- required depth and status -------------------------------------------------------


class TestRequiredDepthAndStatus:
    @pytest.mark.parametrize(
        ("key", "in_chain", "required"),
        [(True, True, 3), (True, False, 3), (False, True, 2), (False, False, 1)],
    )
    def test_required_depth(self, key, in_chain, required):
        assert P.required_depth(key=key, in_chain=in_chain) == required

    @pytest.mark.parametrize(
        ("best", "required", "expected"),
        [
            (3, 3, "covered"), (4, 3, "covered"),   # best ≥ required
            (2, 3, "weak"), (1, 3, "weak"), (1, 2, "weak"),  # 0 < best < required
            (0, 3, "uncovered"), (0, 1, "uncovered"),  # best = 0
            (1, 1, "covered"),
        ],
    )
    def test_status(self, best, required, expected):
        assert status(best, required) == expected


class TestUnknownIds:
    def test_unknown_bid_has_an_empty_chain(self):
        g = bid_graph_with_roles()
        assert chain(g, "nope") == {}
        assert bid_key_contacts(g, "nope") == set()

    def test_unknown_contact_has_no_depth(self):
        d = depths(bid_graph_with_roles(), AS_OF, P)
        assert (d.best("nope"), d.raw_best("nope"), d.holders("nope", 1)) == (0, 0, [])
