"""CSV export neutralises spreadsheet formulas (OWASP CSV injection) and still
round-trips: text cells starting with = + - @ TAB CR or ' get a leading ', the
reader strips exactly that one ', numbers are never touched, JSON is verbatim."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graphcrm.fileformat import read_csv_dir, write_csv_dir, write_json
from graphcrm.importer import load
from graphcrm.model import Account, Activity, Bid, BidRole, Contact, Dataset, Influence, Rep, Unit

CALC = "=cmd|' /C calc'!A0"

DATA = Dataset(
    accounts=[Account(id="acc-1", name=CALC, tier="S", industry="+1"),
              Account(id="acc-2", name="'=already quoted", tier="A", industry="'plain"),
              Account(id="-acc-3", name="@SUM(1)", tier="B", parent_id="acc-1", annual_revenue=-0.0 + 5)],
    units=[Unit(id="u-1", account_id="-acc-3", name="-1", kind="hq", region="''")],
    contacts=[Contact(id="c-1", account_id="acc-1", name="Chen", title="=HYPERLINK(\"http://x\")"),
              Contact(id="=c-2", account_id="acc-1", name="O'Brien", title="'")],
    reps=[Rep(id="r-1", name="+Rep", email="-x@example.com")],
    influences=[Influence(source_id="c-1", target_id="=c-2", strength=0.5)],
    bids=[Bid(id="b-1", account_id="acc-1", name="-", stage="qualify", value=0)],
    bid_roles=[BidRole(bid_id="b-1", contact_id="c-1", role="coach", stance=-1),
               BidRole(bid_id="b-1", contact_id="=c-2", role="user", stance=-2)],
    activities=[Activity(id="act-1", date=dt.date(2024, 1, 2), kind="call", account_id="acc-1",
                         rep_ids=["r-1"], contact_ids=["=c-2", "c-1"], summary="\t=1+1\r\nsecond line"),
                Activity(id="act-2", date=dt.date(2024, 1, 3), kind="call", account_id="acc-1",
                         summary="\r=x")],
)


def cells(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_id(path) -> dict[str, dict[str, str]]:
    return {row.get("id") or row.get("contact_id"): row for row in cells(path)}


def test_formula_like_text_is_exported_with_a_leading_apostrophe(tmp_path):
    write_csv_dir(DATA, tmp_path / "out")
    accounts = by_id(tmp_path / "out" / "accounts.csv")
    assert accounts["acc-1"]["name"] == "'" + CALC
    assert accounts["acc-1"]["industry"] == "'+1"
    assert accounts["acc-2"]["name"] == "''=already quoted"
    assert accounts["acc-2"]["industry"] == "''plain"
    assert accounts["'-acc-3"]["name"] == "'@SUM(1)"
    assert accounts["'-acc-3"]["parent_id"] == "acc-1"
    assert accounts["'-acc-3"]["annual_revenue"] == "5"
    assert by_id(tmp_path / "out" / "units.csv")["u-1"] == {
        "id": "u-1", "account_id": "'-acc-3", "name": "'-1", "kind": "hq", "parent_unit_id": "", "region": "'''"}
    contacts = by_id(tmp_path / "out" / "contacts.csv")
    assert contacts["c-1"]["title"] == "'=HYPERLINK(\"http://x\")"
    assert contacts["'=c-2"]["name"] == "O'Brien"  # an apostrophe inside is left alone
    activities = by_id(tmp_path / "out" / "activities.csv")
    assert activities["act-1"]["summary"] == "'\t=1+1\r\nsecond line"
    assert activities["act-1"]["contact_ids"] == "'=c-2;c-1"
    assert activities["act-2"]["summary"] == "'\r=x"
    assert by_id(tmp_path / "out" / "reps.csv")["r-1"]["email"] == "'-x@example.com"


def test_numbers_are_not_quoted(tmp_path):
    write_csv_dir(DATA, tmp_path / "out")
    stances = {row["contact_id"]: row["stance"] for row in cells(tmp_path / "out" / "bid_roles.csv")}
    assert stances == {"c-1": "-1", "'=c-2": "-2"}
    assert cells(tmp_path / "out" / "influences.csv")[0]["strength"] == "0.5"


def test_reading_the_export_gives_back_the_values_and_the_same_files(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_csv_dir(DATA, first)
    again = read_csv_dir(first).data
    assert again == DATA.sorted()
    write_csv_dir(again, second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_round_trip_through_a_store(tmp_path, lbug_store):
    start, first, second = tmp_path / "start", tmp_path / "first", tmp_path / "second"
    write_csv_dir(DATA, start)
    load(start, lbug_store)
    stored = lbug_store.export()
    assert {a.id: a.name for a in stored.accounts} == {
        "acc-1": CALC, "acc-2": "'=already quoted", "-acc-3": "@SUM(1)"}
    write_csv_dir(stored, first)
    load(first, lbug_store)
    assert lbug_store.export() == stored
    write_csv_dir(lbug_store.export(), second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


@pytest.mark.parametrize("written, read", [
    ("'=1", "=1"), ("''=1", "'=1"), ("'Tis", "'Tis"), ("''", "'"), ("'", "'"), ("'-2", "-2"),
    ("a'=1", "a'=1"), ("'''", "''"),
])
def test_hand_written_cells(tmp_path, written, read):
    (tmp_path / "in").mkdir()
    with (tmp_path / "in" / "accounts.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([["id", "name", "tier"], ["acc-1", written, "S"]])
    assert read_csv_dir(tmp_path / "in").data.accounts[0].name == read


def test_a_quoted_number_in_a_numeric_column_is_read_as_the_number(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bid_roles.csv").write_text("bid_id,contact_id,role,stance\nb-1,c-1,coach,'-2\n")
    assert read_csv_dir(tmp_path / "in").data.bid_roles[0].stance == -2


def test_json_export_is_verbatim(tmp_path):
    doc = json.loads(write_json(DATA, tmp_path / "out.json").read_text(encoding="utf-8"))
    names = {a["id"]: a["name"] for a in doc["accounts"]}
    assert names == {"acc-1": CALC, "acc-2": "'=already quoted", "-acc-3": "@SUM(1)"}
    assert {r["contact_id"]: r["stance"] for r in doc["bid_roles"]} == {"c-1": -1, "=c-2": -2}


text_values = st.text(max_size=12) | st.builds(lambda a, b: a + b, st.sampled_from([*"=+-@\t\r\n'\" ,;"]),
                                               st.text(max_size=6))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text_values, summary=text_values.filter(bool), rep=text_values)  # "" is "not given"
def test_any_text_round_trips_through_csv(tmp_path, name, summary, rep):
    """Whatever the model accepts comes back from the CSV export unchanged, and
    exporting what was read gives the same bytes."""
    try:
        data = Dataset(accounts=[Account(id="acc-1", name=name, tier="S")],
                       reps=[Rep(id="r-1", name=name, role=None)] if not rep.strip() else
                       [Rep(id=rep, name=name)],
                       activities=[Activity(id="act-1", date=dt.date(2024, 1, 1), kind="call",
                                            account_id="acc-1", summary=summary)])
    except ValidationError:
        assume(False)
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        write_csv_dir(data, first)
        again = read_csv_dir(first).data
        assert again == data.sorted()
        write_csv_dir(again, second)
        for path in first.iterdir():
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name


LOOKALIKES = ["＝1+1", "﹦cmd|' /C calc'!A0", "＋1", "﹢1", "－1", "﹣1", "＠SUM(1)", "﹫x", " =1+1", "  +1",
              "\u00a0-1", "\u3000＠x", "\u2003=1", " ＝1"]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_fullwidth_and_indented_formulas_are_escaped_too(tmp_path, text):
    """Issue 13 (Info): spreadsheets also take the fullwidth and small forms of = + - @,
    and those after leading spaces, for formulas: they get the ' too, and load back as they were."""
    data = Dataset(accounts=[Account(id="acc-1", name=text, tier="S", industry="plain ＝ inside")])
    write_csv_dir(data, tmp_path / "out")
    row = by_id(tmp_path / "out" / "accounts.csv")["acc-1"]
    assert row["name"] == "'" + text
    assert row["industry"] == "plain ＝ inside"
    assert read_csv_dir(tmp_path / "out").data == data
