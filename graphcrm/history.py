"""Known at: the records as the store held them at a time, rebuilt from the audit trail.

docs/design.md §3.19. The audit trail holds every write with the values before
and after (``graphcrm.audit``), so the records as known at a time T are the
current records with every entry after T undone. graphcrm rebuilds each record
from its own entries: the latest entry at or before T left it as that entry's
``after`` (None: deleted); with none, the first entry after T found it as that
entry's ``before`` (None: not yet created); a record with no entry at all is as
it is now. Where the trail is complete this is the same as undoing every entry
after T one by one, and it stays right after a move: an export loaded into a
fresh store adds the load's own "create" entries after the restored trail, and
those never hide what the restored entries say about earlier times.

Times are UTC; a day given alone means the end of that day (``end_of_day``).

Examples
--------
>>> import datetime as dt
>>> from graphcrm.audit import AuditEntry
>>> from graphcrm.model import Account, Dataset
>>> def entry(n, before, after):
...     return AuditEntry(id=f"e{n}", at=dt.datetime(2026, n, 1), actor="os:x", via="cli", kind="account",
...                       key="a", action="create" if before is None else "update", before=before, after=after)
>>> trail = [entry(1, None, {"id": "a", "name": "Old", "tier": "B"}),
...          entry(6, {"id": "a", "name": "Old", "tier": "B"}, {"id": "a", "name": "New", "tier": "S"})]
>>> now = Dataset(accounts=[Account(id="a", name="New", tier="S")])
>>> [a.name for a in known_at(now, trail, dt.datetime(2026, 3, 1)).accounts]
['Old']
>>> known_at(now, trail, dt.datetime(2025, 12, 1)).accounts
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graphcrm.audit import Action, AuditEntry, bound_utc, naive_utc, utc
from graphcrm.errors import GraphcrmError
from graphcrm.model import RECORD_TYPES, Account, Bid, Contact, Dataset, Record, Rep, kind_of
from graphcrm.store import reads
from graphcrm.schema import home_account

__all__ = ["known_at", "account_known_at", "AccountPast", "account_past", "iter_account_pasts", "all_account_ids",
           "account_data", "record_known_at", "rep_account_ids", "rep_ids_of", "reps_known_at",
           "begins", "check_known_at", "end_of_day", "parse_time", "parse_day", "BeforeHistory"]

_TYPES = {kind_of(t): t for t in RECORD_TYPES}


class BeforeHistory(GraphcrmError):
    """A time before the store's first audit entry: nothing is known of it."""

    def __init__(self, at: dt.datetime, first: dt.datetime | None):
        where = f"begins at {first:%Y-%m-%d %H:%M:%S} UTC" if first else "is empty (no audit entry yet)"
        super().__init__(f"known at {at:%Y-%m-%d %H:%M:%S} UTC: nothing is known that early; "
                         f"the store's history {where}")
        self.at, self.first = at, first


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day (UTC): what "known at" a day, or at month M, means."""
    return dt.datetime.combine(day, dt.time.max)


def parse_time(text: str) -> dt.datetime:
    """A known-at time as written by a user: a day ``YYYY-MM-DD`` (its end) or an
    ISO time (UTC unless it names its zone), as naive UTC. Raises ``ValueError``.

    >>> parse_time("2026-03-31"), parse_time("2026-04-01T10:00+02:00")
    (datetime.datetime(2026, 3, 31, 23, 59, 59, 999999), datetime.datetime(2026, 4, 1, 8, 0))
    """
    try:
        return end_of_day(dt.date.fromisoformat(text))
    except ValueError:
        return bound_utc(dt.datetime.fromisoformat(text))


def parse_day(text: str, base: dt.date) -> dt.date:
    """A day as written by a user: ``YYYY-MM-DD``, or ``Nd`` for N days before
    ``base`` (``--since 7d``). Raises ``ValueError``.

    >>> parse_day("7d", dt.date(2026, 11, 15)), parse_day("2026-01-02", dt.date(2026, 11, 15))
    (datetime.date(2026, 11, 8), datetime.date(2026, 1, 2))
    """
    if text.endswith("d") and text[:-1].isdigit() and len(text) <= 6:
        return base - dt.timedelta(days=int(text[:-1]))
    return dt.date.fromisoformat(text)


def _key(record: Record) -> str:
    """A record's key as its audit entries write it (``rep_id/contact_id`` for a relationship)."""
    return "/".join(record.key)


