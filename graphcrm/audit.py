"""The audit trail: who changed which record when, with its values before and after.

Every write through the store port — an import, an API ``PUT`` or ``DELETE``,
an API key created or revoked — adds one ``AuditEntry`` per record it creates,
changes or deletes, in the same transaction as the change itself: the trail
and the records cannot disagree, and a write that rolls back leaves no entry.
A record written with the values it already had gets no entry (loading the same
files twice changes nothing, the trail included). Effects count as changes:
the relationships an activity's meeting moves forward or creates, the
relationships that go with a deleted contact (``graphcrm.store.effects``).

Who is an ``Actor``: ``key:<name>`` for an API key, ``os:<user>`` for the
command line (the operating-system user who ran it), with ``via`` saying
through what (``cli load``, ``api PUT``, ``api import`` …). Entries are only ever
added; graphcrm has no way to change or delete one (``graphcrm demo`` rebuilds
its own store from nothing, trail included).

An export carries the trail (``audit.csv``, or ``"audit"`` in JSON) and a load
restores the entries the store lacks: one ``restore`` entry records that it
did, and an entry whose id the store holds with other values is refused.

Example
-------
>>> a = Actor.key("ci-bot", via="api PUT")
>>> a.who
'key:ci-bot'
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, ClassVar

import pyarrow as pa

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from graphcrm.model import Id, kind_of

__all__ = ["Action", "Actor", "AuditEntry", "AUDIT_COLUMNS", "ARROW_TYPES", "Change", "Trail", "kind_of",
           "naive_utc", "utc", "bound_utc", "subjects"]

AUDIT_COLUMNS = ("id", "at", "actor", "via", "action", "kind", "key", "account_id", "moved_from", "before", "after")
"""The columns of an entry, in the order of the store's schema and of ``audit.csv``."""


