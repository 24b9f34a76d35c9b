"""Loading the import format (docs/design.md §4) into a real LadybugDB store.

Expected values are worked out by hand or counted with the ``csv`` module from
the input files, never taken from graphcrm's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphcrm.cli import app
from graphcrm.errors import InputError
from graphcrm.importer import load
from graphcrm.model import Account, Activity, Contact, Influence, Relationship, Rep
from graphcrm.store import open_store

GRAPHCRM = Path(sys.executable).parent / "graphcrm"
IMPORT_FILES = (
    "accounts.csv", "units.csv", "contacts.csv", "reps.csv", "account_team.csv", "relationships.csv",
    "influences.csv", "bids.csv", "bid_roles.csv", "activities.csv", "agreements.csv", "plans.csv", "feedback.csv",
)
EMPTY = {f.removesuffix(".csv"): 0 for f in IMPORT_FILES}

# A small hand-made data set: two accounts, one unit each, three contacts, two reps,
# and one relationship r-1 → c-1 (depth 3, last contact 2025-06-01, since 2020-01-01).
BASE = {
    "accounts.csv": "id,name,tier\nacc-1,Acme,S\nacc-2,Beta,B\n",
    "units.csv": "id,account_id,name,kind\nu-1,acc-1,Acme HQ,hq\nu-2,acc-2,Beta HQ,hq\n",
    "contacts.csv": "id,account_id,unit_id,name\nc-1,acc-1,u-1,Chen\nc-2,acc-1,u-1,Wang\nc-3,acc-2,u-2,Li\n",
    "reps.csv": "id,name\nr-1,Rep One\nr-2,Rep Two\n",
    "relationships.csv": "rep_id,contact_id,depth,last_contact,since\nr-1,c-1,3,2025-06-01,2020-01-01\n",
}
BASE_COUNTS = {**EMPTY, "accounts": 2, "units": 2, "contacts": 3, "reps": 2, "relationships": 1}


# --- helpers -----------------------------------------------------------------------


def write_dir(directory: Path, files: dict[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return directory


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def data_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of an import CSV file, counted by the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.DictReader(f) if any(row.values())]


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell of the row on physical ``line`` (1 = header) of a CSV file
    whose rows are one line each."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.reader(lines))
    assert len(rows) == len(lines), f"{path.name} has multi-line rows"
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    path.write_text(csv_text(header, rows[1:]), encoding="utf-8", newline="")


def append_row(path: Path, cells: dict[str, str]) -> None:
    header = next(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += csv_text(header, [[cells.get(c, "") for c in header]]).split("\n", 1)[1]
    path.write_text(text, encoding="utf-8", newline="")


def issue_triples(err: pytest.ExceptionInfo[InputError]) -> list[tuple]:
    return [(i.where, i.line, i.field) for i in err.value.issues]


def expected_seed_counts(seeds: Path) -> dict[str, int]:
    """Records per kind that loading ``seeds`` must leave in an empty store:
    one per data row, except that KNOWS edges are the relationship rows plus
    every (rep, contact) pair who attended an activity together (docs/design.md §2)."""
    counts = {name.removesuffix(".csv"): len(data_rows(seeds / name)) for name in IMPORT_FILES}
    knows = {(r["rep_id"], r["contact_id"]) for r in data_rows(seeds / "relationships.csv")}
    for a in data_rows(seeds / "activities.csv"):
        reps = [x for x in a["rep_ids"].split(";") if x]
        contacts = [x for x in a["contact_ids"].split(";") if x]
        knows |= {(r, c) for r in reps for c in contacts}
    counts["relationships"] = len(knows)
    return counts


@pytest.fixture
def seeds(seeds_dir, tmp_path) -> Path:
    """A private copy of seeds/ (others may edit the real one meanwhile)."""
    return Path(shutil.copytree(seeds_dir, tmp_path / "seeds"))


@pytest.fixture
def store(lbug_store):
    return lbug_store


@pytest.fixture
def base(store, tmp_path):
    """The store holding BASE."""
    load(write_dir(tmp_path / "base", BASE), store)
    return store


def load_files(store, tmp_path: Path, files: dict[str, str | bytes], name: str = "in"):
    return load(write_dir(tmp_path / name, files), store)


def failing_load(store, tmp_path: Path, files: dict[str, str | bytes]) -> pytest.ExceptionInfo[InputError]:
    """Load files that must be refused; check nothing was written."""
    before_counts, before = store.counts(), store.export()
    with pytest.raises(InputError) as err:
        load_files(store, tmp_path, files, name="bad")
    assert store.counts() == before_counts
    assert store.export() == before
    return err


# --- seeds: counts, idempotence -----------------------------------------------------


def test_seed_counts_are_plausible(seeds):
    # guards the computation below against an empty or missing seeds directory
    counts = expected_seed_counts(seeds)
    assert all(counts[k] > 0 for k in counts), counts


def test_loading_seeds_into_an_empty_store_stores_one_record_per_row(store, seeds):
    assert store.counts() == EMPTY
    reported = load(seeds, store)
    assert reported == {name.removesuffix(".csv"): len(data_rows(seeds / name)) for name in IMPORT_FILES}
    assert store.counts() == expected_seed_counts(seeds)


def test_loading_seeds_stores_their_ids(store, seeds):
    load(seeds, store)
    data = store.export()
    assert {a.id for a in data.accounts} == {r["id"] for r in data_rows(seeds / "accounts.csv")}
    assert {c.id for c in data.contacts} == {r["id"] for r in data_rows(seeds / "contacts.csv")}
    assert {(i.source_id, i.target_id) for i in data.influences} == {
        (r["source_id"], r["target_id"]) for r in data_rows(seeds / "influences.csv")}


def test_loading_twice_changes_nothing(store, seeds):
    load(seeds, store)
    counts, exported = store.counts(), store.export()
    load(seeds, store)
    assert store.counts() == counts
    assert store.export() == exported


# --- atomicity ------------------------------------------------------------------------


@pytest.mark.parametrize("column, value", [("depth", "7"), ("contact_id", "c-nobody")],
                         ids=["bad-depth", "unknown-contact"])
def test_one_bad_row_writes_nothing_into_an_empty_store(store, seeds, column, value):
    set_cell(seeds / "relationships.csv", 14, column, value)
    with pytest.raises(InputError) as err:
        load(seeds, store)
    assert issue_triples(err) == [("relationships.csv", 14, column)]
    assert store.counts() == EMPTY


@pytest.mark.parametrize("column, value", [("depth", "7"), ("contact_id", "c-nobody")],
                         ids=["bad-depth", "unknown-contact"])
def test_one_bad_row_writes_nothing_into_a_loaded_store(store, seeds, tmp_path, column, value):
    load(seeds, store)
    counts, before = store.counts(), store.export()
    # the changed copy would add an account and rename another if it were written
    changed = Path(shutil.copytree(seeds, tmp_path / "changed"))
    first_account = data_rows(changed / "accounts.csv")[0]["id"]
    set_cell(changed / "accounts.csv", 2, "name", "RENAMED")
    append_row(changed / "accounts.csv", {"id": "acc-new", "name": "New", "tier": "C"})
    set_cell(changed / "relationships.csv", 14, column, value)
    with pytest.raises(InputError):
        load(changed, store)
    assert store.counts() == counts
    assert store.export() == before
    assert store.get(Account, "acc-new") is None
    assert store.get(Account, first_account).name != "RENAMED"


def test_every_problem_is_reported_at_once(store, seeds):
    set_cell(seeds / "relationships.csv", 14, "depth", "7")
    set_cell(seeds / "relationships.csv", 30, "depth", "-1")
    set_cell(seeds / "contacts.csv", 5, "level", "boss")
    with pytest.raises(InputError) as err:
        load(seeds, store)
    assert issue_triples(err) == [
        ("contacts.csv", 5, "level"),
        ("relationships.csv", 14, "depth"),
        ("relationships.csv", 30, "depth"),
    ]
    lines = [str(i) for i in err.value.issues]
    assert lines[0].startswith("contacts.csv:5: level: ") and "'boss'" in lines[0]
    assert lines[1] == "relationships.csv:14: depth: must be between 0 and 4, got 7"
    assert lines[2] == "relationships.csv:30: depth: must be between 0 and 4, got -1"
    assert str(err.value).splitlines()[1:] == lines
    assert store.counts() == EMPTY


# --- every kind of validation error ---------------------------------------------------


def test_unknown_file_name(store, tmp_path):
    err = failing_load(store, tmp_path, {"relationship.csv": "rep_id,contact_id,depth\n"})
    assert issue_triples(err) == [("relationship.csv", None, None)]
    assert "relationships.csv" in err.value.issues[0].message  # names the expected files


def test_extra_column(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": "id,name,tier,colour\nacc-1,Acme,S,blue\n"})
    assert issue_triples(err) == [("accounts.csv", 1, "colour")]


def test_missing_required_column(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": "id,tier\nacc-1,S\n"})
    assert issue_triples(err) == [("accounts.csv", 1, "name")]


def test_a_row_with_the_wrong_number_of_cells(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": "id,name,tier\nacc-1,Acme,S\nacc-2,Beta\nacc-3,C,S,x\n"})
    assert issue_triples(err) == [("accounts.csv", 3, None), ("accounts.csv", 4, None)]


def test_duplicated_id_names_the_first_line(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": "id,name,tier\nacc-1,A,S\nacc-2,B,S\nacc-1,C,A\n"})
    assert [(i.where, i.line) for i in err.value.issues] == [("accounts.csv", 4)]
    assert "line 2" in err.value.issues[0].message
    assert "acc-1" in err.value.issues[0].message


def test_duplicated_relationship_key_names_the_first_line(base, tmp_path):
    err = failing_load(base, tmp_path, {
        "relationships.csv": "rep_id,contact_id,depth\nr-1,c-2,1\nr-2,c-2,1\nr-1,c-2,2\n"})
    assert [(i.where, i.line) for i in err.value.issues] == [("relationships.csv", 4)]
    assert "line 2" in err.value.issues[0].message


def test_the_same_person_in_two_relationships_is_not_a_duplicate(base, tmp_path):
    load_files(base, tmp_path, {"relationships.csv": "rep_id,contact_id,depth\nr-1,c-2,1\nr-2,c-2,2\n"})
    assert base.get(Relationship, ("r-1", "c-2")).depth == 1
    assert base.get(Relationship, ("r-2", "c-2")).depth == 2


def test_bad_enum(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": "id,name,tier\nacc-1,Acme,X\n"})
    assert issue_triples(err) == [("accounts.csv", 2, "tier")]
    assert "'X'" in err.value.issues[0].message


def test_bad_dates(base, tmp_path):
    err = failing_load(base, tmp_path, {
        "agreements.csv": "id,account_id,kind,signed\n"
                          "g-1,acc-1,framework,2024-01-05\n"
                          "g-2,acc-1,framework,2024-1-5\n"
                          "g-3,acc-1,framework,2024-02-30\n"})
    assert issue_triples(err) == [("agreements.csv", 3, "signed"), ("agreements.csv", 4, "signed")]


@pytest.mark.parametrize("file, text, field", [
    ("accounts.csv", "id,name,tier,annual_revenue\nacc-9,Acme,S,lots\n", "annual_revenue"),
    ("relationships.csv", "rep_id,contact_id,depth\nr-1,c-2,deep\n", "depth"),
    ("relationships.csv", "rep_id,contact_id,depth\nr-1,c-2,2.5\n", "depth"),
    ("influences.csv", "source_id,target_id,strength\nc-1,c-2,strong\n", "strength"),
    ("influences.csv", "source_id,target_id,strength\nc-1,c-2,0\n", "strength"),
    ("bid_roles.csv", "bid_id,contact_id,role,stance\nb-1,c-1,approver,3\n", "stance"),
])
def test_bad_numbers(base, tmp_path, file, text, field):
    err = failing_load(base, tmp_path, {file: text})
    assert issue_triples(err) == [(file, 2, field)]


def test_bytes_that_are_not_utf8(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": b"id,name,tier\nacc-1,Acme,S\nacc-2,B\xff\xfeta,S\n"})
    assert [(i.where, i.line) for i in err.value.issues] == [("accounts.csv", 3)]
    assert "UTF-8" in err.value.issues[0].message


def test_nul_byte(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": b"id,name,tier\nacc-1,Acme,S\nacc-2,B\x00eta,S\n"})
    assert [(i.where, i.line) for i in err.value.issues] == [("accounts.csv", 3)]
    assert "NUL" in err.value.issues[0].message


def test_unterminated_quote_is_not_valid_csv(store, tmp_path):
    err = failing_load(store, tmp_path, {"accounts.csv": 'id,name,tier\nacc-1,"Acme,S\n'})
    assert [i.where for i in err.value.issues] == ["accounts.csv"]


def test_unknown_reference_in_neither_files_nor_store(store, tmp_path):
    err = failing_load(store, tmp_path, {"contacts.csv": "id,account_id,name\nc-9,acc-nowhere,Nobody\n"})
    assert issue_triples(err) == [("contacts.csv", 2, "account_id")]
    assert "acc-nowhere" in err.value.issues[0].message


def test_reference_to_a_record_in_the_store_is_accepted(base, tmp_path):
    load_files(base, tmp_path, {"contacts.csv": "id,account_id,unit_id,name\nc-9,acc-1,u-1,Newcomer\n",
                                "relationships.csv": "rep_id,contact_id,depth\nr-2,c-9,2\n"})
    assert base.get(Contact, "c-9") == Contact(id="c-9", account_id="acc-1", unit_id="u-1", name="Newcomer")
    assert base.get(Relationship, ("r-2", "c-9")).depth == 2
    assert base.counts() == {**BASE_COUNTS, "contacts": 4, "relationships": 2}


def test_reference_to_a_record_in_the_same_files_is_accepted(store, tmp_path):
    load_files(store, tmp_path, BASE)
    assert store.counts() == BASE_COUNTS


def test_unit_of_another_account(base, tmp_path):
    err = failing_load(base, tmp_path, {"contacts.csv": "id,account_id,unit_id,name\nc-9,acc-1,u-2,Crosser\n"})
    assert issue_triples(err) == [("contacts.csv", 2, "unit_id")]
    assert "acc-2" in err.value.issues[0].message


def test_bid_role_of_a_contact_of_another_account(base, tmp_path):
    err = failing_load(base, tmp_path, {
        "bids.csv": "id,account_id,name,stage\nb-1,acc-1,Core,tender\n",
        "bid_roles.csv": "bid_id,contact_id,role\nb-1,c-1,approver\nb-1,c-3,user\n"})
    assert issue_triples(err) == [("bid_roles.csv", 3, "contact_id")]


@pytest.mark.parametrize("rows, in_cycle", [
    ("a,acc-1,A,b\nb,acc-1,B,a\n", {2, 3}),
    ("a,acc-1,A,b\nb,acc-1,B,c\nc,acc-1,C,a\nd,acc-1,D,a\n", {2, 3, 4}),
], ids=["two", "three"])
def test_reporting_cycle(base, tmp_path, rows, in_cycle):
    err = failing_load(base, tmp_path, {"contacts.csv": "id,account_id,name,reports_to\n" + rows})
    assert {i.field for i in err.value.issues} == {"reports_to"}
    assert {i.where for i in err.value.issues} == {"contacts.csv"}
    lines = {i.line for i in err.value.issues}
    assert lines and lines <= in_cycle  # d (line 5) reports into the cycle but is not part of it


def test_reporting_chain_without_cycle_is_accepted(base, tmp_path):
    load_files(base, tmp_path, {"contacts.csv": "id,account_id,name,reports_to\na,acc-1,A,b\nb,acc-1,B,c\nc,acc-1,C,\n"})
    assert base.get(Contact, "a").reports_to == "b"
    assert base.get(Contact, "c").reports_to is None


# --- JSON form --------------------------------------------------------------------------


JSON_DOC = {
    "accounts": [{"id": "acc-j", "name": "Json Corp", "tier": "A", "annual_revenue": 1500000.5}],
    "contacts": [{"id": "cj-1", "account_id": "acc-j", "name": "Jia", "level": "executive"},
                 {"id": "cj-2", "account_id": "acc-j", "name": "Jun", "reports_to": "cj-1"}],
    "reps": [{"id": "rj-1", "name": "Rui", "active": False}],
    "relationships": [{"rep_id": "rj-1", "contact_id": "cj-1", "depth": 2, "since": "2023-04-01"}],
    "influences": [{"source_id": "cj-2", "target_id": "cj-1", "strength": 0.25, "kind": "personal"}],
    "activities": [{"id": "aj-1", "date": "2025-02-03", "kind": "call", "account_id": "acc-j",
                    "rep_ids": ["rj-1"], "contact_ids": ["cj-2"]}],
}


def test_json_form_loads(store, tmp_path):
    path = tmp_path / "file.json"
    path.write_text(json.dumps(JSON_DOC), encoding="utf-8")
    load(path, store)
    assert store.counts() == {**EMPTY, "accounts": 1, "contacts": 2, "reps": 1, "relationships": 2,
                              "influences": 1, "activities": 1}
    assert store.get(Account, "acc-j").annual_revenue == 1500000.5
    assert store.get(Contact, "cj-2").reports_to == "cj-1"
    assert store.get(Rep, "rj-1").active is False
    assert store.get(Influence, ("cj-2", "cj-1")).strength == 0.25
    assert store.get(Relationship, ("rj-1", "cj-1")) == Relationship(
        rep_id="rj-1", contact_id="cj-1", depth=2, since=dt.date(2023, 4, 1))
    assert store.get(Activity, "aj-1").contact_ids == ["cj-2"]
    # the activity creates rj-1 → cj-2 at depth 1
    assert store.get(Relationship, ("rj-1", "cj-2")).depth == 1


def test_json_error_is_located_by_list_and_index(store, tmp_path):
    doc = json.loads(json.dumps(JSON_DOC))
    doc["relationships"] = [
        {"rep_id": "rj-1", "contact_id": "cj-1", "depth": 0},
        {"rep_id": "rj-1", "contact_id": "cj-2", "depth": 4},
        {"rep_id": "rj-1", "contact_id": "cj-3", "depth": 1},
        {"rep_id": "rj-1", "contact_id": "cj-4", "depth": 7},
    ]
    path = tmp_path / "file.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path, store)
    # the value problem and the reference problem (no contact cj-3) in the same pass (issue 18)
    assert [str(i) for i in err.value.issues] == ["file.json: relationships[2]: contact_id: no contact with id 'cj-3'",
                                                  "file.json: relationships[3]: depth: must be between 0 and 4, got 7"]
    assert store.counts() == EMPTY


def test_json_unknown_list_and_malformed_json(store, tmp_path):
    path = tmp_path / "file.json"
    path.write_text(json.dumps({"acounts": []}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path, store)
    assert [(i.where, i.field) for i in err.value.issues] == [("file.json", "acounts")]
    path.write_text('{"accounts": [\n{"id": "a"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path, store)
    assert [i.where for i in err.value.issues] == ["file.json"]
    assert store.counts() == EMPTY


# --- dry run -----------------------------------------------------------------------------


def test_dry_run_validates_but_writes_nothing(store, seeds):
    reported = load(seeds, store, dry_run=True)
    assert reported["contacts"] == len(data_rows(seeds / "contacts.csv"))
    assert store.counts() == EMPTY


def test_dry_run_still_reports_problems(store, seeds):
    set_cell(seeds / "relationships.csv", 14, "depth", "7")
    with pytest.raises(InputError) as err:
        load(seeds, store, dry_run=True)
    assert issue_triples(err) == [("relationships.csv", 14, "depth")]


def test_cli_dry_run_writes_nothing(tmp_path, seeds):
    db = f"ladybug://{tmp_path / 'cli.lbug'}"
    result = CliRunner().invoke(app, ["--db", db, "load", "--dry-run", str(seeds)])
    assert result.exit_code == 0, result.output
    with open_store(db) as s:
        assert s.counts() == EMPTY


# --- activities move KNOWS ------------------------------------------------------------------


def test_activity_without_knows_creates_it_at_depth_1(base, tmp_path):
    assert base.get(Relationship, ("r-2", "c-2")) is None
    load_files(base, tmp_path, {"activities.csv": "id,date,kind,account_id,rep_ids,contact_ids\n"
                                                  "act-1,2025-09-01,visit,acc-1,r-2,c-2\n"})
    assert base.get(Relationship, ("r-2", "c-2")) == Relationship(
        rep_id="r-2", contact_id="c-2", depth=1, last_contact=dt.date(2025, 9, 1), since=dt.date(2025, 9, 1))
    assert base.counts() == {**BASE_COUNTS, "activities": 1, "relationships": 2}


def test_activity_connects_every_attending_rep_with_every_attending_contact(base, tmp_path):
    load_files(base, tmp_path, {"activities.csv": "id,date,kind,account_id,rep_ids,contact_ids\n"
                                                  "act-1,2025-09-01,meeting,acc-1,r-1;r-2,c-1;c-2\n"})
    # r-1 → c-1 existed; r-1 → c-2, r-2 → c-1, r-2 → c-2 are new
    assert base.counts()["relationships"] == 4
    for pair in [("r-1", "c-2"), ("r-2", "c-1"), ("r-2", "c-2")]:
        assert base.get(Relationship, pair).depth == 1
    assert base.get(Relationship, ("r-1", "c-1")).depth == 3
    assert base.get(Activity, "act-1").rep_ids == ["r-1", "r-2"]


def test_later_activity_moves_last_contact_forward(base, tmp_path):
    load_files(base, tmp_path, {"activities.csv": "id,date,kind,account_id,rep_ids,contact_ids\n"
                                                  "act-1,2025-09-01,visit,acc-1,r-1,c-1\n"})
    assert base.get(Relationship, ("r-1", "c-1")) == Relationship(
        rep_id="r-1", contact_id="c-1", depth=3, last_contact=dt.date(2025, 9, 1), since=dt.date(2020, 1, 1))


def test_earlier_activity_does_not_move_last_contact_back(base, tmp_path):
    load_files(base, tmp_path, {"activities.csv": "id,date,kind,account_id,rep_ids,contact_ids\n"
                                                  "act-1,2025-03-01,call,acc-1,r-1,c-1\n"})
    assert base.get(Relationship, ("r-1", "c-1")) == Relationship(
        rep_id="r-1", contact_id="c-1", depth=3, last_contact=dt.date(2025, 6, 1), since=dt.date(2020, 1, 1))


def test_activity_beats_an_older_relationship_row_in_the_same_import(base, tmp_path):
    load_files(base, tmp_path, {
        "relationships.csv": "rep_id,contact_id,depth,last_contact,since\nr-1,c-1,2,2025-01-01,2020-01-01\n",
        "activities.csv": "id,date,kind,account_id,rep_ids,contact_ids\n"
                          "act-1,2025-03-01,call,acc-1,r-1,c-1\n"
                          "act-2,2025-02-01,call,acc-1,r-1,c-1\n"})
    assert base.get(Relationship, ("r-1", "c-1")) == Relationship(
        rep_id="r-1", contact_id="c-1", depth=2, last_contact=dt.date(2025, 3, 1), since=dt.date(2020, 1, 1))


# --- Unicode and hostile strings -------------------------------------------------------------


UNICODE_NAMES = {"c-1": "陈志远", "c-2": "Zoë Ærøskøbing 🚀", "c-3": "👩‍💼 Ли «Нина»"}


def test_unicode_names_round_trip(base, tmp_path):
    rows = [[cid, "acc-1" if cid != "c-3" else "acc-2", name] for cid, name in UNICODE_NAMES.items()]
    load_files(base, tmp_path, {"contacts.csv": csv_text(["id", "account_id", "name"], rows),
                                "accounts.csv": "id,name,tier\nacc-1,江南移动通信 (Jiangnan Mobile),S\nacc-2,Beta,B\n"})
    for cid, name in UNICODE_NAMES.items():
        assert base.get(Contact, cid).name == name
    assert base.get(Account, "acc-1").name == "江南移动通信 (Jiangnan Mobile)"
    assert {c.name for c in base.export().contacts} == set(UNICODE_NAMES.values())


HOSTILE = "x'}) DETACH DELETE n --"


def test_quote_brace_and_cypher_laden_strings_are_stored_verbatim(base, tmp_path):
    nasty = ['"}) MATCH (n) DETACH DELETE n; //', "$rows", "a\\'b", "RETURN 1; DROP TABLE Contact"]
    load_files(base, tmp_path, {
        "accounts.csv": csv_text(["id", "name", "tier", "industry"], [[HOSTILE, HOSTILE, "C", nasty[0]]]),
        "contacts.csv": csv_text(["id", "account_id", "name", "title"],
                                 [[f"c-{i}x", HOSTILE, s, s] for i, s in enumerate(nasty)]),
        "reps.csv": csv_text(["id", "name"], [[HOSTILE, HOSTILE]]),
        "relationships.csv": csv_text(["rep_id", "contact_id", "depth"], [[HOSTILE, "c-0x", "2"]]),
    })
    account = base.get(Account, HOSTILE)
    assert account.name == HOSTILE and account.industry == nasty[0]
    for i, s in enumerate(nasty):
        contact = base.get(Contact, f"c-{i}x")
        assert (contact.name, contact.title, contact.account_id) == (s, s, HOSTILE)
    assert base.get(Rep, HOSTILE).name == HOSTILE
    assert base.get(Relationship, (HOSTILE, "c-0x")).depth == 2
    # nothing else was touched
    assert base.counts() == {**BASE_COUNTS, "accounts": 3, "contacts": 7, "reps": 3, "relationships": 2}
    assert base.get(Relationship, ("r-1", "c-1")).depth == 3


# --- the command line: exit codes and messages -------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "GRAPHCRM_DB")}
    return subprocess.run([str(GRAPHCRM), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=env, timeout=60)


def test_cli_load_of_bad_input_exits_2_names_the_place_and_leaves_the_store_untouched(tmp_path, seeds):
    path = tmp_path / "cli.lbug"
    db = f"ladybug://{path}"
    with open_store(db) as s:
        load(seeds, s)
        counts, before = s.counts(), s.export()
    bad = Path(shutil.copytree(seeds, tmp_path / "bad"))
    append_row(bad / "accounts.csv", {"id": "acc-new", "name": "New", "tier": "C"})
    set_cell(bad / "relationships.csv", 14, "depth", "7")
    result = run_cli("--db", db, "load", str(bad))
    assert result.returncode == 2, result.stderr
    assert "relationships.csv:14: depth: must be between 0 and 4, got 7" in result.stderr
    assert "Traceback" not in result.stderr
    with open_store(db) as s:
        assert s.counts() == counts
        assert s.export() == before


def test_cli_load_of_a_missing_path_exits_2(tmp_path):
    result = run_cli("--db", f"ladybug://{tmp_path / 'cli.lbug'}", "load", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_prints_each_issue_on_one_line(tmp_path):
    long_id = "acc-" + "x" * 100
    bad = write_dir(tmp_path / "bad", {"contacts.csv": f"id,account_id,name\nc-1,{long_id},Nobody\n"})
    result = run_cli("--db", f"ladybug://{tmp_path / 'cli.lbug'}", "load", str(bad))
    assert result.returncode == 2
    assert any(line.strip().startswith("contacts.csv:2: account_id: ") and f"'{long_id}'" in line
               for line in result.stderr.splitlines()), result.stderr
