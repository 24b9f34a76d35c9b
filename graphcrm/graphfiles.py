"""Graph files for other tools: GraphML and GEXF (Gephi, yEd), and the CSV files of
``neo4j-admin database import``.

GraphML and GEXF are written by NetworkX's writers from the account graph of
``graphcrm.graph`` (one account, or every record of the store as one graph), made
portable first (``portable``): node ids become ``Label:id`` strings, each node's
``label`` is its name (what Gephi and yEd show) and ``type`` its label, dates are
``YYYY-MM-DD`` text, lists ``;``-joined text, and missing values are left out
(neither format has a null). Edges keep their type (``type``) and properties.

The neo4j-admin files follow the header format of Neo4j's import tool (Neo4j
Operations Manual, "Import" → "CSV header format"): one node file per label with
``id:ID(Label)`` (an id space per label, as ids are unique per label only),
typed properties (``depth:int``, ``value:double``, ``tender_date:date``,
``active:boolean``) and ``:LABEL``; one relationship file per type with
``:START_ID(Label)``, ``:END_ID(Label)``, ``:TYPE`` and typed properties. Every
value is written as the tool reads it: empty for a missing value (no property),
quotes as CSV does. The audit trail and API keys are not part of the graph and
are not written (load them afterwards with ``graphcrm load`` of an export).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import networkx as nx

from graphcrm.graph import build_graph
from graphcrm.model import Dataset
from graphcrm.schema import EDGE_TYPES, NODE_TYPES, edge_props, edge_refs, ends, list_refs, properties, target, value_type

__all__ = ["portable", "write_graphml", "write_gexf", "write_neo4j_admin", "NEO4J_TYPES"]


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, str):
        return str(value)  # an enum member as its plain value
    return value


def portable(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of an account graph that GraphML and GEXF can hold (module docstring).

    Attribute names avoid the ones the GEXF writer takes for its own markup (node
    ``id``; edge ``id``, ``type``, ``weight``): a record's id is ``record_id``, a
    relationship's type is the edge's ``label``; edge keys are unique (``e0`` …),
    as GraphML wants of edge ids.

    >>> from graphcrm.model import Account, Contact
    >>> p = portable(build_graph(Dataset(accounts=[Account(id="a", name="A", tier="S")],
    ...                                  contacts=[Contact(id="c", account_id="a", name="C")]), "a"))
    >>> p.nodes["Contact:c"]
    {'label': 'C', 'type': 'Contact', 'record_id': 'c', 'account_id': 'a', 'name': 'C'}
    >>> list(p.edges(keys=True, data=True))
    [('Contact:c', 'Account:a', 'e0', {'label': 'WORKS_AT'})]
    """
    out = nx.MultiDiGraph()
    for (label, id_), attrs in g.nodes(data=True):
        props = {k: _plain(v) for k, v in attrs.items() if v is not None and k not in ("label", "id")}
        out.add_node(f"{label}:{id_}", label=attrs.get("name") or id_, type=label, record_id=id_, **props)
    for n, ((ul, ui), (vl, vi), attrs) in enumerate(g.edges(data=True)):
        props = {k: _plain(v) for k, v in attrs.items() if v is not None and k != "type"}
        out.add_edge(f"{ul}:{ui}", f"{vl}:{vi}", key=f"e{n}", label=attrs["type"], **props)
    return out


def write_graphml(data: Dataset, path: Path) -> Path:
    """Write the records' graph as GraphML (``nx.write_graphml``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(portable(build_graph(data, "")), path, encoding="utf-8")
    return path


def write_gexf(data: Dataset, path: Path) -> Path:
    """Write the records' graph as GEXF 1.2 (``nx.write_gexf``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(portable(build_graph(data, "")), path, encoding="utf-8")
    return path


NEO4J_TYPES = {"string": "string", "date": "date", "timestamp": "datetime", "double": "double", "int": "long",
               "bool": "boolean"}
"""Our stored types (``schema.value_type``) as neo4j-admin header types."""


def _header(record_type: type, field: str) -> str:
    kind = NEO4J_TYPES[value_type(record_type, field)]
    return field if kind == "string" else f"{field}:{kind}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def write_neo4j_admin(data: Dataset, directory: Path) -> list[Path]:
    """Write the node and relationship CSV files of ``neo4j-admin database import``
    (module docstring): ``nodes-<Label>.csv`` and ``rels-<TYPE>-<From>-<To>.csv``
    (a structural type joining several pairs of labels has one file per pair).
    Returns the files written, nodes first."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rels: dict[tuple[str, str, str], tuple[list[str], list[list[str]]]] = {}

    def rel(type_: str, start: str, end: str, header: list[str], row: list[str]) -> None:
        rels.setdefault((type_, start, end), (header, []))[1].append(row)

    for t in NODE_TYPES:
        props = properties(t)
        header = [f"id:ID({t.LABEL})", *(_header(t, p) for p in props if p != "id"), ":LABEL"]
        rows = [[_text(getattr(r, "id")), *(_text(getattr(r, p)) for p in props if p != "id"), t.LABEL]
                for r in data.records(t)]
        written.append(_write(directory / f"nodes-{t.LABEL}.csv", header, rows))
        for ref in edge_refs(t):
            to = target(ref).LABEL
            for r in data.records(t):
                if getattr(r, ref.field) is not None:
                    rel(ref.edge, t.LABEL, to, [f":START_ID({t.LABEL})", f":END_ID({to})", ":TYPE"],
                        [r.id, getattr(r, ref.field), ref.edge])
        for ref in list_refs(t):
            to = target(ref).LABEL
            start, end = (to, t.LABEL) if ref.reverse else (t.LABEL, to)
            for r in data.records(t):
                for other in getattr(r, ref.field):
                    rel(ref.edge, start, end, [f":START_ID({start})", f":END_ID({end})", ":TYPE"],
                        [other, r.id, ref.edge] if ref.reverse else [r.id, other, ref.edge])
    for t in EDGE_TYPES:
        (sf, st), (ef, et) = ends(t)
        props = edge_props(t)
        header = [f":START_ID({st.LABEL})", f":END_ID({et.LABEL})", ":TYPE", *(_header(t, p) for p in props)]
        rows = [[getattr(r, sf), getattr(r, ef), t.LABEL, *(_text(getattr(r, p)) for p in props)]
                for r in data.records(t)]
        rels[(t.LABEL, st.LABEL, et.LABEL)] = (header, rows)
    for (type_, start, end), (header, rows) in sorted(rels.items()):
        written.append(_write(directory / f"rels-{type_}-{start}-{end}.csv", header, rows))
    return written


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def neo4j_admin_command(files: list[Path], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command that loads ``files``."""
    nodes = " ".join(f"--nodes={p.name}" for p in files if p.name.startswith("nodes-"))
    rels = " ".join(f"--relationships={p.name}" for p in files if p.name.startswith("rels-"))
    return f"neo4j-admin database import full --multiline-fields=true {nodes} {rels} {database}"