def known_at(current: Dataset, entries: Iterable[AuditEntry], at: dt.datetime,
             parsed: dict[tuple[str, bool], Record] | None = None) -> Dataset:
    """The records of ``current`` and of ``entries`` as known at ``at`` (see the module docstring).

    Parameters
    ----------
    current : Dataset
        The records as they are now.
    entries : iterable of AuditEntry
        The audit entries about those records (and about records gone since), in
        the order of the writes (by id). ``restore`` entries and entries of kinds
        that are not records (API keys) are skipped.
    at : datetime
        The time (UTC; without a zone, taken as UTC).
    parsed : dict, optional
        Records already made from entries' values, by (entry id, after?): a
        caller rebuilding the same records at many times passes one dict to all.

    Returns
    -------
    Dataset
        Every record as it was at ``at``, each list sorted by key.
    """
    at = utc(at)  # entries' times are in UTC with their zone: compared as they are
    parsed = {} if parsed is None else parsed
    last: dict[tuple[str, str], AuditEntry] = {}
    first_after: dict[tuple[str, str], AuditEntry] = {}
    for e in entries:
        if e.action is Action.restore or e.kind not in _TYPES:
            continue
        k = (e.kind, e.key)
        if e.at <= at:
            last[k] = e
        else:
            first_after.setdefault(k, e)
    touched: dict[str, set[str]] = {}
    for kind, key in (*last, *first_after):
        touched.setdefault(kind, set()).add(key)
    lists: dict[str, list[Record]] = {}
    for kind, t in _TYPES.items():
        records = {_key(r): r for r in current.records(t)}
        for key in touched.get(kind, ()):
            e = last.get((kind, key))
            side = (e.id, True) if e is not None else (first_after[(kind, key)].id, False)
            values = e.after if e is not None else first_after[(kind, key)].before
            if values is None:
                records.pop(key, None)
            else:
                if side not in parsed:
                    parsed[side] = t.model_validate(values)
                records[key] = parsed[side]
        lists[Dataset.field_for(t)] = sorted(records.values(), key=lambda r: r.key)
    return Dataset(**lists)


def rep_ids_of(data: Dataset) -> set[str]:
    """The reps an account's records name: its relationships, team and activities."""
    return ({r.rep_id for r in data.relationships} | {m.rep_id for m in data.account_team}
            | {r for a in data.activities for r in a.rep_ids})


def begins(store) -> dt.datetime | None:
    """When the store's history begins: the time of its first audit entry (UTC), or None."""
    rows = store.read("audit/first")
    return rows[0]["at"] if rows and rows[0]["at"] is not None else None


def check_known_at(store, at: dt.datetime) -> dt.datetime:
    """``at`` as the store keeps times (naive UTC); raises ``BeforeHistory`` when
    it is before the store's first audit entry."""
    at = naive_utc(at)
    first = begins(store)
    if first is None or at < first:
        raise BeforeHistory(at, first)
    return at


def account_known_at(account_id: str, current: Dataset, entries: Iterable[AuditEntry], reps: Iterable[Rep],
                     rep_entries: Iterable[AuditEntry], at: dt.datetime,
                     parsed: dict[tuple[str, bool], Record] | None = None) -> Dataset | None:
    """One account's records as known at ``at``, or None when it did not exist then.

    ``current``: its records now (reps aside); ``entries``: the audit entries
    filed under it or moved from it; ``reps`` and ``rep_entries``: the reps its
    records name, now and in the trail. A record that belonged to another
    account at ``at`` is left out, one that belonged to this one kept.
    """
    parsed = {} if parsed is None else parsed
    data = known_at(current.model_copy(update={"reps": []}), entries, at, parsed)
    return _own(account_id, data, known_at(Dataset(reps=list(reps)), rep_entries, at, parsed).reps)


def _own(account_id: str, data: Dataset, reps: Iterable[Rep]) -> Dataset | None:
    """Of ``data`` (records as known at a time), those whose account was
    ``account_id`` then, with the reps (of ``reps``) they name; None without the account."""
    homes = {Contact: {c.id: c.account_id for c in data.contacts}, Bid: {b.id: b.account_id for b in data.bids}}
    lists = {Dataset.field_for(t): [r for r in data.records(t) if home_account(r, homes) == account_id]
             for t in RECORD_TYPES if t is not Rep}
    if not lists["accounts"]:
        return None
    named = rep_ids_of(Dataset(**lists))
    lists["reps"] = [r for r in reps if r.id in named]
    return Dataset(**lists)


