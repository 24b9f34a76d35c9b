"""The portfolio map: accounts sized by revenue, coloured by bus factor, linked to
the reps who hold them — accounts held by one person stand out."""

from __future__ import annotations

import math

from graphcrm.views import PortfolioView
from viz import page
from viz.decision_chain import rep_node

__all__ = ["render_portfolio_map", "BUS_COLOURS"]

BUS_COLOURS = {0: "#7f7f7f", 1: "#d62728", 2: "#ff9f43", 3: "#9bd88a"}


def _colour(bus_factor: int) -> str:
    return BUS_COLOURS.get(bus_factor, "#2ca02c")


def render_portfolio_map(view: PortfolioView) -> str:
    """A self-contained HTML page; physics off for large portfolios (positions
    from a circle layout), so thousands of accounts still open quickly."""
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
        {"title": "Links", "items": [{"color": "#1f5fa8", "border": "1px solid #0b3a6e", "label": "■ our rep"},
                                     {"line": "solid", "color": "#1f5fa8", "label": "holds key contacts (width = share)"}]}]
    one = [a.name for a in view.risks.accounts if a.held_by_one]
    flags = [f"held by one person: {name}" for name in one]
    return page.render(view.title, f"{len(view.risks.accounts)} accounts · as of {view.as_of}", nodes, edges,
                       options, legend, flags)
