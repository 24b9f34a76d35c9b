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
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphcrm.model import Dataset

__all__ = [
    "AccountRows", "build_graph", "account", "unit", "contact", "rep", "bid", "nodes_of", "decision_chain",
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


@dataclass
class AccountRows:
    """An account's records as the store holds them, unvalidated: what
    ``build_graph`` reads of a ``Dataset``, without re-checking rows that were
    validated when written (the portfolio scans' fast path). Items have the
    record's attributes; enum fields are plain strings (they compare equal)."""

    accounts: list = field(default_factory=list)
    units: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    reps: list = field(default_factory=list)
    account_team: list = field(default_factory=list)
    relationships: list = field(default_factory=list)
    influences: list = field(default_factory=list)
    bids: list = field(default_factory=list)
    bid_roles: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    agreements: list = field(default_factory=list)


_NODES = (("Account", "accounts", ()), ("Unit", "units", ()), ("Contact", "contacts", ("reports_to",)),
          ("Rep", "reps", ()), ("Bid", "bids", ()), ("Activity", "activities", ("rep_ids", "contact_ids")),
          ("Agreement", "agreements", ()))
# (Dataset field, edge type, from (label, attribute), to (label, attribute), attributes left out of the edge)
_EDGES = (
    ("units", "PART_OF", ("Unit", "id"), ("Account", "account_id"), None),
    ("units", "PART_OF", ("Unit", "id"), ("Unit", "parent_unit_id"), None),
    ("contacts", "WORKS_AT", ("Contact", "id"), ("Account", "account_id"), None),
    ("contacts", "MEMBER_OF", ("Contact", "id"), ("Unit", "unit_id"), None),
    ("contacts", "REPORTS_TO", ("Contact", "id"), ("Contact", "reports_to"), None),
    ("bids", "FOR", ("Bid", "id"), ("Account", "account_id"), None),
    ("agreements", "FOR", ("Agreement", "id"), ("Account", "account_id"), None),
    ("account_team", "ON_TEAM", ("Rep", "rep_id"), ("Account", "account_id"), ("account_id", "rep_id")),
    ("relationships", "KNOWS", ("Rep", "rep_id"), ("Contact", "contact_id"), ("rep_id", "contact_id")),
    ("influences", "INFLUENCES", ("Contact", "source_id"), ("Contact", "target_id"), ("source_id", "target_id")),
    ("bid_roles", "ROLE_IN", ("Contact", "contact_id"), ("Bid", "bid_id"), ("bid_id", "contact_id")),
)


def build_graph(data: Dataset | AccountRows, account_id: str) -> nx.MultiDiGraph:
    """Build the ``MultiDiGraph`` of one account from its records.

    Parameters
    ----------
    data : Dataset or AccountRows
        The account's records, as ``GraphStore.account_data`` returns them (or
        its rows, as ``GraphStore.iter_account_rows`` does).
    account_id : str
        The account the graph is about; stored as ``graph["account_id"]``.
    """
    g = nx.MultiDiGraph(account_id=account_id)
    for label, name, skip in _NODES:
        g.add_nodes_from(((label, r.id), {"label": label, **_props(r, skip)}) for r in getattr(data, name))
    nodes = g._node  # membership tests in the loops below; add_*_from are the fast paths
    edges = []
    for name, type_, (ulab, uattr), (vlab, vattr), skip in _EDGES:
        for r in getattr(data, name):
            target = getattr(r, vattr)
            if target is None:
                continue
            u, v = (ulab, getattr(r, uattr)), (vlab, target)
            if u in nodes and v in nodes:
                edges.append((u, v, type_, {"type": type_, **_props(r, skip)} if skip else {"type": type_}))
    for a in data.activities:
        node = ("Activity", a.id)
        edges += [(rep(r), node, "ATTENDED", {"type": "ATTENDED"}) for r in a.rep_ids if rep(r) in nodes]
        edges += [(contact(c), node, "ATTENDED", {"type": "ATTENDED"}) for c in a.contact_ids if contact(c) in nodes]
    g.add_edges_from(edges)
    return g


def _props(record: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in skip}


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
