"""Services: the analyses run against a store, for the CLI and the API.

Each takes a store, plain values, ``as_of`` and a ``Policy``, and optionally
``known_at`` (a time: the records as the store held them then, rebuilt from the
audit trail by ``graphcrm.history``; None: as they are now); fetches the graphs it
needs; runs the pure analyses; and raises ``NotFound`` for an unknown id (unknown
at ``known_at``) and ``history.BeforeHistory`` for a ``known_at`` before the trail.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from concurrent.futures import Future, ProcessPoolExecutor

import networkx as nx
from pydantic import BaseModel, Field

from graphcrm import history
from graphcrm.analysis.coverage import CoverageReport, coverage_check
from graphcrm.analysis.departure import DepartureReport, HandoverReport, account_impact, handover_account
from graphcrm.analysis.dependency import AccountRisk, account_risk
from graphcrm.analysis.depth import account_required_depth, depths, status
from graphcrm.analysis.gaps import GapsReport, gaps
from graphcrm.analysis.influence import InfluenceReport, influence
from graphcrm.analysis.paths import WarmPath, warm_paths
from graphcrm.audit import Actor, AuditEntry
from graphcrm.errors import NotFound
from graphcrm.graph import build_graph
from graphcrm.fileformat import Source
from graphcrm.gc_pause import paused_gc
from graphcrm.importer import load_source
from graphcrm.model import (
    Account, Activity, Bid, BidRole, Contact, Dataset, Influence, Record, Relationship, Rep, TeamMember, Tier,
)
from graphcrm.policy import Policy
from graphcrm.store.port import GraphStore

class ReportCache:
    """Reports kept until the store changes: a report is a pure function of the
    data, ``as_of`` and the policy, so while ``store.generation`` stays the same
    (counted after every committed write) the same question gets the same answer.

    Only for a store this process alone writes (``store.exclusive_writer``, the embedded
    store); for a shared store every call computes afresh.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: GraphStore, key: tuple, compute: Callable[[], Any]) -> Any:
        if not store.exclusive_writer:
            return compute()
        full = (store.generation, *key)  # read before computing: a write meanwhile retires it
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


__all__ = [
    "ReportCache",
    "check", "account_gaps", "account_influence", "contact_paths", "PathsReport", "risks",
    "RisksReport", "departure", "handover", "save", "batches", "parallel",
]

PARALLEL_FROM = 200
"""Below this many accounts, ``risks`` stays in one process (start-up costs more)."""
WORKER_BATCH = 1_000
"""Accounts per task of a worker process (read ``store.port.ACCOUNT_BATCH`` per query)."""


def checked_known_at(store: GraphStore, known_at: dt.datetime | None) -> dt.datetime | None:
    """``known_at`` checked against the store's history (None stays None: now)."""
    return None if known_at is None else history.check_known_at(store, known_at)


def graph_at(store: GraphStore, account_id: str, known_at: dt.datetime | None) -> nx.MultiDiGraph | None:
    """An account's graph as the store holds it now, or as known at ``known_at``."""
    if known_at is None:
        return store.account_graph(account_id)
    data = history.account_data(store, account_id, known_at)
    return None if data is None else build_graph(data, account_id)


def record_at(store: GraphStore, record_type: type[Record], key: str, known_at: dt.datetime | None):
    return store.get(record_type, key) if known_at is None else history.record_known_at(store, record_type, key,
                                                                                        known_at)


def _account_graph(store: GraphStore, account_id: str, known_at: dt.datetime | None = None) -> nx.MultiDiGraph:
    g = graph_at(store, account_id, known_at)
    if g is None:
        raise NotFound("account", account_id)
    return g


def bid_graph(store: GraphStore, bid_id: str, known_at: dt.datetime | None = None) -> nx.MultiDiGraph:
    """A bid's graph (its account's, ``graph["bid_id"]`` set), now or as known at ``known_at``."""
    bid = record_at(store, Bid, bid_id, known_at)
    g = None if bid is None else graph_at(store, bid.account_id, known_at)
    if g is None:
        raise NotFound("bid", bid_id)
    g.graph["bid_id"] = bid_id
    return g


