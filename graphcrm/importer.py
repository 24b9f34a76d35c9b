"""Loading the import format into a store: validate everything, then write it all.

``load`` reads the files, checks every record against the model and every
reference against the files and the store, and only then writes, in one
transaction. Any problem means nothing is written, and ``InputError`` lists
them all with file, line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator
from operator import attrgetter
from pathlib import Path

from graphcrm.audit import Actor, AuditEntry, kind_of
from graphcrm.errors import InputError, Issue, Issues
from graphcrm.fileformat import AUDIT, Source, read_path
from graphcrm.gc_pause import paused_gc
from graphcrm.model import Account, Dataset, Rep
from graphcrm.schema import NODE_TYPES, home_account, home_via, references, self_refs
from graphcrm.schema import target as target_of
from graphcrm.store.port import GraphStore, Progress
from graphcrm.store.writes import COUNT_FROM

__all__ = ["load", "load_source", "named_ids", "check_references", "reference_issues", "check_moves",
           "check_hierarchies", "new_history"]

FUTURE_SLACK = dt.timedelta(minutes=5)
"""How far ahead of this machine's clock a restored entry may be (another's clock)."""

# (Dataset field, column, referenced type, must the target be in the record's account?),
# from the declarations (``graphcrm.schema.references``). The record's account is
# ``schema.home_account``'s: its account_id column, or for bid_roles the bid's
# account, for influences the source contact's account.
_REFERENCES: tuple[tuple[str, str, type, bool], ...] = tuple(
    (Dataset.field_for(t), r.field, target_of(r), r.same_account) for t, r in references())
_SELF_PARENTS = tuple((Dataset.field_for(t), field) for t, field in self_refs())


def named_ids(records: Iterable, column: str) -> Iterator[tuple[str, ...] | list[str]]:
    """The ids each of ``records`` names in ``column`` (none, one, or a list), record by record."""
    get = attrgetter(column)
    for record in records:
        value = get(record)
        yield () if value is None else value if isinstance(value, list) else (value,)


def check_references(source: Source, store: GraphStore, scope: Collection[str] | None = None,
                     reps: Collection[str] | None = None) -> None:
    """Raise ``InputError`` for every reference that names nothing, in the files
    or the store, or that crosses into another account; and for cycles in the
    files' hierarchies (accounts, units, reporting lines).

    ``scope``: the accounts the writer may see (an API member's); records of the
    store outside it are treated as missing, so the answer reveals nothing about
    them. ``reps``: likewise the reps the writer may name (None: every rep).
    """
    issues = reference_issues(source, store, scope, reps)
    if issues:
        raise InputError(issues)


def reference_issues(source: Source, store: GraphStore, scope: Collection[str] | None = None,
                     reps: Collection[str] | None = None) -> Issues:
    """The problems ``check_references`` raises, as a list. A reference to the id
    of a row that failed its own checks (``Source.failed``), or into a file that
    could not be read at all, is not reported: that row's problem already is."""
    data = source.data
    failed = {target_of(r): source.failed.get(Dataset.field_for(target_of(r)), set()) for _, r in references()}
    targets = {t for _, _, t, _ in _REFERENCES}
    known: dict[type, dict[str, str | None]] = {
        t: {r.id: home_account(r, {}) for r in data.records(t)} for t in NODE_TYPES if t in targets}
    wanted: dict[type, set[str]] = {t: set() for t in known}
    for field, column, target, _ in _REFERENCES:
        for values in named_ids(getattr(data, field), column):
            wanted[target].update(v for v in values if v not in known[target])
    for target, ids in wanted.items():
        found = store.lookup(target, ids)
        if scope is not None and target is not Rep:
            found = {i: account for i, account in found.items() if account in scope}
        elif reps is not None and target is Rep:
            found = {i: account for i, account in found.items() if i in reps}
        known[target].update(found)

    issues = Issues()
    for field, column, target, same_account in _REFERENCES:
        targets, unknown = known[target], failed[target]
        if unknown is None:
            continue
        for i, values in enumerate(named_ids(getattr(data, field), column)):
            for value in values:
                if value in unknown:
                    continue
                if value not in targets:
                    issues.append(source.issue(field, i, column,
                                               f"no {target.__name__.lower()} with id {value!r}"))
                elif same_account:
                    home = home_account(getattr(data, field)[i], known)
                    if home is not None and targets[value] != home:
                        issues.append(source.issue(
                            field, i, column,
                            f"{target.__name__.lower()} {value!r} belongs to account "
                            f"{targets[value]!r}, not {home!r}"))
    for field, column in _SELF_PARENTS:
        issues += _cycles(source, field, column)
    return issues


def _cycles(source: Source, field: str, column: str) -> list[Issue]:
    """Records of the files whose chain of parents comes back to them."""
    records = getattr(source.data, field)
    parent = {r.id: getattr(r, column) for r in records}
    issues = []
    for i, r in enumerate(records):
        seen, node = {r.id}, parent.get(r.id)
        while node is not None and node in parent:
            if node == r.id:
                issues.append(source.issue(field, i, column, f"is part of a cycle through {r.id!r}"))
                break
            if node in seen:
                break
            seen.add(node)
            node = parent[node]
    return issues


def check_moves(source: Source, store: GraphStore) -> None:
    """Raise ``InputError`` when ``source`` moves a record to another account while
    records it leaves in the store would then refer across accounts — the state
    ``check_references`` refuses in an import, so the store must never reach it.
    Each issue is placed at the moved record and names the record left behind.

    A unit, contact or bid moves when its ``account_id`` changes. Whatever refers
    to it under the same-account rule, and whatever belongs to its account
    through it (a contact's influences, a bid's roles), is in its old account, so
    the records of the old accounts are checked again as the write leaves them.
    Records that ``source`` writes itself are ``check_references``' to check.
    """
    data = source.data
    moved: dict[type, dict[str, int]] = {}  # type → id → its index in data
    old_accounts: set[str] = set()
    movable = {target for _, _, target, same in _REFERENCES if same}
    # a big write first asks which types the store holds any of (as ``GraphStore.apply`` does)
    held = store.counts() if sum(len(data.records(t)) for t in movable) >= COUNT_FROM else None
    for t in movable:
        records = data.records(t)
        if not records or (held is not None and not held[Dataset.field_for(t)]):
            moved[t] = {}
            continue
        stored = store.lookup(t, [r.id for r in records])
        moved[t] = {r.id: i for i, r in enumerate(records) if r.id in stored and stored[r.id] != r.account_id}
        old_accounts.update(stored[i] for i in moved[t])
    if not old_accounts:
        return
    checks = [(field, column, target) for field, column, target, same in _REFERENCES if same]
    written = {(type(r), r.key) for _, records in data for r in records}
    left: dict[str, list] = {field: [] for field, _, _ in checks}  # records of the old accounts the write keeps
    known: dict[type, dict[str, str | None]] = {t: {} for _, _, t, _ in _REFERENCES}
    owned = [t for t in known if t.HOME == "account_id"]  # units, contacts, bids: they carry their account
    for held in store.iter_account_data(old_accounts):
        known[Account].update((a.id, a.id) for a in held.accounts)
        for t in owned:
            known[t].update((r.id, r.account_id) for r in held.records(t))
        for field, kept in left.items():
            kept += [r for r in getattr(held, field) if (type(r), r.key) not in written]
    for field, column, target in checks:
        ids = {v for named in named_ids(left[field], column) for v in named if v not in known[target]}
        known[target].update(store.lookup(target, ids) if ids else {})
    for t in owned:  # as the write leaves them
        known[t].update((r.id, r.account_id) for r in data.records(t))

    issues = Issues()
    for field, column, target in checks:
        for r, named in zip(left[field], named_ids(left[field], column)):
            home = home_account(r, known)
            what = f"{kind_of(type(r))} {'/'.join(r.key)!r}"
            for v in named:
                there = known[target].get(v)
                if home is None or there is None or there == home:
                    continue
                owner_field, owner_type = home_via(type(r)) or (None, None)
                if v in moved[target]:
                    issues.append(source.issue(
                        Dataset.field_for(target), moved[target][v], "account_id",
                        f"moving {kind_of(target)} {v!r} to account {there!r} would leave {what} of account "
                        f"{home!r} referring to it ({column}); change or delete that record first"))
                elif owner_type in moved and (owner := getattr(r, owner_field)) in moved[owner_type]:
                    issues.append(source.issue(
                        Dataset.field_for(owner_type), moved[owner_type][owner], "account_id",
                        f"moving {kind_of(owner_type)} {owner!r} to account {home!r} would take {what} along, "
                        f"which refers to {kind_of(target)} {v!r} of account {there!r} ({column}); change or "
                        "delete that record first"))
    if issues:
        raise InputError(issues)


def check_hierarchies(source: Source, store: GraphStore) -> None:
    """Raise ``InputError`` for a record of ``source`` whose chain of parents
    (parent account, parent unit, manager) runs through stored records and comes
    back to it: a cycle that the files alone do not show (``_cycles`` finds those).

    Only records whose parent is not in ``source`` start a walk: any cycle through
    stored records has one. The walks go up one level per query, all together.
    """
    issues = Issues()
    for field, column in _SELF_PARENTS:
        records = getattr(source.data, field)
        if not records:
            continue
        record_type = type(records[0])
        parent = {r.id: getattr(r, column) for r in records}
        current = {i: up for i, r in enumerate(records) if (up := parent[r.id]) is not None and up not in parent}
        seen: dict[int, set[str]] = {i: {records[i].id} for i in current}
        stored: dict[str, str | None] = {}
        while current:
            need = {node for node in current.values() if node not in parent and node not in stored}
            if need:
                found = store.get_many(record_type, [(n,) for n in need])
                stored.update((n, getattr(found[(n,)], column) if (n,) in found else None) for n in need)
            following: dict[int, str] = {}
            for i, node in current.items():
                if node == records[i].id:
                    issues.append(source.issue(field, i, column, f"is part of a cycle through {node!r} "
                                                                 "(with records already stored)"))
                elif node not in seen[i]:
                    seen[i].add(node)
                    up = parent[node] if node in parent else stored[node]
                    if up is not None:
                        following[i] = up
            current = following
    if issues:
        raise InputError(issues)


def new_history(source: Source, store: GraphStore) -> list[AuditEntry]:
    """The audit entries of ``source`` (an exported trail) that the store lacks.

    Raises ``InputError`` for an entry whose id the store holds with other
    values (the trail is only ever added to, never rewritten), and for one dated
    in the future (it would head every listing of the trail for good).
    """
    held = store.audit_entries(e.id for e in source.audit)
    issues = [source.issue(AUDIT, i, "id", f"audit entry {e.id!r} is stored with other values; "
                                           "a trail is only added to, never rewritten")
              for i, e in enumerate(source.audit) if e.id in held and held[e.id] != e]
    soon = dt.datetime.now(dt.UTC) + FUTURE_SLACK
    issues += [source.issue(AUDIT, i, "at", f"{e.at:%Y-%m-%dT%H:%M:%SZ} is in the future: no exported entry can be")
               for i, e in enumerate(source.audit) if e.at > soon]
    if issues:
        raise InputError(issues)
    return [e for e in source.audit if e.id not in held]


def load_source(source: Source, store: GraphStore, dry_run: bool = False,
                progress: Progress | None = None, scope: Collection[str] | None = None,
                actor: Actor | None = None, reps: Collection[str] | None = None) -> dict[str, int]:
    """Check references of already parsed records (see ``check_references`` for
    ``scope`` and ``reps``), what they would leave behind (``check_moves``,
    ``check_hierarchies``) and the audit entries it carries (``new_history``),
    then write them (unless dry_run) in one transaction, recorded as written by
    ``actor``; the checks and the write hold the store's write lock together, so
    no other writer of this process changes what was checked before it is written.
    Returns the records per kind (and ``audit``: the entries it carries, if any).
    """
    with store.exclusive():
        if source.issues:  # problems found while reading (partial): the references' in the same report
            source.issues.extend(reference_issues(source, store, scope, reps))
            raise InputError(source.issues)
        check_references(source, store, scope, reps)
        check_moves(source, store)
        check_hierarchies(source, store)
        history = new_history(source, store)
        if not dry_run:
            store.apply(source.data, progress, actor, history)
    counts = source.data.counts()
    if source.audit:
        counts[AUDIT] = len(source.audit)
    return counts


def load(path: Path, store: GraphStore, dry_run: bool = False,
         progress: Progress | None = None, actor: Actor | None = None,
         notify: Callable[[str], None] | None = None) -> dict[str, int]:
    """Validate and load a directory of CSV files, a JSON file or an Excel
    workbook, atomically. Problems of values and of references are reported together.

    Parameters
    ----------
    path : Path
        A directory of import CSV files, or one ``.json`` file.
    store : GraphStore
    dry_run : bool
        Validate only; write nothing.
    progress : callable, optional
        Called as ``progress(rows_done, rows_total)`` while writing.
    actor : Actor, optional
        Who loads, for the audit trail (default: the OS user).
    notify : callable, optional
        Called with each note of the reader (an encoding or delimiter it guessed).

    Returns
    -------
    dict
        Records per kind, keyed like the import files.

    Raises
    ------
    InputError
        Every problem found; nothing was written.
    """
    with paused_gc():
        source = read_path(Path(path), partial=True)
        for note in source.notes if notify is not None else ():
            notify(note)
        return load_source(source, store, dry_run, progress, actor=actor)
