"""The store port: what graphcrm needs from a graph database, and nothing more.

Contract, shared by every adapter and checked by ``tests/integration/test_store_contract.py``:

- Nodes are identified by their label and ``id``; relationships by their type and
  endpoints. Relationships are directed as in DESIGN §2.
- ``apply`` writes a whole ``Dataset`` in one transaction: all of it or none of it.
  Writing is an upsert: applying the same records twice changes nothing, and a
  record replaces every property of the one it updates (a missing value clears it).
- Reads return domain records (``graphcrm.model``), never engine row shapes;
  "not found" is ``None`` (``get``, ``account_data``) or ``False`` (``delete``).
- ``initialize`` creates the schema idempotently; call it once after opening.

Adapters implement four primitives — ``initialize``, ``close``, ``_read`` and
``_write`` — and inherit the rest, which runs the named queries of ``cypher/``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from types import SimpleNamespace
from typing import Any, ClassVar

import networkx as nx

from graphcrm.audit import Actor, AuditEntry, Trail, kind_of, naive_utc
from graphcrm.errors import InUse
from graphcrm.gc_pause import paused_gc
from graphcrm.graph import AccountRows, build_graph
from graphcrm.model import (
    RECORD_TYPES, Account, ApiKey, Activity, Agreement, Bid, BidRole, Contact, Dataset, Influence,
    Record, Relationship, Rep, TeamMember, Unit,
)
from graphcrm.store.effects import ENDPOINTS, Stored, after_states, changes, deletion_effects, meetings

__all__ = ["GraphStore", "Step", "write_plan", "logged_contacts", "home_account", "QUERY_DIR", "Progress"]

# The cypher/ directory of each record type's queries.
QUERY_DIR: dict[type[Record], str] = {t: kind_of(t) for t in RECORD_TYPES}
NODE_TYPES = (Account, Unit, Contact, Rep, Bid, Activity, Agreement)
LINKED_TYPES = (Unit, Contact, Bid, Activity, Agreement)
EDGE_TYPES = (TeamMember, Relationship, Influence, BidRole)
LIST_FILTERS: dict[type[Record], tuple[str, ...]] = {
    Account: ("tier",), Unit: ("kind",), Contact: ("unit_id", "level"), Rep: ("active",),
    TeamMember: ("rep_id",), Relationship: ("rep_id", "contact_id"), Influence: ("source_id", "target_id"),
    Bid: ("stage",), BidRole: ("bid_id", "contact_id"), Activity: ("bid_id",), Agreement: ("kind",),
}
"""The filters each record type's list accepts, besides the accounts in scope."""
BATCH = 5_000
GET_BATCH = 50_000
"""Keys looked up per query by ``get_many``."""
ACCOUNT_BATCH = 500
"""Accounts read per query when streaming the portfolio."""
COUNT_FROM = 1_000
"""Writes of this many records first ask which types the store holds any of."""

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while a write goes on."""


@dataclass(frozen=True)
class Step:
    """One named query and its parameters, run inside a write transaction.

    Batch steps carry their rows as ``params["rows"]`` (never an empty list);
    ``record_type`` says which record the rows come from, so an adapter can type
    columns that are null in every row (LadybugDB needs that).
    """

    query: str
    params: dict[str, Any]
    record_type: type[Record] | type[ApiKey] | None = None


def _row(record: Record) -> dict[str, Any]:
    row = record.model_dump(exclude={"rep_ids", "contact_ids"})
    return {k: v.value if isinstance(v, Enum) else v for k, v in row.items()}


def _batches(query: str, rows: list[dict[str, Any]], record_type=None) -> Iterator[Step]:
    for start in range(0, len(rows), BATCH):
        yield Step(query, {"rows": rows[start:start + BATCH]}, record_type)


def write_plan(data: Dataset, logged: list[dict[str, Any]] | None = None) -> list[Step]:
    """The steps that write ``data``, in an order where every reference exists.

    Nodes first, then the edges their reference fields imply, then the
    relationships with properties, and last the ``KNOWS`` updates of logged
    activities (so a relationship row in the same import does not undo them):
    ``logged`` rows, by default ``logged_contacts(data.activities)``.
    """
    steps: list[Step] = []
    for t in NODE_TYPES:
        rows = [_row(r) for r in data.records(t)]
        steps += _batches(f"{QUERY_DIR[t]}/upsert", rows, t)
    for t in LINKED_TYPES:
        rows = [{"id": r.id, **{k: v for k, v in _row(r).items() if k.endswith("_id") or k == "reports_to"}}
                for r in data.records(t)]
        steps += _batches(f"{QUERY_DIR[t]}/link", rows)
    for t in EDGE_TYPES:
        steps += _batches(f"{QUERY_DIR[t]}/upsert", [_row(r) for r in data.records(t)], t)
    steps += _batches("activity/attend_reps", [
        {"activity_id": a.id, "rep_id": r} for a in data.activities for r in a.rep_ids])
    steps += _batches("activity/attend_contacts", [
        {"activity_id": a.id, "contact_id": c} for a in data.activities for c in a.contact_ids])
    steps += _batches("activity/log", logged_contacts(data.activities) if logged is None else logged)
    return steps


def logged_contacts(activities: list[Activity]) -> list[dict[str, Any]]:
    """One row per (rep, contact) who met in an activity, with the first and last date."""
    return [{"rep_id": r, "contact_id": c, "first": f, "last": l}
            for (r, c), (f, l) in sorted(meetings(activities).items())]


def audit_steps(trail: Trail) -> list[Step]:
    """The steps that append a write's audit entries."""
    return list(_batches("audit/append", list(trail.dicts())))