def check(store: GraphStore, bid_id: str, as_of: dt.date, policy: Policy,
          known_at: dt.datetime | None = None) -> CoverageReport:
    """The pre-tender coverage check of a bid."""
    return coverage_check(bid_graph(store, bid_id, checked_known_at(store, known_at)), bid_id, as_of, policy)


def account_gaps(store: GraphStore, account_id: str, as_of: dt.date, policy: Policy,
                 known_at: dt.datetime | None = None) -> GapsReport:
    """Relationship-depth gaps of an account, by layer."""
    return gaps(_account_graph(store, account_id, checked_known_at(store, known_at)), as_of, policy)


def account_influence(store: GraphStore, account_id: str, policy: Policy,
                      known_at: dt.datetime | None = None) -> InfluenceReport:
    """The account's contacts by influence score, hidden influencers marked."""
    return influence(_account_graph(store, account_id, checked_known_at(store, known_at)), policy)


class PathsReport(BaseModel):
    """``paths --json``: how our reps could reach a contact."""

    contact_id: str
    name: str
    title: str | None
    account_id: str
    as_of: dt.date
    best_depth: int
    required_depth: int
    status: str
    warm_paths: list[WarmPath]


def contact_paths(store: GraphStore, contact_id: str, as_of: dt.date, policy: Policy,
                  known_at: dt.datetime | None = None) -> PathsReport:
    """The strongest warm paths to a contact."""
    known_at = checked_known_at(store, known_at)
    contact = record_at(store, Contact, contact_id, known_at)
    if contact is None:
        raise NotFound("contact", contact_id)
    return paths_report(_account_graph(store, contact.account_id, known_at), contact, as_of, policy)


def paths_report(g: nx.MultiDiGraph, contact: Contact, as_of: dt.date, policy: Policy) -> PathsReport:
    """The strongest warm paths to a contact of the account graph ``g``."""
    d = depths(g, as_of, policy)
    best = d.best(contact.id)
    required = account_required_depth(g, contact.id, policy)
    return PathsReport(
        contact_id=contact.id, name=contact.name, title=contact.title, account_id=contact.account_id,
        as_of=as_of, best_depth=best, required_depth=required, status=status(best, required),
        warm_paths=warm_paths(g, contact.id, d, policy),
    )


def departure(store: GraphStore, rep_id: str, as_of: dt.date, policy: Policy,
              account_ids: Iterable[str] | None = None, known_at: dt.datetime | None = None) -> DepartureReport:
    """The impact of a rep leaving, on every account where they hold a relationship
    (only those among ``account_ids`` when given)."""
    known_at = checked_known_at(store, known_at)
    rep = record_at(store, Rep, rep_id, known_at)
    if rep is None:
        raise NotFound("rep", rep_id)
    ids = store.rep_account_ids(rep_id) if known_at is None else history.rep_account_ids(store, rep_id, known_at)
    if account_ids is not None:
        ids = sorted(set(ids) & set(account_ids))
    with paused_gc(collect=True):
        impacts = [i for g in _departure_graphs(store, ids, known_at)
                   if (i := account_impact(g, rep_id, as_of, policy)) is not None]
    impacts.sort(key=lambda i: (-len(i.uncovered_key_contacts), i.bus_factor_after, -len(i.orphaned_contacts),
                                i.account_id))
    return DepartureReport(rep_id=rep_id, name=rep.name, active=rep.active, as_of=as_of, accounts=impacts)


