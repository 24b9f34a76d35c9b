"""Writing: what a write changes, its audit entries, and the steps that run it.

A write reads what it replaces (``stored``), works out each touched record's
state afterwards (``effects``), files an audit entry for every record that
changes, and hands the engine a list of named steps to run in one transaction
(``write_plan``, or the LadybugDB adapter's own plan for big writes). These
functions are the engine-neutral half of ``GraphStore.apply`` and ``delete``;
the engine only runs steps (``graphcrm.store.port``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from graphcrm.audit import Action, Actor, AuditEntry, Trail, subjects
from graphcrm.errors import InUse
from graphcrm.model import RECORD_TYPES, Activity, ApiKey, Dataset, Record, Relationship, kind_of
from graphcrm.schema import (
    EDGE_TYPES, NODE_TYPES, cleared_on_delete, dependents, edge_refs, ends, home_account, home_via, list_refs,
    query, referrers,
)
from graphcrm.store.effects import Stored, after_states, changes, deletion_effects, meetings

if TYPE_CHECKING:
    from graphcrm.store.port import GraphStore

__all__ = ["Step", "write_plan", "logged_contacts", "audit_steps", "subject_steps", "index_steps",
           "index_audit", "plan", "delete", "put_api_key", "homes",
           "BATCH", "COUNT_FROM"]

BATCH = 5_000
"""Rows per step of a batch query."""
COUNT_FROM = 1_000
"""Writes of this many records first ask which types the store holds any of."""


@dataclass(frozen=True)
class Step:
    """One named query and its parameters, run inside a write transaction
    (``GraphStore.write``). Batch steps carry their rows as ``params["rows"]``,
    never an empty list."""

    query: str
    params: dict[str, Any]


def row(record: Record) -> dict[str, Any]:
    """A record as a query row: its stored fields, enums as their values."""
    values = record.model_dump(exclude={r.field for r in list_refs(type(record))})
    return {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}


def _batches(name: str, rows: list[dict[str, Any]]) -> Iterator[Step]:
    for start in range(0, len(rows), BATCH):
        yield Step(name, {"rows": rows[start:start + BATCH]})


def write_plan(data: Dataset, logged: list[dict[str, Any]] | None = None) -> list[Step]:
    """The steps that write ``data``, in an order where every reference exists.

    Nodes first, then the edges their reference fields imply, then the
    relationships with properties, the attendee edges, and last the ``KNOWS``
    updates of logged activities (so a relationship row in the same import does
    not undo them): ``logged`` rows, by default ``logged_contacts(data.activities)``.
    """
    steps: list[Step] = []
    for t in NODE_TYPES:
        steps += _batches(query(t, "upsert"), [row(r) for r in data.records(t)])
    for t in NODE_TYPES:
        refs = edge_refs(t)
        if refs or list_refs(t):
            rows = [{"id": r.id, **{ref.field: getattr(r, ref.field) for ref in refs}} for r in data.records(t)]
            steps += _batches(query(t, "link"), rows)
    for t in EDGE_TYPES:
        steps += _batches(query(t, "upsert"), [row(r) for r in data.records(t)])
    for t in NODE_TYPES:
        for ref in list_refs(t):
            steps += _batches(query(t, f"link_{ref.field}"), [
                {"id": r.id, "target": x} for r in data.records(t) for x in getattr(r, ref.field)])
    steps += _batches("activity/log", logged_contacts(data.activities) if logged is None else logged)
    return steps


def logged_contacts(activities: list[Activity]) -> list[dict[str, Any]]:
    """One row per (rep, contact) who met in an activity, with the first and last date."""
    return [{"rep_id": r, "contact_id": c, "first": f, "last": l}
            for (r, c), (f, l) in sorted(meetings(activities).items())]


def audit_steps(trail: Trail) -> list[Step]:
    """The steps that append a write's audit entries, and index them by subject."""
    return [*_batches("audit/append", list(trail.dicts())), *index_steps(trail.links())]


