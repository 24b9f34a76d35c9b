"""The schema, derived: what every part needs to know about the record types,
computed from their declarations in ``graphcrm.model``.

The graph builder, the import's reference checks, deletion effects, the write
plan, the LadybugDB bulk path and tables, and the generated CRUD Cypher of
``cypher/`` (``graphcrm.cypher_gen``) all read these functions instead of
keeping tables of their own, so adding a field or a record type is one
declaration in the model (docs/architecture.md, "Adding a field or a record type").

Examples
--------
>>> from graphcrm.model import Contact, Relationship
>>> [r.field for r in edge_refs(Contact)]
['account_id', 'unit_id', 'reports_to']
>>> properties(Contact)
('id', 'account_id', 'unit_id', 'name', 'title', 'level', 'email', 'stance')
>>> ends(Relationship)
(('rep_id', <class 'graphcrm.model.Rep'>), ('contact_id', <class 'graphcrm.model.Contact'>))
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator, Mapping
from enum import Enum
from functools import cache

from pydantic import BaseModel

from graphcrm.model import RECORD_TYPES, Account, Record, Ref, kind_of

__all__ = [
    "NODE_TYPES", "EDGE_TYPES", "BY_LABEL", "target", "ends", "properties", "edge_props", "edge_refs",
    "list_refs", "self_refs", "references", "dependents", "referrers", "cleared_on_delete", "home_via",
    "home_account", "value_type", "query",
]

NODE_TYPES: tuple[type[Record], ...] = tuple(t for t in RECORD_TYPES if t.ENDS is None)
"""The record types stored as nodes, in import order."""
EDGE_TYPES: tuple[type[Record], ...] = tuple(t for t in RECORD_TYPES if t.ENDS is not None)
"""The record types stored as relationships with properties, in import order."""
BY_LABEL: dict[str, type[Record]] = {t.LABEL: t for t in RECORD_TYPES}
"""Each record type by its label (node types) or relationship type (edge types)."""


def query(record_type: type, name: str) -> str:
    """The name of one of a record type's queries: ``query(Contact, "get")`` is ``contact/get``."""
    return f"{kind_of(record_type)}/{name}"


def target(ref: Ref) -> type[Record]:
    """The record type a reference names."""
    return BY_LABEL[ref.target]


@cache
def _refs(record_type: type[Record]) -> dict[str, Ref]:
    return {r.field: r for r in record_type.REFS}


def ends(record_type: type[Record]) -> tuple[tuple[str, type[Record]], tuple[str, type[Record]]]:
    """A relationship record's (field, node type) of its start and its end."""
    start, end = record_type.ENDS
    refs = _refs(record_type)
    return (start, target(refs[start])), (end, target(refs[end]))


def is_list(record_type: type[BaseModel], field: str) -> bool:
    """Whether a field holds a list (of ids)."""
    return typing.get_origin(record_type.model_fields[field].annotation) is list


@cache
def properties(record_type: type[Record]) -> tuple[str, ...]:
    """The properties a node type stores, in field order: every field but the
    references that are edges only (``reports_to``, attendee lists)."""
    edge_only = {r.field for r in record_type.REFS if not r.property}
    return tuple(f for f in record_type.model_fields if f not in edge_only)


@cache
def edge_props(record_type: type[Record]) -> tuple[str, ...]:
    """The properties a relationship record stores on its edge: its fields but its ends."""
    return tuple(f for f in record_type.model_fields if f not in record_type.ENDS)


@cache
def edge_refs(record_type: type[Record]) -> tuple[Ref, ...]:
    """A node type's single-valued references that are edges (``WORKS_AT`` …)."""
    return tuple(r for r in record_type.REFS if r.edge and not is_list(record_type, r.field))


@cache
def list_refs(record_type: type[Record]) -> tuple[Ref, ...]:
    """A node type's list references (``Activity.rep_ids``): one edge per id."""
    return tuple(r for r in record_type.REFS if is_list(record_type, r.field))


def self_refs() -> Iterator[tuple[type[Record], str]]:
    """(type, field) of the hierarchies: node references to their own type
    (account parents, unit trees, reporting lines), where cycles are refused."""
    for t in NODE_TYPES:
        for r in t.REFS:
            if target(r) is t:
                yield t, r.field


def references() -> Iterator[tuple[type[Record], Ref]]:
    """Every (type, reference), in import order: what an import checks."""
    for t in RECORD_TYPES:
        for r in t.REFS:
            yield t, r


@cache
def dependents(record_type: type[Record]) -> tuple[tuple[type[Record], str], ...]:
    """(node type, field) of the property references that name ``record_type``:
    while any names a record, it cannot be deleted (it would dangle)."""
    return tuple((t, r.field) for t in NODE_TYPES for r in t.REFS if r.property and target(r) is record_type)


@cache
def cleared_on_delete(record_type: type[Record]) -> tuple[tuple[type[Record], Ref], ...]:
    """(node type, reference) of the edge-only references that name ``record_type``:
    deleting the named record clears them (a reporting line, an attendee)."""
    return tuple((t, r) for t in NODE_TYPES for r in t.REFS if not r.property and target(r) is record_type)


@cache
def referrers(record_type: type[Record]) -> tuple[tuple[type[Record], str], ...]:
    """(relationship type, end field) of the relationship records that end at a
    ``record_type`` node: they go when the node goes."""
    return tuple((t, field) for t in EDGE_TYPES for field, end in ends(t) if end is record_type)


@cache
def home_via(record_type: type[Record]) -> tuple[str, type[Record]] | None:
    """For a record whose account is another record's (a relationship: its
    contact's), the field and the type whose account it is; None when the
    record carries its account itself (or has none)."""
    home = record_type.HOME
    if home is None or record_type is Account:
        return None
    t = target(_refs(record_type)[home])
    return None if t is Account else (home, t)


def home_account(record: Record, homes: Mapping[type[Record], Mapping[str, str | None]]) -> str | None:
    """The account a record belongs to (None for reps): its own id for an
    account, its account reference, or its ``HOME`` reference's account, from
    ``homes`` (record type → id → account).

    >>> from graphcrm.model import Contact, Influence
    >>> home_account(Influence(source_id="c1", target_id="c2", strength=1), {Contact: {"c1": "acme"}})
    'acme'
    """
    home = type(record).HOME
    if home is None:
        return None
    via = home_via(type(record))
    value = getattr(record, home)
    return homes[via[1]].get(value) if via else value


_VALUE_TYPES = {str: "string", dt.date: "date", dt.datetime: "timestamp", float: "double", int: "int",
                bool: "bool"}


@cache
def value_type(record_type: type[BaseModel], field: str) -> str:
    """The stored type of a field: ``string``, ``date``, ``timestamp``,
    ``double``, ``int`` or ``bool`` (enums are strings)."""
    annotation = record_type.model_fields[field].annotation
    for arg in typing.get_args(annotation) or (annotation,):
        base = typing.get_origin(arg) or arg
        if base is typing.Annotated:
            base = typing.get_args(arg)[0]
        if isinstance(base, type) and issubclass(base, Enum):
            return "string"
        if base in _VALUE_TYPES:
            return _VALUE_TYPES[base]
    raise TypeError(f"{record_type.__name__}.{field}: no stored type for {annotation!r}")

