"""The analyses do not depend on how the same data was split across loads (issue 20).

Loading ``relationships.csv`` again after an activity had moved a pair's stored
``last_contact`` forward used to put the older date back, and the analyses went
with it (the bus factor of issue 20's minimal case fell from 1 to 0). The
analyses now take a pair's last contact as of their day from the activities
themselves (``graphcrm.analysis.depth.last_contacts``, issue 19's definition), so
whatever the order of the loads, the same records give the same answers.

The stores are real LadybugDB files; the data goes through the real import
format (CSV directories and JSON files) and ``graphcrm.importer.load``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcrm import services
from graphcrm.fileformat import write_csv_dir, write_json
from graphcrm.importer import load
from graphcrm.model import (
    Account, Activity, ActivityKind, Agreement, AgreementKind, Bid, BidRole, BidRoleName, BidStage, Contact,
    Dataset, Influence, InfluenceLevel, Level, Relationship, Rep, TeamMember, Tier, Unit, UnitKind,
)
from graphcrm.policy import Policy
from graphcrm.store import open_store

AS_OF = dt.date(2026, 11, 15)
POLICY = Policy()


# --- helpers -----------------------------------------------------------------------


def write_load(data: Dataset, where: Path, as_json: bool = False) -> Path:
    """``data`` in the import format: a JSON file, or a directory holding only the
    CSV files that have rows (``relationships.csv`` alone, say)."""
    if as_json:
        return write_json(data, where.with_suffix(".json"))
    for path in write_csv_dir(data, where):
        if len(path.read_text(encoding="utf-8").splitlines()) == 1:
            path.unlink()
    return where


def loaded_store(url: str, loads: list[Path]):
    store = open_store(url)
    for path in loads:
        load(path, store)
    return store


def analyses(store, data: Dataset) -> dict[str, str]:
    """Every analysis whose answer depends on relationships, as JSON: the check of
    each bid, the gaps of each account, the portfolio's risks, each rep's departure
    impact and the warm paths to each contact."""
    out = {"risks": services.risks(store, AS_OF, POLICY, jobs=1).model_dump_json()}
    out |= {f"check {b.id}": services.check(store, b.id, AS_OF, POLICY).model_dump_json() for b in data.bids}
    out |= {f"gaps {a.id}": services.account_gaps(store, a.id, AS_OF, POLICY).model_dump_json()
            for a in data.accounts}
    out |= {f"departure {r.id}": services.departure(store, r.id, AS_OF, POLICY).model_dump_json()
            for r in data.reps}
    out |= {f"paths {c.id}": services.contact_paths(store, c.id, AS_OF, POLICY).model_dump_json()
            for c in data.contacts}
    return out


# --- issue 20's minimal case, by hand ----------------------------------------------


def minimal_case() -> Dataset:
    """Account a1; executive contact c1 (a key contact); active executive rep r1;
    r1 → c1 at depth 4, last contact 2025-01-01; activity v1 on 2026-10-01
    attended by r1 and c1."""
    return Dataset(
        accounts=[Account(id="a1", name="Acme", tier="B")],
        contacts=[Contact(id="c1", account_id="a1", name="Chen", level="executive")],
        reps=[Rep(id="r1", name="Rep One", level="executive")],
        relationships=[Relationship(rep_id="r1", contact_id="c1", depth=4, last_contact=dt.date(2025, 1, 1))],
        activities=[Activity(id="v1", date=dt.date(2026, 10, 1), kind="visit", account_id="a1",
                             rep_ids=["r1"], contact_ids=["c1"])],
    )


def only(data: Dataset, *fields: str) -> Dataset:
    return Dataset(**{f: getattr(data, f) for f in fields})


EVERYTHING = ("accounts", "contacts", "reps", "relationships", "activities")


@pytest.mark.parametrize("splits", [
    [EVERYTHING],
    [EVERYTHING, ("relationships",)],                                   # relationships.csv loaded again
    [("accounts", "contacts", "reps", "activities"), ("relationships",)],  # activities first
    [("accounts", "contacts", "reps", "relationships"), ("activities",)],
], ids=["one load", "everything then relationships", "activities then relationships",
        "relationships then activities"])
def test_the_minimal_case_whatever_the_split(tmp_path, splits):
    """As of 2026-11-15 r1 last met c1 on 2026-10-01 (45 days: not stale), so r1
    holds c1 at 4 ≥ 3: c1 is covered by r1 alone → bus factor 1, and r1's
    departure orphans c1 and uncovers it (bus factor after: 0). With the stored
    2025-01-01 (683 days > 2 × 180) the depth would be 4 − 2 = 2: bus factor 0."""
    data = minimal_case()
    paths = [write_load(only(data, *fields), tmp_path / f"load{i}") for i, fields in enumerate(splits)]
    store = loaded_store(f"ladybug://{tmp_path / 'store.lbug'}", paths)
    try:
        [risk] = services.risks(store, AS_OF, POLICY, jobs=1).accounts
        assert (risk.bus_factor, risk.held_by_one, risk.single_holder_contacts) == (1, True, ["c1"])
        assert (risk.top_holder_id, risk.top_holder_share) == ("r1", 1.0)
        [impact] = services.departure(store, "r1", AS_OF, POLICY).accounts
        assert (impact.orphaned_contacts, impact.uncovered_key_contacts) == (["c1"], ["c1"])
        assert (impact.bus_factor_before, impact.bus_factor_after) == (1, 0)
        layers = services.account_gaps(store, "a1", AS_OF, POLICY).layers
        assert (layers.key.score, layers.key.gaps) == (1.0, [])
        paths_report = services.contact_paths(store, "c1", AS_OF, POLICY)
        assert (paths_report.best_depth, paths_report.status) == (4, "covered")
    finally:
        store.close()


def test_the_minimal_case_gives_the_same_analyses_as_one_load(tmp_path):
    """Field by field, not only the numbers above: everything, then
    relationships.csv alone; and activities first, relationships second."""
    data = minimal_case()
    everything = write_load(data, tmp_path / "all")
    rels = write_load(only(data, "relationships"), tmp_path / "rels")
    rest = write_load(only(data, "accounts", "contacts", "reps", "activities"), tmp_path / "rest")
    answers = []
    for name, loads in (("one", [everything]), ("reloaded", [everything, rels]), ("activities first", [rest, rels])):
        store = loaded_store(f"ladybug://{tmp_path / name}.lbug", loads)
        try:
            answers.append(analyses(store, data))
        finally:
            store.close()
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]


def test_the_check_shows_the_last_contact_as_of_its_day(tmp_path):
    """The decision chain's relationship shows the day r1 and c1 last met as of
    the check (2026-10-01), not the stored date a re-load put back; as of
    2026-09-30 the visit had not happened, and the stored 2025-01-01 holds."""
    data = minimal_case()
    data.bids.append(Bid(id="b1", account_id="a1", name="Core", stage="tender"))
    data.bid_roles.append(BidRole(bid_id="b1", contact_id="c1", role="decision_maker", stance=1))
    loads = [write_load(data, tmp_path / "all"), write_load(only(data, "relationships"), tmp_path / "rels")]
    store = loaded_store(f"ladybug://{tmp_path / 'store.lbug'}", loads)
    try:
        [member] = services.check(store, "b1", AS_OF, POLICY).decision_chain
        [link] = member.relationships
        assert (link.last_contact, link.effective_depth, member.status) == (dt.date(2026, 10, 1), 4, "covered")
        [member] = services.check(store, "b1", dt.date(2026, 9, 30), POLICY).decision_chain
        # 2026-09-30 − 2025-01-01 = 637 days > 360 → 4 − 2 = 2: weak
        assert (member.relationships[0].last_contact, member.best_depth, member.status) == (
            dt.date(2025, 1, 1), 2, "weak")
    finally:
        store.close()


# --- the property: random data, random splits ----------------------------------------


FILES = ("accounts", "units", "contacts", "reps", "account_team", "relationships", "influences", "bids",
         "bid_roles", "activities", "agreements")


def days(lo: int, hi: int):
    return st.integers(lo, hi).map(lambda n: AS_OF - dt.timedelta(days=n))


# Stored last contacts: none, recent, old, or after as_of (not known unless they met since).
stored_last_contacts = st.one_of(st.none(), days(0, 170), days(171, 1000), days(-120, -1))


@st.composite
def portfolios(draw) -> Dataset:
    """One or two accounts with units, contacts (reporting lines and influences
    within the account), a few reps some inactive, relationships, bids with
    decision chains, agreements, and activities dated on or before as_of.

    Activities are never after as_of: a load of activities moves the stored
    ``last_contact`` forward whatever the day, so a store loaded in one go and
    one that had ``relationships.csv`` loaded again differ in what they hold about
    the days before a later meeting (see docs/design-notes-issue20.md).
    """
    reps = [Rep(id=f"r{i}", name=f"Rep {i}", active=draw(st.integers(0, 4).map(bool)),
                level=draw(st.one_of(st.none(), st.sampled_from(list(Level)))))
            for i in range(draw(st.integers(1, 4)))]
    rids = [r.id for r in reps]
    data = Dataset(reps=reps)
    for a in range(draw(st.integers(1, 2))):
        acc = f"a{a}"
        data.accounts.append(Account(id=acc, name=f"Account {a}", tier=draw(st.sampled_from(list(Tier)))))
        units: list[str] = []
        for i in range(draw(st.integers(0, 3))):
            data.units.append(Unit(id=f"{acc}-u{i}", account_id=acc, name=f"Unit {i}",
                                   kind=draw(st.sampled_from(list(UnitKind))),
                                   parent_unit_id=draw(st.one_of(st.none(), st.sampled_from(units)))
                                   if units else None))
            units.append(f"{acc}-u{i}")
        cids: list[str] = []
        for i in range(draw(st.integers(1, 5))):
            data.contacts.append(Contact(
                id=f"{acc}-c{i}", account_id=acc, name=f"Contact {i}",
                unit_id=draw(st.one_of(st.none(), st.sampled_from(units))) if units else None,
                level=draw(st.sampled_from([Level.executive, None, *Level])),
                reports_to=draw(st.one_of(st.none(), st.sampled_from(cids))) if cids else None))
            cids.append(f"{acc}-c{i}")
        data.account_team += [TeamMember(account_id=acc, rep_id=r)
                              for r in draw(st.lists(st.sampled_from(rids), unique=True, max_size=2))]
        pairs = draw(st.lists(st.tuples(st.sampled_from(rids), st.sampled_from(cids)), unique=True, max_size=8))
        data.relationships += [Relationship(rep_id=r, contact_id=c, depth=draw(st.sampled_from([4, 3, 2, 1, 0])),
                                            last_contact=draw(stored_last_contacts)) for r, c in pairs]
        if len(cids) >= 2:
            links = draw(st.lists(st.tuples(st.sampled_from(cids), st.sampled_from(cids)).filter(
                lambda p: p[0] != p[1]), unique=True, max_size=4))
            data.influences += [Influence(source_id=s, target_id=t, strength=draw(st.sampled_from([0.3, 0.6, 1.0])))
                                for s, t in links]
        bids = []
        for i in range(draw(st.integers(0, 2))):
            bids.append(f"{acc}-b{i}")
            data.bids.append(Bid(id=bids[-1], account_id=acc, name=f"Bid {i}",
                                 stage=draw(st.sampled_from(list(BidStage)))))
            data.bid_roles += [BidRole(bid_id=bids[-1], contact_id=c, role=draw(st.sampled_from(list(BidRoleName))),
                                       influence=draw(st.one_of(st.none(), st.sampled_from(list(InfluenceLevel)))),
                                       stance=draw(st.one_of(st.none(), st.integers(-2, 2))))
                               for c in draw(st.lists(st.sampled_from(cids), unique=True, max_size=3))]
        for i in range(draw(st.integers(0, 4))):
            # mostly a meeting of a pair who have a relationship (where a re-load can do harm), plus others
            r, c = draw(st.sampled_from(pairs)) if pairs and draw(st.integers(0, 3)) else (rids[0], cids[0])
            data.activities.append(Activity(
                id=f"{acc}-v{i}", date=draw(st.one_of(days(0, 170), days(171, 800))),
                kind=draw(st.sampled_from(list(ActivityKind))), account_id=acc,
                bid_id=draw(st.one_of(st.none(), st.sampled_from(bids))) if bids else None,
                rep_ids=sorted({r, *draw(st.lists(st.sampled_from(rids), max_size=1))}),
                contact_ids=sorted({c, *draw(st.lists(st.sampled_from(cids), max_size=2))})))
        if draw(st.booleans()):
            data.agreements.append(Agreement(id=f"{acc}-ag", account_id=acc,
                                             kind=draw(st.sampled_from(list(AgreementKind))),
                                             expires=AS_OF + dt.timedelta(days=draw(st.integers(-200, 400)))))
    return data


_REFERENCES = {
    "units": (("accounts", "account_id"), ("units", "parent_unit_id")),
    "contacts": (("accounts", "account_id"), ("units", "unit_id"), ("contacts", "reports_to")),
    "account_team": (("accounts", "account_id"), ("reps", "rep_id")),
    "relationships": (("reps", "rep_id"), ("contacts", "contact_id")),
    "influences": (("contacts", "source_id"), ("contacts", "target_id")),
    "bids": (("accounts", "account_id"),),
    "bid_roles": (("bids", "bid_id"), ("contacts", "contact_id")),
    "activities": (("accounts", "account_id"), ("bids", "bid_id"), ("reps", "rep_ids"), ("contacts", "contact_ids")),
    "agreements": (("accounts", "account_id"),),
}
"""Dataset field → (field referred to, column) of each reference its records make."""
NODES = ("accounts", "units", "contacts", "reps", "bids")


def _references(field: str, record) -> Iterator[tuple[str, str]]:
    """(field, id) of the records that ``record`` (of ``Dataset.<field>``) names:
    they must be in the store, or in the same load, when it is loaded."""
    for target, column in _REFERENCES.get(field, ()):
        value = getattr(record, column)
        for id_ in value if isinstance(value, list) else [value]:
            if id_ is not None:
                yield target, id_


@st.composite
def splits(draw, data: Dataset) -> list[tuple[Dataset, bool]]:
    """The records of ``data`` spread over 1–3 loads, each no earlier than the
    records it names (records come in an order where those precede them), then
    0–2 loads of whole files again; each load a CSV directory or a JSON file."""
    n = draw(st.integers(1, 3), label="loads")
    when: dict[tuple[str, str], int] = {}
    loads = [Dataset() for _ in range(n)]
    for field in FILES:
        for r in getattr(data, field):
            at = max([draw(st.integers(0, n - 1)), *(when[ref] for ref in _references(field, r))])
            if field in NODES:
                when[(field, r.id)] = at
            getattr(loads[at], field).append(r)
    again = draw(st.lists(st.one_of(st.just(["relationships"]), st.lists(st.sampled_from(FILES), unique=True,
                                                                       min_size=1)), max_size=2), label="again")
    loads += [only(data, *fields) for fields in again]
    return [(d, draw(st.booleans(), label="as json")) for d in loads]


def _without_dates(export: Dataset) -> dict:
    """An export with the relationships' dates left out: a re-load of
    ``relationships.csv`` puts the file's ``last_contact`` back and an activity
    moves it on (the store's affair); ``since`` is the first meeting of the load
    that created the relationship."""
    return export.model_dump() | {"relationships": sorted(
        (k.rep_id, k.contact_id, k.depth) for k in export.relationships)}


def _same_analyses_whatever_the_split(data: Dataset, loads: list[tuple[Dataset, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = loaded_store(f"ladybug://{tmp / 'one.lbug'}", [write_load(data, tmp / "all")])
        try:
            expected, held = analyses(one, data), _without_dates(one.export())
        finally:
            one.close()
        paths = [write_load(d, tmp / f"load{i}", as_json) for i, (d, as_json) in enumerate(loads)]
        split = loaded_store(f"ladybug://{tmp / 'split.lbug'}", paths)
        try:
            assert _without_dates(split.export()) == held, "the loads do not hold the same records"
            got = analyses(split, data)
        finally:
            split.close()
    differ = sorted(k for k in expected if got[k] != expected[k])
    assert not differ, f"analyses differ after split loads: {differ}\n{got[differ[0]]}\n{expected[differ[0]]}"


SPLITS = settings(deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(SPLITS, max_examples=30)
@given(data=st.data())
def test_any_split_gives_the_analyses_of_one_load(data):
    portfolio = data.draw(portfolios(), label="portfolio")
    _same_analyses_whatever_the_split(portfolio, data.draw(splits(portfolio), label="loads"))


@pytest.mark.slow
@settings(SPLITS, max_examples=80)
@given(data=st.data())
def test_any_split_gives_the_analyses_of_one_load_more(data):
    portfolio = data.draw(portfolios(), label="portfolio")
    _same_analyses_whatever_the_split(portfolio, data.draw(splits(portfolio), label="loads"))
