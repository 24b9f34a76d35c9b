"""Influence score and hidden influencers (docs/design.md §3).

PageRank (damping 0.85) on a graph whose edges point from the influenced to the
influencer: ``u INFLUENCES v`` → v → u (its strength); ``a REPORTS_TO b`` → a → b
(0.5); weights joining the same ordered pair add up. Hidden influencers: top
quartile of score (the code: the first ⌈n/4⌉ plus anyone tied with the last of
them), level middle or staff.

Expected scores come from solving the stationary equations by hand (small or
symmetric graphs) or from an independent power iteration in this file on a
matrix written out by hand from the definition. PageRank convention: uniform
teleport (1 − α)/n, a dangling node (no out-edge) spreads its score evenly.
"""

from __future__ import annotations

import numpy as np
import pytest

from graphcrm.analysis.influence import influence, influence_graph, influence_scores, top_share
from graphcrm.graph import build_graph
from graphcrm.model import Account, Contact, Dataset, Influence
from graphcrm.policy import Policy

P = Policy()
ALPHA = 0.85


def person(id: str, level: str | None = None, reports_to: str | None = None) -> Contact:
    return Contact(id=id, account_id="a1", name=f"Contact {id}", level=level, reports_to=reports_to)


def infl(source: str, target: str, strength: float) -> Influence:
    return Influence(source_id=source, target_id=target, strength=strength)


def make_graph(contacts=(), influences=()):
    data = Dataset(accounts=[Account(id="a1", name="Acme", tier="S")], contacts=list(contacts),
                   influences=list(influences))
    return build_graph(data, "a1")


def power_iteration(nodes: list[str], weights: dict[tuple[str, str], float], alpha: float = ALPHA):
    """Independent PageRank: weights[(a, b)] is the weight of edge a → b."""
    n = len(nodes)
    index = {c: i for i, c in enumerate(nodes)}
    w = np.zeros((n, n))
    for (a, b), x in weights.items():
        w[index[a], index[b]] += x
    out = w.sum(axis=1)
    x = np.full(n, 1.0 / n)
    for _ in range(2000):
        spread = np.zeros(n)
        for i in range(n):
            if out[i] == 0:
                spread += x[i] / n           # dangling: evenly to everyone
            else:
                spread += x[i] * w[i] / out[i]
        new = (1 - alpha) / n + alpha * spread
        if np.abs(new - x).sum() < 1e-14:
            break
        x = new
    return {c: float(new[index[c]]) for c in nodes}


class TestInfluenceGraph:
    def test_edges_point_from_influenced_to_influencer(self):
        g = make_graph([person("u"), person("v"), person("a", reports_to="b"), person("b")],
                       [infl("u", "v", 0.4)])
        h = influence_graph(g, P)
        assert sorted(h.edges(data="weight")) == [("a", "b", 0.5), ("v", "u", 0.4)]

    def test_parallel_edges_add_up(self):
        # u INFLUENCES v 0.4 → v → u 0.4; v REPORTS_TO u → v → u 0.5; together 0.9
        g = make_graph([person("u"), person("v", reports_to="u")], [infl("u", "v", 0.4)])
        h = influence_graph(g, P)
        assert list(h.edges) == [("v", "u")]
        assert h["v"]["u"]["weight"] == pytest.approx(0.9)

    def test_opposite_directions_stay_separate(self):
        g = make_graph([person("u"), person("v")], [infl("u", "v", 0.3), infl("v", "u", 0.6)])
        h = influence_graph(g, P)
        assert h["v"]["u"]["weight"] == pytest.approx(0.3)
        assert h["u"]["v"]["weight"] == pytest.approx(0.6)

    def test_every_contact_is_a_node(self):
        h = influence_graph(make_graph([person("lonely"), person("x")]), P)
        assert sorted(h.nodes) == ["lonely", "x"]
        assert h.number_of_edges() == 0