class GraphStore(ABC):
    """A graph database holding graphcrm's records (see the module docstring)."""

    engine: ClassVar[str]
    exclusive: ClassVar[bool] = False
    """True when this process is the only writer (the embedded store): then
    ``generation`` counts every change, and results can be cached against it."""
    generation: int = 0

    # --- primitives the adapters implement ---------------------------------------

    @abstractmethod
    def initialize(self) -> None:
        """Create the schema if it is missing (idempotent)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""

    @abstractmethod
    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named read query; rows as dicts of plain Python values."""

    @abstractmethod
    def _write(self, steps: Sequence[Step], advance: Callable[[int], None] | None = None) -> None:
        """Run the steps in one transaction: all of them, or on error none.

        ``advance`` is called after each batch step with its number of rows. An
        ``exclusive`` adapter counts ``generation`` up once committed, under its
        write lock (so two writers never lose a count)."""

    @abstractmethod
    def reader(self) -> tuple[type[GraphStore], tuple]:
        """How another process opens this store for reading: ``(class, args)``,
        so that ``cls(*args)`` is a read-only view (portfolio workers use it)."""

    def _exclusive(self) -> AbstractContextManager:
        """Held while a write reads what it replaces and writes: an adapter that
        can keep other writers out meanwhile does (the audit's "before" is then exact)."""
        return nullcontext()

    def write_lock(self) -> AbstractContextManager:
        """Held by a caller whose checks must still hold when its write commits
        (``importer.load_source``): the other writers of this process wait."""
        return self._exclusive()

    def _steps(self, data: Dataset, stored: Stored, after: Stored, trail: Trail) -> list[Step]:
        """The steps that write ``data`` and its audit entries; ``stored`` and
        ``after`` are the touched records before and after (an adapter may plan
        big writes its own way with them)."""
        return write_plan(data) + audit_steps(trail)

    # --- the contract ------------------------------------------------------------

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def apply(self, data: Dataset, progress: Progress | None = None, actor: Actor | None = None,
              history: Sequence[AuditEntry] = ()) -> None:
        """Upsert every record of ``data`` atomically, with an audit entry for
        each record it changes (``graphcrm.audit``). References must be valid
        (``graphcrm.importer.check_references`` checks them).

        ``actor``: who writes (default: the OS user, via ``python``).
        ``history``: exported audit entries the store lacks, restored in the
        same transaction (``graphcrm.importer.new_history`` picks them).
        """
        with self._exclusive():
            steps = self._plan(data, Trail(actor or Actor.os_user("python")), history)
            if progress is None:
                self._write(steps)
                return
            total, done = sum(len(s.params.get("rows", ())) for s in steps), 0

            def advance(rows: int) -> None:
                nonlocal done
                done += rows
                progress(done, total)

            self._write(steps, advance)

    def _plan(self, data: Dataset, trail: Trail, history: Sequence[AuditEntry]) -> list[Step]:
        stored = self._stored(data)
        after = after_states(data, stored)
        homes = self._homes(r for records in after.values() for r in records.values())
        for t, changed in changes(after, stored):
            trail.add(t, changed, partial(home_account, homes=homes))
        trail.restored(history)
        return self._steps(data, stored, after, trail)

    def _stored(self, data: Dataset) -> dict[type[Record], dict[tuple[str, ...], Record]]:
        """The store's records among those ``data`` touches (``effects.after_states``).

        An edge is looked for only when both its ends were stored before; for a
        big write, a type the store holds none of is not looked up at all."""
        held = self.counts() if sum(data.counts().values()) >= COUNT_FROM else None

        def fetch(t: type[Record], keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], Record]:
            if not keys or (held is not None and not held[Dataset.field_for(t)]):
                return {}
            return self.get_many(t, keys)

        stored = {t: fetch(t, [r.key for r in data.records(t)]) for t in NODE_TYPES}
        new = {t: {r.id for r in data.records(t) if r.key not in stored[t]} for t in NODE_TYPES}
        met = list(meetings(data.activities))
        for t, ((a, a_type), (b, b_type)) in ENDPOINTS.items():
            pairs = [{a: getattr(r, a), b: getattr(r, b)} for r in data.records(t)]
            if t is Relationship:
                pairs += [{a: rep, b: contact} for rep, contact in met]
            stored[t] = fetch(t, [tuple(p[f] for f in t.KEY) for p in pairs
                                  if p[a] not in new[a_type] and p[b] not in new[b_type]])
        return stored

    def account_of(self, record: Record) -> str | None:
        """The account a record belongs to (a relationship: its contact's; an
        influence: its source's; a bid role: its bid's); None for reps."""
        return home_account(record, self._homes([record]))

    def _homes(self, records: Iterable[Record]) -> dict[type[Record], dict[str, str | None]]:
        """The accounts of the contacts and bids that ``records`` (relationships,
        influences, bid roles) belong to through them."""
        wanted: dict[type[Record], set[str]] = {Contact: set(), Bid: set()}
        known: dict[type[Record], dict[str, str | None]] = {Contact: {}, Bid: {}}
        for r in records:
            if isinstance(r, (Contact, Bid)):
                known[type(r)][r.id] = r.account_id
            elif type(r) in _HOME:
                field, t = _HOME[type(r)]
                wanted[t].add(getattr(r, field))
        for t, ids in wanted.items():
            if ids - known[t].keys():
                known[t].update(self.lookup(t, ids - known[t].keys()))
        return known

    def upsert(self, records: Iterable[Record]) -> None:
        """Upsert records of any types atomically."""
        by_type: dict[str, list[Record]] = {}
        for r in records:
            by_type.setdefault(Dataset.field_for(type(r)), []).append(r)
        self.apply(Dataset(**by_type))

    def get(self, record_type: type[Record], key: Sequence[str] | str) -> Record | None:
        """The record with that key (an id, or the endpoints of a relationship)."""
        params = _key_params(record_type, key)
        return self.get_many(record_type, [tuple(params.values())]).get(tuple(params.values()))

    def get_many(self, record_type: type[Record], keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Record]:
        """The stored records among ``keys`` (tuples of the key fields), by key;
        keys with no record are left out. One query per ``GET_BATCH`` keys."""
        keys = [dict(zip(record_type.KEY, k)) for k in dict.fromkeys(keys)]
        found: dict[tuple[str, ...], Record] = {}
        for start in range(0, len(keys), GET_BATCH):
            for row in self._read(f"{QUERY_DIR[record_type]}/get", keys=keys[start:start + GET_BATCH]):
                record = _record(record_type, row)
                found[record.key] = record
        return found

    def delete(self, record_type: type[Record], key: Sequence[str] | str, actor: Actor | None = None) -> bool:
        """Delete a record (a node with its relationships); False if there was none.

        The audit trail records the record and what goes with it
        (``effects.deletion_effects``). Raises ``InUse`` for an account, unit or
        bid that other records still name (their account_id, unit_id, parent or
        bid_id would dangle).
        """
        with self._exclusive():
            record = self.get(record_type, key)
            if record is None:
                return False
            params = _key_params(record_type, key)
            if record_type in (Account, Unit, Bid):
                n = self._read(f"{QUERY_DIR[record_type]}/dependents", **params)[0]["n"]
                if n:
                    raise InUse(f"{record_type.__name__.lower()} {params['id']!r} is still "
                                f"referred to by {n} record(s); delete or move them first")
            touched = [(record_type, record.key, record, None)]
            if record_type in (Account, Contact, Rep, Bid):  # the nodes other records' edges or lists name
                touched += deletion_effects(record, self._around(record))
            by_type: dict[type[Record], list] = {}
            for t, k, before, after in touched:
                by_type.setdefault(t, []).append((k, before, after))
            homes = self._homes(before for *_, before, _ in touched)
            trail = Trail(actor or Actor.os_user("python"))
            for t, changed in by_type.items():
                trail.add(t, changed, partial(home_account, homes=homes))
            self._write([Step(f"{QUERY_DIR[record_type]}/delete", params), *audit_steps(trail)])
            return True

    def _around(self, node: Record) -> Dataset:
        """The records that refer to ``node`` (an account, bid, contact or rep), found
        by their reference to it, whatever account they are in (a contact moved to
        another account keeps its edges in the old one)."""
        def every(record_type: type[Record], scope: Sequence[str] | None = None, **filters: str) -> list[Record]:
            return self.page(record_type, scope, limit=2**31, **filters)[0]

        def attended(query: str) -> list[Record]:
            ids = [(r["id"],) for r in self._read(query, id=node.id)]
            return list(self.get_many(Activity, ids).values())

        if isinstance(node, Account):
            return Dataset(account_team=every(TeamMember, [node.id]))
        if isinstance(node, Bid):
            return Dataset(bid_roles=every(BidRole, bid_id=node.id))
        if isinstance(node, Rep):
            return Dataset(account_team=every(TeamMember, rep_id=node.id),
                           relationships=every(Relationship, rep_id=node.id),
                           activities=attended("rep/activities"))
        reports = [(r["id"],) for r in self._read("contact/reports", id=node.id)]
        return Dataset(relationships=every(Relationship, contact_id=node.id),
                       influences=every(Influence, source_id=node.id) + every(Influence, target_id=node.id),
                       bid_roles=every(BidRole, contact_id=node.id),
                       contacts=list(self.get_many(Contact, reports).values()),
                       activities=attended("contact/activities"))

    def audit_entries(self, ids: Iterable[str]) -> dict[str, AuditEntry]:
        """The stored audit entries among ``ids``, by id."""
        ids = sorted(set(ids))
        found: dict[str, AuditEntry] = {}
        for start in range(0, len(ids), GET_BATCH):
            for row in self._read("audit/get", ids=ids[start:start + GET_BATCH]):
                found[row["id"]] = AuditEntry.from_row(row)
        return found

    def audit(self, since: dt.datetime | None = None, until: dt.datetime | None = None,
              account_id: str | None = None, kind: str | None = None, key: str | None = None,
              scope: Sequence[str] | None = None, api_keys: bool = True,
              offset: int = 0, limit: int = 50, via: str | None = None) -> tuple[list[AuditEntry], int]:
        """A page of the audit trail, newest first, and how many entries match.

        ``since``/``until``: entries at or after / before these times (UTC);
        ``account_id``, ``kind``, ``key``, ``via``: entries of that account, record
        kind, record key, way of writing (``cli load`` …); ``scope``: only entries of those accounts (None: all, with
        the entries of no account — reps, API keys, restores); ``api_keys``:
        whether entries about API keys are shown.
        """
        if scope is not None and not scope:
            return [], 0
        params = {"since": naive_utc(since) if since else dt.datetime(1, 1, 1),
                  "until": naive_utc(until) if until else dt.datetime(9999, 12, 31),
                  "account_id": account_id or "", "kind": kind or "", "key": key or "", "via": via or "",
                  "unscoped": scope is None, "scope": list(scope) if scope else [""], "api_keys": api_keys}
        total = int(self._read("audit/count", **params)[0]["n"])
        if offset >= total:  # SKIP past the end crashes LadybugDB 0.22 (see ``page``)
            return [], total
        rows = self._read("audit/list", offset=offset, limit=limit, **params)
        return [AuditEntry.from_row(r) for r in rows], total

    def audit_trail(self) -> list[AuditEntry]:
        """The whole audit trail, oldest first."""
        return [AuditEntry.from_row(r) for r in self._read("audit/all")]

    def snapshot(self) -> tuple[Dataset, list[AuditEntry]]:
        """Every record and the audit trail, read with no write between (for export)."""
        with self._exclusive():
            return self.export(), self.audit_trail()

    def lookup(self, record_type: type[Record], ids: Iterable[str]) -> dict[str, str | None]:
        """Which of ``ids`` exist, each with its account id (None for reps)."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self._read(f"{QUERY_DIR[record_type]}/lookup", ids=ids)
        return {r["id"]: r.get("account_id") for r in rows}

    def account_ids(self) -> list[str]:
        """Every account id, sorted."""
        return [r["id"] for r in self._read("account/ids")]

    def page(self, record_type: type[Record], scope: Sequence[str] | None = None, offset: int = 0,
             limit: int = 50, **filters: str | None) -> tuple[list[Record], int]:
        """A page of records in key order, and how many there are in all.

        ``scope`` keeps only records of those accounts (None: every account; reps:
        those on one of their teams); ``filters`` are the fields of
        ``LIST_FILTERS[record_type]`` (None: any value).
        """
        if scope is not None and not scope:
            return [], 0
        unknown = set(filters) - set(LIST_FILTERS[record_type])
        if unknown:
            raise ValueError(f"{record_type.__name__} lists cannot filter on {', '.join(sorted(unknown))}")
        params: dict[str, Any] = {f: "" if filters.get(f) is None else str(filters[f]).lower()
                                  if isinstance(filters[f], bool) else str(filters[f])
                                  for f in LIST_FILTERS[record_type]}
        params.update(unscoped=scope is None, scope=list(scope) if scope else [""])
        total = int(self._read(f"{QUERY_DIR[record_type]}/count", **params)[0]["n"])
        if offset >= total:  # LadybugDB 0.22 crashes (SIGSEGV) on SKIP far past the end
            return [], total
        rows = self._read(f"{QUERY_DIR[record_type]}/list", offset=offset, limit=limit, **params)
        return [_record(record_type, r) for r in rows], total

    def team_account_ids(self, rep_id: str) -> list[str]:
        """The accounts on whose team the rep is, sorted."""
        return [r["account_id"] for r in self._read("rep/team_accounts", id=rep_id)]

    def put_api_key(self, key: ApiKey, actor: Actor | None = None) -> None:
        """Store an API key record (its secret only as a hash; the audit entry
        leaves the hash out)."""
        trail = Trail(actor or Actor.os_user("python"))
        with self._exclusive():
            before = self.get_api_key(key.id)
            if before != key:
                trail.add(ApiKey, [(key.id, before, key)], lambda _: None)
            self._write([Step("api_key/upsert", {"rows": [key.model_dump()]}, ApiKey), *audit_steps(trail)])

    def get_api_key(self, key_id: str) -> ApiKey | None:
        rows = self._read("api_key/get", id=key_id)
        return ApiKey.model_validate(rows[0]) if rows else None

    def api_keys(self) -> list[ApiKey]:
        return [ApiKey.model_validate(r) for r in self._read("api_key/all")]

    def rep_account_ids(self, rep_id: str) -> list[str]:
        """The accounts where a rep knows at least one contact, sorted."""
        return [r["account_id"] for r in self._read("rep/accounts", id=rep_id)]

    def accounts_data(self, account_ids: Sequence[str]) -> dict[str, Dataset]:
        """The records of several accounts at once (one query per record type),
        keyed by account id; ids that name no account are left out.

        Each account's records: its units, contacts, the reps who touch it, its
        team, relationships, influences, bids and roles, activities, agreements,
        each list sorted by key.
        """
        groups = self._account_rows(account_ids, RECORD_TYPES, _record)
        return {a: Dataset(**{f: sorted(rs, key=lambda r: r.key) for f, rs in lists.items()})
                for a, lists in groups.items()}

    def _account_rows(self, account_ids: Sequence[str], record_types: Sequence[type[Record]],
                      make: Callable[[type[Record], dict[str, Any]], Any]) -> dict[str, dict[str, list]]:
        """Per account (in the order of ``account_ids``, unknown ones left out):
        Dataset field → ``make(record_type, row)`` of each row."""
        ids = list(dict.fromkeys(account_ids))
        if not ids:
            return {}
        if len(ids) == 1:  # one account: its own queries start from its index
            query, params = "of_account", {"account_id": ids[0]}
        else:
            query, params = "in_accounts", {"account_ids": ids, "first": min(ids), "last": max(ids)}
        groups: dict[str, dict[str, list]] = {}
        for t in (Account, *(t for t in record_types if t is not Account)):
            field = Dataset.field_for(t)
            for row in self._read(f"{QUERY_DIR[t]}/{query}", **params):
                groups.setdefault(row.pop("group_id"), {}).setdefault(field, []).append(make(t, row))
        return {a: groups[a] for a in ids if "accounts" in groups.get(a, {})}

    def iter_account_rows(self, account_ids: Sequence[str], record_types: Sequence[type[Record]],
                          batch: int = ACCOUNT_BATCH) -> Iterator[AccountRows]:
        """Each account's rows as the store holds them, ``batch`` accounts per
        query, without validating them again (they were validated when written):
        the portfolio scans' fast path. Reps are not read here (see ``reps``).

        ``account_ids`` should be sorted: each batch is then a narrow id range.
        """
        types = [t for t in record_types if t is not Rep]
        for start in range(0, len(account_ids), batch):
            for lists in self._account_rows(account_ids[start:start + batch], types, _row_object).values():
                yield AccountRows(**lists)

    def reps(self) -> dict[str, Rep]:
        """Every rep, by id (the sales force is small next to the portfolio)."""
        return {row["id"]: _record(Rep, row) for row in self._read("rep/all")}

    def account_data(self, account_id: str) -> Dataset | None:
        """Every record of one account (see ``accounts_data``), or None."""
        return self.accounts_data([account_id]).get(account_id)

    def account_graph(self, account_id: str) -> nx.MultiDiGraph | None:
        """One account as a ``MultiDiGraph`` (see ``graphcrm.graph``), or None.

        Built from the stored rows as they are (validated when written; enum
        values stay strings, which compare equal)."""
        with paused_gc():  # a big account is ~100k objects: collector passes cost ~40 %
            rows = self._account_rows([account_id], RECORD_TYPES, _row_object).get(account_id)
            return None if rows is None else build_graph(AccountRows(**rows), account_id)

    def bid_graph(self, bid_id: str) -> nx.MultiDiGraph | None:
        """The graph a bid's analyses need: its account's graph (warm paths run
        through contacts outside the decision chain), with ``graph["bid_id"]`` set.
        ``graphcrm.graph.decision_chain`` cuts the chain itself out of it."""
        bid = self.get(Bid, bid_id)
        if bid is None:
            return None
        g = self.account_graph(bid.account_id)
        g.graph["bid_id"] = bid_id
        return g

    def iter_account_data(self, account_ids: Iterable[str] | None = None,
                          batch: int = ACCOUNT_BATCH) -> Iterator[Dataset]:
        """Each account's records in turn, read ``batch`` accounts per query:
        few round trips, and memory bounded by one batch, not the portfolio."""
        ids = self.account_ids() if account_ids is None else sorted(set(account_ids))
        for start in range(0, len(ids), batch):
            yield from self.accounts_data(ids[start:start + batch]).values()

    def export(self) -> Dataset:
        """Every record in the store, in the import format's canonical order."""
        return Dataset(**{
            Dataset.field_for(t): [_record(t, row) for row in self._read(f"{QUERY_DIR[t]}/all")]
            for t in RECORD_TYPES
        }).sorted()

    def clear(self) -> None:
        """Delete everything in the store (the demo rebuilds its own store so)."""
        self._write([Step("store/clear", {})])

    def counts(self) -> dict[str, int]:
        """How many records of each kind, keyed like the import files."""
        return {k: int(v) for k, v in self._read("store/counts")[0].items()}


