"""Colours, shapes and the legend shared by the views."""

from __future__ import annotations

from graphcrm.model import STANCE_NAMES as _NAMES

STANCE_COLOURS = {-2: "#d62728", -1: "#ff9f43", 0: "#f1d54a", 1: "#9bd88a", 2: "#2ca02c", None: "#c8c8c8"}
STANCE_NAMES = {**{s: f"{name} ({'−' if s < 0 else '+' if s > 0 else ''}{abs(s)})" for s, name in _NAMES.items()},
                None: "stance unknown"}
COVERAGE_COLOURS = {"covered": "#9bd88a", "weak": "#f1d54a", "uncovered": "#c8c8c8"}
"""A contact's fill by coverage status (the account map)."""
LEVELS = {"executive": 0, "senior": 1, "middle": 2, "staff": 3}
REP_COLOUR = "#1f5fa8"
STALE = [6, 6]


def contact_style(status: str, key: bool) -> dict:
    """Border and shape by coverage status: an uncovered or weak key contact is
    drawn as a large-bordered diamond that cannot be missed."""
    if key and status == "uncovered":
        return {"shape": "diamond", "borderWidth": 6, "color": {"border": "#7a0000"}}
    if key and status == "weak":
        return {"shape": "diamond", "borderWidth": 5, "color": {"border": "#b35900"},
                "shapeProperties": {"borderDashes": [6, 4]}}
    if status == "uncovered":
        return {"shape": "dot", "borderWidth": 3, "color": {"border": "#7a0000"},
                "shapeProperties": {"borderDashes": [3, 3]}}
    return {"shape": "dot", "borderWidth": 2 if key else 1, "color": {"border": "#333333"}}


def merge_colour(style: dict, background: str) -> dict:
    colour = dict(style.get("color", {}))
    colour["background"] = background
    return {**style, "color": colour}


def keep_colour(node: dict) -> dict:
    """``node`` with its fill kept when hovered or selected: vis-network paints a
    hovered node its default blue unless the colour names a ``hover`` one, so a
    red "held by one person" would vanish under the pointer."""
    colour = node.get("color")
    if not isinstance(colour, dict) or "background" not in colour:
        return node
    border = colour.get("border", "#333333")
    return {**node, "color": {**colour, "hover": {"background": colour["background"], "border": border},
                              "highlight": {"background": colour["background"], "border": "#000000"}}}


STANCE_LEGEND = {"title": "Stance (fill)", "items": [
    {"color": STANCE_COLOURS[s], "label": STANCE_NAMES[s]} for s in (2, 1, 0, -1, -2, None)]}
COVERAGE_LEGEND = {"title": "Coverage (border, shape)", "items": [
    {"color": "#ffffff", "border": "5px solid #7a0000", "shape": "diamond", "label": "◆ key contact, uncovered"},
    {"color": "#ffffff", "border": "4px dashed #b35900", "shape": "diamond", "label": "◆ key contact, weak"},
    {"color": "#ffffff", "border": "2px solid #333", "label": "● covered (thick: key contact)"},
    {"color": "#ffffff", "border": "3px dashed #7a0000", "label": "● uncovered"},
]}
LINK_LEGEND = {"title": "Links", "items": [
    {"color": REP_COLOUR, "border": "1px solid #0b3a6e", "shape": "square", "label": "■ our rep"},
    {"line": "solid", "color": REP_COLOUR, "label": "knows (width = effective depth)"},
    {"line": "dashed", "color": REP_COLOUR, "label": "knows, gone stale"},
    {"line": "solid", "color": "#7b3fa0", "label": "influences → (width = strength)"},
    {"line": "dotted", "color": "#999999", "label": "reports to →"},
]}
