"""The portfolio map: accounts sized by revenue, coloured by bus factor, linked to
the reps who hold them — accounts held by one person stand out."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from graphcrm.views import PortfolioView
from viz import page
from viz.decision_chain import rep_node

__all__ = ["render_portfolio_map", "BUS_COLOURS", "SHARE_COLOURS", "FLAGS_LISTED"]

BUS_COLOURS = {0: "#7f7f7f", 1: "#d62728", 2: "#ff9f43", 3: "#9bd88a"}


def _colour(bus_factor: int) -> str:
    return BUS_COLOURS.get(bus_factor, "#2ca02c")


FLAGS_LISTED = 10
"""Up to this many accounts held by one person are named above the map; more are counted."""
SHARE_COLOURS = ((0.5, "#d62728", "half or more held by one person"), (0.25, "#ff9f43", "a quarter to half"),
                 (0.0, "#2ca02c", "under a quarter"))


def _share_colour(share: float) -> str:
    return next(colour for least, colour, _ in SHARE_COLOURS if share >= least)


def _portfolio_link(served: bool, view: PortfolioView, **filters) -> str | None:
    """The web UI's portfolio page filtered to what the map shows (None for a file)."""
    if not served:
        return None
    if view.key is not None:
        filters[view.by] = view.key
    return "/ui/?" + urlencode({**filters, "as_of": view.as_of})


def _flags(view: PortfolioView, served: bool) -> list:
    one = [a.name for a in view.risks.accounts if a.held_by_one]
    count = len(one) if view.held_by_one is None else view.held_by_one
    if count <= FLAGS_LISTED and len(one) == count:
        return [f"held by one person: {name}" for name in one]
    return [{"text": f"{count:,} accounts held by one person", "link": "show them",
             "href": _portfolio_link(served, view, held_by_one="true")}]


def _render_groups(view: PortfolioView, served: bool) -> str:
    """One node per region or group: size by accounts, fill by the share held by one
    person; a double click drills down to its accounts."""
    top = max((g.accounts for g in view.groups), default=1) or 1
    columns = max(1, math.ceil(math.sqrt(len(view.groups))))
    nodes = []
    for i, g in enumerate(view.groups):
        share = g.held_by_one / g.accounts if g.accounts else 0.0
        node = {"id": f"g:{g.key}" if g.key is not None else "g:", "shape": "dot",
                "label": f"{g.label}\n{g.accounts:,} accounts · {g.held_by_one:,} held by one",
                "size": round(10 + 40 * math.sqrt(g.accounts / top), 1),
                "color": {"background": _share_colour(share), "border": "#333333"},
                "x": (i % columns) * 260, "y": (i // columns) * 200,
                "tooltip": f"{g.label}\n{g.accounts:,} accounts\nHeld by one person: {g.held_by_one:,} ({share:.0%})\n"
                           f"Key contacts, none covered: {g.uncovered:,}"}
        if served and g.key not in (None, "*"):
            node["href"] = "/portfolio/graph?" + urlencode({"by": view.by, "key": g.key, "as_of": view.as_of})
        nodes.append(node)
    options = {"physics": {"enabled": False}, "interaction": {"hover": True, "tooltipDelay": 120},
               "nodes": {"font": {"size": 14, "multi": False}}}
    legend = [{"title": "Share held by one person (fill)",
               "items": [{"color": colour, "label": label} for _, colour, label in SHARE_COLOURS]},
              {"title": "Size", "items": [{"color": "#dddddd", "label": "number of accounts"}]}]
    what = "regions" if view.by == "region" else "parent groups"
    total = sum(g.accounts for g in view.groups)
    subtitle = (f"{total:,} accounts in {len(view.groups):,} {what} · as of {view.as_of}"
                + (" · double-click one to see its accounts" if served else ""))
    return page.render(view.title, subtitle, nodes, [], options, legend, _flags(view, served))


def render_portfolio_map(view: PortfolioView, served: bool = False) -> str:
    """A self-contained HTML page; physics off for large portfolios (positions
    from a circle layout), so thousands of accounts still open quickly. An
    aggregated view draws its groups instead. ``served``: the page is served by
    the API, so it may link to the web UI."""
    if view.groups:
        return _render_groups(view, served)
    top = max(view.revenue.values(), default=0.0) or 1.0
    nodes = []
    big = len(view.risks.accounts) > 300
    for i, a in enumerate(view.risks.accounts):
        size = 12 + 38 * math.sqrt((view.revenue.get(a.account_id) or 0.0) / top)
        node = {"id": f"a:{a.account_id}", "label": a.name, "shape": "dot", "size": round(size, 1),
                "color": {"background": _colour(a.bus_factor), "border": "#333333"},
                "borderWidth": 4 if a.held_by_one else 1,
                "tooltip": f"{a.name} (tier {a.tier})\nBus factor: {a.bus_factor}"
                           f"{' — held by one person' if a.held_by_one else ''}\n"
                           f"Key contacts covered: {a.covered_key_contacts} of {a.key_contacts}\n"
                           f"Top holder: {a.top_holder_name or '—'} ({a.top_holder_share:.0%})"}
        if big:
            angle = 2 * math.pi * i / len(view.risks.accounts)
            node.update(x=round(1500 * math.cos(angle)), y=round(1500 * math.sin(angle)))
        nodes.append(node)
    nodes += [rep_node(r) for r in view.reps]
    edges = [{"from": f"r:{h.source}", "to": f"a:{h.target}", "width": 1 + 5 * (h.strength or 0), "arrows": "",
              "color": {"color": "#1f5fa8"}, "tooltip": f"holds {h.strength:.0%} of the covered key contacts"}
             for h in view.holds]
    options = {"physics": {"enabled": not big, "stabilization": {"iterations": 300}},
               "interaction": {"hover": True, "tooltipDelay": 120}}
    legend = [{"title": "Bus factor (fill)", "items": [
        {"color": BUS_COLOURS[1], "border": "4px solid #333", "label": "1 — held by one person"},
        {"color": BUS_COLOURS[2], "label": "2"}, {"color": BUS_COLOURS[3], "label": "3"},
        {"color": "#2ca02c", "label": "4 or more"}, {"color": BUS_COLOURS[0], "label": "0 — no key contact covered"}]},
        {"title": "Size", "items": [{"color": "#dddddd", "label": "annual revenue"}]},
        {"title": "Links", "items": [{"color": "#1f5fa8", "border": "1px solid #0b3a6e", "shape": "square", "label": "■ our rep"},
                                     {"line": "solid", "color": "#1f5fa8", "label": "holds key contacts (width = share)"}]}]
    subtitle = f"{len(view.risks.accounts)} accounts · as of {view.as_of}"
    if view.hidden:
        subtitle += f" · the riskiest {len(view.risks.accounts):,} drawn, {view.hidden:,} more in the portfolio"
    return page.render(view.title, subtitle, nodes, edges, options, legend, _flags(view, served))
