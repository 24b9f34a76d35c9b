"""Graph exports (issue 18): GraphML and GEXF read back with NetworkX with the same
nodes, edges and attributes; the neo4j-admin files follow the header format of
Neo4j's import tool, as its documentation gives it (Neo4j Operations Manual,
"Import header format", https://neo4j.com/docs/operations-manual/current/import/header-format/):
each field is ``<name>:<field_type>``; node files carry ``:ID`` (with an ID space in
parentheses, here one per label) and ``:LABEL``; relationship files ``:START_ID``,
``:END_ID`` (naming the ID space) and ``:TYPE``; a property's type is one of int,
long, float, double, boolean, byte, short, char, string, point, date, localtime,
time, localdatetime, datetime, duration (``[]`` for arrays), string when none is given;
an empty field sets no property."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from graphcrm.fileformat import read_csv_dir
from graphcrm.graph import build_graph
from graphcrm.graphfiles import neo4j_admin_command, write_gexf, write_graphml, write_neo4j_admin

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
               "localtime", "time", "localdatetime", "datetime", "duration"}


@pytest.fixture(scope="module")
def data():
    return read_csv_dir(SEEDS).data


@pytest.mark.parametrize("write, read", [(write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)])
def test_graph_files_read_back_with_the_same_nodes_edges_and_attributes(data, tmp_path, write, read):
    g = build_graph(data, "")
    back = read(write(data, tmp_path / "g.xml"))
    assert back.is_directed() and back.is_multigraph()
    assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert _types(back, "label") == _types(g, "type")  # relationship types: the edge's label in the files
    chen = back.nodes["Contact:c-jnm-001"]
    assert (chen["label"], chen["type"], chen["record_id"], chen["level"]) == ("陈志远", "Contact", "c-jnm-001", "executive")
    knows = [d for u, v, d in back.edges(data=True) if (u, v) == ("Rep:rep-liu-yang", "Contact:c-jnm-001")]
    assert [(d["label"], int(d["depth"]), d["last_contact"]) for d in knows] == [("KNOWS", 4, "2026-10-28")]


def _types(g: nx.MultiDiGraph, attribute: str) -> Counter:
    return Counter(d[attribute] for _, _, d in g.edges(data=True))


def test_neo4j_admin_headers_follow_the_import_tool_format(data, tmp_path):
    files = write_neo4j_admin(data, tmp_path / "n4j")
    ids: dict[str, set[str]] = {}
    nodes = rels = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        for name in header:
            field, _, kind = name.partition(":")
            assert kind in ("LABEL", "TYPE") or re.fullmatch(r"(ID|START_ID|END_ID)\(\w+\)", kind) \
                or kind.removesuffix("[]") in NEO4J_TYPES or (kind == "" and field), name
        if path.name.startswith("nodes-"):
            label = path.name.removeprefix("nodes-").removesuffix(".csv")
            assert header[0] == f"id:ID({label})" and header[-1] == ":LABEL"
            assert {r[-1] for r in rows} <= {label}
            ids[label] = {r[0] for r in rows}
            nodes += len(rows)
        else:
            start, end = re.fullmatch(r":START_ID\((\w+)\)", header[0])[1], re.fullmatch(r":END_ID\((\w+)\)", header[1])[1]
            assert header[2] == ":TYPE"
            for r in rows:  # every relationship joins nodes of the files
                assert r[0] in ids[start] and r[1] in ids[end], (path.name, r)
            rels += len(rows)
    g = build_graph(data, "")
    assert (nodes, rels) == (g.number_of_nodes(), g.number_of_edges())
    with (tmp_path / "n4j" / "rels-KNOWS-Rep-Contact.csv").open(encoding="utf-8") as f:
        assert f.readline().strip() == ":START_ID(Rep),:END_ID(Contact),:TYPE,depth:long,last_contact:date,since:date"
    with (tmp_path / "n4j" / "nodes-Rep.csv").open(encoding="utf-8") as f:
        assert f.readline().strip() == "id:ID(Rep),name,role,level,active:boolean,email,:LABEL"
    command = neo4j_admin_command(files)
    assert command.startswith("neo4j-admin database import full --multiline-fields=true --nodes=nodes-Account.csv")
    assert command.endswith("--relationships=rels-WORKS_AT-Contact-Account.csv neo4j")