class Action(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    restore = "restore"
    """A load put back entries of an exported trail (``after``: how many, first and last id)."""


class Actor(BaseModel):
    """Who writes, and through what (a short word or two: ``cli load``, ``api PUT``)."""

    model_config = ConfigDict(frozen=True)

    who: str
    via: str

    @classmethod
    def os_user(cls, via: str = "cli") -> Actor:
        """The operating-system user running this process."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (some containers)
            user = "unknown"
        return cls(who=f"os:{user}", via=via)

    @classmethod
    def key(cls, name: str, via: str) -> Actor:
        """The holder of the API key called ``name``."""
        return cls(who=f"key:{name}", via=via)


def _values(value: Any) -> Any:
    """A record's values as given: an object, or its JSON text (a CSV cell)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise PydanticCustomError("json", "is not a JSON object of the record's values") from None
    return value


def utc(moment: dt.datetime) -> dt.datetime:
    """A time in UTC, with its zone: one without a zone is taken as UTC already.
    Raises ``ValueError`` for a time that is not within the years 1 to 9999 in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{moment.isoformat()} is not within the years 1 to 9999 in UTC") from None


def bound_utc(moment: dt.datetime) -> dt.datetime:
    """A bound of a time range in UTC without a zone (as the store keeps times):
    one before the year 1 or after 9999 in UTC is the first or last time there is.

    >>> bound_utc(dt.datetime.fromisoformat("0001-01-01T00:00:00+14:00"))
    datetime.datetime(1, 1, 1, 0, 0)
    """
    try:
        return naive_utc(moment)
    except ValueError:
        return dt.datetime.min if moment.year == 1 else dt.datetime.max


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """A time as the store keeps it: UTC without a zone."""
    return utc(moment).replace(tzinfo=None)


Values = Annotated[dict[str, Any] | None, BeforeValidator(_values)]
Who = Annotated[str, Field(min_length=1, max_length=1_000)]
"""An actor or a via: ``key:`` and a key's name (up to 500 characters) fit."""


class AuditEntry(BaseModel):
    """One change of one record, as ``graphcrm audit`` and ``GET /audit`` show it.

    ``before`` and ``after`` are the record's fields without the empty ones;
    ``before`` is None for a created record, ``after`` for a deleted one.
    ``id`` sorts in the order of the writes (the time, then the entry's place
    in its write).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    FILE: ClassVar[str] = "audit.csv"
    KEY: ClassVar[tuple[str, ...]] = ("id",)

    id: Id
    at: Annotated[dt.datetime, AfterValidator(utc)]
    actor: Who
    via: Who
    action: Action
    kind: str = Field(min_length=1, max_length=40)
    key: str = Field(min_length=1, max_length=500)
    account_id: Id | None = None
    moved_from: Id | None = None
    """The account an updated record belonged to before, when it moved: the entry
    is shown to both accounts."""
    before: Values = None
    after: Values = None

    def changed(self) -> list[str]:
        """The fields whose values differ between before and after, in order."""
        before, after = self.before or {}, self.after or {}
        return [f for f in dict.fromkeys([*before, *after]) if before.get(f) != after.get(f)]

    def row(self) -> tuple:
        """The entry as a store row (``AUDIT_COLUMNS``; before and after as JSON text)."""
        return (self.id, naive_utc(self.at), self.actor, self.via, self.action.value, self.kind, self.key,
                self.account_id, self.moved_from, _json(self.before), _json(self.after))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        """An entry from a store row (``AUDIT_COLUMNS``, time naive UTC, values as
        JSON text). The store holds only entries checked when written, so one
        with a naive time is made without checking again: reading a trail of
        millions for a trend spent a third of its time re-validating them."""
        at = row["at"]
        if type(at) is not dt.datetime or at.tzinfo is not None:  # (another engine's time type)
            return cls.model_validate({**row, "before": _parse(row.get("before")), "after": _parse(row.get("after"))})
        return cls.model_construct(
            id=row["id"], at=at.replace(tzinfo=dt.UTC), actor=row["actor"], via=row["via"],
            action=Action(row["action"]), kind=row["kind"], key=row["key"], account_id=row.get("account_id"),
            moved_from=row.get("moved_from"), before=_parse(row.get("before")), after=_parse(row.get("after")))


def subjects(account_id: str | None, moved_from: str | None, kind: str, key: str) -> list[str]:
    """What an entry is about, as the store indexes it (``AUDIT_OF``): the account it
    is filed under and the one it moved from, and for a rep ``rep/`` and its id
    (ids hold no ``/``, so that never names an account).

    >>> subjects("acme", "old", "contact", "c1"), subjects(None, None, "rep", "r1")
    (['acme', 'old'], ['rep/r1'])
    """
    found = [a for a in (account_id, moved_from) if a is not None]
    if kind == "rep":
        found.append(f"rep/{key}")
    return list(dict.fromkeys(found))


def _json(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _parse(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


@cache
def _dumper(record_type: type[BaseModel]) -> Callable[[BaseModel | None], bytes | None]:
    """How a record type's values go into an entry: JSON of the fields that are
    set (an API key without its hash). Its serializer straight away: half the
    time of ``model_dump_json``, which counts in a write of millions."""
    to_json = record_type.__pydantic_serializer__.to_json
    exclude = {"hash"} if "hash" in record_type.model_fields else None

    def dump(record: BaseModel | None) -> bytes | None:
        return None if record is None else to_json(record, exclude_none=True, exclude=exclude)

    return dump


ARROW_TYPES = (pa.string(), pa.timestamp("us"), *[pa.string()] * 9)
"""The Arrow type of each of ``AUDIT_COLUMNS`` (the store's column types)."""
CHUNK = 200_000
"""Entries a ``Trail`` makes at a time (Python objects) before packing them into Arrow."""

Change = tuple[Sequence[str] | str, BaseModel | None, BaseModel | None]
"""(key, before, after) of one record a write changes: before None for a created
record, after None for a deleted one."""


class Trail:
    """The entries of one write, numbered in order, packed as Arrow batches.

    A big write has millions of entries: as Arrow columns they take a tenth of
    the memory of Python rows, and the embedded store COPYs them as they are.
    ``table`` gives them all as one Arrow table, ``dicts`` one by one (for the
    append query).

    Parameters
    ----------
    actor : Actor
    at : datetime, optional
        The time of the write (UTC); now by default.
    """

    def __init__(self, actor: Actor, at: dt.datetime | None = None):
        self.actor = actor
        self.at = naive_utc(at or dt.datetime.now(dt.UTC))
        self._prefix = f"{self.at:%Y-%m-%dT%H:%M:%S.%f}Z-{secrets.token_hex(4)}-"
        self._batches: list[pa.RecordBatch] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, record_type: type[BaseModel], changes: Sequence[Change],
            account_of: Callable[[BaseModel], str | None]) -> None:
        """Record changed records of one type; ``account_of(record)`` files each
        under its account (and a moved one under its old account too)."""
        dump, kind = _dumper(record_type), kind_of(record_type)
        for start in range(0, len(changes), CHUNK):
            part = changes[start:start + CHUNK]
            n = len(part)
            accounts = [account_of(a if a is not None else b) for _, b, a in part]
            self._pack([
                [f"{self._prefix}{i:08d}" for i in range(self._count, self._count + n)],
                [self.at] * n, [self.actor.who] * n, [self.actor.via] * n,
                ["create" if b is None else "delete" if a is None else "update" for _, b, a in part],
                [kind] * n,
                [k if isinstance(k, str) else "/".join(k) for k, _, _ in part],
                accounts,
                [None if b is None or a is None or (home := account_of(b)) == account else home
                 for (_, b, a), account in zip(part, accounts)],
                [dump(b) for _, b, _ in part],
                [dump(a) for _, _, a in part],
            ])

    def restored(self, entries: Sequence[AuditEntry]) -> None:
        """Add exported entries as they were, and one ``restore`` entry saying so."""
        if not entries:
            return
        for start in range(0, len(entries), CHUNK):
            self._pack([list(c) for c in zip(*(e.row() for e in entries[start:start + CHUNK]))])
        first, last = min(e.id for e in entries), max(e.id for e in entries)
        self._pack([[f"{self._prefix}{self._count:08d}"], [self.at], [self.actor.who], [self.actor.via],
                    [Action.restore.value], ["audit"], [f"{first}..{last}"], [None], [None], [None],
                    [json.dumps({"entries": len(entries), "first": first, "last": last})]])

    def _pack(self, columns: list[list]) -> None:
        arrays = [pa.array(c, type=t) for c, t in zip(columns, ARROW_TYPES)]
        self._batches.append(pa.RecordBatch.from_arrays(arrays, names=list(AUDIT_COLUMNS)))
        self._count += len(columns[0])

    def table(self) -> pa.Table:
        """Every entry, as one Arrow table with ``AUDIT_COLUMNS``."""
        return pa.Table.from_batches(self._batches, schema=pa.schema(list(zip(AUDIT_COLUMNS, ARROW_TYPES))))

    def links(self) -> list[tuple[str, str]]:
        """(entry id, subject) of every entry's ``subjects``: its ``AUDIT_OF`` edges."""
        found = []
        for batch in self._batches:
            cols = batch.select(["id", "account_id", "moved_from", "kind", "key"]).to_pydict()
            for i, a, m, k, key in zip(cols["id"], cols["account_id"], cols["moved_from"], cols["kind"], cols["key"]):
                found += [(i, s) for s in subjects(a, m, k, key)]
        return found

    def dicts(self) -> Iterator[dict[str, Any]]:
        """Every entry as a dict keyed by ``AUDIT_COLUMNS`` (for the named append query)."""
        for batch in self._batches:
            yield from batch.to_pylist()
