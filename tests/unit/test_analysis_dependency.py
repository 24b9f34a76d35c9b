"""Single-person dependency (docs/design.md §3): bus factor, single-holder contacts,
concentration, and the account-level risk row built from them.

Expected values are worked out by hand from the definitions in docs/design.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.dependency import (
    account_risk, bus_factor, concentration, departing_reps, key_holders,
    single_holder_contacts,
)
from graphcrm.analysis.depth import depths
from graphcrm.graph import build_graph
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Relationship, Rep
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 1, 1)
P = Policy()


def ago(days: int | None) -> dt.date | None:
    return None if days is None else AS_OF - dt.timedelta(days=days)


def person(id: str, level: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", level=level)


def knows(rep: str, contact: str, depth: int, days: int | None = 0) -> Relationship:
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=ago(days))


def make_graph(*, tier="A", contacts=(), reps=(), knows=(), bids=(), roles=()):
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(
        accounts=[Account(id="a1", name="Acme", tier=tier)], contacts=list(contacts), reps=reps,
        relationships=list(knows), bids=list(bids), bid_roles=list(roles),
    )
    return build_graph(data, "a1")


def brute_force_bus_factor(holder_sets) -> int:
    """Independent oracle: try every set of reps of size 1, 2, 3 … (docs/design.md's wording)."""
    sets = [frozenset(h) for h in holder_sets if h]
    if not sets:
        return 0
    reps = sorted(frozenset().union(*sets))
    for size in range(1, len(reps) + 1):
        for gone in itertools.combinations(reps, size):
            lost = sum(1 for h in sets if h <= set(gone))
            if 2 * lost >= len(sets):  # at least half no longer covered
                return size
    raise AssertionError("unreachable: removing everyone uncovers all")


# --- bus factor ----------------------------------------------------------------------


class TestBusFactor:
    def test_nothing_covered_gives_zero(self):
        assert bus_factor([]) == 0
        assert bus_factor([set(), set()]) == 0  # empty holder sets: contacts not covered

    def test_one_covered_contact_one_holder(self):
        assert bus_factor([{"a"}]) == 1  # 1 covered, need ≥ 0.5 → 1; a alone uncovers it

    def test_exactly_half_is_enough(self):
        # 2 covered, need ≥ 1: removing a uncovers 1 of 2 = half → 1
        assert bus_factor([{"a"}, {"b"}]) == 1

    def test_odd_count_rounds_up(self):
        # 3 covered, need ≥ 1.5 → 2: any one rep uncovers 1 → size 2
        assert bus_factor([{"a"}, {"b"}, {"c"}]) == 2

    def test_empty_sets_do_not_count_towards_the_total(self):
        # covered: {a}, {b, c} → 2 covered (the empty one is not), need 1: a alone → 1
        assert bus_factor([{"a"}, set(), {"b", "c"}]) == 1

    def test_shared_holders(self):
        # 2 covered, need 1. a → nothing ({a,b} needs b); b → nothing; c → nothing.
        # {a, b} uncovers the first → 2
        assert bus_factor([{"a", "b"}, {"b", "c"}]) == 2

    def test_greedy_by_most_uncovered_first_is_wrong(self):
        # 5 covered, need ≥ 2.5 → 3. Greedy takes a first (uncovers 2 at once), then
        # needs both b and c for a third → 3 reps. Optimal: {b, c} uncovers 3 → 2.
        assert bus_factor([{"a"}, {"a"}, {"b", "c"}, {"b", "c"}, {"b", "c"}]) == 2

    def test_duplicate_holder_sets_count_once_per_contact(self):
        # 5 covered (3 × {a,b}, 2 × {c}), need 3. c alone → 2 < 3; a or b alone → 0.
        # {a, b} → 3 ≥ 3 → 2. (Greedy would start with c and end at 3.)
        assert bus_factor([{"a", "b"}] * 3 + [{"c"}] * 2) == 2

    def test_optimum_needs_three_reps(self):
        # 4 covered, need 2.
        # size 1: a, b, c uncover nothing (each contact of theirs has another holder
        #         among a, b, c); d uncovers 1 → no.
        # size 2: any pair of a, b, c uncovers exactly the one contact they share → 1;
        #         a pair with d uncovers {d} only → 1 → no.
        # size 3: {a, b, d} uncovers {a,b} and {d} → 2 → yes.
        assert bus_factor([{"a", "b"}, {"a", "c"}, {"b", "c"}, {"d"}]) == 3

    def test_removing_everybody_can_be_the_answer(self):
        # 1 covered contact held by 3 reps: all three must go → 3
        assert bus_factor([{"a", "b", "c"}]) == 3

    def test_accepts_a_one_shot_iterable(self):
        holder_sets = [{"a"}, {"a"}, {"b"}]  # 3 covered, need 2; a uncovers 2 → 1
        assert bus_factor(h for h in holder_sets) == 1

    @pytest.mark.parametrize("seed", range(25))
    def test_matches_exhaustive_search(self, seed):
        rnd = random.Random(seed)
        reps = ["a", "b", "c", "d", "e", "f"]
        holder_sets = [set(rnd.sample(reps, rnd.randint(1, 3))) for _ in range(rnd.randint(1, 9))]
        assert bus_factor(holder_sets) == brute_force_bus_factor(holder_sets)

    def test_departing_reps_explains_the_bus_factor(self):
        holders = {"k1": ["a", "b"], "k2": ["a", "c"], "k3": ["b", "c"], "k4": ["d"]}
        # size 3 (see test_optimum_needs_three_reps); no pair uncovers 2 of the 4, and
        # every triple that does is one of {a,b,c} (k1,k2,k3) or {x,y,d} with {x,y} a holder pair
        gone = departing_reps(holders)
        assert len(gone) == 3
        assert sum(set(h) <= set(gone) for h in holders.values()) >= 2

    def test_large_instances_are_exact_and_fast(self):
        """32 contacts each held by a distinct pair of reps on a ring of 32: the
        memoised search would explode; the integer program answers at once.
        By hand: uncovering 16 contacts needs their pairs' union; 16 consecutive ring
        edges span 17 reps, and no 16 edges of a ring (a cycle) fit on fewer than 17
        vertices (a cycle's subgraph with k vertices has at most k edges, k−1 unless
        it is the whole ring) → 17."""
        ring = [{f"r{i}", f"r{(i + 1) % 32}"} for i in range(32)]
        assert bus_factor(ring) == 17


# --- key holders, single holders ---------------------------------------------------------


class TestHolders:
    def test_key_holders_and_single_holder_contacts(self):
        g = make_graph(
            contacts=[person("e1", "executive"), person("e2", "executive"), person("e3", "executive")],
            knows=[
                knows("r1", "e1", 3), knows("r2", "e1", 4),  # e1: r2 (4), r1 (3)
                knows("r1", "e2", 3), knows("r2", "e2", 2),  # e2: r1 only (r2 is 2 < 3)
                knows("r3", "e3", 3, 200),                    # e3: 3 − 1 = 2 → not covered
            ],
        )
        d = depths(g, AS_OF, P)
        holders = key_holders(d, {"e1", "e2", "e3"}, P)
        assert holders == {"e1": ["r2", "r1"], "e2": ["r1"]}  # e3 not covered → left out
        assert single_holder_contacts(holders) == ["e2"]


# --- concentration -----------------------------------------------------------------------


class TestConcentration:
    def test_top_rep_share(self):
        g = make_graph(contacts=[person("c1"), person("c2")],
                       knows=[knows("r1", "c1", 4), knows("r1", "c2", 2), knows("r2", "c1", 2)])
        # r1: 4 + 2 = 6, r2: 2; total 8 → r1, 6/8
        assert concentration(depths(g, AS_OF, P), ["c1", "c2"]) == ("r1", pytest.approx(0.75))

    def test_uses_effective_depth(self):
        g = make_graph(contacts=[person("c1"), person("c2")],
                       knows=[knows("r1", "c1", 4, 400), knows("r2", "c2", 3)])
        # r1: 4 − 2 = 2, r2: 3; total 5 → r2, 3/5
        assert concentration(depths(g, AS_OF, P), ["c1", "c2"]) == ("r2", pytest.approx(0.6))

    def test_inactive_reps_hold_no_weight(self):
        g = make_graph(contacts=[person("c1")],
                       reps=[Rep(id="r0", name="R0", active=False)],
                       knows=[knows("r0", "c1", 4), knows("r1", "c1", 1)])
        # r0 inactive: total = r1's 1 → r1, 1/1
        assert concentration(depths(g, AS_OF, P), ["c1"]) == ("r1", pytest.approx(1.0))

    def test_tie_goes_to_the_smaller_rep_id(self):
        g = make_graph(contacts=[person("c1"), person("c2")],
                       knows=[knows("rb", "c1", 3), knows("ra", "c2", 3)])
        # ra 3, rb 3, total 6 → tie → "ra", 0.5
        assert concentration(depths(g, AS_OF, P), ["c1", "c2"]) == ("ra", pytest.approx(0.5))

    def test_only_the_given_contacts_count(self):
        g = make_graph(contacts=[person("c1"), person("c2")],
                       knows=[knows("r1", "c1", 2), knows("r2", "c2", 4)])
        # only c1: r1 2 of 2
        assert concentration(depths(g, AS_OF, P), ["c1"]) == ("r1", pytest.approx(1.0))

    def test_no_weight_gives_none(self):
        g = make_graph(contacts=[person("c1")], knows=[knows("r1", "c1", 1, 400)])  # 1 − 2 → 0
        assert concentration(depths(g, AS_OF, P), ["c1"]) == (None, 0.0)
        assert concentration(depths(make_graph(contacts=[person("c1")]), AS_OF, P), ["c1"]) == (None, 0.0)


# --- account risk ------------------------------------------------------------------------


def risk_graph(closed_stage: str = "won"):
    contacts = [person("e1", "executive"), person("e2", "executive"), person("d1", "middle"),
                person("s1", "staff"), person("x1", "staff")]
    bids = [Bid(id="b1", account_id="a1", name="Open", stage="tender"),
            Bid(id="b0", account_id="a1", name="Old", stage=closed_stage)]
    roles = [
        BidRole(bid_id="b1", contact_id="d1", role="decision_maker"),
        BidRole(bid_id="b1", contact_id="s1", role="influencer", influence="high"),
        BidRole(bid_id="b0", contact_id="x1", role="decision_maker"),
    ]
    rels = [
        knows("r1", "e1", 4), knows("r1", "e2", 3), knows("r1", "d1", 3),
        knows("r2", "e2", 3), knows("r2", "x1", 4),
        knows("r3", "s1", 2),
        knows("r4", "d1", 4), knows("r4", "s1", 4),
    ]
    reps = [Rep(id="r4", name="Rep r4", active=False)]
    return make_graph(contacts=contacts, reps=reps, knows=rels, bids=bids, roles=roles)


class TestAccountRisk:
    @pytest.mark.parametrize("closed_stage", ["won", "lost"])
    def test_risk_row(self, closed_stage):
        r = account_risk(risk_graph(closed_stage), AS_OF, P)
        # key: executives e1, e2 + open bid b1's d1 (decision_maker), s1 (influence high);
        # x1 only in the closed bid b0 → not key
        assert r.key_contacts == 4
        # holders at ≥ 3 (r4 inactive): e1 {r1}; e2 {r1, r2}; d1 {r1}; s1: r3 has 2 → none
        assert r.holders == {"d1": ["r1"], "e1": ["r1"], "e2": ["r1", "r2"]}
        assert r.covered_key_contacts == 3
        # need ≥ 1.5 → 2; r1 alone uncovers d1 and e1 → 1
        assert r.bus_factor == 1
        assert r.held_by_one is True
        assert r.single_holder_contacts == ["d1", "e1"]
        # weights (active): r1 4+3+3 = 10, r2 3+4 = 7, r3 2 → total 19; top r1 10/19
        assert r.top_holder_id == "r1"
        assert r.top_holder_name == "Rep r1"
        assert r.top_holder_share == pytest.approx(10 / 19, abs=1e-4)
        assert (r.account_id, r.tier) == ("a1", "A")

    def test_open_bid_key_contact_counts(self):
        r = account_risk(risk_graph("submitted"), AS_OF, P)
        # b0 now open: x1 is key too, held by r2 (4) → 5 key, 4 covered
        assert r.key_contacts == 5
        assert r.covered_key_contacts == 4
        # need 2; r1 alone uncovers d1, e1 → 1
        assert r.bus_factor == 1
        assert r.single_holder_contacts == ["d1", "e1", "x1"]

    def test_two_reps_on_every_key_contact(self):
        g = make_graph(contacts=[person("e1", "executive"), person("e2", "executive")],
                       knows=[knows("r1", "e1", 3), knows("r2", "e1", 4),
                              knows("r1", "e2", 4), knows("r2", "e2", 3)])
        r = account_risk(g, AS_OF, P)
        # 2 covered, need 1; any single rep leaves the other holding both → 2
        assert r.bus_factor == 2
        assert r.held_by_one is False
        assert r.single_holder_contacts == []
        # r1 3+4 = 7, r2 4+3 = 7 → tie → r1, 7/14
        assert r.top_holder_id == "r1"
        assert r.top_holder_share == pytest.approx(0.5)

    def test_stale_key_relationship_is_not_covered(self):
        g = make_graph(contacts=[person("e1", "executive")], knows=[knows("r1", "e1", 3, 181)])
        r = account_risk(g, AS_OF, P)
        # 3 − 1 = 2 < 3 → nothing covered → bus factor 0
        assert (r.covered_key_contacts, r.bus_factor, r.held_by_one) == (0, 0, False)

    def test_exactly_180_days_still_covers(self):
        g = make_graph(contacts=[person("e1", "executive")], knows=[knows("r1", "e1", 3, 180)])
        r = account_risk(g, AS_OF, P)
        assert (r.covered_key_contacts, r.bus_factor) == (1, 1)  # no decay at 180 → 3

    def test_account_without_relationships(self):
        g = make_graph(contacts=[person("e1", "executive")])
        r = account_risk(g, AS_OF, P)
        assert (r.bus_factor, r.top_holder_id, r.top_holder_name, r.top_holder_share) == (0, None, None, 0.0)


class TestBidBusFactor:
    def _bid(self, roles, rels, contacts):
        return make_graph(contacts=[person(c, "middle") for c in contacts], knows=rels,
                          bids=[Bid(id="b1", account_id="a1", name="B", stage="tender")],
                          roles=[BidRole(bid_id="b1", contact_id=c, role=r, influence=i) for c, r, i in roles])

    def test_bid_without_key_contacts_has_bus_factor_zero(self):
        g = self._bid([("u1", "user", "low"), ("u2", "influencer", "medium")],
                      [knows("r1", "u1", 4), knows("r1", "u2", 4)], ["u1", "u2"])
        assert coverage_check(g, "b1", AS_OF, P).bus_factor == 0  # no key contact

    def test_bid_needing_three_reps(self):
        g = self._bid(
            [("k1", "decision_maker", None), ("k2", "approver", None),
             ("k3", "user", "high"), ("k4", "influencer", "high")],
            [knows("ra", "k1", 3), knows("rb", "k1", 3), knows("ra", "k2", 4), knows("rc", "k2", 3),
             knows("rb", "k3", 3), knows("rc", "k3", 4), knows("rd", "k4", 3)],
            ["k1", "k2", "k3", "k4"],
        )
        # holder sets {ra,rb}, {ra,rc}, {rb,rc}, {rd} → 3 (see TestBusFactor)
        assert coverage_check(g, "b1", AS_OF, P).bus_factor == 3

    def test_only_this_bids_key_contacts_count(self):
        g = make_graph(
            contacts=[person("e1", "executive"), person("k1", "middle")],
            knows=[knows("r1", "k1", 3), knows("r2", "k1", 3), knows("r1", "e1", 4)],
            bids=[Bid(id="b1", account_id="a1", name="B", stage="tender")],
            roles=[BidRole(bid_id="b1", contact_id="k1", role="decision_maker")],
        )
        # the bid's key contacts: k1 only (e1 is an account key contact, not in the bid)
        # k1 {r1, r2}: 1 covered, need 1 → both must go → 2
        assert coverage_check(g, "b1", AS_OF, P).bus_factor == 2
        # the account's: e1 {r1}, k1 {r1, r2} → need 1 → r1 uncovers e1 → 1
        assert account_risk(g, AS_OF, P).bus_factor == 1

