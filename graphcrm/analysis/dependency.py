"""Single-person dependency: bus factor, single-holder contacts, concentration.

docs/design.md §3. The bus factor is computed exactly: a memoised search over the holder
sets of the covered key contacts when they are few, an integer program beyond
(see ``bus_factor``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
from pydantic import BaseModel
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from graphcrm.analysis.depth import Depths, account_key_contacts, depths, depths_of_rows, key_contacts_of_rows
from graphcrm.graph import nodes_of
from graphcrm.model import StrategicFit
from graphcrm.policy import Policy

__all__ = [
    "bus_factor", "key_holders", "single_holder_contacts", "concentration", "AccountRisk",
    "account_risk", "departing_reps", "smallest_departure",
]


SEARCH_LIMIT = 12
"""Up to this many distinct holder sets, a memoised search; beyond, an integer program."""


def bus_factor(holder_sets: Iterable[Iterable[str]]) -> int:
    """The smallest number of reps whose departure leaves at least half of the
    covered contacts no longer covered.

    Parameters
    ----------
    holder_sets : iterable of iterables of rep ids
        For each covered contact, the reps who cover it (empty sets are ignored:
        those contacts are not covered now).

    Returns
    -------
    int
        0 when no contact is covered.

    Notes
    -----
    Exact. A contact stops being covered when all its holders leave, so a smallest
    departing set is the union of the holder sets of some contacts. With few
    distinct holder sets a memoised branch-and-bound over those unions finds it;
    with more (where that search grows exponentially: 32 contacts each held by 2 of
    40 reps), a small integer program solved by HiGHS (``scipy.optimize.milp``):
    minimise Σ x_r subject to y_c ≤ x_r for every holder r of c and Σ y_c ≥ ⌈n/2⌉.

    Examples
    --------
    >>> bus_factor([{"ann"}, {"ann"}, {"bob", "cy"}])
    1
    >>> bus_factor([{"ann", "bob"}, {"bob", "cy"}])
    2
    >>> bus_factor([])
    0
    """
    return len(smallest_departure(holder_sets))


def smallest_departure(holder_sets: Iterable[Iterable[str]]) -> frozenset[str]:
    """A smallest set of reps whose departure uncovers at least half the covered
    contacts (see ``bus_factor``); empty when no contact is covered."""
    covered = [frozenset(h) for h in holder_sets if h]
    if not covered:
        return frozenset()
    need = math.ceil(len(covered) / 2)
    if len(set(covered)) <= SEARCH_LIMIT:
        return _search(covered, need)
    return _integer_program(covered, need)


def _search(covered: list[frozenset[str]], need: int) -> frozenset[str]:
    counts: dict[frozenset[str], int] = {}
    for h in covered:
        counts[h] = counts.get(h, 0) + 1
    sets = sorted(counts, key=len)
    best = frozenset().union(*sets)
    seen: set[frozenset[str]] = set()

    def search(removed: frozenset[str]) -> None:
        nonlocal best
        if removed in seen:
            return
        seen.add(removed)
        if sum(n for h, n in counts.items() if h <= removed) >= need:
            if len(removed) < len(best):
                best = removed
            return
        for h in sets:
            if not h <= removed:
                grown = removed | h
                if len(grown) < len(best):
                    search(grown)

    search(frozenset())
    return best


def _integer_program(covered: list[frozenset[str]], need: int) -> frozenset[str]:
    reps = sorted(frozenset().union(*covered))
    index = {r: i for i, r in enumerate(reps)}
    n_reps, n_contacts = len(reps), len(covered)
    rows, cols, vals = [], [], []
    row = 0
    for j, holders in enumerate(covered):
        for r in holders:  # y_j - x_r <= 0
            rows += [row, row]
            cols += [n_reps + j, index[r]]
            vals += [1.0, -1.0]
            row += 1
    rows += [row] * n_contacts  # -Σ y_j <= -need
    cols += [n_reps + j for j in range(n_contacts)]
    vals += [-1.0] * n_contacts
    matrix = sparse.csr_array((vals, (rows, cols)), shape=(row + 1, n_reps + n_contacts))
    upper = np.zeros(row + 1)
    upper[-1] = -need
    result = milp(np.concatenate([np.ones(n_reps), np.zeros(n_contacts)]),
                  constraints=LinearConstraint(matrix, -np.inf, upper),
                  integrality=np.ones(n_reps + n_contacts), bounds=Bounds(0, 1))
    chosen = frozenset(r for r, x in zip(reps, result.x[:n_reps], strict=True) if x > 0.5)
    if not result.success or sum(h <= chosen for h in covered) < need:  # never trust a solver blindly
        raise RuntimeError(f"bus factor: the integer program failed ({result.message})")
    return chosen


def key_holders(d: Depths, key_contacts: Iterable[str], policy: Policy) -> dict[str, list[str]]:
    """Covered key contacts → the active reps holding them at the key depth."""
    holders = {c: d.holders(c, policy.key_required_depth) for c in sorted(key_contacts)}
    return {c: h for c, h in holders.items() if h}


def single_holder_contacts(holders: Mapping[str, list[str]]) -> list[str]:
    """Key contacts covered by exactly one rep."""
    return [c for c, h in holders.items() if len(h) == 1]


def departing_reps(holders: Mapping[str, list[str]]) -> list[str]:
    """A smallest set of reps whose departure uncovers half the covered key
    contacts, sorted: for explaining a bus factor."""
    return sorted(smallest_departure(holders.values()))


def concentration(d: Depths, contact_ids: Iterable[str]) -> tuple[str | None, float]:
    """The top rep and their share of the total relationship weight (the sum of
    effective depths of the ``KNOWS`` edges into ``contact_ids``).

    Ties go to the smaller rep id; ``(None, 0.0)`` when the total is 0.
    """
    weight: dict[str, int] = {}
    for c in contact_ids:
        for r, depth in d.effective.get(c, {}).items():
            weight[r] = weight.get(r, 0) + depth
    total = sum(weight.values())
    if total == 0:
        return None, 0.0
    top = min(weight, key=lambda r: (-weight[r], r))
    return top, weight[top] / total


class AccountRisk(BaseModel):
    """One account's single-person dependency (a row of ``risks``)."""

    account_id: str
    name: str
    tier: str
    key_contacts: int
    covered_key_contacts: int
    bus_factor: int
    held_by_one: bool
    top_holder_id: str | None
    top_holder_name: str | None
    top_holder_share: float
    single_holder_contacts: list[str]
    holders: dict[str, list[str]]
    """Covered key contact → the reps who hold them."""
    cash_cow: bool = False
    """The account's strategy diverges from ours: kept, but not invested in."""


