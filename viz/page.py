"""One self-contained HTML page around a vis-network graph.

pyvis builds the node and edge lists (``Network.add_nodes``/``add_edges`` would be
quadratic for big maps, so the lists are assigned whole) and ships vis-network
9.1.2, which the page inlines: it renders with no network at all. The page
itself is our Jinja2 template, with autoescaping on, because pyvis's own template
loads bootstrap from a CDN, writes its heading unescaped, and switches to an
``innerHTML`` popup when a tooltip contains ``href`` (TRAPS.md). Data reach the
page through ``tojson`` and tooltips are set as text, so no user string can
become markup or script.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

__all__ = ["render", "network_data"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html"]))


@cache
def _vis_assets() -> tuple[str, str]:
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def network_data(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                 options: dict[str, Any]) -> dict[str, Any]:
    """Nodes, edges and options as pyvis hands them to vis-network."""
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.options = options
    nodes, edges, _, _, _, _ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": options}


def render(title: str, subtitle: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
           options: dict[str, Any], legend: list[dict[str, Any]], flags: list[str] | None = None,
           height: str = "80vh") -> str:
    """The page: title, subtitle, red flags, the graph and its legend."""
    js, css = _vis_assets()
    return _env.get_template("graph.html").render(
        title=title, subtitle=subtitle, flags=flags or [], legend=legend, height=height,
        data=network_data(nodes, edges, options), vis_js=js, vis_css=css)
