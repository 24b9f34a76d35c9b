"""The analyses as resources; response bodies are the CLI's ``--json`` reports."""

from __future__ import annotations

from typing import Annotated

import datetime as dt

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AsOf, CacheDep, CurrentKey, KnownAt, PolicyDep, Scope, StoreDep, writer
from graphcrm import access, management, services
from graphcrm.analysis.cadence import CadenceReport
from graphcrm.analysis.completeness import CompletenessReport
from graphcrm.analysis.coverage import CoverageReport
from graphcrm.analysis.departure import DepartureReport, HandoverReport
from graphcrm.analysis.gaps import GapsReport
from graphcrm.analysis.influence import InfluenceReport
from graphcrm.analysis.plans import PlansReport
from graphcrm.model import Bid, Contact, Plan, Tier

__all__ = ["router"]

router = APIRouter(tags=["analyses"])
IdPath = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/bids/{id}/coverage", response_model=CoverageReport, summary="Pre-tender coverage check")
def coverage(id: IdPath, store: StoreDep, cache: CacheDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
             known_at: KnownAt) -> CoverageReport:
    access.visible_record(store, scope, Bid, id)
    return cache.get(store, ("check", id, as_of, policy, known_at),
                     lambda: services.check(store, id, as_of, policy, known_at=known_at))


@router.get("/accounts/{id}/gaps", response_model=GapsReport, summary="Depth gaps by layer")
def gaps(id: IdPath, store: StoreDep, cache: CacheDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
         known_at: KnownAt) -> GapsReport:
    access.require_visible(scope, id, "account", id)
    return cache.get(store, ("gaps", id, as_of, policy, known_at),
                     lambda: services.account_gaps(store, id, as_of, policy, known_at=known_at))


@router.get("/accounts/{id}/influence", response_model=InfluenceReport, summary="Influence ranking")
def influence(id: IdPath, store: StoreDep, cache: CacheDep, scope: Scope, policy: PolicyDep,
              known_at: KnownAt) -> InfluenceReport:
    access.require_visible(scope, id, "account", id)
    return cache.get(store, ("influence", id, policy, known_at),
                     lambda: services.account_influence(store, id, policy, known_at=known_at))


@router.get("/portfolio/risks", response_model=services.RisksReport, summary="Accounts by bus factor")
def risks(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf, known_at: KnownAt,
          tier: Annotated[list[Tier] | None, Query(description="Only these tiers")] = None,
          limit: Annotated[int | None, Query(ge=1, le=100_000)] = None) -> services.RisksReport:
    return services.risks(store, as_of, policy, tiers=tier, limit=limit, jobs=1, account_ids=scope, known_at=known_at)


@router.get("/reps/{id}/departure", response_model=DepartureReport, summary="Departure impact")
def departure(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
              known_at: KnownAt) -> DepartureReport:
    access.visible_rep(store, scope, id)
    return services.departure(store, id, as_of, policy, account_ids=scope, known_at=known_at)


@router.get("/contacts/{id}/warm-paths", response_model=services.PathsReport, summary="Warm paths to a contact")
def warm_paths(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
               known_at: KnownAt) -> services.PathsReport:
    access.visible_record(store, scope, Contact, id)
    return services.contact_paths(store, id, as_of, policy, known_at=known_at)


@router.get("/reps/{id}/handover", response_model=HandoverReport, summary="What a leaving rep hands over")
def handover(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
             known_at: KnownAt) -> HandoverReport:
    access.visible_rep(store, scope, id)
    return services.handover(store, id, as_of, policy, account_ids=scope, known_at=known_at)


RepQuery = Annotated[str | None, Query(min_length=1, max_length=200, description="Only the plans this rep owns")]


@router.get("/portfolio/plans", response_model=PlansReport, summary="Plans and their completion")
def plans(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf, known_at: KnownAt,
          rep_id: RepQuery = None) -> PlansReport:
    return management.plans(store, as_of, policy, rep_id=rep_id, account_ids=scope, jobs=1, known_at=known_at)


@router.get("/accounts/{id}/plans", response_model=PlansReport, summary="An account's plans")
def account_plans(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf, known_at: KnownAt,
                  rep_id: RepQuery = None) -> PlansReport:
    access.require_visible(scope, id, "account", id)
    return management.plans(store, as_of, policy, account_id=id, rep_id=rep_id, jobs=1, known_at=known_at)


class GapPlan(BaseModel):
    """Make one of an account's gap actions a plan: the gap (``kind`` and
    ``subject_id`` as ``gaps`` lists them), its owner and due day; created ``as_of``."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=100)
    subject_id: str | None = Field(None, min_length=1, max_length=200)
    owner_rep_id: str = Field(min_length=1, max_length=200)
    due: dt.date


@router.post("/accounts/{id}/gap-plans", response_model=Plan, status_code=201, dependencies=[Depends(writer)],
             summary="Make a gap's suggested action a plan, in one step")
def gap_plan(id: IdPath, body: GapPlan, store: StoreDep, scope: Scope, who: CurrentKey, policy: PolicyDep,
             as_of: AsOf, response: Response) -> Plan:
    access.require_visible(scope, id, "account", id)
    draft = management.gap_draft(store, id, body.kind, body.subject_id, as_of, policy)
    plan = access.create_record(store, who, scope, Plan, {
        "account_id": id, "owner_rep_id": body.owner_rep_id, "created": as_of, "due": body.due,
        **draft.model_dump()}, via="api POST gap-plans")
    response.headers["Location"] = f"/plans/{plan.id}"
    return plan


@router.get("/portfolio/cadence", response_model=CadenceReport, summary="Meetings per rep and week")
def cadence(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf, known_at: KnownAt,
            weeks: Annotated[int, Query(ge=1, le=520)] = 4) -> CadenceReport:
    return management.cadence(store, as_of, policy, weeks=weeks, account_ids=scope, jobs=1, known_at=known_at)


@router.get("/portfolio/completeness", response_model=CompletenessReport, summary="Information completeness")
def completeness(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
                 known_at: KnownAt) -> CompletenessReport:
    return management.completeness(store, as_of, policy, account_ids=scope, jobs=1, known_at=known_at)


@router.get("/accounts/{id}/completeness", response_model=CompletenessReport, summary="An account's completeness")
def account_completeness(id: IdPath, store: StoreDep, scope: Scope, policy: PolicyDep,
                         as_of: AsOf, known_at: KnownAt) -> CompletenessReport:
    access.require_visible(scope, id, "account", id)
    return management.completeness(store, as_of, policy, account_id=id, jobs=1, known_at=known_at)


@router.get("/portfolio/measures", response_model=management.MeasuresReport,
            summary="Completeness, plan completion, satisfaction")
def measures(store: StoreDep, scope: Scope, policy: PolicyDep, as_of: AsOf,
             known_at: KnownAt) -> management.MeasuresReport:
    return management.measures(store, as_of, policy, account_ids=scope, jobs=1, known_at=known_at)
