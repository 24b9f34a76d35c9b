"""The LadybugDB adapter's bulk write path: ``COPY`` for rows that are new.

A big import through ``UNWIND … MERGE`` runs at a few thousand rows a second;
``COPY … FROM`` an Arrow table at hundreds of thousands. But COPY is not an
upsert — re-copying a key that exists crashed the engine (TRAPS.md) — so
``bulk_plan`` splits the records a write leaves behind (their after-states,
``graphcrm.store.effects``: with the effect of logged activities folded into
the relationships) by what the store already holds:

- records whose key is new, the reference edges of new nodes (``WORKS_AT``,
  ``PART_OF`` …), the attendance of new activities, and the write's audit
  entries, are copied;
- records the store holds with other values go through the ordinary named
  queries (``write_plan``), whose ``MATCH`` and ``MERGE`` update them;
- records the store holds as they are are left alone.

The adapter runs the whole plan in one transaction, every COPY first: a node
created by ``MERGE`` earlier in the same transaction was mistaken for a copied
one by a later edge COPY (LadybugDB 0.22, measured), while MERGE after COPY is
sound. The result equals ``write_plan``'s, which ``tests/integration/test_bulk_load.py``
checks by comparing exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

import pyarrow as pa

from graphcrm.audit import Trail
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Influence, Record, Relationship, Rep,
    TeamMember, Unit,
)
from graphcrm.store.effects import ENDPOINTS, Stored, changes
from graphcrm.store.port import NODE_TYPES, QUERY_DIR, Step, write_plan

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

EDGE_COLUMNS: dict[type[Record], tuple[tuple[str, pa.DataType], ...]] = {
    TeamMember: (("role", _STRING),),
    Relationship: (("depth", _INT), ("last_contact", _DATE), ("since", _DATE)),
    Influence: (("strength", _DOUBLE), ("kind", _STRING)),
    BidRole: (("role", _STRING), ("influence", _STRING), ("stance", _INT)),
}
"""Each rel table's properties in schema order (its ends: ``effects.ENDPOINTS``)."""

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


def bulk_plan(stored: Stored, after: Stored, trail: Trail) -> list[Step]:
    """The steps that leave the store holding ``after``: COPY steps for what is
    new, then ``write_plan`` of what changes; records the store holds unchanged
    are left alone. The audit entries of ``trail`` are copied too.

    Parameters
    ----------
    stored, after : mapping
        The records the write touches before and after it
        (``GraphStore._stored``, ``effects.after_states``).
    trail : Trail
        The write's audit entries.
    """
    copies = [Step("audit/copy", {"rows": trail.table()})] if len(trail) else []
    rest: dict[str, list[Record]] = {}
    new: dict[type[Record], list[Record]] = {t: [] for t in (*NODE_TYPES, *EDGE_COLUMNS)}
    for t, changed in changes(after, stored):
        new[t] = [record for _, before, record in changed if before is None]
        rest[Dataset.field_for(t)] = [record for _, before, record in changed if before is not None]
    for t in NODE_TYPES:
        names, types = zip(*NODE_COLUMNS[t])
        row = attrgetter(*names)
        copies += _copy(f"{QUERY_DIR[t]}/copy", list(names), list(types), [row(r) for r in new[t]])
    for t, query, field in _LINKS:
        copies += _edge_copy(query, ((r.id, getattr(r, field)) for r in new[t] if getattr(r, field) is not None))
    for t, props in EDGE_COLUMNS.items():
        (src, _), (dst, _) = ENDPOINTS[t]
        row = attrgetter(src, dst, *(p for p, _ in props))
        copies += _copy(f"{QUERY_DIR[t]}/copy", ["from", "to", *(p for p, _ in props)],
                        [_STRING, _STRING, *(ty for _, ty in props)], [row(r) for r in new[t]])
    copies += _edge_copy("activity/copy_attended_rep", ((r, a.id) for a in new[Activity] for r in a.rep_ids))
    copies += _edge_copy("activity/copy_attended_contact",
                         ((c, a.id) for a in new[Activity] for c in a.contact_ids))
    return copies + write_plan(Dataset.model_construct(**rest), logged=[])