def subject_steps(links: Sequence[tuple[str, str]]) -> list[Step]:
    """The steps that make the subjects of ``links`` (entry id, subject) — MERGE: each once."""
    return list(_batches("audit/subjects", [{"id": s} for s in sorted({s for _, s in links})]))


def index_steps(links: Sequence[tuple[str, str]]) -> list[Step]:
    """The steps that index audit entries by what they are about (``audit.subjects``):
    make the subjects and link each entry to its own (``AUDIT_OF``)."""
    return subject_steps(links) + list(_batches("audit/link", [{"id": i, "subject": s} for i, s in links]))


def index_audit(store: GraphStore) -> None:
    """Index the entries of a trail written before the store indexed them by subject
    (a store made by an older graphcrm): a no-op once every entry is linked."""
    counts = store.read("audit/index_counts")[0]
    if counts["linked"] >= (counts["expected"] or 0):  # the sum of no entries is null
        return
    links = [(r["id"], s) for r in store.read("audit/unindexed")
             for s in subjects(r["account_id"], r["moved_from"], r["kind"], r["key"])]
    store.write(index_steps(links))


def homes(store: GraphStore, records: Iterable[Record]) -> dict[type[Record], dict[str, str | None]]:
    """The accounts of the records that ``records`` belong to through a
    reference (``schema.home_via``: a relationship's contact, a bid role's bid),
    by type and id; what ``records`` themselves carry is not looked up."""
    vias = {t: home_via(t) for t in RECORD_TYPES}
    targets = {via[1] for via in vias.values() if via}
    wanted: dict[type[Record], set[str]] = {t: set() for t in targets}
    known: dict[type[Record], dict[str, str | None]] = {t: {} for t in targets}
    for r in records:
        t = type(r)
        if t in known:
            known[t][r.id] = home_account(r, known)
        via = vias.get(t)
        if via:
            wanted[via[1]].add(getattr(r, via[0]))
    for t, ids in wanted.items():
        if ids - known[t].keys():
            known[t].update(store.lookup(t, ids - known[t].keys()))
    return known


def stored(store: GraphStore, data: Dataset) -> dict[type[Record], dict[tuple[str, ...], Record]]:
    """The store's records among those ``data`` touches (``effects.after_states``).

    An edge is looked for only when both its ends were stored before; for a
    big write, a type the store holds none of is not looked up at all."""
    held = store.counts() if sum(data.counts().values()) >= COUNT_FROM else None

    def fetch(t: type[Record], keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], Record]:
        if not keys or (held is not None and not held[Dataset.field_for(t)]):
            return {}
        return store.get_many(t, keys)

    found = {t: fetch(t, [r.key for r in data.records(t)]) for t in NODE_TYPES}
    new = {t: {r.id for r in data.records(t) if r.key not in found[t]} for t in NODE_TYPES}
    met = [dict(zip(("rep_id", "contact_id"), pair)) for pair in meetings(data.activities)]
    for t in EDGE_TYPES:
        (a, a_type), (b, b_type) = ends(t)
        pairs = [{a: getattr(r, a), b: getattr(r, b)} for r in data.records(t)]
        if t is Relationship:  # meetings move relationships forward (effects.after_states)
            pairs += met
        found[t] = fetch(t, [tuple(p[f] for f in t.KEY) for p in pairs
                             if p[a] not in new[a_type] and p[b] not in new[b_type]])
    return found


def plan(store: GraphStore, data: Dataset, trail: Trail, history: Sequence[AuditEntry]) -> list[Step]:
    """The steps of a write of ``data``, with its audit entries in ``trail``
    (and the restored ``history``); the engine may plan big writes its own way
    (``GraphStore.steps``)."""
    before = stored(store, data)
    after = after_states(data, before)
    known = homes(store, (r for records in after.values() for r in records.values()))
    for t, changed in changes(after, _known_once_restored(before, after, history)):
        trail.add(t, changed, partial(home_account, homes=known))
    trail.restored(history)
    return store.steps(data, before, after, trail)


