"""Contact cadence (docs/design.md §3.26): customer meetings per rep and ISO week, neglected accounts.

Worked by hand. D = 2026-11-15 is a Sunday, the last day of 2026-W46; with
``weeks=2`` the weeks judged are W45 (Nov 2–8) and W46 (Nov 9–15). Target 5.
"""

from __future__ import annotations

import datetime as dt

from graphcrm.analysis.cadence import cadence, weeks_ending
from graphcrm.model import Activity
from graphcrm.policy import Policy

D = dt.date(2026, 11, 15)


def act(id, date, kind="meeting", reps=("r1",), contacts=("c1",), account="a1") -> Activity:
    return Activity(id=id, date=dt.date.fromisoformat(date), kind=kind, account_id=account,
                    rep_ids=list(reps), contact_ids=list(contacts))


def test_meetings_per_rep_and_week():
    acts = [
        act("1", "2026-11-02"), act("2", "2026-11-08", "visit", reps=("r1", "r2")),  # W45: r1 2, r2 1
        act("3", "2026-11-09", "call"), act("4", "2026-11-10", "other"),              # calls and others: not meetings
        act("5", "2026-11-11", "executive_visit", contacts=()),                      # no contact: not r1's meeting
        act("6", "2026-11-15", "site_visit"),                                        # W46: r1 1
        act("7", "2026-11-16"),                                                      # after D
        act("8", "2026-11-01"),                                                      # W44: outside the two weeks
    ]
    r = cadence(acts, ["r1", "r2", "r3"], ["a1"], D, Policy(), weeks=2)
    got = {x.rep_id: ([(w.week, w.meetings) for w in x.weeks], x.weeks_below_target) for x in r.reps}
    assert got == {
        "r1": ([("2026-W45", 2), ("2026-W46", 1)], 2),  # both < 5
        "r2": ([("2026-W45", 1), ("2026-W46", 0)], 2),
        "r3": ([("2026-W45", 0), ("2026-W46", 0)], 2),  # an active rep with no meeting is listed
    }


def test_a_week_at_target_is_not_below_it():
    acts = [act(str(i), f"2026-11-{9 + i:02d}") for i in range(5)]  # 5 meetings in W46 (Nov 9–13)
    r = cadence(acts, ["r1"], [], D, Policy(), weeks=1)
    assert [(w.week, w.meetings) for w in r.reps[0].weeks] == [("2026-W46", 5)]
    assert r.reps[0].weeks_below_target == 0
    assert cadence(acts, ["r1"], [], D, Policy(meetings_per_week=6), weeks=1).reps[0].weeks_below_target == 1


def test_a_week_under_way_is_not_judged():
    # D = Saturday 2026-11-14: W46 is not over, so the one week judged is W45
    assert weeks_ending(dt.date(2026, 11, 14), 1) == ["2026-W45"]
    assert weeks_ending(D, 3) == ["2026-W44", "2026-W45", "2026-W46"]


def test_neglected_accounts():
    acts = [act("1", "2026-08-17", account="a1"),          # 90 days before D: not neglected (> 90 is)
            act("2", "2026-08-16", account="a2"),          # 91 days: neglected
            act("3", "2026-11-01", "call", account="a3"),  # a call is no meeting: a3 never met
            act("4", "2026-11-20", account="a4")]          # after D: a4 never met as of D
    r = cadence(acts, [], ["a1", "a2", "a3", "a4"], D, Policy())
    assert [(n.account_id, n.days_since_meeting) for n in r.neglected_accounts] == [
        ("a3", None), ("a4", None), ("a2", 91)]  # never met first, then the longest neglected
