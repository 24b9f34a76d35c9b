"""The store port: what graphcrm needs from a graph database, and nothing more.

An adapter (``ladybug``, ``neo4j``) implements the narrow engine part: run a
named read (``read``), run a list of write steps in one transaction
(``write``), create the schema (``initialize``), and state what it can do
(``exclusive``, ``reader``, its own plan for big writes in ``steps``). Engine
quirks stay inside the adapter. Everything else is engine-neutral and lives in
two modules: ``graphcrm.store.writes`` (planning a write, its effects and audit
entries) and ``graphcrm.store.reads`` (records, pages, accounts, export);
``GraphStore``'s methods are their entry points.

Contract, shared by every adapter and checked by ``tests/integration/test_store_contract.py``:

- Nodes are identified by their label and ``id``; relationships by their type and
  endpoints. Relationships are directed as in docs/design.md §2.
- ``apply`` writes a whole ``Dataset`` in one transaction: all of it or none of it.
  Writing is an upsert: applying the same records twice changes nothing, and a
  record replaces every property of the one it updates (a missing value clears it).
- Reads return domain records (``graphcrm.model``), never engine row shapes;
  "not found" is ``None`` (``get``, ``account_data``) or ``False`` (``delete``).
- ``initialize`` creates the schema idempotently; call it once after opening.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar

import networkx as nx

from graphcrm.audit import Actor, AuditEntry, Trail
from graphcrm.gc_pause import paused_gc
from graphcrm.graph import AccountRows, build_graph
from graphcrm.model import RECORD_TYPES, ApiKey, Bid, Dataset, Record, Rep
from graphcrm.schema import home_account
from graphcrm.store import reads, writes
from graphcrm.store.effects import Stored
from graphcrm.store.writes import Step

__all__ = ["GraphStore", "Step", "Progress"]

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while a write goes on."""


