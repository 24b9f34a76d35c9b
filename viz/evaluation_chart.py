"""The relationship evaluation chart (intimacy × support): each contact of a bid's
decision chain, or an account's key contacts, by stance (x) and our best depth (y),
sized by influence. The four quadrants say where to act."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from collections import Counter
from collections.abc import Iterable

from graphcrm.views import GraphView, Person
from viz.style import STANCE_COLOURS, STANCE_NAMES

__all__ = ["evaluation_chart"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html", "svg"]))
W, H, LEFT, TOP = 560, 438, 46, 38
PW, PH = W - LEFT - 16, H - TOP - 46
# The quadrants' captions sit outside the plot (two above it, two on the axis title's
# line) so that no person's label, drawn above their circle, runs into one.


def evaluation_chart(view: GraphView | Iterable[Person]) -> str:
    """An inline SVG of a decision chain's people, or of the people given (every
    name escaped); contacts whose stance is unknown sit in their own column on the right."""
    people = list(view.people if isinstance(view, GraphView) else view)
    columns = [-2, -1, 0, 1, 2, None]
    step = PW / len(columns)
    top = max((p.influence for p in people), default=0.0) or 1.0
    size = Counter((p.stance, p.best_depth) for p in people)
    radius = {p.id: 5 + 11 * p.influence / top for p in people}
    gap: dict[tuple, float] = {}  # a crowded cell's row spacing: its largest circles do not touch
    for p in people:
        cell = (p.stance, p.best_depth)
        gap[cell] = max(gap.get(cell, 26.0), 2 * radius[p.id] + 4)
    seen: Counter = Counter()
    points = []
    for p in people:
        cell = (p.stance, p.best_depth)
        n, alone = seen[cell], size[cell] == 1
        seen[cell] += 1
        # a person alone in their cell: at its centre, named above; several: two columns
        # 20 px either side of the centre, rows ``gap`` apart, each named on its outer side
        side = 0 if alone else (-1 if n % 2 == 0 else 1)
        x = LEFT + step * (columns.index(p.stance) + 0.5) + side * 20
        y = TOP + PH - (p.best_depth + 0.5) * PH / 5 + (0 if alone else (n // 2 - (size[cell] - 1) // 2 / 2) * gap[cell])
        r = radius[p.id]
        points.append({
            "x": round(x, 1), "y": round(y, 1), "r": round(r, 1), "name": p.name,
            "lx": round(x + side * (r + 3), 1), "ly": round(y - r - 3 if alone else y + 4, 1),
            "anchor": {0: "middle", -1: "end", 1: "start"}[side],
            "key": p.key, "fill": STANCE_COLOURS[p.stance],
            "tip": f"{p.name} — {p.role}, {STANCE_NAMES[p.stance]}, best depth {p.best_depth} of {p.required_depth}",
        })
    xticks = [{"x": round(LEFT + step * (i + 0.5), 1), "label": "?" if s is None else f"{s:+d}"}
              for i, s in enumerate(columns)]
    yticks = [{"y": round(TOP + PH - (d + 0.5) * PH / 5, 1), "label": str(d)} for d in range(5)]
    return _env.get_template("chart.svg").render(
        w=W, h=H, left=LEFT, top=TOP, pw=PW, ph=PH, x0=round(LEFT + step * 2.5, 1),
        ymid=round(TOP + PH - 2 * PH / 5, 1), points=points, xticks=xticks, yticks=yticks)