class TestScores:
    def test_two_contacts(self):
        # a REPORTS_TO b → a → b; b dangling. n = 2.
        # x_a = 0.075 + 0.85 · x_b/2, x_a + x_b = 1 → 1.425 x_a = 0.5 → x_a = 20/57
        s = influence_scores(make_graph([person("a", reports_to="b"), person("b")]), P)
        assert s == {"a": pytest.approx(20 / 57, abs=1e-8), "b": pytest.approx(37 / 57, abs=1e-8)}

    def test_pure_cycle_is_uniform_whatever_the_strengths(self):
        # A→B→C→A influences: each node has exactly one out-edge, so every
        # transition has probability 1 and the chain is symmetric → 1/3 each
        g = make_graph([person("A"), person("B"), person("C")],
                       [infl("A", "B", 0.2), infl("B", "C", 0.9), infl("C", "A", 0.5)])
        s = influence_scores(g, P)
        assert s == {c: pytest.approx(1 / 3, abs=1e-8) for c in "ABC"}

    def test_cycle_with_a_tail(self):
        # A INFLUENCES B, B INFLUENCES C, C INFLUENCES A, A INFLUENCES D
        # → edges B→A, C→B, A→C, D→A; nobody dangling; t = 0.15/4.
        # x_D = t; x_C = t + α x_A; x_B = t + α x_C; x_A = t + α (x_B + x_D)
        # → x_A = t (1 + α)² / (1 − α³)
        t = (1 - ALPHA) / 4
        xa = t * (1 + ALPHA) ** 2 / (1 - ALPHA ** 3)
        xc = t + ALPHA * xa
        xb = t + ALPHA * xc
        g = make_graph([person(c) for c in "ABCD"],
                       [infl("A", "B", 0.7), infl("B", "C", 0.7), infl("C", "A", 0.7), infl("A", "D", 0.3)])
        s = influence_scores(g, P)
        assert s == {"A": pytest.approx(xa, abs=1e-8), "B": pytest.approx(xb, abs=1e-8),
                     "C": pytest.approx(xc, abs=1e-8), "D": pytest.approx(t, abs=1e-8)}
        assert xa == pytest.approx(0.3326, abs=1e-4)  # the hand solution itself

    def test_added_parallel_weights_shape_the_walk(self):
        # u INFLUENCES v 0.4 + v REPORTS_TO u → v → u 0.9; w INFLUENCES v 0.3 → v → w 0.3
        # v moves to u with 0.9/1.2 = 3/4, to w with 1/4; u, w dangling. n = 3.
        # x_v = 0.05 + α (1 − x_v)/3 → x_v = 1/(3 + α)
        # x_u = 0.05 + α (3/4 x_v + (1 − x_v)/3); x_w = 0.05 + α (1/4 x_v + (1 − x_v)/3)
        xv = 1 / (3 + ALPHA)
        xu = 0.05 + ALPHA * (0.75 * xv + (1 - xv) / 3)
        xw = 0.05 + ALPHA * (0.25 * xv + (1 - xv) / 3)
        g = make_graph([person("u"), person("v", reports_to="u"), person("w")],
                       [infl("u", "v", 0.4), infl("w", "v", 0.3)])
        s = influence_scores(g, P)
        assert s == {"u": pytest.approx(xu, abs=1e-8), "v": pytest.approx(xv, abs=1e-8),
                     "w": pytest.approx(xw, abs=1e-8)}

    def test_star(self):
        # 4 leaves REPORT_TO the centre; centre dangling; n = 5.
        # leaf l = (1 − α)/5 + α c/5, c = 1 − 4 l → l = 1 / (5 + 4α) = 1/8.4
        g = make_graph([person("ctr")] + [person(f"l{i}", reports_to="ctr") for i in range(4)])
        s = influence_scores(g, P)
        assert s["ctr"] == pytest.approx(1 - 4 / 8.4, abs=1e-8)
        for i in range(4):
            assert s[f"l{i}"] == pytest.approx(1 / 8.4, abs=1e-8)

    def test_matches_an_independent_power_iteration(self):
        contacts = [
            person("ceo", "executive"), person("cto", "executive", reports_to="ceo"),
            person("arch", "middle", reports_to="cto"), person("eng", "staff", reports_to="arch"),
            person("buyer", "middle", reports_to="ceo"), person("pa", "staff", reports_to="ceo"),
            person("loner", "staff"),
        ]
        influences = [
            infl("arch", "cto", 0.8), infl("pa", "ceo", 0.9), infl("eng", "arch", 0.6),
            infl("buyer", "pa", 0.2), infl("cto", "buyer", 0.4), infl("ceo", "cto", 0.3),
        ]
        # By hand from the definition (edge influenced → influencer):
        weights = {
            # a REPORTS_TO b → a → b 0.5
            ("arch", "cto"): 0.5, ("eng", "arch"): 0.5, ("buyer", "ceo"): 0.5, ("pa", "ceo"): 0.5,
            # cto REPORTS_TO ceo (0.5) + ceo INFLUENCES cto (cto → ceo 0.3) = 0.8
            ("cto", "ceo"): 0.5 + 0.3,
            # u INFLUENCES v → v → u strength
            ("cto", "arch"): 0.8, ("ceo", "pa"): 0.9, ("arch", "eng"): 0.6,
            ("pa", "buyer"): 0.2, ("buyer", "cto"): 0.4,
            # loner: no edges (dangling)
        }
        # the oracle agrees with the hand-solved two-contact case first
        assert power_iteration(["a", "b"], {("a", "b"): 0.5})["a"] == pytest.approx(20 / 57, abs=1e-10)
        nodes = [c.id for c in contacts]
        expected = power_iteration(nodes, weights)
        s = influence_scores(make_graph(contacts, influences), P)
        assert s == {c: pytest.approx(expected[c], abs=1e-7) for c in nodes}
        assert sum(s.values()) == pytest.approx(1.0)
        # hidden influencers: n = 7 → top ⌈1.75⌉ = 2 by the oracle's scores, middle/staff only
        levels = {c.id: c.level for c in contacts}
        top2 = sorted(nodes, key=lambda c: -expected[c])[:2]
        assert expected[top2[1]] - expected[sorted(nodes, key=lambda c: -expected[c])[2]] > 1e-6  # no tie
        hidden = {c for c in top2 if levels[c] in ("middle", "staff")}
        report = influence(make_graph(contacts, influences), P)
        assert {e.contact_id for e in report.ranking if e.hidden_influencer} == hidden

    def test_damping_comes_from_the_policy(self):
        # two contacts again, α = 0.5: x_a = 0.25 + 0.5 x_b/2, x_a + x_b = 1
        # → 1.25 x_a = 0.5 → x_a = 0.4
        s = influence_scores(make_graph([person("a", reports_to="b"), person("b")]), Policy(damping=0.5))
        assert s["a"] == pytest.approx(0.4, abs=1e-8)

    def test_no_contacts(self):
        assert influence_scores(make_graph(), P) == {}


