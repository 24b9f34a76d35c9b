"""Relationship-depth gaps by layer: key, general, organisational (docs/design.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.depth import Depths, account_key_contacts, bid_key_contacts, days_before, depths
from graphcrm.analysis.feedback import FeedbackSummary, feedback_of, feedback_summary
from graphcrm.errors import NotFound
from graphcrm.graph import nodes_of
from graphcrm.model import ActivityKind, AgreementKind, Level, StrategicFit, Tier, UnitKind
from graphcrm.policy import Policy

__all__ = ["Gap", "PlanDraft", "draft_plan", "KeyLayer", "GeneralLayer", "OrganisationalLayer", "Layers", "GapsReport", "gaps", "layers",
           "is_cash_cow", "ORG_ACTIVITIES"]

ORG_ACTIVITIES = (ActivityKind.executive_visit, ActivityKind.strategy_alignment)
"""Activities that count as company-to-company contact for the organisational layer."""


class PlanDraft(BaseModel):
    """The plan a gap's action becomes (``plans.csv`` less its id, owner and days)."""

    layer: str
    goal: str
    target: str
    contact_id: str | None = None
    unit_id: str | None = None


class Gap(BaseModel):
    """One gap and what to do about it; ``plan``: that action as a plan to own."""

    kind: str
    subject_id: str | None = None
    subject_name: str | None = None
    best_depth: int | None = None
    required_depth: int | None = None
    gap: int | None = None
    action: str
    plan: PlanDraft | None = None


def draft_plan(gap: Gap, policy: Policy) -> PlanDraft:
    """The plan that carries out a gap's suggested action: reach the required depth
    with a contact, meet someone in a dark unit, visit an executive (or deepen a
    relationship started at a visit), sign an agreement, hold a strategy alignment,
    bring another rep into a meeting on the account."""
    kind, subject = gap.kind, gap.subject_id
    if kind in ("key_contact", "unknown_contact"):
        layer = "key" if kind == "key_contact" else "general"
        return PlanDraft(layer=layer, goal="depth", target=str(gap.required_depth), contact_id=subject)
    if kind == "dark_unit":
        return PlanDraft(layer="general", goal="activity", target="visit", unit_id=subject)
    if kind == "executive_counterpart":
        if "deepen" in gap.action:
            return PlanDraft(layer="organisational", goal="depth", target=str(policy.org_min_depth),
                             contact_id=subject)
        return PlanDraft(layer="organisational", goal="activity", target="executive_visit", contact_id=subject)
    if kind == "agreement":
        return PlanDraft(layer="organisational", goal="agreement", target="strategic_cooperation")
    if kind == "org_activity":
        return PlanDraft(layer="organisational", goal="activity", target="strategy_alignment")
    return PlanDraft(layer="organisational", goal="activity", target="meeting")  # team_breadth


class KeyLayer(BaseModel):
    score: float
    gaps: list[Gap]


class GeneralLayer(BaseModel):
    score: float
    contacts_covered_share: float
    units_lit_share: float
    dark_units: list[str]
    gaps: list[Gap]


class OrganisationalLayer(BaseModel):
    required: bool
    score: float | None
    gaps: list[Gap]


class Layers(BaseModel):
    key: KeyLayer
    general: GeneralLayer
    organisational: OrganisationalLayer


class GapsReport(BaseModel):
    """``gaps --json``."""

    account_id: str
    name: str
    tier: str
    as_of: dt.date
    cash_cow: bool = False
    """The account's strategy diverges from ours: kept, not invested in (no organisational layer)."""
    layers: Layers
    feedback: FeedbackSummary | None = None
    """The account's open complaints, median days to close and satisfaction (not for a bid's check)."""


DIGITS = 4
"""Scores and shares are reported to this many decimal places."""


def _share(hit: int, total: int) -> float:
    """``hit / total``, unrounded; an empty set counts as fully covered."""
    return 1.0 if total == 0 else hit / total


