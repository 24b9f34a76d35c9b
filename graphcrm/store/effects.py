"""What a write does to each record it touches: the state the store holds after it.

A write is not just its input. Logging an activity moves the last contact of the
relationships between the reps and contacts who met forward, or creates them
(docs/design.md §2); deleting a node takes the relationship records that end
at it and clears the edge-only references that name it (``graphcrm.schema``): a
contact's relationships, influences and bid roles go, and it drops out of
reporting lines and attendee lists (a rep: its team places, relationships and
attendance). The audit trail records each touched
record before and after, and the LadybugDB bulk path writes after-states
directly, so both need the same answer: these pure functions give it, from the
input and the records the store held (``tests/integration/test_audit.py`` checks
them against what the store then holds).

Example
-------
>>> import datetime as dt
>>> from graphcrm.model import Activity, Dataset
>>> meeting = Activity(id="a1", date=dt.date(2026, 3, 1), kind="meeting", account_id="acme",
...                    rep_ids=["r1"], contact_ids=["c1"])
>>> after = after_states(Dataset(activities=[meeting]), {})
>>> after[Relationship][("r1", "c1")].depth
1
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphcrm.model import Activity, Dataset, Record, Relationship
from graphcrm.schema import cleared_on_delete, is_list, referrers

__all__ = ["Stored", "after_states", "as_stored", "changes", "deletion_effects", "meetings"]

Stored = Mapping[type[Record], Mapping[tuple[str, ...], Record]]
"""The store's records among those a write names: record type → key → record."""


def meetings(activities: list[Activity]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(rep, contact) → (first, last) date of the activities where they met."""
    span: dict[tuple[str, str], tuple[Any, Any]] = {}
    for a in activities:
        for r in a.rep_ids:
            for c in a.contact_ids:
                first, last = span.get((r, c), (a.date, a.date))
                span[(r, c)] = (min(first, a.date), max(last, a.date))
    return span


def as_stored(record: Record) -> Record:
    """A record as the store gives it back: an activity's attendees sorted, once each."""
    if isinstance(record, Activity):
        return record.model_copy(update={"rep_ids": sorted(set(record.rep_ids)),
                                         "contact_ids": sorted(set(record.contact_ids))})
    return record


def after_states(data: Dataset, stored: Stored) -> dict[type[Record], dict[tuple[str, ...], Record]]:
    """Each record ``data`` touches, as the store holds it after the write.

    Every record replaces the stored one (an activity's attendees too); and
    each (rep, contact) who met in an activity of ``data`` has a relationship
    afterwards: the given or stored one with its last contact moved forward to
    the meeting, or a new one at depth 1 since the first meeting.
    """
    after: dict[type[Record], dict[tuple[str, ...], Record]] = {}
    for field, records in data:
        if records:
            after[type(records[0])] = {r.key: as_stored(r) for r in records}
    spans = meetings(data.activities)
    if spans:
        relationships = after.setdefault(Relationship, {})
        held = stored.get(Relationship, {})
        for key, (first, last) in spans.items():
            r = relationships.get(key) or held.get(key)
            if r is None:
                relationships[key] = Relationship.model_construct(
                    rep_id=key[0], contact_id=key[1], depth=1, last_contact=last, since=first)
            elif r.last_contact is None or r.last_contact < last:
                relationships[key] = r.model_copy(update={"last_contact": last})
            else:
                relationships[key] = r
    return after


def changes(after: Mapping[type[Record], Mapping[tuple[str, ...], Record]], stored: Stored
            ) -> Iterator[tuple[type[Record], list[tuple[tuple[str, ...], Record | None, Record]]]]:
    """Per record type, (key, before, after) of each record whose after-state
    (as ``after_states`` gives it) differs from what the store held (before is
    None for a new record); one type at a time, so a caller can let each list go."""
    for t, records in after.items():
        held = stored.get(t, {})
        changed = [(key, held.get(key), record) for key, record in records.items() if held.get(key) != record]
        if changed:
            yield t, changed


def deletion_effects(deleted: Record, around: Dataset
                     ) -> Iterator[tuple[type[Record], tuple[str, ...], Record, Record | None]]:
    """(type, key, before, after) of the other records that deleting ``deleted``
    changes: after is None for the relationship records that end at it (an
    edge needs both ends), else the record without the reference (a reporting
    line, an activity's attendee).

    ``around`` holds at least every record that may refer to ``deleted``
    through an edge (``GraphStore`` finds them by their reference).
    """
    for t, field in referrers(type(deleted)):
        for r in around.records(t):
            if getattr(r, field) == deleted.id:
                yield t, r.key, r, None
    for t, ref in cleared_on_delete(type(deleted)):
        for r in around.records(t):
            if r.key == deleted.key:
                continue
            value = getattr(r, ref.field)
            if is_list(t, ref.field):
                if deleted.id in value:
                    yield t, r.key, r, r.model_copy(update={ref.field: [x for x in value if x != deleted.id]})
            elif value == deleted.id:
                yield t, r.key, r, r.model_copy(update={ref.field: None})
