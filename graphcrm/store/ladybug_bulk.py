"""The LadybugDB adapter's bulk write path: ``COPY`` for rows that are new.

A big import through ``UNWIND … MERGE`` runs at a few thousand rows a second;
``COPY … FROM`` an Arrow table at hundreds of thousands. But COPY is not an
upsert — re-copying a key that exists crashed the engine (TRAPS.md) — so
``bulk_plan`` splits every record type by what the store already holds:

- nodes whose id is new, the reference edges of those nodes (``WORKS_AT``,
  ``PART_OF`` …), relationships with a new endpoint, the attendance of new
  activities, and the ``KNOWS`` edges that logging those creates, are copied;
- everything else — updates of existing records, relationships between records
  the store already had, activities met by reps and contacts who already knew
  each other — goes through the ordinary named queries (``write_plan``), whose
  ``MATCH`` and ``MERGE`` only update or add edges there.

The adapter runs the whole plan in one transaction, every COPY first: a node
created by ``MERGE`` earlier in the same transaction was mistaken for a copied
one by a later edge COPY (LadybugDB 0.22, measured), while MERGE after COPY is
sound. The result equals ``write_plan``'s, which ``tests/integration/test_bulk_load.py``
checks by comparing exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from typing import Any

import pyarrow as pa

from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Influence, Record, Relationship, Rep,
    TeamMember, Unit,
)
from graphcrm.store.port import NODE_TYPES, QUERY_DIR, Step, logged_contacts, write_plan

__all__ = ["bulk_plan", "NODE_COLUMNS", "EDGE_COLUMNS"]

_STRING, _DATE, _DOUBLE, _INT, _BOOL = pa.string(), pa.date32(), pa.float64(), pa.int64(), pa.bool_()

NODE_COLUMNS: dict[type[Record], tuple[tuple[str, pa.DataType], ...]] = {
    Account: (("id", _STRING), ("name", _STRING), ("tier", _STRING), ("industry", _STRING),
              ("parent_id", _STRING), ("strategic_fit", _STRING), ("annual_revenue", _DOUBLE)),
    Unit: (("id", _STRING), ("account_id", _STRING), ("name", _STRING), ("kind", _STRING),
           ("parent_unit_id", _STRING), ("region", _STRING)),
    Contact: (("id", _STRING), ("account_id", _STRING), ("unit_id", _STRING), ("name", _STRING),
              ("title", _STRING), ("level", _STRING), ("email", _STRING)),
    Rep: (("id", _STRING), ("name", _STRING), ("role", _STRING), ("level", _STRING), ("active", _BOOL),
          ("email", _STRING)),
    Bid: (("id", _STRING), ("account_id", _STRING), ("name", _STRING), ("stage", _STRING),
          ("tender_date", _DATE), ("value", _DOUBLE), ("currency", _STRING)),
    Activity: (("id", _STRING), ("date", _DATE), ("kind", _STRING), ("summary", _STRING),
               ("account_id", _STRING), ("bid_id", _STRING)),
    Agreement: (("id", _STRING), ("account_id", _STRING), ("kind", _STRING), ("signed", _DATE),
                ("expires", _DATE)),
}
"""Each node table's columns in the order of ``cypher/schema/ladybug.cypher``
(COPY matches columns by position; a test checks these against the live schema)."""

EDGE_COLUMNS: dict[type[Record], tuple[tuple[str, type[Record]], tuple[str, type[Record]],
                                       tuple[tuple[str, pa.DataType], ...]]] = {
    TeamMember: (("rep_id", Rep), ("account_id", Account), (("role", _STRING),)),
    Relationship: (("rep_id", Rep), ("contact_id", Contact),
                   (("depth", _INT), ("last_contact", _DATE), ("since", _DATE))),
    Influence: (("source_id", Contact), ("target_id", Contact), (("strength", _DOUBLE), ("kind", _STRING))),
    BidRole: (("contact_id", Contact), ("bid_id", Bid),
              (("role", _STRING), ("influence", _STRING), ("stance", _INT))),
}
"""Relationship types with properties: (from field, its node type), (to field,
its node type), and the rel table's properties in schema order."""

# (record type, COPY query, reference field): the edges a new node's reference fields imply.
_LINKS = (
    (Unit, "unit/copy_part_of_account", "account_id"),
    (Unit, "unit/copy_part_of_unit", "parent_unit_id"),
    (Contact, "contact/copy_works_at", "account_id"),
    (Contact, "contact/copy_member_of", "unit_id"),
    (Contact, "contact/copy_reports_to", "reports_to"),
    (Bid, "bid/copy_for", "account_id"),
    (Agreement, "agreement/copy_for", "account_id"),
)


def _copy(query: str, names: list[str], types: list[pa.DataType], rows: list[tuple]) -> list[Step]:
    """A COPY step of ``rows`` as an Arrow table; none for no rows."""
    if not rows:
        return []
    table = pa.table([pa.array(column, type=t) for column, t in zip(zip(*rows), types)], names=names)
    return [Step(query, {"rows": table})]


