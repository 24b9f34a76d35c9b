"""The relationship evaluation chart (intimacy × support): each contact of a bid's
decision chain, or an account's key contacts, by stance (x) and our best depth (y),
sized by influence. The four quadrants say where to act."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from collections.abc import Iterable

from graphcrm.views import GraphView, Person
from viz.style import STANCE_COLOURS, STANCE_NAMES

__all__ = ["evaluation_chart"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html", "svg"]))
W, H, LEFT, TOP = 560, 420, 46, 20
PW, PH = W - LEFT - 16, H - TOP - 46


def evaluation_chart(view: GraphView | Iterable[Person]) -> str:
    """An inline SVG of a decision chain's people, or of the people given (every
    name escaped); contacts whose stance is unknown sit in their own column on the right."""
    people = list(view.people if isinstance(view, GraphView) else view)
    columns = [-2, -1, 0, 1, 2, None]
    step = PW / len(columns)
    top = max((p.influence for p in people), default=0.0) or 1.0
    crowd: dict[tuple, int] = {}
    points = []
    for p in people:
        cell = (p.stance, p.best_depth)
        n = crowd.get(cell, 0)
        crowd[cell] = n + 1
        x = LEFT + step * (columns.index(p.stance) + 0.5) + ((n % 3) - 1) * 16
        y = TOP + PH - (p.best_depth + 0.5) * PH / 5 + (n // 3) * 14 - 7 * (n % 2)
        points.append({
            "x": round(x, 1), "y": round(y, 1), "r": round(5 + 16 * p.influence / top, 1), "name": p.name,
            "key": p.key, "fill": STANCE_COLOURS[p.stance],
            "tip": f"{p.name} — {p.role}, {STANCE_NAMES[p.stance]}, best depth {p.best_depth} of {p.required_depth}",
        })
    xticks = [{"x": round(LEFT + step * (i + 0.5), 1), "label": "?" if s is None else f"{s:+d}"}
              for i, s in enumerate(columns)]
    yticks = [{"y": round(TOP + PH - (d + 0.5) * PH / 5, 1), "label": str(d)} for d in range(5)]
    return _env.get_template("chart.svg").render(
        w=W, h=H, left=LEFT, top=TOP, pw=PW, ph=PH, x0=round(LEFT + step * 2.5, 1),
        ymid=round(TOP + PH - 2 * PH / 5, 1), points=points, xticks=xticks, yticks=yticks)
