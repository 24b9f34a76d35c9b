"""The services (what the CLI and the API call) against a real store loaded with seeds/.

Each service must give the same report as running the pure analysis on:

- the account graph built from ``store.account_data(id)`` (the store round trip), and
- the account graph built from the parsed seed files themselves, sliced per account
  here (seeds/README.md: importing activities creates no KNOWS edge and moves no
  last_contact, so the files are the whole truth);

and the outcomes seeds/README.md documents. Runs on every available engine
(``any_store``: LadybugDB always, Neo4j when NEO4J_URI is set).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphcrm import services
from graphcrm.analysis.coverage import coverage_check
from graphcrm.analysis.departure import account_impact
from graphcrm.analysis.dependency import account_risk
from graphcrm.analysis.depth import depths
from graphcrm.analysis.gaps import gaps
from graphcrm.analysis.influence import influence
from graphcrm.analysis.paths import warm_paths
from graphcrm.errors import NotFound
from graphcrm.fileformat import read_csv_dir
from graphcrm.graph import build_graph
from graphcrm.importer import load
from graphcrm.model import Dataset
from graphcrm.policy import Policy

AS_OF = dt.date(2026, 11, 15)
POLICY = Policy()
ACCOUNTS = ("acc-jnm", "acc-jnpg", "acc-mzp")
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def account_slice(data: Dataset, account_id: str) -> Dataset:
    """One account's records, cut out of the whole parsed seed data by hand."""
    contacts = [c for c in data.contacts if c.account_id == account_id]
    cids = {c.id for c in contacts}
    bids = [b for b in data.bids if b.account_id == account_id]
    bid_ids = {b.id for b in bids}
    relationships = [k for k in data.relationships if k.contact_id in cids]
    team = [t for t in data.account_team if t.account_id == account_id]
    activities = [a for a in data.activities if a.account_id == account_id]
    rep_ids = ({k.rep_id for k in relationships} | {t.rep_id for t in team}
               | {r for a in activities for r in a.rep_ids})
    return Dataset(
        accounts=[a for a in data.accounts if a.id == account_id],
        units=[u for u in data.units if u.account_id == account_id],
        contacts=contacts,
        reps=[r for r in data.reps if r.id in rep_ids],
        account_team=team,
        relationships=relationships,
        influences=[i for i in data.influences if i.source_id in cids],
        bids=bids,
        bid_roles=[r for r in data.bid_roles if r.bid_id in bid_ids],
        activities=activities,
        agreements=[a for a in data.agreements if a.account_id == account_id],
        plans=[p for p in data.plans if p.account_id == account_id],
        feedback=[f for f in data.feedback if f.account_id == account_id],
    )


@pytest.fixture
def seeded(any_store, seeds_dir):
    load(seeds_dir, any_store)
    return any_store


@pytest.fixture(scope="module")
def seed_data() -> Dataset:
    return read_csv_dir(SEEDS).data


@pytest.fixture(scope="module")
def raw_graphs(seed_data):
    """account id → graph built straight from the parsed seed files."""
    return {a: build_graph(account_slice(seed_data, a), a) for a in ACCOUNTS}


def store_graph(store, account_id: str):
    data = store.account_data(account_id)
    assert data is not None
    return build_graph(data, account_id)


def account_of_bid(seed_data: Dataset, bid_id: str) -> str:
    return next(b.account_id for b in seed_data.bids if b.id == bid_id)


# --- check --------------------------------------------------------------------------


def test_check_equals_the_pure_analysis(seeded, seed_data, raw_graphs):
    for b in seed_data.bids:
        acc = b.account_id
        got = services.check(seeded, b.id, AS_OF, POLICY)
        assert got == coverage_check(store_graph(seeded, acc), b.id, AS_OF, POLICY)
        assert got == coverage_check(raw_graphs[acc], b.id, AS_OF, POLICY)


def test_check_matches_the_readme(seeded):
    r = services.check(seeded, "bid-jnm-5g-core-2026", AS_OF, POLICY)
    assert {f.flag: sorted(f.contact_ids) for f in r.red_flags} == {
        "uncovered_key_contact": ["c-jnm-003", "c-jnm-031"],
        "opponent": ["c-jnm-021"],
        "stale_key_relationship": ["c-jnm-031"],
        "overdue_plan": ["c-jnm-003", "c-jnm-031"],  # seeds/README.md, "The management loop"
        "open_complaint": ["c-jnm-031"],
    }
    assert sorted(u.contact_id for u in r.uncovered) == ["c-jnm-003", "c-jnm-031"]
    assert r.bus_factor == 2
    keys = sorted(m.contact_id for m in r.decision_chain if m.key)
    assert keys == ["c-jnm-001", "c-jnm-002", "c-jnm-003", "c-jnm-014", "c-jnm-021", "c-jnm-031"]

    clean = services.check(seeded, "bid-jnpg-pvt5g-2027", AS_OF, POLICY)
    assert clean.red_flags == []
    assert clean.uncovered == []
    assert clean.bus_factor == 3


# --- gaps and influence -------------------------------------------------------------


