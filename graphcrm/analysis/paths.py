"""Warm paths: through whom could one of our reps reach a contact (docs/design.md §3)."""

from __future__ import annotations

import heapq

from pydantic import BaseModel

import networkx as nx

from graphcrm.analysis.depth import Depths, stances
from graphcrm.graph import contact
from graphcrm.policy import Policy

__all__ = ["WarmPath", "contact_links", "warm_paths"]


class WarmPath(BaseModel):
    """rep → via[0] → … → via[-1] (the target); ``strength`` in (0, 1].

    ``through_opponents``: the contacts on the path (the target included) whose
    stance is below 0; the ranking ignores it, but whoever walks the path is warned."""

    rep_id: str
    via: list[str]
    strength: float
    through_opponents: list[str] = []


def contact_links(g: nx.MultiDiGraph, policy: Policy) -> dict[str, dict[str, float]]:
    """The undirected step strengths between contacts: ``INFLUENCES`` (its
    strength) or ``REPORTS_TO`` (``policy.reports_to_strength``), either
    direction; where several edges join the same pair, the strongest."""
    links: dict[str, dict[str, float]] = {}
    for (ul, u), (vl, v), key, data in g.edges(keys=True, data=True):
        if ul != "Contact" or vl != "Contact" or u == v:
            continue
        if key == "INFLUENCES":
            s = data["strength"]
        elif key == "REPORTS_TO":
            s = policy.reports_to_strength
        else:
            continue
        for a, b in ((u, v), (v, u)):
            if s > links.setdefault(a, {}).get(b, 0.0):
                links[a][b] = s
    return links


def warm_paths(g: nx.MultiDiGraph, target: str, d: Depths, policy: Policy,
               links: dict[str, dict[str, float]] | None = None,
               stance: dict[str, int] | None = None) -> list[WarmPath]:
    """The strongest warm paths to ``target``, strongest first.

    A warm path is rep → c1 → … → target with c1 ≠ target, where the rep (active)
    knows c1 at effective depth ≥ ``policy.warm_path_min_depth`` and each of the
    at most ``policy.warm_path_max_steps`` further steps follows an influence or
    reporting line (see ``contact_links``), never visiting a contact twice.
    Strength = effective depth(rep, c1) / 4 × the product of the step strengths.

    Parameters
    ----------
    g : MultiDiGraph
        The account graph.
    target : str
        The contact id to reach.
    d : Depths
        Effective depths (``graphcrm.analysis.depth.depths``).
    policy : Policy
    links : dict, optional
        ``contact_links(g, policy)``, when the caller already has it.
    stance : dict, optional
        Contact id → stance (``graphcrm.analysis.depth.stances``; default: the
        contacts' own), for ``through_opponents``.

    Returns
    -------
    list of WarmPath
        At most ``policy.warm_paths_reported``; ties broken by rep id, then path.
    """
    if contact(target) not in g:
        return []
    links = contact_links(g, policy) if links is None else links
    found: list[tuple[float, str, tuple[str, ...]]] = []
    # Walk backwards from the target: path = (target, …, c1), product of steps.
    stack: list[tuple[tuple[str, ...], float]] = [((target,), 1.0)]
    while stack:
        path, product = stack.pop()
        if len(path) > 1:
            for rep_id, depth in d.effective.get(path[-1], {}).items():
                if depth >= policy.warm_path_min_depth:
                    found.append((-(depth / 4 * product), rep_id, path[::-1]))
        if len(path) <= policy.warm_path_max_steps:
            for nxt, s in links.get(path[-1], {}).items():
                if nxt not in path:
                    stack.append(((*path, nxt), product * s))
    best = heapq.nsmallest(policy.warm_paths_reported, found)
    stance = stances(g) if stance is None else stance
    return [WarmPath(rep_id=r, via=list(via), strength=-neg,
                     through_opponents=[c for c in via if stance.get(c, 0) < 0]) for neg, r, via in best]