def bus_factor_of_rows(rows: Any, as_of: dt.date, policy: Policy) -> int:
    """``account_risk(build_graph(rows, …), as_of, policy).bus_factor`` from an
    account's rows (``AccountRows`` or a ``Dataset``) without building the graph:
    for a scan that needs only the bus factor at many times (the portfolio trend).

    >>> from graphcrm.model import Account, Contact, Dataset, Relationship, Rep
    >>> rows = Dataset(accounts=[Account(id="a", name="A", tier="A")],
    ...                contacts=[Contact(id="c", account_id="a", name="C", level="executive")],
    ...                reps=[Rep(id="r", name="R")], relationships=[Relationship(rep_id="r", contact_id="c", depth=3)])
    >>> bus_factor_of_rows(rows, dt.date(2026, 1, 1), Policy())
    1
    """
    return bus_factor(key_holders(depths_of_rows(rows, as_of, policy), key_contacts_of_rows(rows), policy).values())


def account_risk(g: nx.MultiDiGraph, as_of: dt.date, policy: Policy) -> AccountRisk:
    """Bus factor, single-holder contacts and concentration of one account graph."""
    account_id = g.graph["account_id"]
    account = g.nodes[("Account", account_id)]
    d = depths(g, as_of, policy)
    keys = account_key_contacts(g)
    holders = key_holders(d, keys, policy)
    factor = bus_factor(holders.values())
    top, share = concentration(d, (c for c, _ in nodes_of(g, "Contact")))
    return AccountRisk(
        account_id=account_id,
        name=account["name"],
        tier=str(account["tier"]),
        key_contacts=len(keys),
        covered_key_contacts=len(holders),
        bus_factor=factor,
        held_by_one=factor == 1,
        top_holder_id=top,
        top_holder_name=g.nodes[("Rep", top)]["name"] if top else None,
        top_holder_share=round(share, 4),
        cash_cow=account.get("strategic_fit") == StrategicFit.diverging,
        single_holder_contacts=single_holder_contacts(holders),
        holders=holders,
    )