@dataclass(frozen=True)
class AccountPast:
    """What one account's past is rebuilt from: its records now and its trail."""

    account_id: str
    current: Dataset
    entries: list[AuditEntry]
    reps: list[Rep]
    rep_entries: list[AuditEntry]

    parsed: dict[tuple[str, bool], Record] = field(default_factory=dict, compare=False, repr=False)
    """Records made from the entries' values so far (each entry is read once, however many times)."""

    def changed(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether any of its entries is dated after ``start`` and up to ``end``
        (if not, the account is known the same at both times)."""
        start, end = utc(start), utc(end)
        return any(start < e.at <= end for e in (*self.entries, *self.rep_entries))

    def at(self, at: dt.datetime) -> Dataset | None:
        """The account's records as known at ``at`` (None: it did not exist then)."""
        at = utc(at)
        if self.current.accounts and all(e.at <= at for e in (*self.entries, *self.rep_entries)):
            return self.current  # nothing written since: as it is now
        return account_known_at(self.account_id, self.current, self.entries, self.reps, self.rep_entries, at,
                                self.parsed)

    def at_each(self, times: Sequence[dt.datetime]) -> Iterator[Dataset | None]:
        """``self.at(t)`` for each of ``times`` (ascending), rebuilt once at the
        first and then moved forward by the entries of each interval: each entry
        is applied once, however many times are asked (a monthly trend)."""
        times = [utc(t) for t in times]
        if not times:
            return
        entries = [e for e in self.entries if e.action is not Action.restore and e.kind in _TYPES
                   and _TYPES[e.kind] is not Rep]  # (the reps are rebuilt from their own entries)
        first = known_at(self.current.model_copy(update={"reps": []}), entries, times[0], self.parsed)
        state = {kind: {_key(r): r for r in first.records(t)} for kind, t in _TYPES.items() if t is not Rep}
        applied: dict[tuple[str, str], int] = {}  # (kind, key) → the position of the entry its value is from
        for i, e in enumerate(entries):
            if e.at <= times[0]:
                applied[(e.kind, e.key)] = i
        later = sorted(((i, e) for i, e in enumerate(entries) if e.at > times[0]), key=lambda p: p[1].at)
        data, previous, start = None, None, 0
        for at in times:
            end = start
            while end < len(later) and later[end][1].at <= at:
                end += 1
            due, start = sorted(later[start:end], key=lambda p: p[0]), end
            for i, e in due:  # in the writes' order; a value already from a later write stays
                if applied.get((e.kind, e.key), -1) > i:
                    continue
                applied[(e.kind, e.key)] = i
                if e.after is None:
                    state[e.kind].pop(e.key, None)
                    continue
                if (e.id, True) not in self.parsed:
                    self.parsed[(e.id, True)] = _TYPES[e.kind].model_validate(e.after)
                state[e.kind][e.key] = self.parsed[(e.id, True)]
            if previous is None or due or any(previous < e.at <= at for e in self.rep_entries):
                lists = {Dataset.field_for(_TYPES[kind]): sorted(found.values(), key=lambda r: r.key)
                         for kind, found in state.items()}
                reps = known_at(Dataset(reps=list(self.reps)), self.rep_entries, at, self.parsed).reps
                data = _own(self.account_id, Dataset.model_construct(**lists, reps=[]), reps)
            previous = at
            yield data


def _entries(store, query: str, **params) -> list[AuditEntry]:
    return [AuditEntry.from_row(r) for r in store.read(query, **params)]


def _named_reps(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The reps that entries' values name (a relationship's or team member's
    ``rep_id``, an activity's ``rep_ids``)."""
    for e in entries:
        for values in (e.before, e.after):
            if values:
                yield from [values["rep_id"]] if "rep_id" in values else values.get("rep_ids", ())


def _past(account_id: str, current: Dataset, entries: list[AuditEntry], reps: dict[str, Rep],
          rep_entries: dict[str, list[AuditEntry]]) -> AccountPast:
    named = sorted(rep_ids_of(current) | set(_named_reps(entries)))
    return AccountPast(account_id, current, entries, [reps[r] for r in named if r in reps],
                       sorted((e for r in named for e in rep_entries.get(r, ())), key=lambda e: e.id))


def _by_subject(store, query: str, kinds: set[str] | None = None, **params) -> dict[str, list[AuditEntry]]:
    """Subject → its entries (of ``kinds``, default all), oldest first (one entry
    may be about several subjects)."""
    found: dict[str, list[AuditEntry]] = {}
    for row in store.read(query, **params):
        if kinds is not None and row["kind"] not in kinds:
            continue
        subject = row.pop("subject")
        found.setdefault(subject, []).append(AuditEntry.from_row(row))
    return found


def _rep_entries(found: dict[str, list[AuditEntry]]) -> dict[str, list[AuditEntry]]:
    return {s.removeprefix("rep/"): entries for s, entries in found.items() if s.startswith("rep/")}


def account_past(store, account_id: str) -> AccountPast:
    """One account's records now, the entries about it (filed under it or moved from
    it), and the reps its records name now or in those entries, with their entries.
    Read from the trail's index by subject (``AUDIT_OF``): a few lookups, however long the trail."""
    current = store.account_data(account_id) or Dataset()
    entries = _by_subject(store, "audit/of_subjects", ids=[account_id]).get(account_id, [])
    named = sorted(rep_ids_of(current) | set(_named_reps(entries)))
    reps = store.get_many(Rep, [(r,) for r in named]) if named else {}
    rep_entries = _rep_entries(_by_subject(store, "audit/of_subjects", ids=[f"rep/{r}" for r in named])) \
        if named else {}
    return _past(account_id, current, entries, {k[0]: r for k, r in reps.items()}, rep_entries)


def account_data(store, account_id: str, at: dt.datetime) -> Dataset | None:
    """Every record of one account as known at ``at`` (what ``GraphStore.account_data``
    gave then), or None when the account did not exist then."""
    return account_past(store, account_id).at(at)


def all_account_ids(store) -> list[str]:
    """Every account the store holds now or its trail names, sorted."""
    return sorted(set(store.account_ids()) | {r["id"] for r in store.read("audit/account_ids")})


def iter_account_pasts(store, account_ids: Sequence[str] | None = None, batch: int = 500,
                       record_types: Sequence[type[Record]] = RECORD_TYPES) -> Iterator[AccountPast]:
    """The past of every account (of ``account_ids``, sorted, when given; default
    every account now or in the trail), read ``batch`` accounts per query: one
    pass over the trail's index per batch (a range of subjects), not one per account.

    ``record_types``: only these records (and their entries) are read, for an
    analysis that needs no others (the accounts and reps are always read)."""
    ids = all_account_ids(store) if account_ids is None else sorted(set(account_ids))
    kinds = {kind_of(t) for t in (*record_types, Account, Rep)}
    reps = store.reps()
    rep_entries = _rep_entries(_by_subject(store, "audit/in_subjects", first="rep/", last="rep0"))
    for start in range(0, len(ids), batch):
        part = ids[start:start + batch]
        wanted = set(part)
        current = (store.accounts_data(part) if set(record_types) >= set(RECORD_TYPES) else
                   {a: Dataset(**lists) for a, lists in reads.account_rows(store, part, record_types, reads.record).items()})
        grouped = {a: entries for a, entries in
                   _by_subject(store, "audit/in_subjects", kinds, first=part[0], last=part[-1]).items() if a in wanted}
        for a in part:
            yield _past(a, current.get(a, Dataset()), grouped.get(a, []), reps, rep_entries)


def record_known_at(store, record_type: type[Record], key: Sequence[str] | str, at: dt.datetime) -> Record | None:
    """One record (its id, or its key fields) as known at ``at``, or None.

    A rep is read from its own index entries; a record of an account, from its
    account's past when it was there at ``at``; otherwise (it moved, or did not
    exist) from a scan of the trail for its key."""
    key = (key,) if isinstance(key, str) else tuple(key)
    current = store.get(record_type, key)
    if record_type is Rep:
        entries = _by_subject(store, "audit/of_subjects", ids=[f"rep/{key[0]}"]).get(f"rep/{key[0]}", [])
    else:
        account = store.account_of(current) if current is not None else None
        data = account_data(store, account, at) if account is not None else None
        found = [r for r in data.records(record_type) if r.key == key] if data is not None else []
        if found:
            return found[0]
        entries = _entries(store, "audit/of_keys", kind=kind_of(record_type), keys=["/".join(key)])
    found = known_at(Dataset(**{Dataset.field_for(record_type): [current] if current else []}), entries,
                     at).records(record_type)
    return found[0] if found else None


def reps_known_at(store, at: dt.datetime) -> dict[str, Rep]:
    """Every rep as known at ``at``, by id: the reps now and the trail's entries about reps."""
    found = _by_subject(store, "audit/in_subjects", first="rep/", last="rep0")
    entries = sorted({e.id: e for es in found.values() for e in es if e.kind == "rep"}.values(), key=lambda e: e.id)
    return {r.id: r for r in known_at(Dataset(reps=list(store.reps().values())), entries, at).reps}


def rep_account_ids(store, rep_id: str, at: dt.datetime) -> list[str]:
    """The accounts where a rep knew at least one contact, as known at ``at``:
    the candidates are the accounts of the rep's relationships now and in the trail."""
    ids = set(store.rep_account_ids(rep_id))
    ids |= {r["account_id"] for r in store.read("audit/rep_relationships", prefix=f"{rep_id}/")
            if r["account_id"] is not None}
    return sorted(a for a in ids if (d := account_data(store, a, at)) is not None
                  and any(r.rep_id == rep_id for r in d.relationships))
