"""Services of the method's management loop: plans, cadence, completeness, measures, handover.

Like ``graphcrm.services``, each takes a store, plain values, ``as_of`` and a
``Policy``, reads account by account (in worker processes for a large
portfolio), runs the pure analyses and raises ``NotFound`` for an unknown id.
``account_ids`` limits a portfolio-wide answer to what an API member may see;
``known_at`` answers from the records as the store held them then (rebuilt
from the audit trail, ``graphcrm.history``; ``BeforeHistory`` before its start).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from pydantic import BaseModel, ValidationError

from graphcrm import history, services
from graphcrm.analysis.cadence import CadenceReport, cadence as cadence_of
from graphcrm.analysis.completeness import AccountCompleteness, CompletenessReport, completeness as completeness_of
from graphcrm.analysis.depth import depths_of_rows
from graphcrm.analysis.gaps import PlanDraft, is_cash_cow
from graphcrm.analysis.feedback import FeedbackSummary, feedback_of, feedback_summary
from graphcrm.analysis.plans import PlansReport, PlanStatus, completion, plan_statuses
from graphcrm.audit import Actor
from graphcrm.errors import InputError, Issue, NotFound
from graphcrm.gc_pause import paused_gc
from graphcrm.graph import AccountRows, build_graph
from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, Contact, Dataset, Feedback, Plan, Relationship, Rep, TeamMember,
)
from graphcrm.policy import Policy
from graphcrm.store.port import GraphStore

__all__ = ["plans", "cadence", "completeness", "measures", "MeasuresReport", "Measures", "plan_from_gap",
           "gap_draft"]

PLAN_RECORDS = (Account, Contact, Relationship, Activity, Agreement, Plan)
"""What a plan's goal reads (depths, stances, units, activities, agreements)."""
COMPLETENESS_RECORDS = (Account, Contact, Relationship, Activity, Bid, BidRole)
"""What information completeness reads."""
LOOP_RECORDS = (*COMPLETENESS_RECORDS, TeamMember, Agreement, Plan, Feedback)
"""What ``measures`` reads: all of the above, the team and the feedback."""


@dataclass
class _Account:
    """What a scan learns of one account (only what it was asked for)."""

    account_id: str
    team: list[str]
    plans: list[PlanStatus]
    completeness: AccountCompleteness | None
    feedback: list[SimpleNamespace]
    cash_cow: bool


def _rows(store: GraphStore, account_ids: list[str], records: tuple, reps: dict[str, Rep],
          known_at: dt.datetime | None) -> Iterator[AccountRows]:
    """Each account's rows of ``records``: as stored now (unvalidated, in batches),
    or as known at ``known_at`` (rebuilt from the trail; an account unknown then
    is left out, and the reps are those known then)."""
    if known_at is None:
        yield from store.iter_account_rows(account_ids, records)
        return
    reps.clear()
    reps.update(history.reps_known_at(store, known_at))
    for past in history.iter_account_pasts(store, account_ids, record_types=records):
        if (data := past.at(known_at)) is not None:
            yield AccountRows(**{Dataset.field_for(t): list(data.records(t)) for t in records if t is not Rep})


def _scan_batch(store: GraphStore, account_ids: list[str], as_of: dt.date, policy: Policy,
                records: tuple, known_at: dt.datetime | None, reps: dict[str, Rep]) -> list[_Account]:
    """Plans, completeness and feedback of each account of a batch (sorted ids),
    each when ``records`` holds what it reads (a scan reads no more than its
    command needs: at 50k accounts reading and building the graphs is the cost)."""
    out = []
    reps = dict(reps)
    with paused_gc(collect=True):
        for rows in _rows(store, account_ids, records, reps, known_at):
            if records == PLAN_RECORDS:
                _only_what_plans_read(rows)
            touched = {k.rep_id for k in rows.relationships} | {p.owner_rep_id for p in rows.plans}
            touched |= {r for a in rows.activities for r in a.rep_ids}
            rows.reps = [reps[r] for r in sorted(touched) if r in reps]
            account_id = rows.accounts[0].id
            d = depths_of_rows(rows, as_of, policy)
            rows.relationships = []  # what follows reads no KNOWS edge: the graph is built without them
            g = build_graph(rows, account_id)
            out.append(_Account(account_id, sorted(t.rep_id for t in rows.account_team),
                                plan_statuses(g, d, as_of) if Plan in records else [],
                                completeness_of(g, d) if BidRole in records else None,
                                feedback_of(g), is_cash_cow(g)))
    return out


