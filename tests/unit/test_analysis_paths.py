"""Warm paths (docs/design.md §3): rep → c1 → … → t with c1 ≠ t, the rep knowing c1 at
effective depth ≥ 2, each further step an INFLUENCES (either direction, its
strength) or REPORTS_TO (either direction, 0.5) line, the stronger where two
join the same pair, at most 3 steps; strength = depth(rep, c1)/4 × Π steps;
the 3 strongest reported.

Expected values are worked out by hand; ties are broken by rep id, then by the
path (``via``) — the code's documented order, which docs/design.md leaves open.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.depth import depths
from graphcrm.analysis.paths import contact_links, warm_paths
from graphcrm.graph import build_graph
from graphcrm.model import Account, Contact, Dataset, Influence, Relationship, Rep
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 1, 1)
P = Policy()


def ago(days: int | None) -> dt.date | None:
    return None if days is None else AS_OF - dt.timedelta(days=days)


def person(id: str, reports_to: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", reports_to=reports_to)


def knows(rep: str, contact: str, depth: int, days: int | None = 0) -> Relationship:
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=ago(days))


def infl(source: str, target: str, strength: float) -> Influence:
    return Influence(source_id=source, target_id=target, strength=strength)


def make_graph(*, contacts=(), reps=(), knows=(), influences=()):
    reps = list(reps)
    have = {r.id for r in reps}
    for k in knows:
        if k.rep_id not in have:
            reps.append(Rep(id=k.rep_id, name=f"Rep {k.rep_id}"))
            have.add(k.rep_id)
    data = Dataset(accounts=[Account(id="a1", name="Acme", tier="S")], contacts=list(contacts),
                   reps=reps, relationships=list(knows), influences=list(influences))
    return build_graph(data, "a1")


def paths(g, target: str, policy: Policy = P) -> list[tuple[str, list[str], float]]:
    return [(p.rep_id, p.via, p.strength)
            for p in warm_paths(g, target, depths(g, AS_OF, policy), policy)]


def approx_paths(expected):
    return [(r, via, pytest.approx(s)) for r, via, s in expected]


class TestSteps:
    def test_influence_towards_the_target(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 4)],
                       influences=[infl("c1", "t", 0.8)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.8)])  # 4/4 × 0.8

    def test_influence_in_the_other_direction(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 2)],
                       influences=[infl("t", "c1", 0.6)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.3)])  # 2/4 × 0.6

    @pytest.mark.parametrize("who_reports", ["c1", "t"])
    def test_reporting_line_either_direction_has_strength_one_half(self, who_reports):
        other = "t" if who_reports == "c1" else "c1"
        contacts = [person(who_reports, reports_to=other), person(other)]
        g = make_graph(contacts=contacts, knows=[knows("r1", "c1", 3)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.375)])  # 3/4 × 0.5

    def test_reachable_only_through_reporting_lines(self):
        # c1 REPORTS_TO c2 REPORTS_TO t: 4/4 × 0.5 × 0.5
        g = make_graph(contacts=[person("t"), person("c2", reports_to="t"), person("c1", reports_to="c2")],
                       knows=[knows("r1", "c1", 4)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "c2", "t"], 0.25)])

    def test_parallel_edges_take_the_stronger_reports_to(self):
        # c1 INFLUENCES t 0.3 and c1 REPORTS_TO t (0.5) → step 0.5 (not 0.3, not 0.8)
        g = make_graph(contacts=[person("t"), person("c1", reports_to="t")],
                       knows=[knows("r1", "c1", 4)], influences=[infl("c1", "t", 0.3)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.5)])

    def test_parallel_edges_take_the_stronger_influence(self):
        # t INFLUENCES c1 0.9 and c1 REPORTS_TO t (0.5) → step 0.9; 2/4 × 0.9
        g = make_graph(contacts=[person("t"), person("c1", reports_to="t")],
                       knows=[knows("r1", "c1", 2)], influences=[infl("t", "c1", 0.9)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.45)])

    def test_influence_both_ways_between_a_pair_takes_the_stronger(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 4)],
                       influences=[infl("c1", "t", 0.2), infl("t", "c1", 0.7)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.7)])

    def test_contact_links(self):
        g = make_graph(contacts=[person("t"), person("c1", reports_to="t"), person("c2")],
                       influences=[infl("c1", "t", 0.3), infl("c2", "c1", 0.9)])
        links = contact_links(g, P)
        # c1–t: max(0.3, 0.5) = 0.5 both ways; c1–c2: 0.9 both ways
        assert links == {"t": {"c1": 0.5}, "c1": {"t": 0.5, "c2": 0.9}, "c2": {"c1": 0.9}}


class TestFirstContact:
    def test_a_rep_knowing_the_target_directly_is_not_a_path(self):
        g = make_graph(contacts=[person("t")], knows=[knows("r1", "t", 4)])
        assert paths(g, "t") == []  # c1 ≠ t: no 1-hop "path" to t itself

    def test_direct_knowledge_of_the_target_does_not_become_a_path_through_others(self):
        g = make_graph(contacts=[person("t"), person("c1")],
                       knows=[knows("r1", "t", 4), knows("r2", "c1", 2)],
                       influences=[infl("c1", "t", 0.5)])
        # only r2 via c1: 2/4 × 0.5; r1's direct relationship with t is no path
        assert paths(g, "t") == approx_paths([("r2", ["c1", "t"], 0.25)])

    def test_depth_below_two_on_c1_is_excluded(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 1)],
                       influences=[infl("c1", "t", 1.0)])
        assert paths(g, "t") == []

    def test_effective_depth_counts(self):
        g = make_graph(
            contacts=[person("t"), person("c1"), person("c2")],
            knows=[knows("r1", "c1", 3, 200),   # 3 − 1 = 2 → still ≥ 2
                   knows("r2", "c2", 2, 181)],  # 2 − 1 = 1 → excluded
            influences=[infl("c1", "t", 1.0), infl("c2", "t", 1.0)],
        )
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.5)])  # 2/4 × 1.0

    def test_missing_last_contact_does_not_decay(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 4, None)],
                       influences=[infl("c1", "t", 0.5)])
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.5)])  # 4/4 × 0.5

    def test_inactive_rep_has_no_paths(self):
        g = make_graph(contacts=[person("t"), person("c1")],
                       reps=[Rep(id="r1", name="R1", active=False)],
                       knows=[knows("r1", "c1", 4)], influences=[infl("c1", "t", 1.0)])
        assert paths(g, "t") == []


class TestLength:
    def _chain(self, n_steps: int):
        # c0 – c1 – … – t with REPORTS_TO lines; rep knows only c0 at depth 4
        names = [f"c{i}" for i in range(n_steps)] + ["t"]
        contacts = [person(n, reports_to=names[i + 1] if i + 1 < len(names) else None)
                    for i, n in enumerate(names)]
        return make_graph(contacts=contacts, knows=[knows("r1", "c0", 4)]), names

    def test_three_steps_are_allowed(self):
        g, names = self._chain(3)
        assert paths(g, "t") == approx_paths([("r1", names, 0.125)])  # 1 × 0.5³

    def test_four_steps_are_too_many(self):
        g, _ = self._chain(4)
        assert paths(g, "t") == []

    def test_max_steps_comes_from_the_policy(self):
        g, names = self._chain(4)
        policy = Policy(warm_path_max_steps=4)
        assert paths(g, "t", policy) == approx_paths([("r1", names, 0.0625)])  # 0.5⁴

    def test_cycle_does_not_visit_a_contact_twice(self):
        # triangle c1–c2–t plus c1–t: two simple paths from c1, nothing that loops
        g = make_graph(contacts=[person("t"), person("c1"), person("c2")], knows=[knows("r1", "c1", 4)],
                       influences=[infl("c1", "t", 0.5), infl("c1", "c2", 0.8), infl("c2", "t", 0.5)])
        # [c1, t]: 0.5; [c1, c2, t]: 0.8 × 0.5 = 0.4
        assert paths(g, "t") == approx_paths([("r1", ["c1", "t"], 0.5), ("r1", ["c1", "c2", "t"], 0.4)])


def ranked_graph():
    # a –0.8– t, b REPORTS_TO a (0.5), b –0.4– t, c –0.6– b, d REPORTS_TO c (0.5)
    return make_graph(
        contacts=[person("t"), person("a"), person("b", reports_to="a"), person("c"),
                  person("d", reports_to="c")],
        knows=[knows("r1", "b", 4), knows("r2", "a", 2), knows("r3", "d", 4)],
        influences=[infl("a", "t", 0.8), infl("b", "t", 0.4), infl("c", "b", 0.6)],
    )


class TestRanking:
    # Paths to t (≤ 3 steps):
    #   r2 [a, t]        2/4 × 0.8              = 0.4
    #   r1 [b, a, t]     4/4 × 0.5 × 0.8        = 0.4
    #   r1 [b, t]        4/4 × 0.4              = 0.4
    #   r3 [d, c, b, t]  4/4 × 0.5 × 0.6 × 0.4  = 0.12
    #   r2 [a, b, t]     2/4 × 0.5 × 0.4        = 0.1
    #   r3 [d, c, b, a, t] would be 4 steps: excluded
    ALL = [
        ("r1", ["b", "a", "t"], 0.4), ("r1", ["b", "t"], 0.4), ("r2", ["a", "t"], 0.4),
        ("r3", ["d", "c", "b", "t"], 0.12), ("r2", ["a", "b", "t"], 0.1),
    ]

    def test_all_paths_strongest_first(self):
        assert paths(ranked_graph(), "t", Policy(warm_paths_reported=10)) == approx_paths(self.ALL)

    def test_three_strongest_reported_ties_by_rep_then_path(self):
        # three-way tie at 0.4: r1 before r2; within r1, ["b","a","t"] < ["b","t"]
        assert paths(ranked_graph(), "t") == approx_paths(self.ALL[:3])

    def test_tie_between_reps_goes_to_the_smaller_id(self):
        g = make_graph(contacts=[person("t"), person("c1")],
                       knows=[knows(r, "c1", 4) for r in ("r4", "r2", "r3", "r1")],
                       influences=[infl("c1", "t", 0.5)])
        # four equal paths (1 × 0.5); first three rep ids
        assert paths(g, "t") == approx_paths([(r, ["c1", "t"], 0.5) for r in ("r1", "r2", "r3")])

    def test_tie_within_a_rep_goes_to_the_smaller_path(self):
        g = make_graph(contacts=[person("t"), person("x"), person("m")],
                       knows=[knows("r1", "x", 4), knows("r1", "m", 4)],
                       influences=[infl("x", "t", 0.5), infl("m", "t", 0.5)])
        assert paths(g, "t") == approx_paths([("r1", ["m", "t"], 0.5), ("r1", ["x", "t"], 0.5)])

    def test_number_reported_comes_from_the_policy(self):
        assert len(paths(ranked_graph(), "t", Policy(warm_paths_reported=1))) == 1

    def test_isolated_target_has_no_paths(self):
        g = make_graph(contacts=[person("t"), person("c1")], knows=[knows("r1", "c1", 4)])
        assert paths(g, "t") == []


class TestUnknownIds:
    def test_unknown_target_has_no_paths(self):
        assert paths(ranked_graph(), "nobody") == []

    def test_a_rep_id_is_not_a_contact(self):
        assert paths(ranked_graph(), "r1") == []
