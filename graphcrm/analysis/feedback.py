"""Customer feedback: open complaints, days to close, satisfaction (docs/design.md §3.28).

Satisfaction over the window (``feedback_days``, 365, ending on the day) is
praise ÷ (praise + complaints) among the feedback dated in it; ``None`` with
neither. Requests say nothing about how pleased the customer is, so they are left out.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.depth import days_before
from graphcrm.graph import nodes_of
from graphcrm.model import FeedbackKind, FeedbackStatus, Severity
from graphcrm.policy import Policy

__all__ = ["FeedbackSummary", "feedback_summary", "feedback_of"]


class FeedbackSummary(BaseModel):
    """The feedback of one account (or a portfolio) as of a day."""

    open_complaints: list[str]
    open_high_complaints: list[str]
    median_days_to_close: float | None
    satisfaction: float | None
    praise: int
    complaints: int


def feedback_summary(records: Iterable[Any], as_of: dt.date, policy: Policy) -> FeedbackSummary:
    """Open complaints (dated on or before the day, open then: status open, or
    closed after the day), the median days from date to close of the complaints
    closed within the window, and satisfaction over the window.

    Examples
    --------
    >>> from graphcrm.model import Feedback
    >>> day = dt.date
    >>> f = [Feedback(id="1", account_id="a", date=day(2026, 1, 1), kind="complaint", status="closed",
    ...               closed=day(2026, 1, 11)),
    ...      Feedback(id="2", account_id="a", date=day(2026, 3, 1), kind="praise", status="closed",
    ...               closed=day(2026, 3, 1))]
    >>> s = feedback_summary(f, day(2026, 6, 1), Policy())
    >>> s.open_complaints, s.median_days_to_close, s.satisfaction
    ([], 10.0, 0.5)
    """
    start = days_before(as_of, policy.feedback_days)
    open_, high, days = [], [], []
    praise = complaints = 0
    for f in records:
        if f.date > as_of:
            continue
        in_window = f.date > start
        closed = f.status == FeedbackStatus.closed and (f.closed is None or f.closed <= as_of)
        if f.kind == FeedbackKind.complaint:
            complaints += in_window
            if not closed:
                open_.append(f.id)
                if f.severity == Severity.high:
                    high.append(f.id)
            elif f.closed is not None and f.closed > start:
                days.append((f.closed - f.date).days)
        elif f.kind == FeedbackKind.praise:
            praise += in_window
    total = praise + complaints
    return FeedbackSummary(
        open_complaints=sorted(open_), open_high_complaints=sorted(high),
        median_days_to_close=float(statistics.median(days)) if days else None,
        satisfaction=round(praise / total, 4) if total else None, praise=praise, complaints=complaints,
    )


def feedback_of(g: nx.MultiDiGraph) -> list[SimpleNamespace]:
    """The feedback records of an account graph, with their attributes (for ``feedback_summary``)."""
    return [SimpleNamespace(**a) for _, a in nodes_of(g, "Feedback")]
