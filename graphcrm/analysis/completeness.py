"""Information completeness of an account: how much of what the method asks is written down (docs/design.md §3.27).

The score is the mean of five shares, each over a set that is not empty (an empty
set is left out):

- ``contact_details``: contacts with unit, title and level all given;
- ``last_contact``: relationships of active reps into its contacts with a known last contact;
- ``key_stance``: key contacts with a known stance (their own, or one given on
  their role in an open bid);
- ``bid_roles``: open bids with at least one decision_maker and one approver;
- ``strategic_fit``: the account's strategic fit given (1 or 0).
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.depth import Depths, account_key_contacts, chain, open_bids
from graphcrm.graph import nodes_of
from graphcrm.model import BidRoleName

__all__ = ["Missing", "AccountCompleteness", "CompletenessReport", "completeness", "PARTS"]

PARTS = ("contact_details", "last_contact", "key_stance", "bid_roles", "strategic_fit")
DIGITS = 4


class Missing(BaseModel):
    """What is missing for one part: the ids of the records that fail it
    (``rep_id/contact_id`` for a relationship)."""

    what: str
    ids: list[str]


class AccountCompleteness(BaseModel):
    account_id: str
    score: float | None
    parts: dict[str, float]
    missing: list[Missing]


class CompletenessReport(BaseModel):
    """``completeness --json``."""

    as_of: dt.date
    accounts: list[AccountCompleteness]


def completeness(g: nx.MultiDiGraph, d: Depths) -> AccountCompleteness:
    """The information completeness of the account graph ``g`` (``d``: its depths as of the day)."""
    account_id = g.graph["account_id"]
    contacts = dict(nodes_of(g, "Contact"))
    bids = open_bids(g)
    stances = {c for b in bids for c, role in chain(g, b).items() if role.get("stance") is not None}
    stances |= {c for c, a in contacts.items() if a.get("stance") is not None}
    pairs = sorted((r, c) for c, reps in d.effective.items() for r in reps)
    missing_pairs = set(d.missing_last_contact)
    checks: dict[str, tuple[list[str], list[str]]] = {  # part → (the set, the ones that fail)
        "contact_details": (list(contacts), [c for c, a in contacts.items()
                                             if not (a.get("unit_id") and a.get("title") and a.get("level"))]),
        "last_contact": ([f"{r}/{c}" for r, c in pairs], [f"{r}/{c}" for r, c in pairs if (r, c) in missing_pairs]),
        "key_stance": (sorted(keys := account_key_contacts(g)), sorted(c for c in keys if c not in stances)),
        "bid_roles": (bids, [b for b in bids if not _has_roles(chain(g, b))]),
        "strategic_fit": ([account_id], [] if g.nodes[("Account", account_id)].get("strategic_fit") else [account_id]),
    }
    parts = {name: (len(every) - len(bad)) / len(every) for name, (every, bad) in checks.items() if every}
    score = sum(parts.values()) / len(parts) if parts else None
    return AccountCompleteness(
        account_id=account_id, score=None if score is None else round(score, DIGITS),
        parts={k: round(v, DIGITS) for k, v in parts.items()},
        missing=[Missing(what=name, ids=sorted(bad)) for name, (_, bad) in checks.items() if bad],
    )


def _has_roles(members: dict[str, dict]) -> bool:
    roles = {m.get("role") for m in members.values()}
    return BidRoleName.decision_maker in roles and BidRoleName.approver in roles
