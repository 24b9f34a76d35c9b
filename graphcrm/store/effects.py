"""What a write does to each record it touches: the state the store holds after it.

A write is not just its input. Logging an activity moves the last contact of the
relationships between the reps and contacts who met forward, or creates them
(DESIGN §2); deleting a contact takes its relationships, influences and bid
roles with it and drops it from reporting lines and attendee lists (a rep: its
team places, relationships and attendance). The audit trail records each touched
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

from graphcrm.model import (
    Account, Activity, Bid, BidRole, Contact, Dataset, Influence, Record, Relationship, Rep, TeamMember,
)

__all__ = ["ENDPOINTS", "Stored", "after_states", "as_stored", "changes", "deletion_effects", "meetings"]

ENDPOINTS: dict[type[Record], tuple[tuple[str, type[Record]], tuple[str, type[Record]]]] = {
    TeamMember: (("rep_id", Rep), ("account_id", Account)),
    Relationship: (("rep_id", Rep), ("contact_id", Contact)),
    Influence: (("source_id", Contact), ("target_id", Contact)),
    BidRole: (("contact_id", Contact), ("bid_id", Bid)),
}
"""Relationship types with properties: (field, node type) of each endpoint."""

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
    changes: after is None for the relationships that go with it (an edge
    needs both ends), else the record without the reference (a reporting line,
    an activity's attendee).

    ``around`` holds at least every record that may refer to ``deleted``: its
    account's records, or for a rep its team memberships, relationships and
    activities.
    """
    kind = type(deleted)
    for t, ends in ENDPOINTS.items():
        fields = [field for field, end in ends if end is kind]
        for r in around.records(t) if fields else ():
            if any(getattr(r, f) == deleted.id for f in fields):
                yield t, r.key, r, None
    if kind is Contact:
        for c in around.contacts:
            if c.reports_to == deleted.id and c.id != deleted.id:
                yield Contact, c.key, c, c.model_copy(update={"reports_to": None})
    if kind in (Contact, Rep):
        field = "contact_ids" if kind is Contact else "rep_ids"
        for a in around.activities:
            if deleted.id in getattr(a, field):
                yield Activity, a.key, a, a.model_copy(
                    update={field: [x for x in getattr(a, field) if x != deleted.id]})
