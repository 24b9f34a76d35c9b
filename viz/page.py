"""One self-contained HTML page around a vis-network graph.

pyvis builds the node and edge lists (``Network.add_nodes``/``add_edges`` would be
quadratic for big maps, so the lists are assigned whole) and ships vis-network
9.1.2, which the page inlines: it renders with no network at all. The page
itself is our Jinja2 template, with autoescaping on, because pyvis's own template
loads bootstrap from a CDN, writes its heading unescaped, and switches to an
``innerHTML`` popup when a tooltip contains ``href`` (docs/architecture.md, "Engine facts"). Data reach the
page through ``tojson`` and tooltips are set as text, so no user string can
become markup or script.

Each page carries its Content-Security-Policy in a ``<meta>`` tag (``page_csp``):
exactly its two scripts, by hash, and nothing remote — so a page opened from disk
runs no script but its own too. (The API sends the same policy as a header, with
``frame-ancestors``, which a meta tag cannot carry.)
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from viz.style import keep_colour

__all__ = ["render", "network_data", "page_csp"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html"]))


@cache
def _vis_assets() -> tuple[str, str]:
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@cache
def _library_hash() -> str:
    return _sha256(_vis_assets()[0])


def page_csp(html: str) -> str:
    """The CSP of a graph page: vis-network's hash (computed from the library file,
    not from the page) and the hash of the page's last script (its data and
    start-up code: data reach it through ``tojson``, so no user string can end it).
    A script anywhere else in the page (an injection) matches neither hash."""
    start = html.rfind("<script>")
    end = html.find("</script>", start)
    hashes = [_library_hash()]
    if start >= 0 and end > start:
        hashes.append(_sha256(html[start + len("<script>"):end]))
    return (f"default-src 'none'; script-src {' '.join(dict.fromkeys(hashes))}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; object-src 'none'; "
            "form-action 'none'")


def network_data(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                 options: dict[str, Any]) -> dict[str, Any]:
    """Nodes, edges and options as pyvis hands them to vis-network."""
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = [keep_colour(n) for n in nodes], edges
    net.node_ids = [n["id"] for n in nodes]
    net.options = options
    nodes, edges, _, _, _, _ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": options}


def render(title: str, subtitle: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
           options: dict[str, Any], legend: list[dict[str, Any]], flags: list[str | dict[str, Any]] | None = None,
           height: str = "80vh", org: dict[str, Any] | None = None, kind: str | None = None) -> str:
    """The page: title, subtitle, red flags (a text, or ``{text, link, href}``: a
    summary with a link), the graph and its legend. With ``org`` (an organisation
    chart, ``viz.org_chart``) the page places the nodes itself, opens and closes
    units on a click and offers a search for a contact. ``kind``: the body's class
    (``chain``: framed by the bid page, which shows the red flags, the page hides its own)."""
    js, css = _vis_assets()
    data = network_data(nodes, edges, options)
    if org is not None:
        data["org"] = org
    html = _env.get_template("graph.html").render(
        title=title, subtitle=subtitle, flags=flags or [], legend=legend, height=height, kind=kind,
        data=data, vis_js=js, vis_css=css)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{page_csp(html)}">\n'
    return html.replace(_CSP_AT, _CSP_AT + meta, 1)


_CSP_AT = '<meta charset="utf-8">\n'
"""The page's policy goes right after this, before anything it governs."""