def _out(value: float) -> float:
    """A score or share as reported: rounded once, here, from the unrounded value
    (a score derived from shares is computed from the unrounded shares)."""
    return round(value, DIGITS)


def _who(attrs: dict[str, Any]) -> str:
    title = attrs.get("title")
    return f"{attrs['name']} ({title})" if title else attrs["name"]


def _key_gap(g: nx.MultiDiGraph, c: str, d: Depths, required: int) -> Gap:
    attrs = g.nodes[("Contact", c)]
    best = d.best(c)
    reps = d.effective.get(c, {})
    if best == 0:
        action = f"nobody on our side knows {_who(attrs)}: find a way in"
    else:
        top = min(reps, key=lambda r: (-reps[r], r))
        rep_name = g.nodes[("Rep", top)]["name"]
        raw = d.raw.get(c, {}).get(top, 0)
        if raw >= required:
            action = (f"{rep_name} should meet {_who(attrs)} again: the relationship has gone stale "
                      f"(last contact {d.last_contact.get((top, c))})")
        else:
            action = f"{rep_name} should deepen the relationship with {_who(attrs)} from {best} to {required}"
    return Gap(kind="key_contact", subject_id=c, subject_name=attrs["name"], best_depth=best,
               required_depth=required, gap=required - best, action=action)


def layers(g: nx.MultiDiGraph, d: Depths, keys: set[str], as_of: dt.date, policy: Policy) -> Layers:
    """The three layers for an account graph, given its key contacts ``keys``
    (an account's, or a bid's for the pre-tender check)."""
    required = policy.key_required_depth
    key_gaps = [_key_gap(g, c, d, required) for c in sorted(keys) if d.best(c) < required]
    key = KeyLayer(score=_out(_share(len(keys) - len(key_gaps), len(keys))), gaps=key_gaps)

    contacts = dict(nodes_of(g, "Contact"))
    general_contacts = [c for c in contacts if c not in keys]
    unknown = [c for c in general_contacts if d.best(c) == 0]
    reached = len(general_contacts) - len(unknown)
    units = {u: a for u, a in nodes_of(g, "Unit") if a["kind"] in (UnitKind.department, UnitKind.branch)}
    lit = {a.get("unit_id") for c, a in contacts.items() if d.best(c) >= 1}
    dark = sorted(u for u in units if u not in lit)
    contacts_share = _share(reached, len(general_contacts))
    units_share = _share(len(units) - len(dark), len(units))
    general = GeneralLayer(
        score=_out((contacts_share + units_share) / 2),
        contacts_covered_share=_out(contacts_share),
        units_lit_share=_out(units_share),
        dark_units=dark,
        gaps=[*(Gap(kind="dark_unit", subject_id=u, subject_name=units[u]["name"],
                    action=f"no one covers {units[u]['kind']} {units[u]['name']}: meet someone there")
                for u in dark),
              *(Gap(kind="unknown_contact", subject_id=c, subject_name=contacts[c]["name"], best_depth=0,
                    required_depth=1, gap=1, action=f"nobody on our side knows {_who(contacts[c])}: meet them")
                for c in unknown)],
    )
    out = Layers(key=key, general=general, organisational=_organisational(g, d, contacts, as_of, policy))
    for layer in (out.key, out.general, out.organisational):
        for gap in layer.gaps:
            gap.plan = draft_plan(gap, policy)
    return out


