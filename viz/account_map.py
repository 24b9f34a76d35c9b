"""The account map: every contact by unit and branch, dark units and hidden influencers marked."""

from __future__ import annotations

from graphcrm.views import AccountView
from viz import page
from viz.decision_chain import link_edge, person_node, rep_node
from viz.style import COVERAGE_COLOURS, COVERAGE_LEGEND, LINK_LEGEND

__all__ = ["render_account_map"]

UNIT_COLOUR, DARK_COLOUR = "#e8eef6", "#333333"


def render_account_map(view: AccountView) -> str:
    """A self-contained HTML page: units as boxes (dark units black), contacts
    attached to their unit, hidden influencers starred, our reps and their links."""
    top = max((p.influence for p in view.people), default=0.0)
    nodes = []
    for u in view.units:
        nodes.append({"id": f"u:{u.id}", "label": f"{u.name}{' (dark)' if u.dark else ''}", "shape": "box",
                      "tooltip": f"{u.kind}: {u.name}" + ("\nNobody on our side knows anyone here" if u.dark else ""),
                      "color": {"background": DARK_COLOUR if u.dark else UNIT_COLOUR, "border": "#555555"},
                      "font": {"color": "#ffffff" if u.dark else "#222222"}, "mass": 2})
    for p in view.people:
        node = person_node(p, top)
        node["color"]["background"] = COVERAGE_COLOURS[p.status]
        if p.hidden_influencer:
            node.update(shape="star", label=f"★ {p.name}")
        nodes.append(node)
    nodes += [rep_node(r) for r in view.reps]
    units = {u.id for u in view.units}
    edges = [{"from": f"u:{u.id}", "to": f"u:{u.parent_id}", "color": {"color": "#aaaaaa"}, "width": 2}
             for u in view.units if u.parent_id in units]
    edges += [{"from": f"c:{p.id}", "to": f"u:{p.unit_id}", "color": {"color": "#cccccc"}, "dashes": [2, 3]}
              for p in view.people if p.unit_id in units]
    edges += [link_edge(link) for link in view.links if link.type != "REPORTS_TO"]
    options = {"physics": {"enabled": True, "stabilization": {"iterations": 300},
                           "barnesHut": {"springLength": 120, "avoidOverlap": 0.3}},
               "interaction": {"hover": True, "tooltipDelay": 120}}
    legend = [{"title": "Coverage (fill)", "items": [
        {"color": colour, "label": status} for status, colour in COVERAGE_COLOURS.items()]},
        {"title": "Units", "items": [{"color": UNIT_COLOUR, "label": "unit"},
                                     {"color": DARK_COLOUR, "label": "dark unit: nobody known there"},
                                     {"color": "#ffffff", "border": "1px solid #888", "shape": "star", "label": "hidden influencer (a star)"}]},
        COVERAGE_LEGEND, LINK_LEGEND]
    flags = [f"dark unit: {u.name}" for u in view.units if u.dark]
    flags += [f"hidden influencer: {p.name}" for p in view.people if p.hidden_influencer]
    return page.render(view.title, view.subtitle, nodes, edges, options, legend, flags)
