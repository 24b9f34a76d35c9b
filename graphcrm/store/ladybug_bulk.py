"""The LadybugDB adapter's bulk write path: ``COPY`` for rows that are new.

A big import through ``UNWIND … MERGE`` runs at a few thousand rows a second;
``COPY … FROM`` an Arrow table at hundreds of thousands. But COPY is not an
upsert — re-copying a key that exists crashed the engine (docs/architecture.md,
"Engine facts") — so
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

from collections.abc import Callable, Iterable
from operator import attrgetter

import pyarrow as pa

from graphcrm.audit import Trail
from graphcrm.model import Dataset, Record
from graphcrm.schema import EDGE_TYPES, NODE_TYPES, edge_props, edge_refs, ends, list_refs, query, value_type
from graphcrm.store.effects import Stored, changes
from graphcrm.store.port import Step
from graphcrm.store.writes import subject_steps, write_plan

__all__ = ["bulk_plan", "arrow_type"]

_ARROW = {"string": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"), "double": pa.float64(),
          "int": pa.int64(), "bool": pa.bool_()}
_STRING = pa.string()

Columns = Callable[[type[Record]], tuple[str, ...]]
"""A node type's table columns in the store's order (COPY matches columns by position;
a store made before a field was added has it last)."""


def arrow_type(record_type: type[Record], field: str) -> pa.DataType:
    """The Arrow type a field is copied as (its stored type, ``schema.value_type``)."""
    return _ARROW[value_type(record_type, field)]


def _copy(name: str, names: list[str], types: list[pa.DataType], rows: list[tuple]) -> list[Step]:
    """A COPY step of ``rows`` as an Arrow table; none for no rows."""
    if not rows:
        return []
    table = pa.table([pa.array(column, type=t) for column, t in zip(zip(*rows), types)], names=names)
    return [Step(name, {"rows": table})]


def _edge_copy(name: str, pairs: Iterable[tuple[str, str]]) -> list[Step]:
    return _copy(name, ["from", "to"], [_STRING, _STRING], list(dict.fromkeys(pairs)))


def bulk_plan(stored: Stored, after: Stored, trail: Trail, columns: Columns) -> list[Step]:
    """The steps that leave the store holding ``after``: COPY steps for what is
    new, then ``write_plan`` of what changes; records the store holds unchanged
    are left alone. The audit entries of ``trail`` are copied too.

    Parameters
    ----------
    stored, after : mapping
        The records the write touches before and after it
        (``writes.stored``, ``effects.after_states``).
    trail : Trail
        The write's audit entries.
    columns : callable
        A node type's columns in the order of its table in this store.
    """
    links = trail.links()
    copies = ([Step("audit/copy", {"rows": trail.table()}), *subject_steps(links),
               *_edge_copy("audit/copy_of", links)] if len(trail) else [])
    rest: dict[str, list[Record]] = {}
    new: dict[type[Record], list[Record]] = {t: [] for t in (*NODE_TYPES, *EDGE_TYPES)}
    for t, changed in changes(after, stored):
        new[t] = [record for _, before, record in changed if before is None]
        rest[Dataset.field_for(t)] = [record for _, before, record in changed if before is not None]
    for t in NODE_TYPES:
        names = columns(t)
        row = attrgetter(*names)
        copies += _copy(query(t, "copy"), list(names), [arrow_type(t, n) for n in names], [row(r) for r in new[t]])
    for t in NODE_TYPES:
        for ref in edge_refs(t):
            copies += _edge_copy(query(t, f"copy_{ref.field}"), (
                (r.id, getattr(r, ref.field)) for r in new[t] if getattr(r, ref.field) is not None))
    for t in EDGE_TYPES:
        (src, _), (dst, _) = ends(t)
        props = edge_props(t)
        row = attrgetter(src, dst, *props)
        copies += _copy(query(t, "copy"), ["from", "to", *props],
                        [_STRING, _STRING, *(arrow_type(t, p) for p in props)], [row(r) for r in new[t]])
    for t in NODE_TYPES:
        for ref in list_refs(t):
            pairs = ((x, r.id) if ref.reverse else (r.id, x) for r in new[t] for x in getattr(r, ref.field))
            copies += _edge_copy(query(t, f"copy_{ref.field}"), pairs)
    return copies + write_plan(Dataset.model_construct(**rest), logged=[])
