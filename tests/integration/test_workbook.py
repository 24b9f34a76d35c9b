"""Excel workbooks (issue 18): an .xlsx made from the demo seeds loads into the same
store as the CSV files, export → load → export gives the same cells, and problems
name the workbook's sheet, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from graphcrm.errors import InputError
from graphcrm.fileformat import read_csv_dir, read_path, write_csv_dir
from graphcrm.importer import load
from graphcrm.model import Account, Dataset
from graphcrm.store import open_store
from graphcrm.workbook import write_xlsx

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _record_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv")) if p.name != "audit.csv"}


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {s.title: [r for r in s.iter_rows(values_only=True) if s.title != "audit"] for s in book.worksheets}
    finally:
        book.close()


def test_an_xlsx_of_the_seeds_loads_as_the_csv_files_do(lbug_store, tmp_path):
    book = write_xlsx(read_csv_dir(SEEDS).data, tmp_path / "seeds.xlsx")
    load(book, lbug_store)
    write_csv_dir(lbug_store.export(), tmp_path / "from-xlsx")
    other = open_store(f"ladybug://{tmp_path / 'csv.lbug'}")
    try:
        load(SEEDS, other)
        write_csv_dir(other.export(), tmp_path / "from-csv")
    finally:
        other.close()
    assert _record_files(tmp_path / "from-xlsx") == _record_files(tmp_path / "from-csv")
    assert len(_record_files(tmp_path / "from-csv")) == 13  # the thirteen record types of graphcrm.model


def test_export_load_export_gives_the_same_workbook(lbug_store, tmp_path):
    load(SEEDS, lbug_store)
    data, trail = lbug_store.snapshot()
    first = write_xlsx(data, tmp_path / "first.xlsx", trail)
    again = read_path(first)
    assert again.data == data.sorted() and again.audit == trail
    second = write_xlsx(again.data, tmp_path / "second.xlsx", again.audit)
    assert _cells(first) == _cells(second)


def test_typed_cells_and_formula_like_text(tmp_path):
    data = Dataset(accounts=[Account(id="=1+1", name="@SUM(A1)", tier="S", annual_revenue=1.5e9)])
    path = write_xlsx(data, tmp_path / "a.xlsx")
    sheet = openpyxl.load_workbook(path)["accounts"]
    assert [c.data_type for c in sheet[2][:3]] == ["s", "s", "s"]  # text cells, never formulas
    assert sheet["G2"].value == 1.5e9
    assert read_path(path).data == data


def test_a_hand_made_workbook_with_typed_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "relationships"
    sheet.append(["rep_id", "contact_id", "depth", "last_contact", None])  # a ragged right edge
    sheet.append(["r1", "c1", 3, dt.datetime(2026, 5, 1), None])
    book.create_sheet("reps").append(["id", "name", "active"])
    book["reps"].append(["r1", "Ann", False])
    book.save(tmp_path / "b.xlsx")
    data = read_path(tmp_path / "b.xlsx").data
    assert data.relationships[0].depth == 3 and data.relationships[0].last_contact == dt.date(2026, 5, 1)
    assert data.reps[0].active is False


def test_problems_name_sheet_row_and_column(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "units"
    book["units"].append(["id", "account_id", "name", "kind"])
    book["units"].append(["u1", "a1", "HQ", "HQ"])
    book["units"].append(["u2", "a1", "Sales", "department"])
    book.create_sheet("Sheet2")
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as e:
        read_path(tmp_path / "bad.xlsx")
    assert [str(i) for i in e.value.issues] == [
        "bad.xlsx: Sheet2: is not a sheet of the import format (expected: accounts, units, contacts, reps, "
        "account_team, relationships, influences, bids, bid_roles, activities, agreements, plans, feedback, audit)",
        "bad.xlsx: units:2: kind: must be one of hq, department or branch, got 'HQ' (did you mean 'hq'?)",
    ]


def test_not_a_workbook(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"id,name\n")
    with pytest.raises(InputError, match="is not an Excel workbook"):
        read_path(tmp_path / "x.xlsx")
