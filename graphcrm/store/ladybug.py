"""The embedded store: LadybugDB (PyPI ``ladybug``, the maintained fork of Kùzu).

One file on disk, in-process. LadybugDB's rules (docs/architecture.md, "Engine facts") shape this module:

- one ``Database`` per file per process: ``_database`` hands out a shared
  instance per path and closes it when its last user closes;
- one write transaction at a time: writes take the database's lock;
- ``COPY`` is fast but no upsert: writes of ``BULK_FROM`` rows or more copy
  what is new and upsert the rest (``graphcrm.store.ladybug_bulk``);
- rows a ``COPY`` wrote are not in the write-ahead log: a process killed while
  the commit folds the log into the data file reopens with the transaction's
  logged updates but none of its copied rows (measured, 0.22.0; the crash
  harness in tests/integration/test_crash_safety.py found it). So a bulk write
  is journalled: a copy of the data file from before it is kept until the write
  is checkpointed, and an opener that finds the journal of a dead writer puts
  that copy back (``_journalled``, ``_recover``): the store is as before or as
  after, never between;
- an error inside a transaction has already rolled it back, and a statement sent
  after it would run in autocommit, so a write stops at its first error;
- a parameter column that is null in every row is typed STRING and then fails to
  bind to a DATE/DOUBLE/INT64 property; such batches get one extra typing row
  whose key is null, which the queries skip.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug
from pydantic import BaseModel

from graphcrm import cypher
from graphcrm.errors import StoreError, StoreLocked

from graphcrm.audit import Actor, AuditEntry, Trail
from graphcrm.model import RECORD_TYPES, ApiKey, Dataset, Record, kind_of
from graphcrm.schema import query, value_type
from graphcrm.store.effects import Stored
from graphcrm.store.ladybug_bulk import bulk_plan
from graphcrm.store import writes
from graphcrm.store.port import GraphStore, Progress, Step

__all__ = ["LadybugStore"]

_open: dict[Path, list] = {}  # path -> [Database, lock, users]
_open_lock = threading.Lock()


def _database(path: Path, read_only: bool) -> tuple[ladybug.Database, threading.RLock]:
    with _open_lock:
        entry = _open.get(path)
        if entry is None:
            if not read_only:
                _recover(path)
            try:
                db = ladybug.Database(str(path), read_only=read_only)
            except RuntimeError as e:
                if "lock" in str(e).lower():
                    raise StoreLocked(
                        f"the store {path} is in use by another process (a running "
                        f"'graphcrm serve'?); stop it or use another --db"
                    ) from None
                raise StoreError(f"cannot open the store {path}: {e}") from None
            entry = _open[path] = [db, threading.RLock(), 0]
        entry[2] += 1
        return entry[0], entry[1]


def _release(path: Path) -> None:
    with _open_lock:
        entry = _open.get(path)
        if entry is not None:
            entry[2] -= 1
            if entry[2] <= 0:
                entry[0].close()
                del _open[path]


def _journal(path: Path) -> tuple[Path, Path]:
    """The journal of a bulk write to ``path``: its marker, and the copy of the data file."""
    return path.with_name(path.name + ".bulk-journal"), path.with_name(path.name + ".bulk-before")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _journalled(path: Path, checkpoint: Callable[[], None]) -> Iterator[None]:
    """Run a write that COPYs so that a crash leaves the store as before or after.

    Checkpoint (the log is then empty), copy the data file, mark the journal —
    and hold a lock on the marker while the write runs, so that only an opener
    after this process died takes it for a dead writer's. After the write,
    checkpoint again (the copied rows are then in the data file) and drop the
    journal, marker first. On an error the transaction was rolled back: the
    journal is dropped too.
    """
    marker, before = _journal(path)
    checkpoint()
    shutil.copyfile(path, before)
    _fsync(before)
    with open(marker, "wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        os.fsync(held.fileno())
        _fsync(path.parent)
        try:
            yield
            checkpoint()
        finally:
            marker.unlink()
            _fsync(path.parent)
            before.unlink()


def _recover(path: Path) -> None:
    """Put back the data file of a bulk write whose process died before it was
    checkpointed (its journal is still there, and nobody holds the marker's lock)."""
    marker, before = _journal(path)
    try:
        held = open(marker, "rb")
    except FileNotFoundError:
        return
    with held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # its writer is alive: opening the store will say it is in use
        if not marker.exists():
            return  # the writer finished between our open and our lock
        shutil.copyfile(before, path)
        _fsync(path)
        for leftover in path.parent.glob(path.name + ".*"):  # .wal, .shadow, checkpoint files
            if leftover not in (marker, before):
                leftover.unlink()
        marker.unlink()
        _fsync(path.parent)
        before.unlink()


BULK_FROM = 20_000
"""Writes of this many rows or more take the bulk path (COPY what is new)."""

_SAMPLE = {"date": dt.date(1970, 1, 1), "timestamp": dt.datetime(1970, 1, 1), "double": 0.0, "int": 0,
           "bool": False}


_ROW_TYPES = {kind_of(t): t for t in (*RECORD_TYPES, ApiKey)}
"""The record type of a step's rows, by its query's directory (``contact/upsert``)."""


def _typing_row(record_type: type[BaseModel], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A row that gives each all-null non-string column its type, keyed by nulls."""
    row: dict[str, Any] = {}
    needed = False
    for name in rows[0]:
        sample = None
        if name in record_type.model_fields and name not in record_type.KEY:
            sample = _SAMPLE.get(value_type(record_type, name))
        if sample is not None and all(r[name] is None for r in rows):
            needed = True
        row[name] = sample if name not in record_type.KEY else None
    return row if needed else None


class LadybugStore(GraphStore):
    """A graphcrm store in one LadybugDB file.

    Parameters
    ----------
    path : str or Path
        The database file; created with its schema by ``initialize``.
    read_only : bool
        Open for reading only: what portfolio workers in other processes do
        while the main process holds the file (they see its committed state).
    """

    engine = "ladybug"
    exclusive_writer = True  # one process per file (the lock); see GraphStore.exclusive_writer

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path).expanduser().resolve()
        self.read_only = read_only
        if not self.path.parent.is_dir():
            raise StoreError(f"cannot create the store {self.path}: no such directory")
        self._db, self._lock = _database(self.path, read_only)
        self._local = threading.local()
        self._closed = False
        self._table_columns: dict[type[Record], tuple[str, ...]] = {}

    def _conn(self) -> ladybug.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
        return conn

    def _run(self, statement: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        result = self._conn().execute(statement, params)
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(dict(zip(names, result.get_next())))
        return rows

    def reader(self) -> tuple[type, tuple]:
        return LadybugStore, (str(self.path), True)

    def initialize(self) -> None:
        if self.read_only:
            return
        with self._lock:
            for statement in cypher.schema(self.engine):
                self._run(statement, {})
            self._table_columns.clear()
            writes.index_audit(self)  # a store from before the trail was indexed by subject

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._local = threading.local()
            _release(self.path)

    def exclusive(self) -> threading.RLock:
        return self._lock  # what a write plans from stays as it read it until it commits

    def apply(self, data: Dataset, progress: Progress | None = None, actor: Actor | None = None,
              history: Sequence[AuditEntry] = ()) -> None:
        if not self._bulk(data):
            super().apply(data, progress, actor, history)  # which holds the lock (``exclusive``)
            return
        with self._lock, _journalled(self.path, lambda: self.read("store/checkpoint")):
            super().apply(data, progress, actor, history)

    @staticmethod
    def _bulk(data: Dataset) -> bool:
        return sum(data.counts().values()) >= BULK_FROM

    def steps(self, data: Dataset, stored: Stored, after: Stored, trail: Trail) -> list[Step]:
        if not self._bulk(data):
            return super().steps(data, stored, after, trail)
        return bulk_plan(stored, after, trail, self._columns)

    def _columns(self, record_type: type[Record]) -> tuple[str, ...]:
        """A node table's columns in this store's order (a column added to an
        older store by ``initialize`` comes last; COPY matches by position)."""
        if record_type not in self._table_columns:
            rows = self.read(query(record_type, "columns"))
            self._table_columns[record_type] = tuple(r["name"] for r in rows)
        return self._table_columns[record_type]

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for statement in cypher.statements(query, self.engine):
            rows = self._run(statement, params)
        return rows

    def write(self, steps: Sequence[Step], advance: Callable[[int], None] | None = None) -> None:
        with self._lock:
            self._run("BEGIN TRANSACTION", {})
            try:
                for step in steps:
                    params = step.params
                    rows = params.get("rows")
                    record_type = _ROW_TYPES.get(step.query.partition("/")[0])
                    if rows and record_type is not None and isinstance(rows, list):
                        extra = _typing_row(record_type, rows)
                        if extra is not None:
                            params = {**params, "rows": [*rows, extra]}
                    for statement in cypher.statements(step.query, self.engine):
                        self._run(statement, params)
                    if advance is not None and rows:
                        advance(len(rows))
            except BaseException:
                self._rollback()
                raise
            self._run("COMMIT", {})
            self.generation += 1

    def _rollback(self) -> None:
        try:
            self._run("ROLLBACK", {})
        except RuntimeError:
            pass  # the failed statement has already rolled the transaction back
