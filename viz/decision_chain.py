"""The decision chain of a bid: who decides, where they stand, who on our side knows them."""

from __future__ import annotations

from graphcrm.views import GraphView, Link, Person, RepNode, flag_chips
from viz import page
from viz.style import (
    COVERAGE_LEGEND, LEVELS, LINK_LEGEND, REP_COLOUR, STALE, STANCE_COLOURS, STANCE_LEGEND,
    STANCE_NAMES, contact_style, merge_colour,
)

__all__ = ["render_decision_chain", "person_node", "rep_node", "link_edge"]


def _tooltip(p: Person) -> str:
    lines = [p.name, p.title or "", f"Unit: {p.unit_name or '—'}"]
    if p.role:
        lines.append(f"Bid role: {p.role}{' (key)' if p.key else ''}")
        lines.append(f"Stance: {STANCE_NAMES[p.stance]}")
    lines += [f"Coverage: {p.status} — best depth {p.best_depth} of {p.required_depth}",
              f"Holders: {', '.join(p.holders) or 'nobody'}",
              f"Last contact: {p.last_contact or 'never logged'}",
              f"Influence score: {p.influence:.3f}" + (" — hidden influencer" if p.hidden_influencer else "")]
    return "\n".join(line for line in lines if line)


def person_node(p: Person, max_influence: float, level: int | None = None) -> dict:
    size = 12 + 40 * (p.influence / max_influence if max_influence else 0)
    node = {"id": f"c:{p.id}", "label": p.name, "tooltip": _tooltip(p), "size": round(size, 1),
            "font": {"size": 16}, **merge_colour(contact_style(p.status, p.key), STANCE_COLOURS[p.stance])}
    if level is not None:
        node["level"] = level
    return node


def rep_node(r: RepNode, level: int | None = None) -> dict:
    node = {"id": f"r:{r.id}", "label": r.name, "shape": "box", "tooltip": f"Our rep: {r.name}\nRole: {r.role or '—'}",
            "color": {"background": REP_COLOUR, "border": "#0b3a6e"}, "font": {"color": "#ffffff"}}
    if level is not None:
        node["level"] = level
    return node


def link_edge(link: Link) -> dict:
    if link.type == "KNOWS":
        return {"from": f"r:{link.source}", "to": f"c:{link.target}", "width": 1 + 1.5 * (link.effective_depth or 0),
                "dashes": STALE if link.stale else False, "color": {"color": REP_COLOUR}, "arrows": "",
                "tooltip": f"knows: depth {link.depth}, effective {link.effective_depth}"
                           + (" (stale)" if link.stale else "")}
    if link.type == "INFLUENCES":
        return {"from": f"c:{link.source}", "to": f"c:{link.target}", "width": 1 + 4 * (link.strength or 0),
                "arrows": "to", "color": {"color": "#7b3fa0"}, "tooltip": f"influences: strength {link.strength}"}
    return {"from": f"c:{link.source}", "to": f"c:{link.target}", "arrows": "to", "dashes": [2, 4],
            "color": {"color": "#999999"}, "tooltip": "reports to"}


def render_decision_chain(view: GraphView) -> str:
    """A self-contained HTML page of a bid's decision chain (hierarchical layout:
    executives on top; our reps in the bottom row)."""
    top = max((p.influence for p in view.people), default=0.0)
    nodes = [person_node(p, top, LEVELS.get(p.level or "", 3)) for p in view.people]
    nodes += [rep_node(r, 5) for r in view.reps]
    options = {
        "layout": {"hierarchical": {"enabled": True, "direction": "UD", "sortMethod": "directed",
                                    "levelSeparation": 140, "nodeSpacing": 170,
                                    "edgeMinimization": False}},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "edges": {"smooth": {"type": "cubicBezier", "forceDirection": "vertical"}},
    }
    flags = [f"{chip.label}: " + (", ".join(p.name + (f" ({p.note})" if p.note else "") for p in chip.people) or "—")
             for chip in flag_chips(view)]
    return page.render(view.title, view.subtitle, nodes, [link_edge(link) for link in view.links], options,
                       [STANCE_LEGEND, COVERAGE_LEGEND, LINK_LEGEND], flags, kind="chain")
