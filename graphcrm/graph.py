"""The account graph: one account's records as a NetworkX ``MultiDiGraph``.

Analyses work on this graph and never on the database. Nodes are keyed
``(label, id)`` — ids are unique per label only — and carry ``label`` plus every
property of their record. Edges are keyed by their type (docs/design.md §2) and carry
that relationship's properties; structural edges (``PART_OF``, ``MEMBER_OF``,
``WORKS_AT``, ``REPORTS_TO``, ``FOR``, ``ATTENDED``) come from reference fields.
Edges whose endpoint is missing from the account's records are left out. The
nodes and edges are derived from the record types' declarations (``graphcrm.schema``).

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
from dataclasses import field, make_dataclass
from typing import Any

import networkx as nx

from graphcrm.model import RECORD_TYPES, Dataset
from graphcrm.schema import EDGE_TYPES, NODE_TYPES, edge_refs, ends, list_refs, properties

__all__ = [
    "AccountRows", "build_graph", "account", "unit", "contact", "rep", "bid", "nodes_of",
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


AccountRows = make_dataclass(
    "AccountRows", [(Dataset.field_for(t), list, field(default_factory=list)) for t in RECORD_TYPES],
    namespace={"__doc__": """An account's records as the store holds them, unvalidated: what
    ``build_graph`` reads of a ``Dataset``, without re-checking rows that were
    validated when written (the portfolio scans' fast path). Items have the
    record's attributes; enum fields are plain strings (they compare equal).""", "__module__": __name__},
)

# (label, Dataset field, attributes left out of the node: the edge-only references)
_NODES = tuple((t.LABEL, Dataset.field_for(t), tuple(f for f in t.model_fields if f not in properties(t)))
               for t in NODE_TYPES)
# (Dataset field, edge type, from (label, attribute), to (label, attribute), attributes left out of the edge)
_EDGES = (
    *((Dataset.field_for(t), r.edge, (t.LABEL, "id"), (r.target, r.field), None)
      for t in NODE_TYPES for r in edge_refs(t)),
    *((Dataset.field_for(t), t.LABEL, (ends(t)[0][1].LABEL, ends(t)[0][0]), (ends(t)[1][1].LABEL, ends(t)[1][0]),
       t.KEY) for t in EDGE_TYPES),
)
# (label, Dataset field, ((edge type, attribute, label of its ids, whether the edge points to the record), …))
_LISTS = tuple((t.LABEL, Dataset.field_for(t), tuple((r.edge, r.field, r.target, r.reverse) for r in list_refs(t)))
               for t in NODE_TYPES if list_refs(t))


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
    for record_label, name, refs in _LISTS:  # record by record, each list in turn
        for r in getattr(data, name):
            node = (record_label, r.id)
            for type_, attr, label, reverse in refs:
                for x in getattr(r, attr):
                    other = (label, x)
                    if other in nodes:
                        edges.append((other, node, type_, {"type": type_}) if reverse
                                     else (node, other, type_, {"type": type_}))
    g.add_edges_from(edges)
    return g


def _props(record: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in skip}


def nodes_of(g: nx.MultiDiGraph, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of every node with that label, in id order."""
    for (lab, id_), attrs in sorted(g.nodes(data=True), key=lambda n: n[0]):
        if lab == label:
            yield id_, attrs