def _organisational(g: nx.MultiDiGraph, d: Depths, contacts: dict, as_of: dt.date,
                    policy: Policy) -> OrganisationalLayer:
    account = g.nodes[("Account", g.graph["account_id"])]
    if account["tier"] not in (Tier.S, Tier.A) or is_cash_cow(g):
        return OrganisationalLayer(required=False, score=None, gaps=[])
    reps = dict(nodes_of(g, "Rep"))
    deep = policy.org_min_depth
    gaps = []
    unmet_execs = [
        c for c, a in contacts.items() if a.get("level") == Level.executive
        and not any(reps[r].get("level") == Level.executive and depth >= deep
                    for r, depth in d.effective.get(c, {}).items())
    ]
    since = days_before(as_of, policy.org_activity_days)
    org_acts = [(a["date"], act) for act, a in nodes_of(g, "Activity")
                if a["kind"] in ORG_ACTIVITIES and since < a["date"] <= as_of]
    visited = {}  # executive contact → the day of their latest executive visit in the window
    for day, act in sorted(org_acts):
        if g.nodes[("Activity", act)]["kind"] == ActivityKind.executive_visit:
            for lab, c in g.pred[("Activity", act)]:
                if lab == "Contact":
                    visited[c] = day
    for c in unmet_execs:
        if c in visited:
            action = (f"{_who(contacts[c])} had an executive visit on {visited[c]}: deepen that relationship "
                      f"(an executive of ours at depth ≥ {deep}) rather than another first visit")
        else:
            action = f"arrange an executive visit to {_who(contacts[c])}"
        gaps.append(Gap(kind="executive_counterpart", subject_id=c, subject_name=contacts[c]["name"], action=action))
    agreements = [a for _, a in nodes_of(g, "Agreement")
                  if a["kind"] in (AgreementKind.strategic_cooperation, AgreementKind.joint_innovation_center)
                  and (a.get("expires") is None or a["expires"] >= as_of)
                  and (a.get("signed") is None or a["signed"] <= as_of)]
    if not agreements:
        gaps.append(Gap(kind="agreement", action="propose a strategic cooperation agreement "
                                                  "or a joint innovation centre"))
    team = {r for reps_of in d.effective.values() for r, depth in reps_of.items() if depth >= deep}
    if len(team) < policy.org_min_reps:
        gaps.append(Gap(kind="team_breadth", best_depth=None,
                        action=f"only {len(team)} of our reps know the account at depth ≥ {deep}: "
                               f"bring at least {policy.org_min_reps - len(team)} more in"))
    if not org_acts:
        gaps.append(Gap(kind="org_activity", action=f"no executive visit or strategy alignment in the last "
                                                    f"{policy.org_activity_days} days: plan one"))
    met = (not unmet_execs) + bool(agreements) + (len(team) >= policy.org_min_reps) + bool(org_acts)
    return OrganisationalLayer(required=True, score=_out(met / 4), gaps=gaps)


def is_cash_cow(g: nx.MultiDiGraph) -> bool:
    """An account whose strategic fit is ``diverging``: kept, but not invested in."""
    return g.nodes[("Account", g.graph["account_id"])].get("strategic_fit") == StrategicFit.diverging


def gaps(g: nx.MultiDiGraph, as_of: dt.date, policy: Policy, bid_id: str | None = None) -> GapsReport:
    """Depth gaps of an account graph by layer; with ``bid_id``, the key layer
    is about that bid's key contacts instead of the account's.

    Examples
    --------
    >>> from graphcrm.graph import build_graph
    >>> from graphcrm.model import Account, Dataset
    >>> g = build_graph(Dataset(accounts=[Account(id="a", name="A", tier="C")]), "a")
    >>> r = gaps(g, dt.date(2026, 1, 1), Policy())
    >>> r.layers.key.score, r.layers.organisational.required
    (1.0, False)
    """
    if bid_id is not None and ("Bid", bid_id) not in g:
        raise NotFound("bid", bid_id)
    d = depths(g, as_of, policy)
    keys = bid_key_contacts(g, bid_id) if bid_id else account_key_contacts(g)
    account = g.nodes[("Account", g.graph["account_id"])]
    return GapsReport(account_id=g.graph["account_id"], name=account["name"], tier=str(account["tier"]),
                      as_of=as_of, cash_cow=is_cash_cow(g), layers=layers(g, d, keys, as_of, policy),
                      feedback=feedback_summary(feedback_of(g), as_of, policy))
