"""The account map: every contact by unit, as an organisation chart; dark units and
hidden influencers marked, our reps beside the chart with their links."""

from __future__ import annotations

from graphcrm.views import AccountView
from viz import page
from viz.decision_chain import link_edge, person_node, rep_node
from viz.org_chart import BOX, INPORT, NO_UNIT, PORT, org_chart
from viz.portfolio_map import FLAGS_LISTED
from viz.style import COVERAGE_COLOURS, COVERAGE_LEGEND, LINK_LEGEND

__all__ = ["render_account_map", "unit_colour"]

UNIT_COLOUR, DARK_COLOUR = "#e8eef6", "#333333"


def unit_colour(counts: dict[str, int], dark: bool) -> str:
    """A unit box's fill: black when nobody on our side knows anyone there, else the
    coverage colour of the share of its contacts covered (two thirds or more:
    covered; a third or more: weak; less: uncovered); a unit with no contacts of
    its own keeps the plain unit colour."""
    if dark:
        return DARK_COLOUR
    if not counts["contacts"]:
        return UNIT_COLOUR
    share = counts["covered"] / counts["contacts"]
    return COVERAGE_COLOURS["covered" if share >= 2 / 3 else "weak" if share >= 1 / 3 else "uncovered"]


def _unit_node(node_id: str, name: str, kind: str, dark: bool, counts: dict[str, int], subunits: int) -> dict:
    summary = f"{counts['contacts']} contacts · {counts['covered']} covered"
    if counts["key_uncovered"]:
        summary += f"\n{counts['key_uncovered']} key uncovered"
    tooltip = [f"{kind}: {name}", summary.replace("\n", " · "), f"{subunits} sub-units" if subunits else "",
               "Nobody on our side knows anyone here" if dark else "", "Click to open or close"]
    return {"id": node_id, "label": f"{name}{' (dark)' if dark else ''}\n{summary}", "shape": "box",
            "tooltip": "\n".join(line for line in tooltip if line),
            "color": {"background": unit_colour(counts, dark),
                      "border": "#7a0000" if counts["key_uncovered"] else "#555555"},
            "borderWidth": 3 if counts["key_uncovered"] else 1,
            "widthConstraint": {"minimum": BOX[0], "maximum": BOX[0]}, "heightConstraint": {"minimum": BOX[1] - 20},
            "font": {"color": "#ffffff" if dark else "#222222", "size": 16}}


def _flags(one: str, many: str, names: list[str]) -> list[str]:
    """One flag per name, or, above ``FLAGS_LISTED`` names, one flag that counts
    them and names the first few (the chart marks every one of them)."""
    if len(names) <= FLAGS_LISTED:
        return [f"{one}: {name}" for name in names]
    return [f"{len(names)} {many}: {', '.join(names[:5])} and {len(names) - 5} more (marked on the chart)"]


def render_account_map(view: AccountView) -> str:
    """A self-contained HTML page: the account's units as an organisation chart
    (``viz.org_chart``: the same layout on every load; units open and close on a
    click; a contact can be searched and focused), contacts filled by coverage,
    hidden influencers starred, our reps in a column on the left with their links."""
    chart = org_chart(view)
    top = max((p.influence for p in view.people), default=0.0)
    nodes = []
    for u in view.units:
        node_id = f"u:{u.id}"
        nodes.append(_unit_node(node_id, u.name, u.kind, u.dark, chart["units"][node_id],
                                len(chart["units"][node_id]["children"])))
    if NO_UNIT in chart["units"]:
        nodes.append(_unit_node(NO_UNIT, "No unit", "contacts of no unit", False, chart["units"][NO_UNIT], 0))
    for p in view.people:
        node = person_node(p, top)
        node["size"] = round(10 + 16 * (p.influence / top if top else 0), 1)  # fits its place in the chart
        node["color"]["background"] = COVERAGE_COLOURS[p.status]
        if p.hidden_influencer:
            node.update(shape="star", label=f"★ {p.name}")
        nodes.append(node)
    nodes += [rep_node(r) for r in sorted(view.reps, key=lambda r: (r.name, r.id))]
    tree = {"color": {"color": "#aaaaaa"}, "width": 2, "arrows": ""}
    edges = []
    corner = {"shape": "dot", "size": 1, "chosen": False, "label": "", "color": {"background": "#aaaaaa", "border": "#aaaaaa"}}
    for parent, unit in chart["units"].items():
        if unit["children"]:
            nodes.append({"id": PORT + parent, **corner})
            edges.append({"from": parent, "to": PORT + parent, **tree})
        for child in unit["children"]:
            nodes.append({"id": INPORT + child, **corner})
            edges += [{"from": PORT + parent, "to": INPORT + child, **tree}, {"from": INPORT + child, "to": child, **tree}]
    # Knows and influences lines, and reporting lines from one unit to another, are
    # drawn for the selected node only (the page shows them on a click): drawn all at
    # once they hide the chart. Reporting lines inside a unit stay.
    unit_of = {p.id: p.unit_id for p in view.people}
    edges += [link_edge(link) | ({} if link.type == "REPORTS_TO" and unit_of.get(link.source) == unit_of.get(link.target)
                                 else {"hidden": True}) for link in view.links]
    options = {"physics": {"enabled": False},
               "interaction": {"hover": True, "tooltipDelay": 120},
               "edges": {"smooth": False}}
    legend = [{"title": "Coverage (fill)", "items": [
        {"color": colour, "label": status} for status, colour in COVERAGE_COLOURS.items()]},
        {"title": "Units (click to open or close)", "items": [
            {"color": COVERAGE_COLOURS["covered"], "border": "1px solid #555", "shape": "square",
             "label": "unit: fill by share of contacts covered"},
            {"color": "#ffffff", "border": "3px solid #7a0000", "shape": "square", "label": "unit with key contacts uncovered"},
            {"color": DARK_COLOUR, "shape": "square", "label": "dark unit: nobody known there"},
            {"color": "#ffffff", "border": "1px solid #888", "shape": "star", "label": "hidden influencer (a star)"}]},
        COVERAGE_LEGEND, LINK_LEGEND]
    flags = _flags("dark unit", "dark units", [u.name for u in view.units if u.dark])
    flags += _flags("hidden influencer", "hidden influencers", [p.name for p in view.people if p.hidden_influencer])
    return page.render(view.title, view.subtitle, nodes, edges, options, legend, flags, org=chart)
