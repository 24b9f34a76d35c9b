"""The account map's organisation chart: where every unit and contact sits.

The layout is computed here, from the unit tree and the reporting lines, and not by
vis-network's physics: the same account gives the same picture on every load, and a
3,000-contact operator costs no simulation at all. The chart reads left to right:
a unit's box, its contacts in a block under the box (managers above the people who
report to them), its sub-units in the next column. Units can be opened and closed
(a closed unit is one box carrying its counts), so a big account opens with its
top units only.

What is computed here: each unit's block (every contact's offset in it, the block's
size), the unit tree in a fixed order, the counts on each box and which units start
open. Which units the reader opens is only known in the page, so the page packs the
open blocks into columns (``graph.html``, ``orgLayout``): a sum of heights down the
tree, with no choice left to it.

Example
-------
>>> from graphcrm.views import Person
>>> boss = Person(id="b", name="Boss", level="executive", unit_id="u", status="covered", best_depth=3, required_depth=3)
>>> aide = Person(id="a", name="Aide", level="staff", unit_id="u", status="weak", best_depth=1, required_depth=2)
>>> block = unit_block([aide, boss], {"a": "b"})
>>> [(node, dx, dy) for node, dx, dy in block.members]
[('c:b', 75, 45), ('c:a', 75, 135)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graphcrm.views import AccountView, Person
from viz.style import LEVELS

__all__ = ["CELL", "BOX", "COLUMNS", "OPEN_ALL_UP_TO", "NO_UNIT", "PORT", "INPORT", "Block", "unit_block", "org_chart"]

CELL = (150, 90)
"""Width and height of a contact's place in a block (px)."""
BOX = (210, 90)
"""Width and height of a unit's box (px)."""
COLUMNS = 6
"""A block's row wraps after this many contacts."""
OPEN_ALL_UP_TO = 150
"""An account with at most this many contacts opens with every unit open; a bigger
one opens with its top units shown and every contact hidden."""
PORT, INPORT = "p:", "q:"
"""Prefixes of a unit's two invisible corner points: its port, right of its row,
where the line to its sub-units leaves it, and its in-port, left of its box, where
the line from its parent unit comes in. Both sit in the gap between two columns, so
the lines run there (as an organisation chart's connectors do) and never cross a
block of contacts."""
NO_UNIT = "n:no-unit"
"""The box of the contacts who belong to no unit of the account (never a unit's
node id, which starts with ``u:``)."""


@dataclass(frozen=True)
class Block:
    """A unit's contacts as placed under its box: ``(node id, dx, dy)`` from the
    block's top-left corner to the contact's centre, and the block's size."""

    members: list[tuple[str, int, int]]
    width: int
    height: int


def _rank(p: Person) -> tuple:
    return LEVELS.get(p.level or "", len(LEVELS)), p.name, p.id


def unit_block(people: list[Person], manager_of: dict[str, str]) -> Block:
    """Lay out one unit's contacts: layer ``n`` holds the people ``n`` reporting
    steps below someone with no manager in the unit (the unit's heads, by level
    then name); each layer lists people in the order of their managers, and wraps
    after ``COLUMNS``. A reporting cycle inside the unit is broken at its
    highest-ranked member.

    Parameters
    ----------
    people : the unit's contacts.
    manager_of : contact id → the id of the contact they report to (any unit).

    Returns
    -------
    Block
    """
    ids = {p.id for p in people}
    reports: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        boss = manager_of.get(p.id)
        if boss in ids and boss != p.id:
            reports[boss].append(p)
    layers: list[list[str]] = []
    seen: set[str] = set()

    def visit(roots: list[Person]) -> None:
        level, depth = sorted(roots, key=_rank), 0
        while level:
            level = [p for p in level if p.id not in seen]
            if not level:
                break
            seen.update(p.id for p in level)
            while len(layers) <= depth:
                layers.append([])
            layers[depth].extend(p.id for p in level)
            level = [r for p in level for r in sorted(reports[p.id], key=_rank)]
            depth += 1

    visit([p for p in people if manager_of.get(p.id) not in ids or manager_of.get(p.id) == p.id])
    for p in sorted(people, key=_rank):  # only people in a reporting cycle are left
        if p.id not in seen:
            visit([p])
    width, height = CELL
    members, line = [], 0
    for layer in layers:
        for i, contact in enumerate(layer):
            row, col = divmod(i, COLUMNS)
            members.append((f"c:{contact}", col * width + width // 2, (line + row) * height + height // 2))
        line += -(-len(layer) // COLUMNS)
    cols = min(COLUMNS, max((len(layer) for layer in layers), default=0))
    return Block(members, cols * width, line * height)


def _counts(people: list[Person]) -> dict[str, int]:
    return {"contacts": len(people), "covered": sum(p.status == "covered" for p in people),
            "key_uncovered": sum(p.key and p.status == "uncovered" for p in people)}


def org_chart(view: AccountView) -> dict[str, Any]:
    """The chart as the page needs it: ``units`` (node id → children, block and
    counts), ``roots``, the units whose sub-units start shown (``open``) and those
    whose contacts do (``staffed``), and the box size. Children and roots are in name order; contacts of no unit of the
    account get the ``NO_UNIT`` box, listed last among the roots."""
    unit_ids = {u.id for u in view.units}
    manager_of = {link.source: link.target for link in view.links if link.type == "REPORTS_TO"}
    people_of: dict[str, list[Person]] = defaultdict(list)
    for p in view.people:
        people_of[f"u:{p.unit_id}" if p.unit_id in unit_ids else NO_UNIT].append(p)
    by_name = sorted(view.units, key=lambda u: (u.name, u.id))
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for u in by_name:
        (children[f"u:{u.parent_id}"] if u.parent_id in unit_ids and u.parent_id != u.id else roots).append(f"u:{u.id}")
    if people_of.get(NO_UNIT):
        roots.append(NO_UNIT)
    units = {}
    for node in [f"u:{u.id}" for u in by_name] + ([NO_UNIT] if NO_UNIT in roots else []):
        block = unit_block(people_of[node], manager_of)
        units[node] = {"children": children[node], "members": block.members, "w": block.width, "h": block.height,
                       **_counts(people_of[node])}
    if len(view.people) <= OPEN_ALL_UP_TO:
        opened, shown = list(units), list(units)
    else:
        opened, shown = roots, []
    return {"units": units, "roots": roots, "open": opened, "staffed": shown, "box": BOX}
