"""Reading: records by key, pages, one account's or many accounts' records, export.

Engine-neutral: every function runs the named queries of ``cypher/`` through
``GraphStore.read`` and turns rows into domain records (``graphcrm.model``), or,
on the portfolio scans' fast path, into unvalidated row objects
(``graph.AccountRows``) that were validated when written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from graphcrm.audit import AuditEntry, naive_utc
from graphcrm.graph import AccountRows
from graphcrm.model import RECORD_TYPES, Account, Dataset, Record, Rep
from graphcrm.schema import list_refs, query

if TYPE_CHECKING:
    from graphcrm.store.port import GraphStore

__all__ = ["get_many", "page", "lookup", "account_rows", "accounts_data", "iter_account_rows", "export",
           "audit_page", "key_params", "record", "row_object", "GET_BATCH", "ACCOUNT_BATCH"]

GET_BATCH = 50_000
"""Keys looked up per query by ``get_many``."""
ACCOUNT_BATCH = 500
"""Accounts read per query when streaming the portfolio."""


def key_params(record_type: type[Record], key: Sequence[str] | str) -> dict[str, str]:
    """A record's key as query parameters (``{"rep_id": …, "contact_id": …}``)."""
    key = (key,) if isinstance(key, str) else tuple(key)
    if len(key) != len(record_type.KEY):
        raise ValueError(f"{record_type.__name__} is keyed by {', '.join(record_type.KEY)}")
    return dict(zip(record_type.KEY, key))


def _clean(record_type: type[Record], row: dict[str, Any]) -> dict[str, Any]:
    """A row's list references without the nulls an OPTIONAL MATCH collects, sorted."""
    lists = list_refs(record_type)
    if not lists:
        return row
    return {**row, **{r.field: sorted(x for x in row[r.field] if x is not None) for r in lists}}


def record(record_type: type[Record], row: dict[str, Any]) -> Record:
    """A stored row as a validated record."""
    return record_type.model_validate(_clean(record_type, row))


def row_object(record_type: type[Record], row: dict[str, Any]) -> SimpleNamespace:
    """A stored row as an object with the record's attributes, unvalidated."""
    return SimpleNamespace(**_clean(record_type, row))


def get_many(store: GraphStore, record_type: type[Record], keys: Iterable[tuple[str, ...]]
             ) -> dict[tuple[str, ...], Record]:
    """The stored records among ``keys`` (tuples of the key fields), by key;
    keys with no record are left out. One query per ``GET_BATCH`` keys."""
    keys = [dict(zip(record_type.KEY, k)) for k in dict.fromkeys(keys)]
    found: dict[tuple[str, ...], Record] = {}
    for start in range(0, len(keys), GET_BATCH):
        for row in store.read(query(record_type, "get"), keys=keys[start:start + GET_BATCH]):
            r = record(record_type, row)
            found[r.key] = r
    return found


def lookup(store: GraphStore, record_type: type[Record], ids: Iterable[str]) -> dict[str, str | None]:
    """Which of ``ids`` exist, each with its account id (None for reps)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {r["id"]: r.get("account_id") for r in store.read(query(record_type, "lookup"), ids=ids)}


def page(store: GraphStore, record_type: type[Record], scope: Sequence[str] | None = None, offset: int = 0,
         limit: int = 50, **filters: str | None) -> tuple[list[Record], int]:
    """A page of records in key order, and how many there are in all (see ``GraphStore.page``)."""
    if scope is not None and not scope:
        return [], 0
    unknown = set(filters) - set(record_type.FILTERS)
    if unknown:
        raise ValueError(f"{record_type.__name__} lists cannot filter on {', '.join(sorted(unknown))}")
    params: dict[str, Any] = {f: "" if filters.get(f) is None else str(filters[f]).lower()
                              if isinstance(filters[f], bool) else str(filters[f])
                              for f in record_type.FILTERS}
    params.update(unscoped=scope is None, scope=list(scope) if scope else [""])
    total = int(store.read(query(record_type, "count"), **params)[0]["n"])
    if offset >= total:  # LadybugDB 0.22 crashes (SIGSEGV) on SKIP far past the end
        return [], total
    rows = store.read(query(record_type, "list"), offset=offset, limit=limit, **params)
    return [record(record_type, r) for r in rows], total


def account_rows(store: GraphStore, account_ids: Sequence[str], record_types: Sequence[type[Record]],
                 make: Callable[[type[Record], dict[str, Any]], Any]) -> dict[str, dict[str, list]]:
    """Per account (in the order of ``account_ids``, unknown ones left out):
    Dataset field → ``make(record_type, row)`` of each row."""
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        return {}
    if len(ids) == 1:  # one account: its own queries start from its index
        name, params = "of_account", {"account_id": ids[0]}
    else:
        name, params = "in_accounts", {"account_ids": ids, "first": min(ids), "last": max(ids)}
    groups: dict[str, dict[str, list]] = {}
    for t in (Account, *(t for t in record_types if t is not Account)):
        field = Dataset.field_for(t)
        for row in store.read(query(t, name), **params):
            groups.setdefault(row.pop("group_id"), {}).setdefault(field, []).append(make(t, row))
    return {a: groups[a] for a in ids if "accounts" in groups.get(a, {})}


def accounts_data(store: GraphStore, account_ids: Sequence[str]) -> dict[str, Dataset]:
    """The records of several accounts at once (see ``GraphStore.accounts_data``)."""
    groups = account_rows(store, account_ids, RECORD_TYPES, record)
    return {a: Dataset(**{f: sorted(rs, key=lambda r: r.key) for f, rs in lists.items()})
            for a, lists in groups.items()}


def iter_account_rows(store: GraphStore, account_ids: Sequence[str], record_types: Sequence[type[Record]],
                      batch: int = ACCOUNT_BATCH) -> Iterator[AccountRows]:
    """Each account's rows as stored, ``batch`` accounts per query (see ``GraphStore.iter_account_rows``)."""
    types = [t for t in record_types if t is not Rep]
    for start in range(0, len(account_ids), batch):
        for lists in account_rows(store, account_ids[start:start + batch], types, row_object).values():
            yield AccountRows(**lists)


def export(store: GraphStore) -> Dataset:
    """Every record in the store, in the import format's canonical order."""
    return Dataset(**{
        Dataset.field_for(t): [record(t, row) for row in store.read(query(t, "all"))] for t in RECORD_TYPES
    }).sorted()


def audit_page(store: GraphStore, since: dt.datetime | None, until: dt.datetime | None, account_id: str | None,
               kind: str | None, key: str | None, scope: Sequence[str] | None, api_keys: bool, offset: int,
               limit: int, via: str | None) -> tuple[list[AuditEntry], int]:
    """A page of the audit trail, newest first (see ``GraphStore.audit``)."""
    if scope is not None and not scope:
        return [], 0
    params = {"since": naive_utc(since) if since else dt.datetime(1, 1, 1),
              "until": naive_utc(until) if until else dt.datetime(9999, 12, 31),
              "account_id": account_id or "", "kind": kind or "", "key": key or "", "via": via or "",
              "unscoped": scope is None, "scope": list(scope) if scope else [""], "api_keys": api_keys}
    total = int(store.read("audit/count", **params)[0]["n"])
    if offset >= total:  # SKIP past the end crashes LadybugDB 0.22 (see ``page``)
        return [], total
    rows = store.read("audit/list", offset=offset, limit=limit, **params)
    return [AuditEntry.from_row(r) for r in rows], total