def _only_what_plans_read(rows) -> None:
    """Keep of an account's rows what its plans' goals read: the contacts the plans
    name or that belong to a unit they name, and the relationships into those
    contacts (a pair's effective depth depends on that pair and the activities
    alone, so the plans' statuses are the same; most of an account's relationships
    go)."""
    named = {p.contact_id for p in rows.plans if p.contact_id}
    units = {p.unit_id for p in rows.plans if p.unit_id}
    rows.contacts = [c for c in rows.contacts if c.id in named or c.unit_id in units]
    rows.relationships = [k for k in rows.relationships if k.contact_id in named]


def _ids(store: GraphStore, account_id: str | None, account_ids: Iterable[str] | None,
         known_at: dt.datetime | None = None) -> list[str]:
    """The accounts to scan: one (``NotFound`` if it did not exist, now or at
    ``known_at``), those of ``account_ids``, or every account (now, or ever, at ``known_at``)."""
    if account_id is not None:
        if services.record_at(store, Account, account_id, known_at) is None:
            raise NotFound("account", account_id)
        return [account_id]
    if account_ids is not None:
        return sorted(set(account_ids))
    return store.account_ids() if known_at is None else history.all_account_ids(store)


def _scan(store: GraphStore, ids: list[str], as_of: dt.date, policy: Policy, jobs: int | None,
          records: tuple = LOOP_RECORDS, known_at: dt.datetime | None = None) -> Iterator[_Account]:
    for batch in services.batches(store, ids, jobs, _scan_batch, as_of, policy, records, known_at):
        yield from batch


def plans(store: GraphStore, as_of: dt.date, policy: Policy, account_id: str | None = None, rep_id: str | None = None,
          account_ids: Iterable[str] | None = None, jobs: int | None = None,
          known_at: dt.datetime | None = None) -> PlansReport:
    """Every plan (of one account, of one owner) with its status, and their completion."""
    known_at = services.checked_known_at(store, known_at)
    if rep_id is not None and services.record_at(store, Rep, rep_id, known_at) is None:
        raise NotFound("rep", rep_id)
    ids = _ids(store, account_id, account_ids, known_at)
    if len(ids) > 1 and known_at is None:  # only the accounts that have a plan (of that owner) need their graph
        ids = sorted(set(ids) & store.plan_account_ids(rep_id))
    found = [p for a in _scan(store, ids, as_of, policy, jobs, PLAN_RECORDS, known_at) for p in a.plans
             if rep_id is None or p.owner_rep_id == rep_id]
    found.sort(key=lambda p: ({"overdue": 0, "open": 1, "done": 2}[p.status], p.due, p.plan_id))
    return PlansReport(as_of=as_of, plans=found, completion=completion(found))


def completeness(store: GraphStore, as_of: dt.date, policy: Policy, account_id: str | None = None,
                 account_ids: Iterable[str] | None = None, jobs: int | None = None,
                 known_at: dt.datetime | None = None) -> CompletenessReport:
    """The information completeness of one account, or of every account, least complete first."""
    known_at = services.checked_known_at(store, known_at)
    found = [a.completeness for a in _scan(store, _ids(store, account_id, account_ids, known_at), as_of, policy,
                                           jobs, COMPLETENESS_RECORDS, known_at)]
    found.sort(key=lambda c: (c.score is None, c.score or 0.0, c.account_id))
    return CompletenessReport(as_of=as_of, accounts=found)


def _cadence_batch(store: GraphStore, account_ids: list[str], known_at: dt.datetime | None,
                   reps: dict[str, Rep]) -> list:
    return [(rows.accounts[0].id, rows.activities, [t.rep_id for t in rows.account_team])
            for rows in _rows(store, account_ids, (Account, TeamMember, Activity), dict(reps), known_at)]


def cadence(store: GraphStore, as_of: dt.date, policy: Policy, weeks: int = 4,
            account_ids: Iterable[str] | None = None, jobs: int | None = None,
            known_at: dt.datetime | None = None) -> CadenceReport:
    """Meetings per active rep and ISO week over the last ``weeks`` complete weeks,
    and the neglected accounts. Every active rep is listed; with ``account_ids``
    (a member's view), the active reps of those accounts' teams, counting only
    those accounts' activities. Known at ``known_at``: the accounts, activities,
    teams and reps (and who was active) as the store held them then."""
    known_at = services.checked_known_at(store, known_at)
    ids = _ids(store, None, account_ids, known_at)
    activities, team, accounts = [], set(), []
    for batch in services.batches(store, ids, jobs, _cadence_batch, known_at):
        for account_id, acts, members in batch:
            accounts.append(account_id)
            activities += acts
            team.update(members)
    every = store.reps() if known_at is None else history.reps_known_at(store, known_at)
    active = {r for r, rep in every.items() if rep.active}
    reps = active if account_ids is None else active & team
    return cadence_of(activities, reps, sorted(accounts), as_of, policy, weeks)