def handover(store: GraphStore, rep_id: str, as_of: dt.date, policy: Policy,
             account_ids: Iterable[str] | None = None, known_at: dt.datetime | None = None) -> HandoverReport:
    """What a leaving rep hands over: on every account where they know someone or
    are on the team (only those among ``account_ids`` when given), their contacts
    with a successor each, and the account's open bids.

    Known at a past ``known_at``, the accounts are those where the rep then held a
    relationship (the trail is searched by relationship; an account where they
    were only on the team is not listed)."""
    known_at = checked_known_at(store, known_at)
    if record_at(store, Rep, rep_id, known_at) is None:
        raise NotFound("rep", rep_id)
    if known_at is None:
        ids = set(store.rep_account_ids(rep_id)) | set(store.team_account_ids(rep_id))
    else:
        ids = set(history.rep_account_ids(store, rep_id, known_at))
    if account_ids is not None:
        ids &= set(account_ids)
    with paused_gc(collect=True):
        found = [handover_account(g, rep_id, as_of, policy) for g in _departure_graphs(store, sorted(ids), known_at)]
    return HandoverReport(rep_id=rep_id, as_of=as_of, accounts=found)


def save(store: GraphStore, record: Record, scope: Iterable[str] | None = None, actor: Actor | None = None,
         reps: Iterable[str] | None = None) -> None:
    """Upsert one record after the same checks as an import (its references must
    exist and stay within its account; within ``scope`` and naming only ``reps``
    when given), recorded in the audit trail as written by ``actor``; raises
    ``InputError`` located at ``body``."""
    field = Dataset.field_for(type(record))
    load_source(Source(Dataset(**{field: [record]}), {field: [("body", None, None)]}), store,
                scope=None if scope is None else set(scope), actor=actor, reps=None if reps is None else set(reps))


class AuditPage(BaseModel):
    """``audit --json`` and ``GET /audit``: a page of the audit trail, newest first."""

    data: list[AuditEntry]
    count: int = Field(description="How many entries match, on every page")


class RisksReport(BaseModel):
    """``risks --json``: accounts by single-person dependency, riskiest first."""

    as_of: dt.date
    accounts: list[AccountRisk]


def risk_order(r: AccountRisk) -> tuple:
    """Riskiest first: accounts with key contacts before those without; then by
    bus factor (0 — no key contact covered at all — first, then 1, 2, …); then
    tier S before A, B, C; then the larger share held by the top rep."""
    return (r.key_contacts == 0, r.bus_factor, list(Tier).index(Tier(r.tier)), -r.top_holder_share, r.account_id)


RISK_RECORDS = (Account, Contact, Relationship, Bid, BidRole, Activity)
"""What ``account_risk`` reads of an account (activities: for each pair's last
contact, ``graphcrm.analysis.depth.last_contacts``); its reps come from ``GraphStore.reps``."""
DEPARTURE_RECORDS = (*RISK_RECORDS, Influence, TeamMember)
"""What ``account_impact`` and ``handover_account`` read: the team (successors
come from it) and the influence lines (a successor may be found by a warm path)."""


def _risk_graphs(store: GraphStore, account_ids: list[str], reps: dict[str, Rep],
                 tiers: set[Tier] | None = None, records: tuple = RISK_RECORDS) -> Iterator[nx.MultiDiGraph]:
    """The graphs of ``account_ids`` (sorted) with what ``account_risk`` and
    ``account_impact`` read (``RISK_RECORDS``, or ``records``), built from
    unvalidated rows read in batches; accounts of other tiers are skipped."""
    for rows in store.iter_account_rows(account_ids, records):
        account = rows.accounts[0]
        if tiers is None or account.tier in tiers:
            touched = {k.rep_id for k in rows.relationships} | {t.rep_id for t in rows.account_team}
            rows.reps = [reps[r] for r in sorted(touched)]
            yield build_graph(rows, account.id)


def _departure_graphs(store: GraphStore, account_ids: list[str],
                      known_at: dt.datetime | None) -> Iterator[nx.MultiDiGraph]:
    """The graphs ``departure`` and ``handover`` read (``DEPARTURE_RECORDS``) of
    ``account_ids`` (sorted): as stored now, or as known at ``known_at`` (an
    account unknown then is left out)."""
    if known_at is None:
        return _risk_graphs(store, account_ids, store.reps(), records=DEPARTURE_RECORDS)
    return (g for a in account_ids if (g := graph_at(store, a, known_at)) is not None)


