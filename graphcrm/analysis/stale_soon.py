"""Where it is heading: the key relationships that lose a level soon if nobody meets them.

docs/design.md §3.20. A relationship decays on fixed days after its last contact L
(§3.1): it loses its first level the day its age passes ``stale_after_days`` N
(L + N + 1) and its second the day it passes 2N (L + 2N + 1). A relationship of a
key contact *goes stale within W days* when its next such day falls in
(as_of, as_of + W] and that loss lowers its effective depth.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.depth import Depths, account_key_contacts, bid_key_contacts, depths, effective_depth
from graphcrm.policy import Policy

__all__ = ["StaleSoon", "next_loss", "stale_soon", "DEFAULT_WITHIN"]

DEFAULT_WITHIN = 30
"""Days ahead that ``stale-soon`` and the digest look."""


class StaleSoon(BaseModel):
    """One relationship of a key contact that loses a level on ``stale_on`` unless they meet before."""

    account_id: str
    rep_id: str
    rep_name: str
    contact_id: str
    contact_name: str
    depth: int
    effective_depth: int
    effective_depth_after: int
    last_contact: dt.date
    stale_on: dt.date
    days_left: int
    loses_coverage: bool
    """The contact is covered now (best ≥ the key depth) and would not be after the loss."""


def next_loss(last_contact: dt.date, as_of: dt.date, policy: Policy) -> dt.date | None:
    """The first day after ``as_of`` on which a relationship last met on
    ``last_contact`` loses a level of effective depth; None when it has lost both.

    Examples
    --------
    >>> p = Policy()  # stale after 180 days
    >>> next_loss(dt.date(2026, 1, 1), dt.date(2026, 6, 1), p)  # 2026-01-01 + 181 days
    datetime.date(2026, 7, 1)
    >>> next_loss(dt.date(2026, 1, 1), dt.date(2026, 7, 1), p)  # + 361 days
    datetime.date(2026, 12, 28)
    >>> next_loss(dt.date(2024, 1, 1), dt.date(2026, 7, 1), p) is None
    True
    """
    for days in (policy.stale_after_days + 1, 2 * policy.stale_after_days + 1):
        day = last_contact + dt.timedelta(days=days)
        if day > as_of:
            return day
    return None


def stale_soon(g: nx.MultiDiGraph, as_of: dt.date, policy: Policy, within: int = DEFAULT_WITHIN,
               bid_id: str | None = None, d: Depths | None = None) -> list[StaleSoon]:
    """The relationships of the key contacts of ``g``'s account (of ``bid_id`` when
    given) that lose a level of effective depth within ``within`` days of ``as_of``.

    Only active reps' relationships with a known last contact count (inactive
    reps hold nothing; a relationship with no known last contact never decays).
    Sorted by the day it happens, then contact and rep id.
    """
    d = d or depths(g, as_of, policy)
    keys = bid_key_contacts(g, bid_id) if bid_id is not None else account_key_contacts(g)
    horizon = as_of + dt.timedelta(days=within)
    found = []
    for c in sorted(keys):
        required = policy.key_required_depth
        for r, eff in d.effective.get(c, {}).items():
            last = d.last_contact.get((r, c))
            day = None if last is None else next_loss(last, as_of, policy)
            if day is None or day > horizon:
                continue
            after = effective_depth(d.raw[c][r], last, day, policy)
            if after >= eff:
                continue
            others = max((e for o, e in d.effective[c].items() if o != r), default=0)
            found.append(StaleSoon(
                account_id=g.graph["account_id"], rep_id=r, rep_name=g.nodes[("Rep", r)]["name"], contact_id=c,
                contact_name=g.nodes[("Contact", c)]["name"], depth=d.raw[c][r], effective_depth=eff,
                effective_depth_after=after, last_contact=last, stale_on=day, days_left=(day - as_of).days,
                loses_coverage=d.best(c) >= required > max(after, others)))
    return sorted(found, key=lambda s: (s.stale_on, s.contact_id, s.rep_id))