class Measures(BaseModel):
    """The method's three field measures for one account, rep or the portfolio:
    information completeness, plan completion, customer satisfaction (docs/design.md §3.29)."""

    completeness: float | None
    plan_completion: float | None
    satisfaction: float | None


class AccountMeasures(Measures):
    account_id: str
    cash_cow: bool = False
    open_complaints: list[str] = []


class RepMeasures(Measures):
    rep_id: str


class MeasuresReport(BaseModel):
    """``measures --json`` and the portfolio page's table."""

    as_of: dt.date
    portfolio: Measures
    accounts: list[AccountMeasures]
    reps: list[RepMeasures]


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.fmean(known), 4) if known else None


def measures(store: GraphStore, as_of: dt.date, policy: Policy, account_ids: Iterable[str] | None = None,
             jobs: int | None = None, known_at: dt.datetime | None = None) -> MeasuresReport:
    """Completeness, plan completion and satisfaction per account, per rep and for the portfolio.

    A rep's completeness is the mean over the accounts on their team; their plan
    completion is over the plans they own; their satisfaction over the feedback
    of their team's accounts. The portfolio's completeness is the mean over its
    accounts, its plan completion and satisfaction over all its plans and feedback.
    """
    known_at = services.checked_known_at(store, known_at)
    scanned = list(_scan(store, _ids(store, None, account_ids, known_at), as_of, policy, jobs, LOOP_RECORDS,
                         known_at))
    summaries: dict[str, FeedbackSummary] = {a.account_id: feedback_summary(a.feedback, as_of, policy)
                                             for a in scanned}
    accounts = [AccountMeasures(account_id=a.account_id, cash_cow=a.cash_cow, completeness=a.completeness.score,
                                plan_completion=completion(a.plans).overall,
                                satisfaction=summaries[a.account_id].satisfaction,
                                open_complaints=summaries[a.account_id].open_complaints) for a in scanned]
    every_plan = [p for a in scanned for p in a.plans]
    by_owner = completion(every_plan).by_rep
    teams: dict[str, list[_Account]] = {}
    for a in scanned:
        for r in a.team:
            teams.setdefault(r, []).append(a)
    reps = [RepMeasures(rep_id=r, completeness=_mean([a.completeness.score for a in teams.get(r, [])]),
                        plan_completion=by_owner.get(r),
                        satisfaction=feedback_summary([f for a in teams.get(r, []) for f in a.feedback],
                                                      as_of, policy).satisfaction)
            for r in sorted(set(teams) | set(by_owner))]
    portfolio = Measures(completeness=_mean([a.completeness.score for a in scanned]),
                         plan_completion=completion(every_plan).overall,
                         satisfaction=feedback_summary([f for a in scanned for f in a.feedback],
                                                       as_of, policy).satisfaction)
    return MeasuresReport(as_of=as_of, portfolio=portfolio, accounts=accounts, reps=reps)


def gap_draft(store: GraphStore, account_id: str, kind: str, subject_id: str | None, as_of: dt.date,
              policy: Policy) -> PlanDraft:
    """The plan draft of the account's gap of that kind and subject as of the day; ``NotFound`` without one."""
    layers = services.account_gaps(store, account_id, as_of, policy).layers
    for layer in (layers.key, layers.general, layers.organisational):
        for gap in layer.gaps:
            if gap.kind == kind and gap.subject_id == subject_id:
                return gap.plan
    raise NotFound("gap", f"{kind} {subject_id}" if subject_id else kind)


def plan_from_gap(store: GraphStore, account_id: str, kind: str, subject_id: str | None, owner_rep_id: str,
                  created: dt.date, due: dt.date, policy: Policy, plan_id: str | None = None,
                  scope: Iterable[str] | None = None, actor: Actor | None = None) -> Plan:
    """Save the plan that carries out one of the account's gap actions as of
    ``created`` (the gap named by its kind and subject), owned by ``owner_rep_id``.

    Raises ``NotFound`` when the account has no such gap that day, ``InputError``
    (located at ``body``) for a plan that does not check (an unknown owner, due
    before created)."""
    draft = gap_draft(store, account_id, kind, subject_id, created, policy)
    plan_id = plan_id or f"plan-{subject_id or account_id}-{kind}-{created:%Y%m%d}"
    try:
        plan = Plan(id=plan_id, account_id=account_id, owner_rep_id=owner_rep_id, created=created, due=due,
                    **draft.model_dump())
    except ValidationError as e:
        raise InputError([Issue("body", None, None, ".".join(map(str, err["loc"])) or None, err["msg"])
                          for err in e.errors(include_url=False)], "the plan") from None
    services.save(store, plan, scope=scope, actor=actor)
    return plan