class TestTopShare:
    def test_first_quarter_by_score(self):
        scores = {f"c{i}": float(i) for i in range(8)}  # n = 8 → ⌈2⌉ = 2 → c7, c6
        assert top_share(scores, 0.25) == {"c7", "c6"}

    def test_rounds_up(self):
        scores = {f"c{i}": float(i) for i in range(5)}  # n = 5 → ⌈1.25⌉ = 2 → c4, c3
        assert top_share(scores, 0.25) == {"c4", "c3"}

    def test_ties_with_the_last_one_are_included(self):
        scores = {"a": 4.0, "b": 3.0, "c": 3.0, "d": 3.0, "e": 1.0}  # ⌈1.25⌉ = 2 → cut 3.0
        assert top_share(scores, 0.25) == {"a", "b", "c", "d"}

    def test_a_single_contact_is_the_top(self):
        assert top_share({"x": 1.0}, 0.25) == {"x"}

    def test_empty(self):
        assert top_share({}, 0.25) == set()


class TestHiddenInfluencers:
    def _ranking(self, g):
        return [(e.contact_id, e.hidden_influencer) for e in influence(g, P).ranking]

    def test_cycle_with_tail_marks_the_top_staff_contact(self):
        # scores A > C > B > D (see TestScores.test_cycle_with_a_tail);
        # n = 4 → top ⌈1⌉ = {A}; A staff → hidden; C middle but not in the top
        g = make_graph([person("A", "staff"), person("B", "staff"), person("C", "middle"), person("D", "staff")],
                       [infl("A", "B", 0.7), infl("B", "C", 0.7), infl("C", "A", 0.7), infl("A", "D", 0.3)])
        assert self._ranking(g) == [("A", True), ("C", False), ("B", False), ("D", False)]

    def test_top_contact_that_is_senior_or_executive_is_not_hidden(self):
        for level in ("executive", "senior", None):
            g = make_graph([person("a", "staff", reports_to="b"), person("b", level)])
            # b 37/57 > a 20/57; n = 2 → top ⌈0.5⌉ = 1 → {b}; b not middle/staff
            assert self._ranking(g) == [("b", False), ("a", False)]

    def test_top_middle_contact_is_hidden(self):
        g = make_graph([person("a", "executive", reports_to="b"), person("b", "middle")])
        assert self._ranking(g) == [("b", True), ("a", False)]

    def test_star_tie_never_splits(self):
        # centre 0.5238 > leaves 0.1190 each (tied); n = 5 → ⌈1.25⌉ = 2 →
        # centre + one leaf, and every leaf tied with it → all four leaves in the top
        g = make_graph([person("ctr", "executive")]
                       + [person(f"l{i}", "staff", reports_to="ctr") for i in range(4)])
        assert self._ranking(g) == [("ctr", False)] + [(f"l{i}", True) for i in range(4)]

    def test_uniform_cycle_everybody_tied(self):
        # 1/3 each; n = 3 → ⌈0.75⌉ = 1, all tied → all in the top; hidden: the staff one
        g = make_graph([person("A", "staff"), person("B", "senior"), person("C")],
                       [infl("A", "B", 0.5), infl("B", "C", 0.5), infl("C", "A", 0.5)])
        # ranking order on a tie: contact id
        assert self._ranking(g) == [("A", True), ("B", False), ("C", False)]

    def test_report_shape(self):
        g = make_graph([person("a", "staff", reports_to="b"), person("b", "middle")])
        r = influence(g, P)
        assert r.account_id == "a1"
        assert [e.contact_id for e in r.ranking] == ["b", "a"]  # highest first
        assert [e.score for e in r.ranking] == [pytest.approx(37 / 57, abs=1e-6),
                                                pytest.approx(20 / 57, abs=1e-6)]
        assert r.ranking[0].level == "middle"

    def test_empty_account(self):
        assert influence(make_graph(), P).ranking == []
