"""The import format as an Excel workbook (``.xlsx``): one sheet per import file.

A sheet is named like its file without ``.csv`` (``accounts``, ``bid_roles`` …;
``accounts.csv`` is accepted too), its first row is the header, and every row goes
through the same checks as a CSV file's (``fileformat.read_table``); problems name
the workbook and sheet, the row and the column (``book.xlsx: contacts:7: level: …``).

Cells are turned into the text the CSV form has, so a workbook and the CSV files
of the same data load the same records: whole numbers without a decimal point,
other numbers as Python's shortest repr, dates as ``YYYY-MM-DD`` (a date and time
stays a date and time, which a date column refuses), booleans ``true``/``false``.
Formulas count by the value Excel last computed (a workbook written by a program
that never computed them has none: the cell is empty). Export writes numbers,
dates and booleans as typed cells and text as text cells (never a formula, so
there is nothing to escape as in CSV), so export → load → export gives the same
records and the same cells. Uses openpyxl (read-only, streaming mode).
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphcrm.audit import AuditEntry
from graphcrm.errors import GraphcrmError, InputError, Issue
from graphcrm.fileformat import FILES, MAX_ROWS, Reading, Source, columns, list_name, read_table
from graphcrm.model import RECORD_TYPES, Dataset

__all__ = ["read_xlsx", "write_xlsx", "cell_text"]

SHEETS = {list_name(t): t for t in FILES.values()}
"""Each sheet name (an import file's name without ``.csv``, or ``audit``) and its record type."""
_DAY = "yyyy-mm-dd"
MAX_CELL = 32_767
"""Characters Excel holds in one cell."""


def _named(record_type: type, record: Any) -> str:
    return f"{record_type.FILE} {'/'.join(str(getattr(record, k)) for k in record_type.KEY)}"


def cell_text(value: Any) -> str:
    """A cell's value as the text of the same cell in the CSV form.

    >>> [cell_text(v) for v in (None, "x", 3, 3.0, 0.7, True, dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 2, 9))]
    ['', 'x', '3', '3', '0.7', 'true', '2026-01-02', '2026-01-02 09:00:00']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _rows(sheet: Any, where: str, reading: Reading, budget: list[int]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of a sheet: the header without its trailing empty
    cells, then each row cut to the header's width when the cells past it are empty
    (a spreadsheet's ragged right edge); at most ``budget[0]`` rows after the header."""
    width = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = [cell_text(v) for v in values]
        if width is None:
            while cells and cells[-1] == "":
                cells.pop()
            width = len(cells)
        else:
            if budget[0] == 0:
                budget[0] = -1
                reading.issues.append(Issue(where, number, None, None,
                                            f"goes past the limit of {MAX_ROWS} rows in one import"))
                return
            budget[0] -= 1
            if len(cells) > width and not any(cells[width:]):
                del cells[width:]
            elif len(cells) < width:
                cells += [""] * (width - len(cells))
        yield number, cells


def read_xlsx(path: Path, max_rows: int | None = None, partial: bool = False) -> Source:
    """Read an ``.xlsx`` workbook of the import format (one sheet per import file;
    each optional). Raises ``InputError`` as ``fileformat.read_csv_dir`` does."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError([Issue(path.name, None, None, None, f"is not an Excel workbook (.xlsx): {e}")]) from None
    reading = Reading(partial)
    budget = [MAX_ROWS if max_rows is None else max_rows]
    try:
        for sheet in book.worksheets:
            name = sheet.title.removesuffix(".csv")
            record_type = SHEETS.get(name)
            where = f"{path.name}: {sheet.title}"
            if record_type is None:
                reading.issues.append(Issue(where, None, None, None, "is not a sheet of the import format "
                                            f"(expected: {', '.join(SHEETS)})"))
                continue
            if budget[0] < 0:
                break
            read_table(reading, record_type, where, f"sheet {sheet.title}", _rows(sheet, where, reading, budget))
    finally:
        book.close()
    return reading.finish()


def _value(value: Any) -> Any:
    """A record's value as a typed cell value: numbers, dates, booleans as they are,
    lists ``;``-joined, an audit entry's values as JSON, moments as their CSV text."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_xlsx(data: Dataset, path: Path, audit: list[AuditEntry] | None = None) -> Path:
    """Write the data as a workbook: one sheet per record type (all of them,
    headers even when empty) in canonical order, and ``audit`` when given the trail.

    Raises ``GraphcrmError`` for text that Excel cannot hold (control characters,
    more than 32,767 characters in a cell), naming the record."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook(write_only=True)
    data = data.sorted()
    tables = [(t, data.records(t)) for t in RECORD_TYPES]
    for t, records in tables + ([(AuditEntry, audit)] if audit is not None else []):
        sheet = book.create_sheet(list_name(t))
        names = columns(t)
        sheet.append(names)
        for record in records:
            row = []
            for c in names:
                value = _value(getattr(record, c))
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise GraphcrmError(f"{_named(t, record)}: {c} is longer than Excel's {MAX_CELL:,} characters "
                                        "per cell; export as csv")
                try:
                    cell = WriteOnlyCell(sheet, value)
                except IllegalCharacterError:
                    raise GraphcrmError(f"{_named(t, record)}: {c} has control characters, which Excel cannot "
                                        "hold; export as csv") from None
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(value, dt.date):
                    cell.number_format = _DAY
                row.append(cell)
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
