"""graphcrm/portfolio.py: the portfolio page's filters, sorting, paging and the
aggregated map, on rows written here (expected answers worked out by hand)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graphcrm.analysis.dependency import AccountRisk
from graphcrm.portfolio import OpenBid, PortfolioQuery, PortfolioRow, groups, select


def row(i: str, name: str, tier: str, factor: int, keys: int = 2, region: str | None = None,
        group: str | None = None, reps: tuple[str, ...] = (), cash_cow: bool = False, bids: int = 0,
        revenue: float = 0.0) -> PortfolioRow:
    risk = AccountRisk(account_id=i, name=name, tier=tier, key_contacts=keys, covered_key_contacts=min(factor, keys),
                       bus_factor=factor, held_by_one=factor == 1, top_holder_id=None, top_holder_name=None,
                       top_holder_share=0.0, single_holder_contacts=[], holders={}, cash_cow=cash_cow)
    return PortfolioRow(risk=risk, region=region, group_id=group, reps=list(reps), revenue=revenue,
                        open_bids=[OpenBid(id=f"{i}-b{n}", name="B", stage="lead") for n in range(bids)])


# riskiest first, as portfolio_summary gives them
ROWS = [
    row("a1", "Linjiang Mobile", "A", 0, region="Linjiang", group="g1", reps=("r1",), bids=2, revenue=5.0),
    row("a2", "Beta Grid", "A", 1, region="Linjiang", group="g1", reps=("r1", "r2"), cash_cow=True, revenue=3.0),
    row("a3", "alpha Power", "B", 1, region="Haibin", reps=("r2",), bids=1, revenue=2.0),
    row("a4", "Delta Telecom", "C", 2, region=None, reps=("r3",)),
    row("a5", "Gamma Water", "B", 3, keys=0, region="Haibin", group="g2", revenue=1.0),
]


def ids(query: dict) -> list[str]:
    return [r.risk.account_id for r in select(ROWS, PortfolioQuery.model_validate(query)).rows]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["a1", "a2", "a3", "a4", "a5"]),
    ({"tier": ["B", "C"]}, ["a3", "a4", "a5"]),
    ({"held_by_one": "true"}, ["a2", "a3"]),
    ({"held_by_one": "false", "tier": ["A"]}, ["a1"]),
    ({"bus_factor": "0"}, ["a1"]),
    ({"cash_cow": "true"}, ["a2"]),
    ({"rep": "r2"}, ["a2", "a3"]),
    ({"region": "Haibin"}, ["a3", "a5"]),
    ({"group": "g1"}, ["a1", "a2"]),
    ({"q": "  ALPHA "}, ["a3"]),  # name, case and spaces aside
    ({"q": "a4"}, ["a4"]),  # or id
    ({"region": "", "q": ""}, ["a1", "a2", "a3", "a4", "a5"]),  # an empty form field: any
])
def test_each_filter_keeps_the_accounts_it_names(query, expected):
    assert ids(query) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"sort": "name"}, ["a3", "a2", "a4", "a5", "a1"]),  # alpha, Beta, Delta, Gamma, Linjiang
    ({"sort": "name", "order": "desc"}, ["a1", "a5", "a4", "a2", "a3"]),
    ({"sort": "tier"}, ["a1", "a2", "a3", "a5", "a4"]),  # A, A, B, B, C: ties keep the risk order
    ({"sort": "bids", "order": "desc"}, ["a1", "a3", "a2", "a4", "a5"]),
    ({"sort": "region"}, ["a3", "a5", "a1", "a2", "a4"]),  # Haibin, Linjiang, then none (last)
    ({"sort": "region", "order": "desc"}, ["a1", "a2", "a3", "a5", "a4"]),  # none stays last
    ({"order": "desc"}, ["a5", "a4", "a3", "a2", "a1"]),  # least risky first
])
def test_sorting(query, expected):
    assert ids(query) == expected


def test_pages_cut_the_filtered_rows():
    q = {"sort": "name", "size": "2"}
    pages = [select(ROWS, PortfolioQuery.model_validate({**q, "page": str(p)})) for p in (1, 2, 3, 4)]
    assert [[r.risk.account_id for r in p.rows] for p in pages] == [["a3", "a2"], ["a4", "a5"], ["a1"], []]
    assert {(p.total, p.matched, p.pages) for p in pages} == {(5, 5, 3)}
    held = select(ROWS, PortfolioQuery.model_validate({"tier": ["A", "B"], "size": "1"}))
    assert (held.matched, held.pages, held.held_by_one, held.cash_cows) == (4, 4, 2, 1)  # over all matched rows


@pytest.mark.parametrize("bad", [{"page": "0"}, {"size": "501"}, {"sort": "revenue; DROP"}, {"tier": ["Z"]},
                                 {"bus_factor": "-1"}])
def test_bad_parameters_are_refused(bad):
    with pytest.raises(ValidationError):
        PortfolioQuery.model_validate(bad)


def test_the_map_counts_accounts_by_region_and_by_group():
    by_region, summed = groups(ROWS, "region")
    assert summed == 0
    assert [(g.key, g.label, g.accounts, g.held_by_one, g.uncovered, g.revenue) for g in by_region] == [
        ("Haibin", "Haibin", 2, 1, 0, 3.0), ("Linjiang", "Linjiang", 2, 1, 1, 8.0), (None, "no region", 1, 0, 0, 0.0)]
    by_group, _ = groups(ROWS, "group", names={"g1": "Jiangnan Group"})
    assert [(g.key, g.label, g.accounts) for g in by_group] == [
        ("g1", "Jiangnan Group", 2), ("g2", "g2", 1), (None, "no group", 2)]
    few, summed = groups(ROWS, "region", limit=2)  # beyond the limit, the smaller ones summed into one node
    assert summed == 2 and [(g.key, g.accounts) for g in few] == [("Haibin", 2), ("*", 3)]
    assert few[1].label == "2 smaller regions"
