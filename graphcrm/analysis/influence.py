"""Influence score and hidden influencers (docs/design.md §3)."""

from __future__ import annotations

import math

import networkx as nx
from pydantic import BaseModel

from graphcrm.graph import nodes_of
from graphcrm.model import Level
from graphcrm.policy import Policy

__all__ = ["InfluenceEntry", "InfluenceReport", "influence_graph", "influence_scores", "influence"]


class InfluenceEntry(BaseModel):
    contact_id: str
    name: str
    title: str | None
    level: str | None
    unit_id: str | None
    score: float
    hidden_influencer: bool


class InfluenceReport(BaseModel):
    """``influence --json``: the account's contacts by influence score, highest first."""

    account_id: str
    ranking: list[InfluenceEntry]


def influence_graph(g: nx.MultiDiGraph, policy: Policy) -> nx.DiGraph:
    """The account's contacts, with edges from the influenced to the influencer.

    ``u INFLUENCES v`` gives v → u weighted by its strength; ``a REPORTS_TO b``
    gives a → b weighted ``policy.reports_to_strength``; weights of edges that
    join the same ordered pair add up.
    """
    h = nx.DiGraph()
    h.add_nodes_from(c for c, _ in nodes_of(g, "Contact"))
    for (ul, u), (vl, v), key, data in g.edges(keys=True, data=True):
        if ul != "Contact" or vl != "Contact":
            continue
        if key == "INFLUENCES":
            a, b, w = v, u, data["strength"]
        elif key == "REPORTS_TO":
            a, b, w = u, v, policy.reports_to_strength
        else:
            continue
        h.add_edge(a, b, weight=h.get_edge_data(a, b, {"weight": 0.0})["weight"] + w)
    return h


def influence_scores(g: nx.MultiDiGraph, policy: Policy) -> dict[str, float]:
    """PageRank (damping ``policy.damping``) of every contact on ``influence_graph``.

    Scores sum to 1 over the account's contacts; an account without contacts
    gives an empty dict.
    """
    h = influence_graph(g, policy)
    if h.number_of_nodes() == 0:
        return {}
    return nx.pagerank(h, alpha=policy.damping, weight="weight", tol=1e-10, max_iter=1000)


def top_share(scores: dict[str, float], share: float) -> set[str]:
    """The contacts in the top ``share`` of scores: the first ⌈n·share⌉ by score,
    plus any tied with the last of them (a tie never splits)."""
    if not scores:
        return set()
    ranked = sorted(scores.values(), reverse=True)
    cut = ranked[math.ceil(len(ranked) * share) - 1]
    return {c for c, s in scores.items() if s >= cut - 1e-12}


def influence(g: nx.MultiDiGraph, policy: Policy) -> InfluenceReport:
    """Rank the contacts of an account graph; mark hidden influencers: contacts
    in the top quartile of influence score whose level is middle or staff."""
    scores = influence_scores(g, policy)
    top = top_share(scores, policy.hidden_influencer_share)
    contacts = dict(nodes_of(g, "Contact"))
    ranking = [
        InfluenceEntry(
            contact_id=c, name=contacts[c]["name"], title=contacts[c].get("title"),
            level=contacts[c].get("level"), unit_id=contacts[c].get("unit_id"),
            score=round(s, 6),
            hidden_influencer=c in top and contacts[c].get("level") in (Level.middle, Level.staff),
        )
        for c, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return InfluenceReport(account_id=g.graph["account_id"], ranking=ranking)
