"""Finding things by name: accounts, contacts (by name or title), bids and reps.

``find`` is what the web UI's search box and ``graphcrm find TEXT`` answer: the
records of each kind whose name (a contact's title too, and every id) holds the
text, case-insensitively (the text is NFKC-normalised first, so a query typed
in full-width letters finds ASCII names; CJK matches as typed), within what the
caller may see.
"""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel

from graphcrm.model import Account, Bid, Contact, Record, Rep, kind_of
from graphcrm.schema import query
from graphcrm.store.port import GraphStore

__all__ = ["Hit", "FindReport", "find", "KINDS"]

KINDS: tuple[type[Record], ...] = (Account, Contact, Bid, Rep)
MAX_TEXT = 200


class Hit(BaseModel):
    kind: str
    id: str
    name: str
    detail: str | None
    """A contact's title, an account's tier, a bid's stage, a rep's role."""
    account_id: str | None


class FindReport(BaseModel):
    """``find --json`` and the search page: the hits of each kind, by name."""

    text: str
    hits: list[Hit]
    more: dict[str, bool]
    """Per kind: whether there were more hits than ``limit``."""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()[:MAX_TEXT]


def find(store: GraphStore, text: str, scope: list[str] | None = None, limit: int = 20) -> FindReport:
    """The records whose name holds ``text``, at most ``limit`` of each kind.

    ``scope``: the account ids the caller may see (None: all); reps are those on
    the team of such an account. An empty text finds nothing.
    """
    wanted = normalise(text)
    hits: list[Hit] = []
    more: dict[str, bool] = {}
    if wanted and (scope is None or scope):
        for record_type in KINDS:
            rows = store.read(query(record_type, "find"), text=wanted, unscoped=scope is None,
                              scope=list(scope or [""]), limit=limit + 1)
            more[kind_of(record_type)] = len(rows) > limit
            hits += [Hit(kind=kind_of(record_type), **{**r, "detail": None if r["detail"] is None else str(r["detail"])})
                     for r in rows[:limit]]
    return FindReport(text=text, hits=hits, more=more)