def test_account_gaps_equal_the_pure_analysis(seeded, raw_graphs):
    for acc in ACCOUNTS:
        got = services.account_gaps(seeded, acc, AS_OF, POLICY)
        assert got == gaps(store_graph(seeded, acc), AS_OF, POLICY)
        assert got == gaps(raw_graphs[acc], AS_OF, POLICY)


def test_account_gaps_match_the_readme(seeded):
    jnm = services.account_gaps(seeded, "acc-jnm", AS_OF, POLICY).layers
    assert jnm.key.score == pytest.approx(5 / 7, abs=1e-3)
    assert sorted((g.subject_id, g.best_depth, g.required_depth) for g in jnm.key.gaps) == [
        ("c-jnm-003", 2, 3), ("c-jnm-031", 2, 3)]
    assert jnm.general.dark_units == ["unit-jnm-yz-baisha"]
    # general: the 53 contacts that are not among the 7 key ones; 45 have best ≥ 1 (seeds/README.md)
    assert jnm.general.contacts_covered_share == pytest.approx(45 / 53, abs=1e-3)
    assert (jnm.organisational.required, jnm.organisational.score) == (True, 1.0)

    jnpg = services.account_gaps(seeded, "acc-jnpg", AS_OF, POLICY).layers
    assert (jnpg.key.score, jnpg.general.score, jnpg.organisational.score) == (1.0, 1.0, 1.0)
    assert jnpg.general.dark_units == []

    mzp = services.account_gaps(seeded, "acc-mzp", AS_OF, POLICY)
    assert (mzp.layers.organisational.required, mzp.layers.organisational.score) == (False, None)
    assert mzp.cash_cow is True  # strategic_fit diverging


def _influence_rows(report):
    return [(e.contact_id, e.name, e.level, e.hidden_influencer) for e in report.ranking]


def test_account_influence_equals_the_pure_analysis(seeded, raw_graphs):
    for acc in ACCOUNTS:
        got = services.account_influence(seeded, acc, POLICY)
        for expected in (influence(store_graph(seeded, acc), POLICY), influence(raw_graphs[acc], POLICY)):
            assert got.account_id == expected.account_id
            assert _influence_rows(got) == _influence_rows(expected)
            assert [e.score for e in got.ranking] == pytest.approx([e.score for e in expected.ranking], abs=2e-6)


def test_account_influence_matches_the_readme(seeded):
    hidden = {acc: [e.contact_id for e in services.account_influence(seeded, acc, POLICY).ranking
                    if e.hidden_influencer] for acc in ACCOUNTS}
    assert hidden == {"acc-jnm": ["c-jnm-009"], "acc-jnpg": [], "acc-mzp": []}
    ranking = services.account_influence(seeded, "acc-jnm", POLICY).ranking
    assert [e.contact_id for e in ranking].index("c-jnm-009") == 4  # 5th of 60


# --- risks --------------------------------------------------------------------------


def test_risks_equal_the_pure_analysis(seeded, raw_graphs):
    got = services.risks(seeded, AS_OF, POLICY, jobs=1)
    by_id = {r.account_id: r for r in got.accounts}
    assert set(by_id) == set(ACCOUNTS)
    for acc in ACCOUNTS:
        assert by_id[acc] == account_risk(store_graph(seeded, acc), AS_OF, POLICY)
        assert by_id[acc] == account_risk(raw_graphs[acc], AS_OF, POLICY)


def test_risks_match_the_readme(seeded):
    got = services.risks(seeded, AS_OF, POLICY, jobs=1)
    assert got.accounts[0].account_id == "acc-mzp"
    rows = {r.account_id: r for r in got.accounts}
    mzp = rows["acc-mzp"]
    assert (mzp.bus_factor, mzp.held_by_one, mzp.top_holder_id) == (1, True, "rep-feng-bo")
    assert mzp.top_holder_share == pytest.approx(0.71, abs=0.01)
    assert mzp.single_holder_contacts == ["c-mzp-001", "c-mzp-002"]
    jnm = rows["acc-jnm"]
    assert (jnm.bus_factor, jnm.single_holder_contacts, jnm.top_holder_id) == (3, ["c-jnm-002"], "rep-li-na")
    assert jnm.top_holder_share == pytest.approx(0.17, abs=0.01)
    # inactive rep-zhao-lei does not count: c-jnm-001 has exactly two holders
    assert sorted(jnm.holders["c-jnm-001"]) == ["rep-li-na", "rep-liu-yang"]
    assert "c-jnm-003" not in jnm.holders
    assert (rows["acc-jnpg"].bus_factor, rows["acc-jnpg"].single_holder_contacts) == (3, [])

    assert [r.account_id for r in services.risks(seeded, AS_OF, POLICY, tiers=["S"], jobs=1).accounts] == ["acc-jnm"]
    assert [r.account_id for r in services.risks(seeded, AS_OF, POLICY, limit=1, jobs=1).accounts] == ["acc-mzp"]


