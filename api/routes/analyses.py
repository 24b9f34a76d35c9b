"""The analyses as resources; response bodies are the CLI's ``--json`` reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AsOf, CacheDep, KnownAt, PolicyDep, Scope, StoreDep
from graphcrm import services
from graphcrm import access
from graphcrm.analysis.coverage import CoverageReport
from graphcrm.analysis.departure import DepartureReport
from graphcrm.analysis.gaps import GapsReport
from graphcrm.analysis.influence import InfluenceReport
from graphcrm.model import Bid, Contact, Tier

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
