"""Contact cadence: customer meetings per rep and ISO week, and neglected accounts (docs/design.md §3.26).

A customer meeting is an activity of any kind but ``call`` and ``other``. A rep's
meetings in a week are the meetings dated in it that they attended with at least
one contact. The target is the policy's ``meetings_per_week`` for every active rep,
whatever the role (executives too). An account is neglected when its last meeting
on or before the day is more than ``neglected_after_days`` before it, or it has none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from graphcrm.model import ActivityKind
from graphcrm.policy import Policy

__all__ = ["Week", "RepCadence", "NeglectedAccount", "CadenceReport", "is_meeting", "week_of", "weeks_ending",
           "cadence"]

NOT_MEETINGS = frozenset({ActivityKind.call, ActivityKind.other})


class Week(BaseModel):
    week: str
    meetings: int


class RepCadence(BaseModel):
    rep_id: str
    weeks: list[Week]
    weeks_below_target: int


class NeglectedAccount(BaseModel):
    account_id: str
    days_since_meeting: int | None
    """None: the account has never had a meeting."""


class CadenceReport(BaseModel):
    """``cadence --json``."""

    as_of: dt.date
    target: int
    reps: list[RepCadence]
    neglected_accounts: list[NeglectedAccount]


def is_meeting(kind: str) -> bool:
    """A customer meeting: any activity kind but ``call`` and ``other``."""
    return kind not in NOT_MEETINGS


def week_of(day: dt.date) -> str:
    """The ISO week of a day, as ``2026-W46``.

    >>> week_of(dt.date(2026, 11, 15)), week_of(dt.date(2027, 1, 1))
    ('2026-W46', '2026-W53')
    """
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def weeks_ending(as_of: dt.date, n: int) -> list[str]:
    """The ``n`` ISO weeks that end (their Sunday) on or before ``as_of``, oldest first:
    a week still under way is not judged.

    >>> weeks_ending(dt.date(2026, 11, 15), 2), weeks_ending(dt.date(2026, 11, 14), 1)
    (['2026-W45', '2026-W46'], ['2026-W45'])
    >>> weeks_ending(dt.date(1, 1, 1), 4), weeks_ending(dt.date(1, 1, 8), 4)
    ([], ['0001-W01'])
    """
    back = as_of.isoweekday() % 7
    if (as_of - dt.date.min).days < back:  # no week of the calendar has ended yet
        return []
    last_sunday = as_of - dt.timedelta(days=back)
    room = (last_sunday - dt.date.min).days // 7  # weeks the calendar has before that Sunday's
    return [week_of(last_sunday - dt.timedelta(weeks=k)) for k in range(min(n - 1, room), -1, -1)]


def cadence(activities: Iterable[Any], rep_ids: Iterable[str], account_ids: Iterable[str], as_of: dt.date,
            policy: Policy, weeks: int = 4) -> CadenceReport:
    """Meetings per rep and week over the last ``weeks`` complete ISO weeks, and the neglected accounts.

    Parameters
    ----------
    activities : iterable
        Activity records or rows (``date``, ``kind``, ``account_id``, ``rep_ids``, ``contact_ids``).
    rep_ids : iterable of str
        The active reps: each is listed, with a week of 0 meetings where they had none.
    account_ids : iterable of str
        The accounts judged for neglect.
    """
    wanted = set(weeks_ending(as_of, weeks))
    count: Counter[tuple[str, str]] = Counter()
    last: dict[str, dt.date] = {}
    for a in activities:
        if a.date > as_of or not is_meeting(a.kind):
            continue
        if a.account_id not in last or last[a.account_id] < a.date:
            last[a.account_id] = a.date
        week = week_of(a.date)
        if a.contact_ids and week in wanted:
            for r in set(a.rep_ids):
                count[(r, week)] += 1
    order = sorted(wanted)
    reps = []
    for r in sorted(set(rep_ids)):
        ws = [Week(week=w, meetings=count[(r, w)]) for w in order]
        reps.append(RepCadence(rep_id=r, weeks=ws,
                               weeks_below_target=sum(w.meetings < policy.meetings_per_week for w in ws)))
    neglected = []
    for acc in sorted(set(account_ids)):
        days = (as_of - last[acc]).days if acc in last else None
        if days is None or days > policy.neglected_after_days:
            neglected.append(NeglectedAccount(account_id=acc, days_since_meeting=days))
    neglected.sort(key=lambda n: (n.days_since_meeting is not None, -(n.days_since_meeting or 0), n.account_id))
    return CadenceReport(as_of=as_of, target=policy.meetings_per_week, reps=reps, neglected_accounts=neglected)