_HOME: dict[type[Record], tuple[str, type[Record]]] = {
    Relationship: ("contact_id", Contact), Influence: ("source_id", Contact), BidRole: ("bid_id", Bid),
}
"""Records without an account_id: the field and type whose account is theirs."""


def home_account(record: Record, homes: Mapping[type[Record], Mapping[str, str | None]]) -> str | None:
    """The account a record belongs to (None for reps): its own id or account_id, or
    for a relationship its contact's, an influence its source's, a bid role its
    bid's, from ``homes`` (record type → id → account, as ``GraphStore._homes``)."""
    if isinstance(record, Account):
        return record.id
    if type(record) in _HOME:
        field, t = _HOME[type(record)]
        return homes[t].get(getattr(record, field))
    return getattr(record, "account_id", None)


def _key_params(record_type: type[Record], key: Sequence[str] | str) -> dict[str, str]:
    key = (key,) if isinstance(key, str) else tuple(key)
    if len(key) != len(record_type.KEY):
        raise ValueError(f"{record_type.__name__} is keyed by {', '.join(record_type.KEY)}")
    return dict(zip(record_type.KEY, key))


def _row_object(record_type: type[Record], row: dict[str, Any]) -> SimpleNamespace:
    """A stored row as an object with the record's attributes, unvalidated."""
    return SimpleNamespace(**_attendees(record_type, row))


def _record(record_type: type[Record], row: dict[str, Any]) -> Record:
    return record_type.model_validate(_attendees(record_type, row))


def _attendees(record_type: type[Record], row: dict[str, Any]) -> dict[str, Any]:
    """An activity's attendee lists without the nulls that an OPTIONAL MATCH collects."""
    if record_type is Activity:
        return {**row, "rep_ids": sorted(x for x in row["rep_ids"] if x is not None),
                "contact_ids": sorted(x for x in row["contact_ids"] if x is not None)}
    return row