def test_risks_in_parallel_equal_risks_in_one_process(seeded, monkeypatch):
    monkeypatch.setattr(services, "PARALLEL_FROM", 0)
    for kwargs in ({}, {"tiers": ["S", "B"]}, {"limit": 2}):
        serial = services.risks(seeded, AS_OF, POLICY, jobs=1, **kwargs)
        parallel = services.risks(seeded, AS_OF, POLICY, jobs=2, **kwargs)
        assert parallel == serial


# --- departure ----------------------------------------------------------------------


def test_departure_equals_the_pure_analysis(seeded, seed_data, raw_graphs):
    for rep in seed_data.reps:
        got = services.departure(seeded, rep.id, AS_OF, POLICY)
        assert (got.rep_id, got.active) == (rep.id, rep.active)
        by_id = {i.account_id: i for i in got.accounts}
        assert len(by_id) == len(got.accounts)
        for source in ("store", "files"):
            expected = {}
            for acc in ACCOUNTS:
                g = store_graph(seeded, acc) if source == "store" else raw_graphs[acc]
                impact = account_impact(g, rep.id, AS_OF, POLICY)
                if impact is not None:
                    expected[acc] = impact
            assert by_id == expected, (rep.id, source)


def test_departure_matches_the_readme(seeded):
    feng = services.departure(seeded, "rep-feng-bo", AS_OF, POLICY).accounts
    assert [a.account_id for a in feng] == ["acc-mzp"]
    assert feng[0].orphaned_contacts == ["c-mzp-001", "c-mzp-002", "c-mzp-006", "c-mzp-008"]
    assert feng[0].uncovered_key_contacts == ["c-mzp-001", "c-mzp-002"]
    assert feng[0].bus_factor_after == 0

    wang = {a.account_id: a for a in services.departure(seeded, "rep-wang-hao", AS_OF, POLICY).accounts}
    assert wang["acc-jnm"].uncovered_key_contacts == ["c-jnm-002"]

    he = {a.account_id: a for a in services.departure(seeded, "rep-he-jing", AS_OF, POLICY).accounts}
    assert "c-jnm-031" in he["acc-jnm"].orphaned_contacts

    # inactive reps hold nothing
    assert services.departure(seeded, "rep-zhao-lei", AS_OF, POLICY).accounts == []

    # acc-jnpg: no single departure orphans a contact
    for rep in ("rep-chen-yu", "rep-xu-fang", "rep-tang-wei", "rep-liu-yang", "rep-zhang-min"):
        for a in services.departure(seeded, rep, AS_OF, POLICY).accounts:
            if a.account_id == "acc-jnpg":
                assert a.orphaned_contacts == [], rep


# --- paths --------------------------------------------------------------------------


def test_contact_paths_equal_the_pure_analysis(seeded, seed_data, raw_graphs):
    for contact_id in ("c-jnm-003", "c-jnm-031", "c-jnm-055", "c-mzp-001", "c-jnpg-012"):
        acc = next(c.account_id for c in seed_data.contacts if c.id == contact_id)
        got = services.contact_paths(seeded, contact_id, AS_OF, POLICY)
        assert got.account_id == acc
        for g in (store_graph(seeded, acc), raw_graphs[acc]):
            d = depths(g, AS_OF, POLICY)
            assert got.warm_paths == warm_paths(g, contact_id, d, POLICY)
            assert got.best_depth == d.best(contact_id)


def test_contact_paths_match_the_readme(seeded):
    cfo = services.contact_paths(seeded, "c-jnm-003", AS_OF, POLICY).warm_paths
    assert [(p.rep_id, p.via) for p in cfo[:1]] == [("rep-liu-yang", ["c-jnm-001", "c-jnm-003"])]
    assert [p.strength for p in cfo] == pytest.approx([0.7, 0.6, 0.6])
    noc = services.contact_paths(seeded, "c-jnm-031", AS_OF, POLICY).warm_paths
    assert [(p.rep_id, p.via) for p in noc[:2]] == [
        ("rep-sun-qiang", ["c-jnm-009", "c-jnm-031"]), ("rep-wang-hao", ["c-jnm-002", "c-jnm-031"])]
    assert [p.strength for p in noc[:2]] == pytest.approx([0.7, 0.6])
    baisha = services.contact_paths(seeded, "c-jnm-055", AS_OF, POLICY)
    assert baisha.best_depth == 0
    assert ("rep-guo-tao", ["c-jnm-051", "c-jnm-055"]) in [(p.rep_id, p.via) for p in baisha.warm_paths]


# --- unknown ids --------------------------------------------------------------------


def test_unknown_ids_raise_not_found(seeded):
    calls = {
        "bid": lambda: services.check(seeded, "nope", AS_OF, POLICY),
        "account": lambda: services.account_gaps(seeded, "nope", AS_OF, POLICY),
        "account ": lambda: services.account_influence(seeded, "nope", POLICY),
        "rep": lambda: services.departure(seeded, "nope", AS_OF, POLICY),
        "contact": lambda: services.contact_paths(seeded, "nope", AS_OF, POLICY),
    }
    for kind, call in calls.items():
        with pytest.raises(NotFound) as e:
            call()
        assert (e.value.kind, e.value.id) == (kind.strip(), "nope")
