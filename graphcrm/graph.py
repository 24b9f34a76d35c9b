"""The account graph: one account's records as a NetworkX ``MultiDiGraph``.

Analyses work on this graph and never on the database. Nodes are keyed
``(label, id)`` — ids are unique per label only — and carry ``label`` plus every
property of their record. Edges are keyed by their type (DESIGN §2) and carry
that relationship's properties; structural edges (``PART_OF``, ``MEMBER_OF``,
``WORKS_AT``, ``REPORTS_TO``, ``FOR``, ``ATTENDED``) come from reference fields.
Edges whose endpoint is missing from the account's records are left out.

``graph.graph`` holds ``account_id`` and, for a bid's graph, ``bid_id``.

Examples
--------
>>> from graphcrm.model import Account, Contact, Dataset
>>> data = Dataset(accounts=[Account(id="a", name="A", tier="S")],
...                contacts=[Contact(id="c", account_id="a", name="C")])
>>> g = build_graph(data, "a")
>>> g.nodes[contact("c")]["name"], list(g.edges(keys=True))
('C', [(('Contact', 'c'), ('Account', 'a'), 'WORKS_AT')])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graphcrm.model import Dataset

__all__ = [
    "build_graph", "account", "unit", "contact", "rep", "bid", "nodes_of", "decision_chain",
]

Node = tuple[str, str]


def account(id: str) -> Node:
    return ("Account", id)


def unit(id: str) -> Node:
    return ("Unit", id)


def contact(id: str) -> Node:
    return ("Contact", id)


def rep(id: str) -> Node:
    return ("Rep", id)


def bid(id: str) -> Node:
    return ("Bid", id)


def _props(record: Any, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in skip}


def build_graph(data: Dataset, account_id: str) -> nx.MultiDiGraph:
    """Build the ``MultiDiGraph`` of one account from its records.

    Parameters
    ----------
    data : Dataset
        The account's records, as ``GraphStore.account_data`` returns them.
    account_id : str
        The account the graph is about; stored as ``graph["account_id"]``.
    """
    g = nx.MultiDiGraph(account_id=account_id)
    for label, records, skip in (
        ("Account", data.accounts, ()),
        ("Unit", data.units, ()),
        ("Contact", data.contacts, ("reports_to",)),
        ("Rep", data.reps, ()),
        ("Bid", data.bids, ()),
        ("Activity", data.activities, ("rep_ids", "contact_ids")),
        ("Agreement", data.agreements, ()),
    ):
        for r in records:
            g.add_node((label, r.id), label=label, **_props(r, *skip))

    def link(u: Node, v: Node, type_: str, **props: Any) -> None:
        if u in g and v in g:
            g.add_edge(u, v, key=type_, type=type_, **props)

    for u in data.units:
        link(unit(u.id), account(u.account_id), "PART_OF")
        if u.parent_unit_id:
            link(unit(u.id), unit(u.parent_unit_id), "PART_OF")
    for c in data.contacts:
        link(contact(c.id), account(c.account_id), "WORKS_AT")
        if c.unit_id:
            link(contact(c.id), unit(c.unit_id), "MEMBER_OF")
        if c.reports_to:
            link(contact(c.id), contact(c.reports_to), "REPORTS_TO")
    for b in data.bids:
        link(bid(b.id), account(b.account_id), "FOR")
    for a in data.agreements:
        link(("Agreement", a.id), account(a.account_id), "FOR")
    for a in data.activities:
        for r in a.rep_ids:
            link(rep(r), ("Activity", a.id), "ATTENDED")
        for c in a.contact_ids:
            link(contact(c), ("Activity", a.id), "ATTENDED")
    for t in data.account_team:
        link(rep(t.rep_id), account(t.account_id), "ON_TEAM", role=t.role)
    for k in data.relationships:
        link(rep(k.rep_id), contact(k.contact_id), "KNOWS",
             **_props(k, "rep_id", "contact_id"))
    for i in data.influences:
        link(contact(i.source_id), contact(i.target_id), "INFLUENCES",
             **_props(i, "source_id", "target_id"))
    for br in data.bid_roles:
        link(contact(br.contact_id), bid(br.bid_id), "ROLE_IN",
             **_props(br, "bid_id", "contact_id"))
    return g


def nodes_of(g: nx.MultiDiGraph, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of every node with that label, in id order."""
    for (lab, id_), attrs in sorted(g.nodes(data=True), key=lambda n: n[0]):
        if lab == label:
            yield id_, attrs


def decision_chain(g: nx.MultiDiGraph, bid_id: str) -> nx.MultiDiGraph:
    """The slice of an account graph that shows one bid's decision chain.

    The bid, the contacts with a role in it, the ``INFLUENCES`` and
    ``REPORTS_TO`` edges among them, and the reps who know any of them (with
    their ``KNOWS`` edges). A view: do not modify it.
    """
    chain = {u for u, _, k in g.in_edges(bid(bid_id), keys=True) if k == "ROLE_IN"}
    reps = {u for c in chain for u, _, k in g.in_edges(c, keys=True) if k == "KNOWS"}
    keep = chain | reps | {bid(bid_id)}
    return g.subgraph(keep)