def _edge_copy(query: str, pairs: Iterable[tuple[str, str]]) -> list[Step]:
    return _copy(query, ["from", "to"], [_STRING, _STRING], list(dict.fromkeys(pairs)))


Stored = Callable[[type[Record], list[tuple[str, ...]]], Mapping[tuple[str, ...], Record]]
"""``stored(record_type, keys)``: the records among ``keys`` the store holds, by key."""


def bulk_plan(data: Dataset, stored: Stored) -> list[Step]:
    """The steps that write ``data``: COPY steps for what is new, then
    ``write_plan`` of what changes; records the store holds unchanged are left
    alone. The store ends as ``write_plan(data)`` would leave it.

    Parameters
    ----------
    data : Dataset
        Validated records whose references hold (``importer.check_references``).
    stored : callable
        ``stored(record_type, keys)`` → the store's records among ``keys``.
    """
    new: dict[type[Record], set[str]] = {}
    copies: list[Step] = []
    rest: dict[str, list[Any]] = {}
    for t in NODE_TYPES:
        records = data.records(t)
        held = stored(t, [r.key for r in records])
        new[t] = {r.id for r in records if r.key not in held}
        names, types = zip(*NODE_COLUMNS[t])
        row = attrgetter(*names)
        copies += _copy(f"{QUERY_DIR[t]}/copy", list(names), list(types), [row(r) for r in records if r.id in new[t]])
        rest[Dataset.field_for(t)] = [r for r in records if r.key in held and _as_stored(r) != held[r.key]]
    for t, query, field in _LINKS:
        copies += _edge_copy(query, ((r.id, getattr(r, field)) for r in data.records(t)
                                     if r.id in new[t] and getattr(r, field) is not None))

    logged: list[dict[str, Any]] = []
    for t, ((src, src_type), (dst, dst_type), props) in EDGE_COLUMNS.items():
        records = data.records(t)
        is_old = lambda key: key[0] not in new[src_type] and key[1] not in new[dst_type]  # noqa: E731
        if t is Relationship:
            records, logged = _with_logged(records, logged_contacts(data.activities), is_old, stored)
        held = stored(t, [r.key for r in records if is_old(r.key)])
        row = attrgetter(src, dst, *(p for p, _ in props))
        copies += _copy(f"{QUERY_DIR[t]}/copy", ["from", "to", *(p for p, _ in props)],
                        [_STRING, _STRING, *(ty for _, ty in props)],
                        [row(r) for r in records if r.key not in held])
        rest[Dataset.field_for(t)] = [r for r in records if r.key in held and r != held[r.key]]
    activities = [a for a in data.activities if a.id in new[Activity]]
    copies += _edge_copy("activity/copy_attended_rep", ((r, a.id) for a in activities for r in a.rep_ids))
    copies += _edge_copy("activity/copy_attended_contact", ((c, a.id) for a in activities for c in a.contact_ids))
    return copies + write_plan(Dataset.model_construct(**rest), logged=logged)


def _as_stored(record: Record) -> Record:
    """A record as the store gives it back: an activity's attendees sorted, once each."""
    if isinstance(record, Activity):
        return record.model_copy(update={"rep_ids": sorted(set(record.rep_ids)),
                                         "contact_ids": sorted(set(record.contact_ids))})
    return record


def _with_logged(relationships: list[Relationship], meetings: list[dict[str, Any]],
                 is_old: Callable[[tuple[str, str]], bool], stored: Stored,
                 ) -> tuple[list[Relationship], list[dict[str, Any]]]:
    """The relationships to write with the effect of logged activities folded in,
    and the meetings left for the ``activity/log`` query.

    As that query would: a meeting moves a relationship's last contact forward,
    or creates the relationship at depth 1 (since the first meeting). Folded into
    the rows, that needs no query — except for a pair the store already holds
    and this import does not write, whose last contact is older than the meeting.
    """
    given = {r.key: r for r in relationships}
    others = [m for m in meetings if (m["rep_id"], m["contact_id"]) not in given]
    held = stored(Relationship, [(m["rep_id"], m["contact_id"]) for m in others
                                 if is_old((m["rep_id"], m["contact_id"]))])
    left = []
    for m in meetings:
        key = (m["rep_id"], m["contact_id"])
        r = given.get(key)
        if r is not None:
            if r.last_contact is None or r.last_contact < m["last"]:
                given[key] = r.model_copy(update={"last_contact": m["last"]})
        elif key in held:
            if held[key].last_contact is None or held[key].last_contact < m["last"]:
                left.append(m)
        else:
            given[key] = Relationship.model_construct(rep_id=key[0], contact_id=key[1], depth=1,
                                                      last_contact=m["last"], since=m["first"])
    return list(given.values()), left
