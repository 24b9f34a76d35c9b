"""Stale soon (§3.20), trends (§3.21) and what changed (§3.22), on small graphs.

Every expected value is worked out by hand from docs/design.md; the comment next to
it shows the arithmetic. The policy is the default: stale after N = 180 days, key
depth 3.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.changes import account_changes
from graphcrm.analysis.stale_soon import next_loss, stale_soon
from graphcrm.analysis.trends import account_point, bid_point, month_ends
from graphcrm.audit import AuditEntry
from graphcrm.graph import build_graph
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Relationship, Rep, TeamMember
from graphcrm.policy import Policy

P = Policy()
D = dt.date(2026, 6, 1)


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def graph(knows=(), contacts=None, reps=None, team=(), bids=(), roles=()):
    contacts = contacts or [Contact(id="k1", account_id="a", name="K1", level="executive"),
                            Contact(id="s1", account_id="a", name="S1", level="staff")]
    reps = reps or [Rep(id="r1", name="R1"), Rep(id="r2", name="R2")]
    return build_graph(Dataset(accounts=[Account(id="a", name="A", tier="B")], contacts=contacts, reps=reps,
                               relationships=list(knows), account_team=list(team), bids=list(bids),
                               bid_roles=list(roles)), "a")


def knows(rep, contact, depth, last, since=None):
    return Relationship(rep_id=rep, contact_id=contact, depth=depth, last_contact=last, since=since)


class TestNextLoss:
    @pytest.mark.parametrize("age, expected", [
        (0, 181),     # the first level goes when the age passes 180: L + 181
        (180, 181),   # 180 days old has not decayed yet (strict): still L + 181
        (181, 361),   # one level gone: the second goes at L + 361
        (360, 361),
        (361, None),  # both gone: nothing more to lose
    ])
    def test_the_day_of_the_next_loss(self, age, expected):
        last = days(-age)
        assert next_loss(last, D, P) == (None if expected is None else last + dt.timedelta(days=expected))


class TestStaleSoon:
    def test_a_key_relationship_losing_its_first_level_within_30_days(self):
        # k1 (executive: key) last met 170 days ago: loses a level on L + 181 = D + 11, depth 3 → 2;
        # nobody else holds it, so it stops being covered (3 ≥ 3 > 2)
        (s,) = stale_soon(graph([knows("r1", "k1", 3, days(-170))]), D, P)
        assert (s.rep_id, s.contact_id, s.stale_on, s.days_left, s.effective_depth, s.effective_depth_after,
                s.loses_coverage) == ("r1", "k1", days(11), 11, 3, 2, True)

    def test_another_holder_keeps_it_covered(self):
        g = graph([knows("r1", "k1", 3, days(-170)), knows("r2", "k1", 3, days(-5))])
        assert [(s.rep_id, s.loses_coverage) for s in stale_soon(g, D, P)] == [("r1", False)]

    def test_the_second_level(self):
        # last met 350 days ago: already 3 − 1 = 2; the second level goes on L + 361 = D + 11 → 1
        (s,) = stale_soon(graph([knows("r1", "k1", 3, days(-350))]), D, P)
        assert (s.stale_on, s.effective_depth, s.effective_depth_after, s.loses_coverage) == (days(11), 2, 1, False)

    @pytest.mark.parametrize("relationship", [
        knows("r1", "k1", 3, days(-100)),  # next loss D + 81: beyond 30 days
        knows("r1", "k1", 1, days(-350)),  # already 1 − 1 = 0: nothing left to lose
        knows("r1", "k1", 3, None),        # last contact not known: never decays
        knows("r1", "s1", 3, days(-170)),  # a staff contact with no bid is not key
    ])
    def test_what_is_not_reported(self, relationship):
        assert stale_soon(graph([relationship]), D, P) == []

    def test_inactive_reps_hold_nothing(self):
        g = graph([knows("r1", "k1", 3, days(-170))], reps=[Rep(id="r1", name="R1", active=False)])
        assert stale_soon(g, D, P) == []

    def test_the_window_is_a_parameter(self):
        g = graph([knows("r1", "k1", 3, days(-100))])  # loses on D + 81
        assert [s.days_left for s in stale_soon(g, D, P, within=81)] == [81]
        assert stale_soon(g, D, P, within=80) == []


class TestTrendPoints:
    def test_months_end_on_their_last_day_and_the_current_one_today(self):
        assert month_ends(dt.date(2026, 3, 15), 4) == [dt.date(2025, 12, 31), dt.date(2026, 1, 31),
                                                       dt.date(2026, 2, 28), dt.date(2026, 3, 15)]

    def test_nothing_known_gives_no_values(self):
        p = account_point(None, D, P)
        assert (p.month, p.bus_factor, p.key, p.general, p.organisational) == ("2026-06", None, None, None, None)
        assert bid_point(graph(), "nope", D, P).coverage is None

    def test_account_point(self):
        # key contacts: k1 (executive), covered by r1 at 3: key 1/1; bus factor 1 (r1 alone);
        # general: staff s1 known by nobody → 0/1 contacts, no units → 1.0: (0 + 1) / 2 = 0.5;
        # tier B: organisational not required (None)
        p = account_point(graph([knows("r1", "k1", 3, days(-5))]), D, P)
        assert (p.bus_factor, p.key, p.general, p.organisational) == (1, 1.0, 0.5, None)

    def test_bid_point(self):
        bid = Bid(id="b", account_id="a", name="B", stage="tender")
        roles = [BidRole(bid_id="b", contact_id="k1", role="decision_maker"),
                 BidRole(bid_id="b", contact_id="s1", role="approver")]
        g = graph([knows("r1", "k1", 3, days(-5)), knows("r1", "s1", 2, days(-5))], bids=[bid], roles=roles)
        p = bid_point(g, "b", D, P)  # k1 covered (3), s1 weak (2 < 3): 1 of 2
        assert (p.key_contacts, p.covered, p.coverage) == (2, 1, 0.5)
        assert bid_point(graph(bids=[bid]), "b", D, P).coverage == 1.0  # no key contact: as the key layer


# --- what changed ------------------------------------------------------------------------------------

D1, D2 = dt.date(2026, 6, 1), dt.date(2026, 9, 1)


def _entry(n: int, kind: str, key: str) -> AuditEntry:
    return AuditEntry(id=f"e{n}", at=dt.datetime(2026, 7, n), actor="os:t", via="t", action="create", kind=kind,
                      key=key, account_id="a", after={"x": 1})


class TestChanges:
    """Bid b: k1 decision_maker, k2 approver (both key, no stances).

    At D1 = 2026-06-01: r1 knows k1 at 3, last met 2026-02-01 (120 days: 3), k2 known by
    nobody; team r1. At D2 = 2026-09-01: the same r1→k1 (212 days > 180: 3 − 1 = 2),
    r2 knows k2 at 3 since 2026-07-01, met 2026-08-15; team r1 and r2.
    """

    def _graphs(self):
        contacts = [Contact(id=c, account_id="a", name=c.upper()) for c in ("k1", "k2")]
        bid = Bid(id="b", account_id="a", name="B", stage="tender")
        roles = [BidRole(bid_id="b", contact_id="k1", role="decision_maker"),
                 BidRole(bid_id="b", contact_id="k2", role="approver")]
        r1k1 = knows("r1", "k1", 3, dt.date(2026, 2, 1))
        r2k2 = knows("r2", "k2", 3, dt.date(2026, 8, 15), since=dt.date(2026, 7, 1))
        team = [TeamMember(account_id="a", rep_id="r1")]
        # the relationship that begins after D1 is in both graphs: as of D1 it does not exist yet
        before = graph([r1k1, r2k2], contacts=contacts, team=team, bids=[bid], roles=roles)
        after = graph([r1k1, r2k2], contacts=contacts, team=[*team, TeamMember(account_id="a", rep_id="r2")],
                      bids=[bid], roles=roles)
        return before, after

    def test_worked_changes(self):
        before, after = self._graphs()
        entries = [_entry(1, "relationship", "r2/k2"), _entry(2, "team_member", "a/r2")]
        c = account_changes(before, after, D1, D2, P, entries)
        # k1: covered at D1 (3), weak at D2 (2): newly uncovered; k2: uncovered at D1, covered at D2
        assert [(k.contact_id, k.change, k.best_depth_before, k.best_depth_after, k.entries) for k in c.key_contacts] \
            == [("k1", "newly_uncovered", 3, 2, []), ("k2", "newly_covered", 0, 3, ["e1"])]
        # bus factor: D1 covered {k1} held by r1 → 1; D2 covered {k2} held by r2 → 1: unchanged
        assert c.bus_factor is None
        # flags at D1: uncovered_key_contact [k2], no_champion, unknown_stance [k1, k2], single_threaded [k1];
        # at D2: uncovered_key_contact [k1], no_champion, unknown_stance [k1, k2],
        #        stale_key_relationship [k1] (raw 3 ≥ 3 > 2), single_threaded [k2]
        assert [(f.change, f.flag, f.contact_ids) for f in c.red_flags] == [
            ("appeared", "single_threaded", ["k2"]), ("appeared", "stale_key_relationship", ["k1"]),
            ("appeared", "uncovered_key_contact", ["k1"]),
            ("resolved", "single_threaded", ["k1"]), ("resolved", "uncovered_key_contact", ["k2"])]
        # r1→k1: depth 3 at both, effective 3 → 2, no entry behind it (time passed)
        assert [(s.rep_id, s.contact_id, s.effective_depth_before, s.effective_depth_after, s.entries)
                for s in c.went_stale] == [("r1", "k1", 3, 2, [])]
        # r2 joined: the entries naming r2 are its relationship and its team membership
        assert [(t.rep_id, t.change, t.entries) for t in c.team] == [("r2", "joined", ["e1", "e2"])]

    def test_bus_factor_change(self):
        before, _ = self._graphs()
        # at D2 the account as it was, minus r1 (inactive): nothing covered → bus factor 0
        after = graph(contacts=[Contact(id="k1", account_id="a", name="K1", level="executive")],
                      reps=[Rep(id="r1", name="R1", active=False)], knows=[knows("r1", "k1", 3, dt.date(2026, 8, 1))])
        c = account_changes(graph([knows("r1", "k1", 3, dt.date(2026, 5, 1))]), after, D1, D2, P)
        assert (c.bus_factor.before, c.bus_factor.after) == (1, 0)  # k1 held by r1 alone, then by nobody

    def test_nothing_changed_is_empty_and_an_account_at_neither_time_is_none(self):
        g = graph([knows("r1", "k1", 3, dt.date(2026, 5, 20))])  # 12 and 104 days old: 3 at both
        assert account_changes(g, g, D1, D2, P).empty()
        assert account_changes(None, None, D1, D2, P) is None
