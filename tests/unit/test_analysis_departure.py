"""Departure impact of a rep (docs/design.md §3): per account where the rep holds a
relationship — the orphaned contacts (known by the rep at effective depth ≥ 1
and by no other active rep), the key contacts that would stop being covered,
and the bus factor after. None where the rep holds nothing.

Expected values are worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.departure import account_impact
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


def make_graph(*, contacts=(), reps=(), knows=(), bids=(), roles=()):
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(accounts=[Account(id="a1", name="Acme", tier="A")], contacts=list(contacts), reps=reps,
                   relationships=list(knows), bids=list(bids), bid_roles=list(roles))
    return build_graph(data, "a1")


def account():
    """Key contacts: e1, e2 (executives), k1 (decision_maker of open bid b1).

    r1: e1 4, e2 3, k1 3, m1 1, s1 2 (400 days → 0)
    r2: e2 4, m1 2
    r3: k1 3 (200 days → 2)
    r4: s1 1 (400 days → 0)
    r9 (inactive): e1 4, m1 3
    Holders at ≥ 3 now: e1 {r1}, e2 {r1, r2}, k1 {r1} → 3 covered, need 2;
    r1 alone uncovers e1 and k1 → bus factor 1.
    """
    return make_graph(
        contacts=[person("e1", "executive"), person("e2", "executive"), person("k1", "middle"),
                  person("m1", "middle"), person("s1", "staff")],
        reps=[Rep(id="r9", name="Rep r9", active=False), Rep(id="nobody", name="Nobody")],
        knows=[knows("r1", "e1", 4), knows("r1", "e2", 3), knows("r1", "k1", 3), knows("r1", "m1", 1),
               knows("r1", "s1", 2, 400), knows("r2", "e2", 4), knows("r2", "m1", 2),
               knows("r3", "k1", 3, 200), knows("r4", "s1", 1, 400),
               knows("r9", "e1", 4), knows("r9", "m1", 3)],
        bids=[Bid(id="b1", account_id="a1", name="B1", stage="tender")],
        roles=[BidRole(bid_id="b1", contact_id="k1", role="decision_maker")],
    )


def impact(g, rep_id):
    i = account_impact(g, rep_id, AS_OF, P)
    return None if i is None else (i.orphaned_contacts, i.uncovered_key_contacts, i.bus_factor_before,
                                   i.bus_factor_after)


class TestDeparture:
    def test_the_star_leaves(self):
        # r1's contacts at ≥ 1: e1, e2, k1, m1 (s1 is 0). After r1 leaves:
        #   e1: only r9, inactive → best 0 → orphaned
        #   e2: r2 4; k1: r3 2; m1: r2 2 → not orphaned
        # key no longer covered: e1 (nobody), k1 (r3 has 2 < 3)
        # after: e2 {r2} → 1 covered, need 1 → 1
        assert impact(account(), "r1") == (["e1"], ["e1", "k1"], 1, 1)

    def test_a_rep_whose_contacts_are_all_shared(self):
        # r2: e2 4, m1 2 → after: e2 r1 3, m1 r1 1 → nothing orphaned, e2 still covered
        # after: e1 {r1}, e2 {r1}, k1 {r1} → 3 covered, need 2; r1 uncovers all → 1
        assert impact(account(), "r2") == ([], [], 1, 1)

    def test_a_rep_below_key_depth(self):
        # r3: k1 at 2 → after: k1 r1 3 → not orphaned; r3 held no key contact
        assert impact(account(), "r3") == ([], [], 1, 1)

    def test_contact_known_only_at_effective_depth_zero_is_not_orphaned(self):
        i = account_impact(account(), "r1", AS_OF, P)
        assert "s1" not in i.orphaned_contacts  # r1 knows s1 at 2 − 2 = 0

    def test_a_rep_with_only_a_decayed_relationship_holds_nothing(self):
        assert account_impact(account(), "r4", AS_OF, P) is None  # s1 at 1 − 2 → 0

    def test_a_rep_with_no_relationship(self):
        assert account_impact(account(), "nobody", AS_OF, P) is None  # a rep, but knows no one

    def test_an_inactive_rep_holds_nothing(self):
        assert account_impact(account(), "r9", AS_OF, P) is None

    def test_report_header(self):
        i = account_impact(account(), "r1", AS_OF, P)
        assert (i.account_id, i.name, i.tier) == ("a1", "Acme", "A")

    def test_bus_factor_drops_from_two_to_one(self):
        g = make_graph(contacts=[person("e1", "executive"), person("e2", "executive")],
                       knows=[knows("ra", "e1", 3), knows("rb", "e1", 4), knows("ra", "e2", 4), knows("rb", "e2", 3)])
        # before: e1 {ra, rb}, e2 {ra, rb} → need 1; one rep alone uncovers nothing → 2
        # ra leaves: e1 {rb}, e2 {rb} → 1; nothing orphaned or uncovered
        assert impact(g, "ra") == ([], [], 2, 1)

    def test_last_holder_leaves(self):
        g = make_graph(contacts=[person("e1", "executive"), person("m1", "middle")],
                       knows=[knows("ra", "e1", 3), knows("ra", "m1", 2), knows("rb", "e1", 2)])
        # before: e1 {ra} → 1. ra leaves: e1 best 2 (rb) → not orphaned but not covered;
        # m1 only ra → orphaned; after nothing covered → 0
        assert impact(g, "ra") == (["m1"], ["e1"], 1, 0)

    def test_a_key_contact_never_covered_is_not_lost(self):
        g = make_graph(contacts=[person("e1", "executive"), person("e2", "executive")],
                       knows=[knows("ra", "e1", 3), knows("ra", "e2", 2), knows("rb", "e2", 1)])
        # before: e1 {ra}; e2 best 2 < 3, not covered → 1 covered, bus factor 1.
        # ra leaves: e1 orphaned and no longer covered; e2 was never covered → not listed;
        # e2 still known by rb at 1 → not orphaned; nothing covered after → 0
        assert impact(g, "ra") == (["e1"], ["e1"], 1, 0)

    def test_stale_relationship_of_the_other_rep_orphans(self):
        g = make_graph(contacts=[person("m1", "middle"), person("m2", "middle")],
                       knows=[knows("ra", "m1", 2), knows("ra", "m2", 2),
                              knows("rb", "m1", 2, 361),   # 2 − 2 = 0 → no help
                              knows("rb", "m2", 2, 181)])  # 2 − 1 = 1 → still known
        # no key contacts → bus factor 0 before and after
        assert impact(g, "ra") == (["m1"], [], 0, 0)

    def test_closed_bid_contacts_are_not_key(self):
        g = make_graph(contacts=[person("k1", "middle")], knows=[knows("ra", "k1", 4)],
                       bids=[Bid(id="b0", account_id="a1", name="B0", stage="won")],
                       roles=[BidRole(bid_id="b0", contact_id="k1", role="decision_maker")])
        # k1 only in a won bid → not key: orphaned but no key contact lost
        assert impact(g, "ra") == (["k1"], [], 0, 0)

    @pytest.mark.parametrize("stage", ["lead", "submitted"])
    def test_open_bid_contacts_are_key(self, stage):
        g = make_graph(contacts=[person("k1", "middle")], knows=[knows("ra", "k1", 4)],
                       bids=[Bid(id="b0", account_id="a1", name="B0", stage=stage)],
                       roles=[BidRole(bid_id="b0", contact_id="k1", role="decision_maker")])
        assert impact(g, "ra") == (["k1"], ["k1"], 1, 0)


class TestUnknownIds:
    def test_unknown_rep_id_gives_none(self):
        assert account_impact(account(), "not-a-rep", AS_OF, P) is None

    def test_a_contact_id_is_not_a_rep(self):
        assert account_impact(account(), "e1", AS_OF, P) is None


# --- successors and handover (issue 15) ----------------------------------------------------------


def team_graph(knows_, team=("x", "y", "z"), contacts=None, influences=(), reps=None):
    from graphcrm.model import Influence, TeamMember

    reps = reps or [Rep(id=r, name=r) for r in ("x", "y", "z", "out")]
    data = Dataset(
        accounts=[Account(id="a1", name="A", tier="S")],
        contacts=contacts or [person("k1", "executive"), person("k2", "executive"), person("c1", "staff"),
                              person("c2", "staff")],
        reps=reps, relationships=list(knows_), influences=list(influences),
        account_team=[TeamMember(account_id="a1", rep_id=r) for r in team],
    )
    return build_graph(data, "a1")


class TestSuccessor:
    def heirs(self, g, contacts):
        from graphcrm.analysis.departure import successors
        from graphcrm.analysis.depth import depths

        return successors(g, depths(g, AS_OF, P), "x", contacts, P)

    def test_deepest_team_rep_other_than_the_leaver(self):
        # c1: x 4 (leaver), y 2, z 3 → z; "out" knows c1 at 4 but is not on the team
        g = team_graph([knows("x", "c1", 4), knows("y", "c1", 2), knows("z", "c1", 3), knows("out", "c1", 4)])
        assert self.heirs(g, ["c1"]) == {"c1": "z"}

    def test_effective_depth_decides(self):
        # z: 3 − 1 (200 days) = 2 = y's 2 → tie on depth; neither covers a key contact → by id: y
        g = team_graph([knows("x", "c1", 4), knows("y", "c1", 2), knows("z", "c1", 3, 200)])
        assert self.heirs(g, ["c1"]) == {"c1": "y"}

    def test_ties_go_to_more_key_contacts_covered(self):
        # y and z both at 2 to c1; z covers key contact k1 at 3, y none → z despite the id order
        g = team_graph([knows("x", "c1", 4), knows("y", "c1", 2), knows("z", "c1", 2), knows("z", "k1", 3)])
        assert self.heirs(g, ["c1"]) == {"c1": "z"}

    def test_inactive_team_rep_is_no_successor(self):
        reps = [Rep(id="x", name="x"), Rep(id="y", name="y", active=False), Rep(id="z", name="z")]
        g = team_graph([knows("x", "c1", 4), knows("y", "c1", 4), knows("z", "c1", 1)], reps=reps)
        assert self.heirs(g, ["c1"]) == {"c1": "z"}

    def test_nobody_knows_then_strongest_warm_path(self):
        from graphcrm.model import Influence

        # nobody of the team but x knows c2. Warm paths: y → k1 (3) → c2 (0.9): 0.75 × 0.9 = 0.675;
        # z → k2 (4) → c2 (0.5): 1.0 × 0.5 = 0.5 → y
        g = team_graph([knows("x", "c2", 3), knows("y", "k1", 3), knows("z", "k2", 4)],
                       influences=[Influence(source_id="k1", target_id="c2", strength=0.9),
                                   Influence(source_id="k2", target_id="c2", strength=0.5)])
        assert self.heirs(g, ["c2"]) == {"c2": "y"}

    def test_no_way_in_means_none(self):
        g = team_graph([knows("x", "c2", 3), knows("out", "c2", 4)])  # only x and a rep off the team
        assert self.heirs(g, ["c2"]) == {"c2": None}

    def test_handover_lists_every_relationship_with_its_successor(self):
        from graphcrm.analysis.departure import handover_account

        g = team_graph([knows("x", "c1", 4), knows("x", "c2", 2, 400), knows("z", "c1", 3)])
        h = handover_account(g, "x", AS_OF, P)
        # c1: x at 4 (z its successor); c2: x at 2 − 2 (400 days) = 0, nobody else → none
        assert [(c.contact_id, c.depth, c.successor_id) for c in h.contacts] == [("c1", 4, "z"), ("c2", 0, None)]
        assert h.contacts[1].last_contact == ago(400) and h.open_bids == []
