"""Information completeness (docs/design.md §3.27) and feedback: satisfaction, days to close (§3.28).

Worked by hand: the score is the mean of the shares over non-empty sets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphcrm.analysis.completeness import completeness
from graphcrm.analysis.depth import depths
from graphcrm.analysis.feedback import feedback_summary
from graphcrm.graph import build_graph
from graphcrm.model import Account, Bid, BidRole, Contact, Dataset, Feedback, Relationship, Rep, Unit
from graphcrm.policy import Policy

D = dt.date(2026, 11, 15)
P = Policy()


def graph(**kw):
    data = Dataset(accounts=[kw.pop("account", Account(id="a", name="A", tier="S", strategic_fit="aligned"))],
                   units=[Unit(id="u", account_id="a", name="U", kind="department")], **kw)
    return build_graph(data, "a")


def contact(id, unit="u", title="T", level="middle", stance=None):
    return Contact(id=id, account_id="a", unit_id=unit, name=id, title=title, level=level, stance=stance)


def test_every_part_and_the_mean():
    g = graph(
        contacts=[contact("x1", level="executive", stance=1),  # complete; key (executive), stance known
                  contact("x2", level="executive"),             # key, stance only on its bid role
                  contact("x3", title=None),                    # no title
                  contact("x4", unit=None, level=None)],        # no unit, no level
        reps=[Rep(id="r1", name="R1"), Rep(id="r2", name="R2"), Rep(id="old", name="O", active=False)],
        relationships=[Relationship(rep_id="r1", contact_id="x1", depth=2, last_contact=D),
                       Relationship(rep_id="r1", contact_id="x2", depth=2),      # no last contact
                       Relationship(rep_id="r2", contact_id="x3", depth=1, last_contact=D),
                       Relationship(rep_id="old", contact_id="x4", depth=3)],    # inactive: not counted
        bids=[Bid(id="b1", account_id="a", name="B1", stage="tender"),
              Bid(id="b2", account_id="a", name="B2", stage="lead"),
              Bid(id="b3", account_id="a", name="B3", stage="won")],             # closed: not counted
        bid_roles=[BidRole(bid_id="b1", contact_id="x2", role="decision_maker", stance=0),
                   BidRole(bid_id="b1", contact_id="x3", role="approver"),
                   BidRole(bid_id="b2", contact_id="x4", role="decision_maker")],
    )
    r = completeness(g, depths(g, D, P))
    # contacts: x1, x2 complete → 2/4; relationships r1→x1, r1→x2, r2→x3: 2 of 3 with a last contact;
    # key contacts: x1, x2 (executives) + x2, x3 (b1's dm/approver) + x4 (b2's dm) = {x1..x4}:
    #   stance known for x1 (own) and x2 (b1 role) → 2/4; open bids b1 (dm + approver), b2 (no approver) → 1/2;
    #   strategic fit given → 1
    assert r.parts == {"contact_details": 0.5, "last_contact": pytest.approx(0.6667), "key_stance": 0.5,
                       "bid_roles": 0.5, "strategic_fit": 1.0}
    assert r.score == pytest.approx((0.5 + 2 / 3 + 0.5 + 0.5 + 1) / 5, abs=1e-4)  # 0.6333
    assert {m.what: m.ids for m in r.missing} == {
        "contact_details": ["x3", "x4"], "last_contact": ["r1/x2"], "key_stance": ["x3", "x4"], "bid_roles": ["b2"]}


def test_empty_sets_are_left_out():
    # no contacts, no relationships, no key contacts, no open bids: only strategic fit (not given) → 0
    g = graph(account=Account(id="a", name="A", tier="C"))
    r = completeness(g, depths(g, D, P))
    assert r.parts == {"strategic_fit": 0.0} and r.score == 0.0
    assert [(m.what, m.ids) for m in r.missing] == [("strategic_fit", ["a"])]


def fb(id, date, kind, status="open", closed=None, severity=None):
    return Feedback(id=id, account_id="a", date=dt.date.fromisoformat(date), kind=kind, status=status,
                    closed=closed and dt.date.fromisoformat(closed), severity=severity)


def test_feedback_summary():
    records = [
        fb("1", "2026-10-20", "complaint", severity="high"),                     # open, high
        fb("2", "2026-06-10", "complaint", "closed", "2026-06-24"),              # closed in 14 days
        fb("3", "2026-01-01", "complaint", "closed", "2026-01-31", "medium"),   # 30 days
        fb("4", "2025-11-01", "complaint", "closed", "2025-11-11"),              # closed > 365 days ago: out
        fb("5", "2026-09-05", "praise", "closed", "2026-09-05"),
        fb("6", "2026-09-06", "request"),                                        # says nothing of satisfaction
        fb("7", "2026-11-20", "complaint"),                                      # after D: not yet
        fb("8", "2026-11-01", "complaint", "closed", "2026-11-30", "high"),     # closed after D: open as of D
    ]
    s = feedback_summary(records, D, P)
    assert s.open_complaints == ["1", "8"] and s.open_high_complaints == ["1", "8"]
    assert s.median_days_to_close == 22.0  # median of 14 and 30
    # in the window (after 2025-11-15): complaints 1, 2, 3, 8 → 4; praise 5 → 1; satisfaction 1 / (1 + 4)
    assert (s.complaints, s.praise, s.satisfaction) == (4, 1, 0.2)


def test_no_feedback_means_no_satisfaction():
    s = feedback_summary([fb("6", "2026-09-06", "request")], D, P)
    assert (s.satisfaction, s.median_days_to_close, s.open_complaints) == (None, None, [])
