"""Small line charts of a trend (``graphcrm.over_time``): offline inline SVG, no script.

One chart per measure family: an account's three layer scores (0–100 %) and its
bus factor, a bid's coverage, the portfolio's accounts held by one person. A
month with nothing known leaves a gap in its line; a chart with nothing known
at all (a store whose audit trail begins after these months) says so in words.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from graphcrm.over_time import AccountTrend, BidTrend, PortfolioTrend

__all__ = ["line_chart", "account_charts", "bid_chart", "portfolio_chart"]

_env = Environment(loader=PackageLoader("viz", "templates"), autoescape=select_autoescape(["html", "svg"]))
W, H, LEFT, TOP, BOTTOM, RIGHT = 360, 150, 34, 12, 22, 90
COLOURS = ("#1f5fa8", "#1e7b34", "#a15c00", "#8a1c12")


def line_chart(id: str, title: str, months: list[str], series: dict[str, list[float | None]],
               top: float | None = None, percent: bool = False) -> str:
    """An inline SVG: one line per series over the months (None: a gap), y from 0 to ``top``
    (default the largest value, at least 1)."""
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    values = [v for vs in series.values() for v in vs if v is not None]
    top = top or max([1.0, *values])
    step = pw / max(len(months) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{LEFT + i * step:.1f},{TOP + ph - v / top * ph:.1f}"

    lines = []
    for n, (name, vs) in enumerate(series.items()):
        runs, run = [], []
        for i, v in enumerate(vs):
            if v is None:
                runs, run = (runs + [run] if run else runs), []
            else:
                run.append((i, v))
        runs += [run] if run else []
        lines.append({"name": name, "colour": COLOURS[n % len(COLOURS)], "y": TOP + 12 * n + 8,
                      "runs": [" ".join(xy(i, v) for i, v in r) for r in runs],
                      "dots": [{"xy": xy(i, v).split(","), "tip": f"{months[i]}: {_label(v, percent)}"}
                               for r in runs for i, v in r]})
    every = max(1, len(months) // 6)  # about six labels, the last month always among them
    ticks = [{"x": round(LEFT + i * step, 1), "label": months[i][2:]} for i in range(len(months) - 1, -1, -every)]
    return _env.get_template("trend.svg").render(
        id=id, title=title, w=W, h=H, left=LEFT, top=TOP, pw=pw, ph=ph, lines=lines, ticks=ticks,
        ymax=_label(top, percent), empty=not values)


def _label(v: float, percent: bool) -> str:
    return f"{v:.0%}" if percent else f"{v:g}"


def account_charts(t: AccountTrend) -> list[str]:
    months = [p.month for p in t.months]
    return [line_chart("trend-layers", "Layer scores", months,
                       {"key": [p.key for p in t.months], "general": [p.general for p in t.months],
                        "organisational": [p.organisational for p in t.months]}, top=1.0, percent=True),
            line_chart("trend-bus-factor", "Bus factor", months, {"bus factor": [p.bus_factor for p in t.months]})]


def bid_chart(t: BidTrend) -> str:
    return line_chart("trend-coverage", "Key contacts covered", [p.month for p in t.months],
                      {"coverage": [p.coverage for p in t.months]}, top=1.0, percent=True)


def portfolio_chart(t: PortfolioTrend) -> str:
    known = [p.accounts > 0 for p in t.months]  # (no account known that month: a gap, not a zero)
    return line_chart("trend-held-by-one", "Accounts held by one person", [p.month for p in t.months],
                      {"held by one": [p.held_by_one if k else None for p, k in zip(t.months, known)],
                       "accounts": [p.accounts if k else None for p, k in zip(t.months, known)]})