class GraphStore(ABC):
    """A graph database holding graphcrm's records (see the module docstring)."""

    engine: ClassVar[str]
    exclusive_writer: ClassVar[bool] = False
    """True when this process is the only writer (the embedded store): then
    ``generation`` counts every change, and results can be cached against it."""
    generation: int = 0

    # --- the engine: what the adapters implement ---------------------------------

    @abstractmethod
    def initialize(self) -> None:
        """Create the schema if it is missing (idempotent)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""

    @abstractmethod
    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named read query; rows as dicts of plain Python values."""

    @abstractmethod
    def write(self, steps: Sequence[Step], advance: Callable[[int], None] | None = None) -> None:
        """Run the steps in one transaction: all of them, or on error none.

        ``advance`` is called after each batch step with its number of rows. An
        ``exclusive_writer`` adapter counts ``generation`` up once committed,
        under its write lock (so two writers never lose a count)."""

    @abstractmethod
    def reader(self) -> tuple[type[GraphStore], tuple]:
        """How another process opens this store for reading: ``(class, args)``,
        so that ``cls(*args)`` is a read-only view (portfolio workers use it)."""

    def exclusive(self) -> AbstractContextManager:
        """Held while a write reads what it replaces and writes: an adapter that
        can keep other writers out meanwhile does (the audit's "before" is then exact)."""
        return nullcontext()

    def steps(self, data: Dataset, stored: Stored, after: Stored, trail: Trail) -> list[Step]:
        """The steps that write ``data`` and its audit entries; ``stored`` and
        ``after`` are the touched records before and after (an adapter may plan
        big writes its own way with them)."""
        return writes.write_plan(data) + writes.audit_steps(trail)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing (graphcrm.store.writes) -----------------------------------------

    def apply(self, data: Dataset, progress: Progress | None = None, actor: Actor | None = None,
              history: Sequence[AuditEntry] = ()) -> None:
        """Upsert every record of ``data`` atomically, with an audit entry for
        each record it changes (``graphcrm.audit``). References must be valid
        (``graphcrm.importer.check_references`` checks them).

        ``actor``: who writes (default: the OS user, via ``python``).
        ``history``: exported audit entries the store lacks, restored in the
        same transaction (``graphcrm.importer.new_history`` picks them).
        """
        with self.exclusive():
            steps = writes.plan(self, data, Trail(actor or Actor.os_user("python")), history)
            if progress is None:
                self.write(steps)
                return
            total, done = sum(len(s.params.get("rows", ())) for s in steps), 0

            def advance(rows: int) -> None:
                nonlocal done
                done += rows
                progress(done, total)

            self.write(steps, advance)

    def upsert(self, records: Iterable[Record]) -> None:
        """Upsert records of any types atomically."""
        by_type: dict[str, list[Record]] = {}
        for r in records:
            by_type.setdefault(Dataset.field_for(type(r)), []).append(r)
        self.apply(Dataset(**by_type))

    def delete(self, record_type: type[Record], key: Sequence[str] | str, actor: Actor | None = None) -> bool:
        """Delete a record (a node with its relationships); False if there was none.

        The audit trail records the record and what goes with it
        (``effects.deletion_effects``). Raises ``InUse`` for a record that
        others still name in a property reference (``schema.dependents``: an
        account, unit or bid whose account_id, unit_id, parent or bid_id would dangle).
        """
        return writes.delete(self, record_type, reads.key_params(record_type, key),
                             actor or Actor.os_user("python"))

    def put_api_key(self, key: ApiKey, actor: Actor | None = None) -> None:
        """Store an API key record (its secret only as a hash)."""
        writes.put_api_key(self, key, actor or Actor.os_user("python"))

    def clear(self) -> None:
        """Delete everything in the store (the demo rebuilds its own store so)."""
        self.write([Step("store/clear", {})])

    # --- reading (graphcrm.store.reads) ------------------------------------------

    def get(self, record_type: type[Record], key: Sequence[str] | str) -> Record | None:
        """The record with that key (an id, or the endpoints of a relationship)."""
        k = tuple(reads.key_params(record_type, key).values())
        return self.get_many(record_type, [k]).get(k)

    def get_many(self, record_type: type[Record], keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Record]:
        """The stored records among ``keys`` (tuples of the key fields), by key."""
        return reads.get_many(self, record_type, keys)

    def lookup(self, record_type: type[Record], ids: Iterable[str]) -> dict[str, str | None]:
        """Which of ``ids`` exist, each with its account id (None for reps)."""
        return reads.lookup(self, record_type, ids)

    def account_of(self, record: Record) -> str | None:
        """The account a record belongs to (``schema.home_account``); None for reps."""
        return home_account(record, writes.homes(self, [record]))

    def page(self, record_type: type[Record], scope: Sequence[str] | None = None, offset: int = 0,
             limit: int = 50, **filters: str | None) -> tuple[list[Record], int]:
        """A page of records in key order, and how many there are in all.

        ``scope`` keeps only records of those accounts (None: every account; reps:
        those on one of their teams); ``filters`` are the fields of the type's
        ``FILTERS`` (None: any value).
        """
        return reads.page(self, record_type, scope, offset, limit, **filters)

    def account_ids(self) -> list[str]:
        """Every account id, sorted."""
        return [r["id"] for r in self.read("account/ids")]

    def team_account_ids(self, rep_id: str) -> list[str]:
        """The accounts on whose team the rep is, sorted."""
        return [r["account_id"] for r in self.read("rep/team_accounts", id=rep_id)]

    def rep_account_ids(self, rep_id: str) -> list[str]:
        """The accounts where a rep knows at least one contact, sorted."""
        return [r["account_id"] for r in self.read("rep/accounts", id=rep_id)]

    def plan_account_ids(self, rep_id: str | None = None) -> set[str]:
        """The accounts that have a plan (owned by ``rep_id`` when given)."""
        rows = self.read("plan/accounts") if rep_id is None else self.read("plan/rep_accounts", rep_id=rep_id)
        return {r["account_id"] for r in rows}

    def reps(self) -> dict[str, Rep]:
        """Every rep, by id (the sales force is small next to the portfolio)."""
        return {row["id"]: reads.record(Rep, row) for row in self.read("rep/all")}

    def accounts_data(self, account_ids: Sequence[str]) -> dict[str, Dataset]:
        """The records of several accounts at once (one query per record type),
        keyed by account id; ids that name no account are left out.

        Each account's records: its units, contacts, the reps who touch it, its
        team, relationships, influences, bids and roles, activities, agreements,
        each list sorted by key.
        """
        return reads.accounts_data(self, account_ids)

    def account_data(self, account_id: str) -> Dataset | None:
        """Every record of one account (see ``accounts_data``), or None."""
        return self.accounts_data([account_id]).get(account_id)

    def iter_account_data(self, account_ids: Iterable[str] | None = None,
                          batch: int = reads.ACCOUNT_BATCH) -> Iterator[Dataset]:
        """Each account's records in turn, read ``batch`` accounts per query:
        few round trips, and memory bounded by one batch, not the portfolio."""
        ids = self.account_ids() if account_ids is None else sorted(set(account_ids))
        for start in range(0, len(ids), batch):
            yield from self.accounts_data(ids[start:start + batch]).values()

    def iter_account_rows(self, account_ids: Sequence[str], record_types: Sequence[type[Record]],
                          batch: int = reads.ACCOUNT_BATCH) -> Iterator[AccountRows]:
        """Each account's rows as the store holds them, ``batch`` accounts per
        query, without validating them again (they were validated when written):
        the portfolio scans' fast path. Reps are not read here (see ``reps``).

        ``account_ids`` should be sorted: each batch is then a narrow id range.
        """
        return reads.iter_account_rows(self, account_ids, record_types, batch)

    def account_graph(self, account_id: str) -> nx.MultiDiGraph | None:
        """One account as a ``MultiDiGraph`` (see ``graphcrm.graph``), or None.

        Built from the stored rows as they are (validated when written; enum
        values stay strings, which compare equal)."""
        with paused_gc():  # a big account is ~100k objects: collector passes cost ~40 %
            rows = reads.account_rows(self, [account_id], RECORD_TYPES, reads.row_object).get(account_id)
            return None if rows is None else build_graph(AccountRows(**rows), account_id)

    def bid_graph(self, bid_id: str) -> nx.MultiDiGraph | None:
        """The graph a bid's analyses need: its account's graph (warm paths run
        through contacts outside the decision chain), with ``graph["bid_id"]`` set."""
        bid = self.get(Bid, bid_id)
        if bid is None:
            return None
        g = self.account_graph(bid.account_id)
        g.graph["bid_id"] = bid_id
        return g

    def export(self) -> Dataset:
        """Every record in the store, in the import format's canonical order."""
        return reads.export(self)

    def counts(self) -> dict[str, int]:
        """How many records of each kind, keyed like the import files."""
        return {k: int(v) for k, v in self.read("store/counts")[0].items()}

    # --- the audit trail and API keys --------------------------------------------

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
        return reads.audit_page(self, since, until, account_id, kind, key, scope, api_keys, offset, limit, via)

    def audit_entries(self, ids: Iterable[str]) -> dict[str, AuditEntry]:
        """The stored audit entries among ``ids``, by id."""
        ids = sorted(set(ids))
        found: dict[str, AuditEntry] = {}
        for start in range(0, len(ids), reads.GET_BATCH):
            for row in self.read("audit/get", ids=ids[start:start + reads.GET_BATCH]):
                found[row["id"]] = AuditEntry.from_row(row)
        return found

    def audit_trail(self) -> list[AuditEntry]:
        """The whole audit trail, oldest first."""
        return [AuditEntry.from_row(r) for r in self.read("audit/all")]

    def snapshot(self) -> tuple[Dataset, list[AuditEntry]]:
        """Every record and the audit trail, read with no write between (for export)."""
        with self.exclusive():
            return self.export(), self.audit_trail()

    def get_api_key(self, key_id: str) -> ApiKey | None:
        rows = self.read("api_key/get", id=key_id)
        return ApiKey.model_validate(rows[0]) if rows else None

    def api_keys(self) -> list[ApiKey]:
        return [ApiKey.model_validate(r) for r in self.read("api_key/all")]