def _risks_of_store(store: GraphStore, account_ids: list[str], tiers: set[Tier] | None,
                    as_of: dt.date, policy: Policy, reps: dict[str, Rep]) -> list[AccountRisk]:
    """The risk of each account among ``account_ids`` (sorted)."""
    with paused_gc(collect=True):
        return [account_risk(g, as_of, policy) for g in _risk_graphs(store, account_ids, reps, tiers)]


_worker: tuple[GraphStore, dict[str, Rep]] | None = None


def _open_worker_store(cls: type[GraphStore], args: tuple) -> None:
    global _worker
    store = cls(*args)
    _worker = (store, store.reps())


def _in_worker(work: Callable, account_ids: list[str], *args) -> list:
    """In a worker process: ``work(store, account_ids, *args, reps)`` on the worker's own store."""
    store, reps = _worker
    return work(store, account_ids, *args, reps)


def parallel(store: GraphStore, ids: list[str], jobs: int, work: Callable, *args) -> Iterator[list]:
    """Batches of accounts analysed by ``jobs`` processes that each read the
    store themselves (``work(store, batch, *args, reps)``, a module-level function
    returning a list); at most ``2 × jobs`` batches in flight, so memory stays
    bounded however large the portfolio."""
    batches = [ids[i:i + WORKER_BATCH] for i in range(0, len(ids), WORKER_BATCH)]
    # spawn, not fork: a forked child inherits the store engine's threads and locks mid-use
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_open_worker_store, initargs=store.reader()) as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(_in_worker, work, batch, *args))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def batches(store: GraphStore, ids: list[str], jobs: int | None, work: Callable, *args) -> Iterator[list]:
    """``work`` over ``ids`` in batches: in ``jobs`` worker processes (default: the
    cores) from ``PARALLEL_FROM`` accounts on, else in this process."""
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(ids) >= PARALLEL_FROM:
        yield from parallel(store, ids, jobs, work, *args)
        return
    reps = store.reps()
    for i in range(0, len(ids), WORKER_BATCH):
        yield work(store, ids[i:i + WORKER_BATCH], *args, reps)


def risks(store: GraphStore, as_of: dt.date, policy: Policy, tiers: Iterable[str] | None = None,
          limit: int | None = None, jobs: int | None = None,
          progress: Callable[[int, int], None] | None = None,
          account_ids: Iterable[str] | None = None, known_at: dt.datetime | None = None) -> RisksReport:
    """Single-person dependency of every account, streamed account by account.

    Parameters
    ----------
    tiers : iterable of str, optional
        Keep only accounts of these tiers.
    limit : int, optional
        Keep only the riskiest ``limit`` accounts.
    jobs : int, optional
        Worker processes (default: the number of cores); one process below
        ``PARALLEL_FROM`` accounts.
    progress : callable, optional
        Called as ``progress(accounts_done, accounts_total)``.
    account_ids : iterable of str, optional
        Only these accounts (what an API member may see); default every account.
    known_at : datetime, optional
        The accounts as known then (one process, account by account from the trail).
    """
    known_at = checked_known_at(store, known_at)
    ids = store.account_ids() if account_ids is None else sorted(set(account_ids))
    wanted = {Tier(t) for t in tiers} if tiers else None
    if known_at is not None:
        ids = history.all_account_ids(store) if account_ids is None else ids
        pasts = history.iter_account_pasts(store, ids)
        found = ([account_risk(build_graph(data, past.account_id), as_of, policy)
                  for past in itertools.islice(pasts, WORKER_BATCH)
                  if (data := past.at(known_at)) is not None and (wanted is None or data.accounts[0].tier in wanted)]
                 for _ in range(0, len(ids), WORKER_BATCH))
    else:
        found = batches(store, ids, jobs, _risks_of_store, wanted, as_of, policy)
    kept: list[AccountRisk] = []
    done = 0
    for batch in found:
        kept += batch
        done = min(done + WORKER_BATCH, len(ids))
        if progress is not None:
            progress(done, len(ids))
    kept.sort(key=risk_order)
    return RisksReport(as_of=as_of, accounts=kept[:limit] if limit else kept)
