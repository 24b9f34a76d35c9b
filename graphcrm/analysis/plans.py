"""Relationship-improvement plans: each plan's status as of a day, and completion (docs/design.md §3.25).

A plan is ``done`` when its goal holds as of the day, else ``overdue`` when its due
day has passed, else ``open``; plans created after the day do not exist yet.
Completion of a set of plans is done ÷ plans, ``None`` for an empty set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel

from graphcrm.analysis.depth import Depths
from graphcrm.graph import nodes_of
from graphcrm.model import PlanGoal, PlanLayer

__all__ = ["PlanStatus", "Completion", "PlansReport", "goal_holds", "plan_statuses", "completion", "DIGITS"]

Status = Literal["done", "overdue", "open"]
DIGITS = 4


class PlanStatus(BaseModel):
    """One plan of ``plans --json`` with its status as of the day."""

    plan_id: str
    account_id: str
    layer: str
    goal: str
    target: str
    owner_rep_id: str
    contact_id: str | None = None
    unit_id: str | None = None
    created: dt.date
    due: dt.date
    status: Status


class Completion(BaseModel):
    """Done ÷ plans, overall, per layer and per owner; ``None`` where there are no plans."""

    overall: float | None
    by_layer: dict[str, float | None]
    by_rep: dict[str, float | None]


class PlansReport(BaseModel):
    """``plans --json``."""

    as_of: dt.date
    plans: list[PlanStatus]
    completion: Completion


def goal_holds(g: nx.MultiDiGraph, plan: dict[str, Any], d: Depths, as_of: dt.date) -> bool:
    """Whether a plan's goal holds as of ``as_of`` in the account graph ``g``.

    - ``depth``: some active rep reaches ``target`` in effective depth to the contact;
    - ``stance``: the contact's own stance is given and at least ``target``;
    - ``activity``: an activity of kind ``target`` dated from ``created`` to
      ``as_of``, attended by the owner and by the contact, or by a contact of the
      unit, or (neither given) any activity of that kind on the account;
    - ``agreement``: an agreement of kind ``target`` signed (or undated) by
      ``as_of`` and not expired then.
    """
    goal, target = PlanGoal(plan["goal"]), plan["target"]
    if goal == PlanGoal.depth:
        return d.best(plan["contact_id"]) >= int(target)
    if goal == PlanGoal.stance:
        node = g.nodes.get(("Contact", plan["contact_id"]), {})
        return node.get("stance") is not None and node["stance"] >= int(target)
    if goal == PlanGoal.agreement:
        return any(a["kind"] == target and (a.get("signed") is None or a["signed"] <= as_of)
                   and (a.get("expires") is None or a["expires"] >= as_of) for _, a in nodes_of(g, "Agreement"))
    for act, a in nodes_of(g, "Activity"):
        if a["kind"] != target or not plan["created"] <= a["date"] <= as_of:
            continue
        came = {u for u in g.pred[("Activity", act)]}
        if ("Rep", plan["owner_rep_id"]) not in came:
            continue
        contacts = [c for lab, c in came if lab == "Contact"]
        if plan.get("contact_id"):
            if plan["contact_id"] in contacts:
                return True
        elif plan.get("unit_id"):
            if any(g.nodes[("Contact", c)].get("unit_id") == plan["unit_id"] for c in contacts):
                return True
        else:
            return True
    return False


def plan_statuses(g: nx.MultiDiGraph, d: Depths, as_of: dt.date) -> list[PlanStatus]:
    """The status of every plan of the account graph ``g`` created on or before ``as_of``, by id."""
    out = []
    for pid, p in nodes_of(g, "Plan"):
        if p["created"] > as_of:
            continue
        if goal_holds(g, p, d, as_of):
            state: Status = "done"
        else:
            state = "overdue" if p["due"] < as_of else "open"
        out.append(PlanStatus(plan_id=pid, account_id=p["account_id"], layer=str(p["layer"]), goal=str(p["goal"]),
                              target=p["target"], owner_rep_id=p["owner_rep_id"], contact_id=p.get("contact_id"),
                              unit_id=p.get("unit_id"), created=p["created"], due=p["due"], status=state))
    return out


def _rate(plans: list[PlanStatus]) -> float | None:
    return round(sum(p.status == "done" for p in plans) / len(plans), DIGITS) if plans else None


def completion(plans: Iterable[PlanStatus]) -> Completion:
    """Done ÷ plans overall, for each layer (all three, ``None`` when a layer has
    no plan) and for each owner that has a plan.

    Examples
    --------
    >>> p = dict(account_id="a", goal="depth", target="3", owner_rep_id="r",
    ...          created=dt.date(2026, 1, 1), due=dt.date(2026, 2, 1))
    >>> c = completion([PlanStatus(plan_id="1", layer="key", status="done", **p),
    ...                 PlanStatus(plan_id="2", layer="key", status="open", **p)])
    >>> c.overall, c.by_layer["key"], c.by_layer["general"], c.by_rep
    (0.5, 0.5, None, {'r': 0.5})
    """
    plans = list(plans)
    layers: dict[str, list[PlanStatus]] = {str(layer): [] for layer in PlanLayer}
    owners: dict[str, list[PlanStatus]] = {}
    for p in plans:  # one pass: a portfolio has ~10k owners and ~75k plans
        layers[p.layer].append(p)
        owners.setdefault(p.owner_rep_id, []).append(p)
    return Completion(overall=_rate(plans), by_layer={k: _rate(v) for k, v in layers.items()},
                      by_rep={r: _rate(owners[r]) for r in sorted(owners)})