def _known_once_restored(stored: Stored, after: Stored, history: Sequence[AuditEntry]) -> Stored:
    """What the store knows of the written records once ``history`` (exported
    entries it lacked) is restored: what it holds, and for a record it lacks, the
    last value those entries give it. So a load of an export into a fresh store
    adds no entry for a record the export's trail already holds as it is: the
    trail says it existed since its own first entry, not that the load created
    it (else one account's past, read from the entries filed under it, would
    lose a record whose earlier entries were filed under the account it moved
    from). Only the written records' last entries are parsed."""
    if not history:
        return stored
    last: dict[tuple[str, str], AuditEntry] = {}
    for e in sorted(history, key=lambda e: e.id):
        if e.action is not Action.restore:
            last[(e.kind, e.key)] = e
    known = dict(stored)
    for t, records in after.items():
        held, kind = stored.get(t, {}), kind_of(t)
        found = {key: t.model_validate(e.after) for key in records if key not in held
                 and (e := last.get((kind, "/".join(key)))) is not None and e.after is not None}
        if found:
            known[t] = {**held, **found}
    return known


def _around(store: GraphStore, node: Record) -> Dataset:
    """The records that refer to ``node`` through an edge (``schema.referrers``,
    ``schema.cleared_on_delete``), found by their reference to it, whatever
    account they are in (a contact moved to another account keeps its edges in
    the old one)."""
    lists: dict[str, list[Record]] = {}
    for t, field in referrers(type(node)):
        if field in t.FILTERS:
            found = store.page(t, None, limit=2**31, **{field: node.id})[0]
        else:  # the account end of a team membership: the account's scope
            found = store.page(t, [node.id], limit=2**31)[0]
        lists.setdefault(Dataset.field_for(t), []).extend(found)
    for t, ref in cleared_on_delete(type(node)):
        ids = [(r["id"],) for r in store.read(query(t, f"by_{ref.field}"), id=node.id)]
        lists.setdefault(Dataset.field_for(t), []).extend(store.get_many(t, ids).values())
    return Dataset(**lists)


def delete(store: GraphStore, record_type: type[Record], key: dict[str, str], actor: Actor) -> bool:
    """Delete a record and what goes with it, with its audit entries (see
    ``GraphStore.delete``)."""
    with store.exclusive():
        record = store.get(record_type, tuple(key.values()))
        if record is None:
            return False
        if dependents(record_type):
            n = store.read(query(record_type, "dependents"), **key)[0]["n"]
            if n:
                raise InUse(f"{record_type.__name__.lower()} {key['id']!r} is still "
                            f"referred to by {n} record(s); delete or move them first")
        touched = [(record_type, record.key, record, None)]
        if record_type in NODE_TYPES:
            touched += deletion_effects(record, _around(store, record))
        by_type: dict[type[Record], list] = {}
        for t, k, before, after in touched:
            by_type.setdefault(t, []).append((k, before, after))
        known = homes(store, (before for *_, before, _ in touched))
        trail = Trail(actor)
        for t, changed in by_type.items():
            trail.add(t, changed, partial(home_account, homes=known))
        store.write([Step(query(record_type, "delete"), key), *audit_steps(trail)])
        return True


def put_api_key(store: GraphStore, key: ApiKey, actor: Actor) -> None:
    """Store an API key record (its secret only as a hash; the audit entry
    leaves the hash out)."""
    trail = Trail(actor)
    with store.exclusive():
        before = store.get_api_key(key.id)
        if before != key:
            trail.add(ApiKey, [(key.id, before, key)], lambda _: None)
        store.write([Step("api_key/upsert", {"rows": [key.model_dump(mode="json") | {
            "created": key.created, "revoked": key.revoked}]}), *audit_steps(trail)])
