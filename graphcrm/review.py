"""A bid's review pack: what a reviewer brings to the pre-tender review meeting.

One read of the bid's graph gives its decision chain and check (``views.bid_view``);
the account's plans come from ``management.plans``. The pack is written as a PDF, a
workbook or the decision-chain picture by ``viz.review`` (``graphcrm report bid``,
the bid page's download buttons).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from graphcrm import management, views
from graphcrm.analysis.gaps import Gap
from graphcrm.analysis.plans import PlanStatus
from graphcrm.model import Account
from graphcrm.policy import Policy
from graphcrm.store.port import GraphStore

__all__ = ["ReviewPack", "review_pack", "FORMATS"]

FORMATS = {".pdf": "application/pdf",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".png": "image/png"}
"""What a pack can be written as, by file suffix, with its media type."""


class ReviewPack(BaseModel):
    """The bid's decision chain and check, its red flags by name, its gaps by layer
    with their actions, and the account's plans."""

    account_name: str
    view: views.GraphView
    chips: list[views.FlagChip]
    gaps: list[tuple[str, Gap]]
    """(layer, gap) in the order key, general, organisational."""
    plans: list[PlanStatus]


def review_pack(store: GraphStore, bid_id: str, as_of: dt.date, policy: Policy) -> ReviewPack:
    """Gather one bid's review pack as of ``as_of``.

    Raises ``NotFound`` when the bid does not exist.
    """
    view = views.bid_view(store, bid_id, as_of, policy)
    layers = view.report.gaps
    gaps = [(name, gap) for name, layer in (("key", layers.key), ("general", layers.general),
                                            ("organisational", layers.organisational)) for gap in layer.gaps]
    plans = management.plans(store, as_of, policy, account_id=view.report.account_id).plans
    account = store.get(Account, view.report.account_id)
    return ReviewPack(account_name=account.name if account else view.report.account_id, view=view, chips=views.flag_chips(view), gaps=gaps, plans=plans)
