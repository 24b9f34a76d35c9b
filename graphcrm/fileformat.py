"""The import format of docs/design.md §4: a directory of CSV files, or one JSON file.

Reading checks each row against the domain model and collects every problem
(file, line, column, what is wrong) instead of stopping at the first. Writing
produces the same format in a canonical order, so export → load → export gives
identical files.

Spreadsheet formulas (OWASP "CSV injection"): ``write_csv_dir`` puts a ``'``
before every text cell that a spreadsheet could take for a formula
(``formula_like``): one that starts with ``=``, ``+``, ``-``, ``@``, TAB, CR or
``'`` itself, or — after any whitespace — with ``= + - @`` or a character that
Unicode folds to one of them (fullwidth ``＝ ＋ － ＠``, small ``﹦ ﹢ ﹣ ﹫`` …).
So a spreadsheet shows the text instead of running it; numbers, dates and
booleans are written as they are. The CSV reader undoes exactly that: a cell
that starts with ``'`` followed by formula-like text loses the first ``'``. So
``=cmd|' /C calc'!A0`` is exported as ``'=cmd|' /C calc'!A0``, ``'=x`` as
``''=x``, `` ＝1`` as ``' ＝1``, and all load back as they were. JSON is written
and read verbatim.

Limits (each a clean ``InputError``): ``MAX_ROWS`` records in one import (all
files together), ``MAX_FIELD`` characters in one CSV cell, ``MAX_JSON_DEPTH``
levels of JSON nesting (the format needs 4); the model caps every string field.
An uploaded zip (``read_zip``) holds at most ``MAX_ZIP_MEMBERS`` files that unpack
to at most ``MAX_UNZIPPED`` bytes, none encrypted. However many problems an
input has, the error keeps the first of each kind and counts the rest
(``graphcrm.errors.Issues``), and after the first problem no more records are
kept: a million bad rows cost neither a million messages nor a million records.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from pathlib import Path, PurePosixPath
from sys import intern
from typing import Any

from pydantic import ValidationError

from graphcrm.audit import AuditEntry
from graphcrm.errors import InputError, Issue, Issues
from graphcrm.model import RECORD_TYPES, Dataset, Record

__all__ = [
    "Source", "read_path", "read_csv_dir", "read_json", "read_document", "read_zip", "write_csv_dir",
    "read_upload", "write_json", "document", "FILES", "formula_like", "Reading", "read_table", "csv_rows",
    "decode", "delimiter", "list_name", "columns",
]

FILES: dict[str, type[Record] | type[AuditEntry]] = {**{t.FILE: t for t in RECORD_TYPES}, AuditEntry.FILE: AuditEntry}
"""Each import file's record type; ``audit.csv`` holds an exported audit trail."""
AUDIT = "audit"
"""The JSON list (and ``Source`` field) of audit entries."""
MAX_FIELD = 100_000  # characters in one CSV cell
MAX_ROWS = 20_000_000  # records (rows, items) in one import, all files together
MAX_JSON_DEPTH = 16  # levels of nesting in the JSON form (the format itself needs 4)
csv.field_size_limit(MAX_FIELD)

MAX_ZIP_MEMBERS = 50  # files in an uploaded zip
MAX_UNZIPPED = 500 * 2**20  # bytes an uploaded zip unpacks to, all files together

# Export puts a ' before text cells that start with one of these, or with
# whitespace and then one of _FORMULA_SIGNS or a character that folds to one
# (``formula_like``; see the module docstring).
_ESCAPED = frozenset("=+-@\t\r'")
_FORMULA_SIGNS = frozenset("=+-@")
# Where a cell of CSV text may start with ' (possibly inside quotes): a cheap
# test whether a file needs the reader's undoing at all.
_QUOTED_FORMULA = re.compile(r"""(?:\A|[,;\t\r\n])"?'""")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take a text cell for a formula (export then
    puts a ``'`` before it): it starts with ``= + - @``, TAB, CR or ``'``, or
    after whitespace with ``= + - @`` or a character whose Unicode compatibility
    form is one of them (``＝``, ``﹦``, ``＋`` …).

    >>> [formula_like(t) for t in ("=1", "'x", " =1", "\u3000＋1", "﹦1", "a=1", "1", "", " x")]
    [True, True, True, True, True, False, False, False, False]
    """
    head = text[:1]
    if head in _ESCAPED:
        return True
    if head.isascii() and not head.isspace():
        return False  # the common case: a letter, a digit, nothing
    first = text.lstrip()[:1]
    return first != "" and (first in _FORMULA_SIGNS or unicodedata.normalize("NFKC", first)[:1] in _FORMULA_SIGNS)


@dataclass(frozen=True)
class Source:
    """Records read from input, with where each one came from.

    ``places[field][i]`` is ``(where, line, item)`` of ``data.<field>[i]``, so a
    later check (references) can name the file and line of a bad record.
    """

    data: Dataset
    places: dict[str, list[tuple[str, int | None, int | None]]] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    """Audit entries of an exported trail (``places["audit"]`` says where each is)."""
    notes: list[str] = field(default_factory=list)
    """What the reader guessed and the user should know (an encoding, a delimiter)."""
    issues: Issues | None = None
    """With ``partial=True``: the problems found while reading (the records that
    passed are in ``data``), for the importer to add reference problems to."""
    failed: dict[str, set[str] | None] = field(default_factory=dict)
    """With ``partial=True``: per Dataset field, the ids of rows that failed (None:
    the whole file was unreadable), so references to them are not reported twice."""

    def issue(self, field_name: str, index: int, column: str | None, message: str) -> Issue:
        where, line, item = self.places[field_name][index]
        return Issue(where, line, item, column, message)


def columns(record_type: type[Record]) -> list[str]:
    """The CSV header of a record type: its fields, in the order docs/design.md §4 gives."""
    return list(record_type.model_fields)


def read_path(path: Path, partial: bool = False) -> Source:
    """Read a directory of CSV files, a ``.json`` file or an ``.xlsx`` workbook
    (``graphcrm.workbook``). Raises ``InputError`` (``partial``: as ``read_csv_dir``)."""
    try:
        if path.is_dir():
            return read_csv_dir(path, partial=partial)
        if path.is_file() and path.suffix.lower() == ".json":
            return read_json(path, partial)
        if path.is_file() and path.suffix.lower() == ".xlsx":
            from graphcrm.workbook import read_xlsx

            return read_xlsx(path, partial=partial)
        exists = path.exists()
    except OSError as e:  # a name too long, a loop of links, …
        raise InputError([Issue(str(path), None, None, None, f"cannot be read: {e.strerror or e}")]) from None
    if not exists:
        raise InputError([Issue(str(path), None, None, None, "no such file or directory")])
    raise InputError([Issue(str(path), None, None, None,
                            "expected a directory of CSV files, a .json file or an .xlsx workbook")])


# --- reading ---------------------------------------------------------------------


def _short(value: Any, limit: int = 120) -> str:
    """``repr(value)``, cut to about ``limit`` characters: a message never repeats a huge input."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 12]}… ({len(text)} characters)"


def _name(text: str) -> str:
    """A column or key name as given, or shortened and quoted when long or odd."""
    return text if len(text) <= 120 and text.isprintable() else _short(text)


def _describe(error: dict[str, Any]) -> tuple[str | None, str]:
    """A pydantic error as (field, message) in our words; long inputs are shortened."""
    field, message = _explain(error)
    if field is not None:
        field = _name(field)
    return field, message if len(message) <= 400 else f"{message[:380]}… ({len(message)} characters)"


def _did_you_mean(given: str, allowed: list[str]) -> str:
    """`` (did you mean 'x'?)`` for a value close to one allowed, else ``""``: the
    same but for case, spaces or hyphens (``'Decision Maker'`` → ``decision_maker``),
    else the closest by ``difflib`` (``'brnach'`` → ``branch``).

    >>> _did_you_mean("HQ", ["hq", "branch"]), _did_you_mean("account manager", ["account_manager"])
    (" (did you mean 'hq'?)", " (did you mean 'account_manager'?)")
    >>> _did_you_mean("director", ["executive", "senior", "middle", "staff"])
    ''
    """
    folded = {re.sub(r"[\s\-]+", "_", a.strip().casefold()): a for a in allowed}
    match = folded.get(re.sub(r"[\s\-]+", "_", given.strip().casefold()))
    if match is None:
        close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.75)
        match = close[0] if close else None
    return f" (did you mean {match!r}?)" if match is not None and match != given else ""


def _explain(error: dict[str, Any]) -> tuple[str | None, str]:
    loc = [str(p) for p in error["loc"]]
    field = loc[0] if loc else None
    kind, ctx, got = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return field, "is required"
    if kind == "extra_forbidden":
        return field, "is not a known field"
    if kind == "enum":
        expected = ctx.get("expected", "")
        hint = _did_you_mean(got, re.findall(r"'([^']*)'", expected)) if isinstance(got, str) else ""
        return field, f"must be one of {expected.replace(chr(39), '')}, got {_short(got)}{hint}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return field, f"must be a whole number, got {_short(got)}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return field, f"must be a number, got {_short(got)}"
    if kind in ("bool_parsing", "bool_type"):
        return field, f"must be true or false, got {_short(got)}"
    if kind in ("greater_than_equal", "greater_than"):
        return field, f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {_short(got)}"
    if kind == "string_too_long":
        return field, f"must be at most {ctx['max_length']} characters, got {len(got)}"
    if kind == "string_too_short":
        return field, "must not be empty"
    if kind == "string_pattern_mismatch":
        return field, f"has the wrong form: {_short(got)}"
    message = error["msg"]
    if not loc and ": " in message:  # model-level checks name their field first
        field, _, message = message.partition(": ")
    return field, message


_REFERENCE_COLUMNS = {"id"} | {r.field for t in RECORD_TYPES for r in t.REFS}
_ALL_FIELDS: dict[type, set[str]] = {t: set(t.model_fields) for t in FILES.values()}


def _validate(record_type: type[Record], raw: dict[str, Any], where: str,
              line: int | None, item: int | None, issues: list[Issue]) -> Record | None:
    try:
        record = record_type.model_validate(raw)
    except ValidationError as e:
        for error in e.errors(include_url=False):
            field, message = _describe(error)
            issues.append(Issue(where, line, item, field, message))
        return None
    # Records of a type share one "fields set" (pydantic's record of which fields
    # were given; graphcrm never reads it, and a copy copies it): its own set was
    # 728 of a record's ~1,100 bytes, gigabytes in a big import.
    object.__setattr__(record, "__pydantic_fields_set__", _ALL_FIELDS[record_type])
    return record




def _gb2312_text(text: str) -> bool:
    """Whether text read as GB18030 has non-ASCII characters and all of them are in
    GB2312 (the common Chinese characters and punctuation): Latin-1 or Windows-1252
    bytes (``Müller``) that happen to decode as GB18030 give rare extension characters."""
    chars = {c for c in text if c > "\x7f"}
    try:
        "".join(chars).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return bool(chars)
SAVE_AS_UTF8 = ("save it as UTF-8: in Excel, File > Save As > \"CSV UTF-8 (Comma delimited)\"; "
                "in LibreOffice, tick \"Edit filter settings\" and choose Unicode (UTF-8)")


def decode(name: str, data: bytes, issues: list[Issue], notes: list[str]) -> str | None:
    r"""The text of a file's bytes, or None after adding why it cannot be read.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM (Excel's "Unicode text")
    are read as they are. Other bytes are read as GB18030 (which includes GBK, what
    Chinese Excel saves as "CSV") when they decode strictly *and* their non-ASCII
    characters are all GB2312's (Chinese text), with a note saying so; anything else
    is refused with how to save as UTF-8.

    >>> notes = []
    >>> decode("a.csv", "id,name\n1,王\n".encode("gbk"), [], notes), notes
    ('id,name\n1,王\n', ['a.csv: read as GB18030/GBK (not UTF-8)'])
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            issues.append(Issue(name, None, None, None, f"is not valid UTF-16 text; {SAVE_AS_UTF8}"))
            return None
        notes.append(f"{name}: read as UTF-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                text = None
            if text is None or not _gb2312_text(text):
                line = data[: e.start].count(b"\n") + 1
                issues.append(Issue(name, line, None, None, f"is not UTF-8 text; {SAVE_AS_UTF8}"))
                return None
            notes.append(f"{name}: read as GB18030/GBK (not UTF-8)")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        issues.append(Issue(name, line, None, None, "contains a NUL byte"))
        return None
    return text


def _csv_text(path: Path, issues: list[Issue], notes: list[str]) -> str | None:
    """The text of a CSV file, or None after adding why it cannot be read."""
    try:
        if not path.is_file():
            issues.append(Issue(path.name, None, None, None, "is not a file"))
            return None
        data = path.read_bytes()
    except OSError as e:  # a dangling link, no permission, …
        issues.append(Issue(path.name, None, None, None, f"cannot be read: {e.strerror or e}"))
        return None
    return decode(path.name, data, issues, notes)


def delimiter(text: str) -> str:
    r"""The cell delimiter of CSV text, from its header line: ``,`` unless the header
    has no comma and has a ``;`` (European Excel's "CSV") or a TAB (tab-separated).

    >>> delimiter("id;name;tier\n"), delimiter("id\tname\n"), delimiter("id,name;x\n"), delimiter("id\n")
    (';', '\t', ',', ',')
    """
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return ";" if ";" in header else "\t" if "\t" in header else ","


def csv_rows(name: str, text: str, issues: list[Issue], budget: list[int],
             sep: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each CSV record: the header and at most ``budget[0]``
    rows after it (``budget[0]`` goes down by the rows read; to -1 when more were left)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=sep)
    start, n = 1, 0
    try:
        for n, cells in enumerate(islice(reader, budget[0] + 1), 1):
            yield start, cells
            start = reader.line_num + 1
        budget[0] -= max(n - 1, 0)
        if n and next(reader, None) is not None:
            budget[0] = -1
            issues.append(Issue(name, start, None, None, f"goes past the limit of {MAX_ROWS} rows in one import"))
    except csv.Error as e:
        budget[0] -= max(n - 1, 0)
        if "field larger than field limit" in str(e):
            issues.append(Issue(name, reader.line_num, None, None,
                                f"has a cell longer than {MAX_FIELD} characters (the limit)"))
        else:
            issues.append(Issue(name, reader.line_num, None, None, f"is not valid CSV: {e}"))


def _unquote(cell: str) -> str:
    """A cell without the ' that export puts before formula-like text (module docstring)."""
    return cell[1:] if cell[:1] == "'" and formula_like(cell[1:]) else cell


class Reading:
    """What reading one import collects: the records of each list, where each came
    from, the ids of rows that failed, the problems and the notes."""

    def __init__(self, partial: bool):
        self.partial = partial
        self.issues = Issues()
        self.notes: list[str] = []
        self.lists: dict[str, list[Record]] = {}
        self.places: dict[str, list[tuple[str, int | None, int | None]]] = {}
        self.failed: dict[str, set[str] | None] = {}

    def start(self, record_type: type[Record] | type[AuditEntry]) -> str:
        """The list of ``record_type``, begun (once: several tables may add to it)."""
        key = list_name(record_type)
        self.lists.setdefault(key, [])
        self.places.setdefault(key, [])
        self.failed.setdefault(key, set())
        return key

    def keep(self, record: Record | None, raw: dict[str, Any], keys: _Keys, key: str, failed: set[str],
             place: tuple[str, int | None, int | None]) -> None:
        """Keep a validated record with its place, unless its key was seen; for a row
        that failed, note its id (``Source.failed``). Unless partial, nothing is kept
        after the first problem: nothing will be loaded, and a million bad rows must
        not cost a million records."""
        if record is None:
            if isinstance(raw.get("id"), str):
                failed.add(raw["id"])
        elif keys.first(record, *place, self.issues) and (self.partial or not self.issues):
            self.lists[key].append(record)
            self.places[key].append(place)

    def finish(self) -> Source:
        """The records read, or raise every issue (the first of each kind); with
        ``partial``, the records that passed and the issues, for the importer."""
        if self.issues and not self.partial:
            raise InputError(self.issues)
        audit = self.lists.pop(AUDIT, [])
        return Source(Dataset(**self.lists), self.places, audit, self.notes, self.issues if self.partial else None,
                      self.failed)


def read_table(reading: Reading, record_type: type[Record] | type[AuditEntry], where: str, what: str,
               rows: Iterator[tuple[int, list[str]]], unquote: bool = False) -> None:
    """Check one table of the import format — a CSV file, a sheet — and keep its
    records: the header (first row) names known columns, once each, the required
    ones all; then every row is validated. ``where`` names the table in messages
    (``contacts.csv``, ``book.xlsx: contacts``), ``what`` in the column message.
    This is the one place where rows are checked, whatever the file format."""
    issues = reading.issues
    key = reading.start(record_type)
    header = next(rows, None)
    if header is None:
        return
    names = [_unquote(n) for n in header[1]] if unquote else header[1]
    known = columns(record_type)
    bad = [n for n in names if n not in known]
    dupes = [n for n, k in Counter(names).items() if k > 1 and n in known]
    for n in bad[:10]:
        hint = _did_you_mean(n, known)
        issues.append(Issue(where, header[0], None, _name(n), f"is not a column of {what} "
                            f"(expected: {', '.join(known)}){hint}"))
    if len(bad) > 10:
        issues.append(Issue(where, header[0], None, None, f"has {len(bad) - 10} more unknown columns"))
    for n in sorted(dupes):
        issues.append(Issue(where, header[0], None, n, "appears twice in the header"))
    missing = [n for n, f in record_type.model_fields.items() if f.is_required() and n not in names]
    for n in missing:
        issues.append(Issue(where, header[0], None, n, "required column is missing"))
    if bad or dupes or missing:
        reading.failed[key] = None  # nothing of it was read: references to it are not checked
        for _ in rows:  # still count the rows against the limit
            pass
        return
    width, failed = len(names), reading.failed[key]
    if failed is None:  # another table of this list could not be read
        failed = set()
    keys = _Keys(record_type)
    ids = {n for n in names if n in _REFERENCE_COLUMNS}  # repeated across files: share them
    for line, cells in rows:  # the hot loop
        if len(cells) != width:
            if any(cells):  # not a blank line
                issues.append(Issue(where, line, None, None, f"has {len(cells)} cells, the header has {width}"))
            continue
        if unquote:
            cells = [_unquote(v) for v in cells]
        raw = {n: intern(v) if n in ids else v for n, v in zip(names, cells) if v}
        if not raw:
            continue  # a line of empty cells
        reading.keep(_validate(record_type, raw, where, line, None, issues), raw, keys, key, failed, (where, line, None))


def read_csv_dir(directory: Path, max_rows: int | None = None, partial: bool = False) -> Source:
    """Read every import CSV file of a directory (each is optional).

    Raises ``InputError`` listing every problem: unknown files or columns,
    rows that break the model, duplicated keys, more than ``max_rows``
    (default ``MAX_ROWS``) rows in all. With ``partial``, the problems of rows
    come back in ``Source.issues`` with the records that passed instead.
    A file in GB18030/GBK or UTF-16 (``decode``), or delimited by ``;`` or TAB
    (``delimiter``), is read with a note in ``Source.notes``.
    """
    csv.field_size_limit(MAX_FIELD)
    reading = Reading(partial)
    issues = reading.issues
    budget = [MAX_ROWS if max_rows is None else max_rows]
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        record_type = FILES.get(path.name)
        if record_type is None:
            hint = _did_you_mean(path.name, list(FILES))
            issues.append(Issue(path.name, None, None, None,
                                f"is not an import file (expected one of: {', '.join(FILES)}){hint}"))
            continue
        if budget[0] < 0:
            break  # the row limit is reached: the rest is not read
        text = _csv_text(path, issues, reading.notes)
        if text is None:
            reading.failed[reading.start(record_type)] = None
            continue
        sep = delimiter(text)
        if sep != ",":
            reading.notes.append(f"{path.name}: read with {'TAB' if sep == chr(9) else sep} as the delimiter")
        unquote = "'" in text and _QUOTED_FORMULA.search(text) is not None
        read_table(reading, record_type, path.name, path.name, csv_rows(path.name, text, issues, budget, sep),
                   unquote)
    return reading.finish()


def read_zip(content: bytes, max_rows: int | None = None, name: str = "upload", partial: bool = False) -> Source:
    """Read a zip of import CSV files (an upload): at most ``MAX_ZIP_MEMBERS`` files
    unpacking to at most ``MAX_UNZIPPED`` bytes, none encrypted, each under its
    base name only (never a path from the archive), then as ``read_csv_dir``.
    Files of the archive that are not CSV are ignored. Raises ``InputError``."""
    def refuse(where: str, message: str) -> InputError:
        return InputError([Issue(where, None, None, None, message)], f"the {name}")

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError):
        raise refuse(name, "is not a zip file") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise refuse(name, f"has more than {MAX_ZIP_MEMBERS} files")
    if sum(info.file_size for info in infos) > MAX_UNZIPPED:
        raise refuse(name, f"unpacks to more than {MAX_UNZIPPED // 2**20} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        for info in infos:
            base = PurePosixPath(info.filename).name  # no traversal: the archive's path is dropped
            if not base.lower().endswith(".csv"):
                continue
            if base not in FILES:
                raise refuse(base, "is not an import file")
            if info.flag_bits & 0x1:
                raise refuse(base, "is encrypted; send the files unencrypted")
            try:
                (Path(tmp) / base).write_bytes(archive.read(info))
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError, ValueError) as e:
                raise refuse(base, f"cannot be unpacked: {e}") from None
        return read_csv_dir(Path(tmp), max_rows, partial)


def read_upload(content: bytes, media_type: str, max_rows: int | None = None, partial: bool = False) -> Source:
    """Read an uploaded body of the import format: ``application/json`` (one JSON
    document, as ``read_document``) or ``application/zip`` (the CSV files, as
    ``read_zip``), at most ``max_rows`` records. Raises ``InputError``."""
    if media_type == "application/zip":
        return read_zip(content, max_rows, partial=partial)
    if media_type == "application/json":
        try:
            doc = json.loads(content)
        except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError, huge ints, deep nesting
            raise InputError([Issue("body", None, None, None, f"is not valid JSON: {_short(str(e), 300)}")],
                             "the upload") from None
        return read_document(doc, "body", max_rows, partial)
    raise InputError([Issue("body", None, None, None, "send application/json or application/zip")], "the upload")


def read_json(path: Path, partial: bool = False) -> Source:
    """Read the single-JSON form: ``{"accounts": [...], "contacts": [...], …}``.

    Keys are the import file names without ``.csv``. Raises ``InputError``.
    """
    name = path.name
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as e:
        raise InputError([Issue(name, None, None, None, f"cannot be read: {e.strerror or e}")]) from None
    except UnicodeDecodeError:
        raise InputError([Issue(name, None, None, None, "is not UTF-8 text (JSON is always UTF-8)")]) from None
    except json.JSONDecodeError as e:
        raise InputError([Issue(name, e.lineno, None, None, f"is not valid JSON: {e.msg}")]) from None
    except RecursionError:
        raise InputError([Issue(name, None, None, None, _TOO_DEEP.format(MAX_JSON_DEPTH))]) from None
    except ValueError:  # a number of more than 4,300 digits
        raise InputError([Issue(name, None, None, None, "has a number of more than 4300 digits")]) from None
    return read_document(doc, name, partial=partial)


_TOO_DEEP = "nests deeper than {} levels (the limit)"


def _too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` levels deep."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(limit):
        below = []
        for v in level:
            below += [c for c in (v.values() if isinstance(v, dict) else v) if isinstance(c, (dict, list))]
        if not below:
            return False
        level = below
    return bool(level)


def _depth_issue(doc: dict, name: str) -> Issue:
    """Where a document that nests too deeply does so: the first list or item."""
    message = _TOO_DEEP.format(MAX_JSON_DEPTH)
    for key, items in doc.items():
        if isinstance(items, list):
            for i, item in enumerate(items):
                if _too_deep(item, MAX_JSON_DEPTH - 2):
                    return Issue(f"{name}: {_name(key)}", None, i, None, message)
        if _too_deep(items, MAX_JSON_DEPTH - 1):
            return Issue(name, None, None, _name(key), message)
    return Issue(name, None, None, None, message)


def read_document(doc: Any, name: str = "import.json", max_rows: int | None = None, partial: bool = False) -> Source:
    """Validate an already parsed JSON document of the import format (at most
    ``max_rows`` records, default ``MAX_ROWS``; ``MAX_JSON_DEPTH`` levels deep;
    ``partial`` as ``read_csv_dir``'s)."""
    if not isinstance(doc, dict):
        raise InputError([Issue(name, None, None, None, "must be a JSON object of lists")])
    limit = MAX_ROWS if max_rows is None else max_rows
    total = sum(len(items) for items in doc.values() if isinstance(items, list))
    if total > limit:
        raise InputError([Issue(name, None, None, None,
                                f"has {total} records, more than the limit of {limit} in one import")])
    if _too_deep(doc, MAX_JSON_DEPTH):
        raise InputError([_depth_issue(doc, name)])
    reading = Reading(partial)
    issues = reading.issues
    by_field = {list_name(t): t for t in FILES.values()}
    for key, items in doc.items():
        record_type = by_field.get(key)
        if record_type is None:
            hint = _did_you_mean(key, list(by_field))
            issues.append(Issue(name, None, None, _name(key), f"is not a list of the import format "
                                f"(expected: {', '.join(by_field)}){hint}"))
            continue
        if not isinstance(items, list):
            issues.append(Issue(name, None, None, key, "must be a list"))
            continue
        reading.start(record_type)
        failed = reading.failed[key]
        where = f"{name}: {key}"
        keys = _Keys(record_type)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                issues.append(Issue(where, None, i, None, "must be an object"))
                continue
            raw = {k: v for k, v in item.items() if v is not None and v != ""}
            reading.keep(_validate(record_type, raw, where, None, i, issues), raw, keys, key, failed, (where, None, i))
    return reading.finish()


class _Keys:
    """Where each key of one list was first seen: a record with a key seen before
    is a problem (``first`` adds it to the issues and answers False)."""

    def __init__(self, record_type: type[Record] | type[AuditEntry]):
        self.seen: dict[Any, tuple[int | None, int | None]] = {}
        self.key = attrgetter(*record_type.KEY)
        self.what = "id" if record_type.KEY == ("id",) else ", ".join(record_type.KEY)
        self.field = record_type.KEY[0]

    def first(self, record: Record, where: str, line: int | None, item: int | None, issues: list[Issue]) -> bool:
        key = self.key(record)
        seen = self.seen.setdefault(key, (line, item))
        if seen == (line, item):
            return True
        at = f"line {seen[0]}" if seen[0] is not None else f"item {seen[1]}"
        shown = key if isinstance(key, str) else "/".join(key)
        issues.append(Issue(where, line, item, self.field, f"duplicated {self.what} {shown!r} (first at {at})"))
        return False


def list_name(record_type: type[Record] | type[AuditEntry]) -> str:
    """The Dataset field (JSON list, sheet) of a record type: ``contacts``, ``audit`` …"""
    return AUDIT if record_type is AuditEntry else Dataset.field_for(record_type)


# --- writing ---------------------------------------------------------------------


def _cell(value: Any) -> str:
    if isinstance(value, str):  # text: formula-like text gets a ' (module docstring)
        return "'" + value if formula_like(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return _cell(";".join(value))
    if isinstance(value, dict):  # an audit entry's before/after
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_csv_dir(data: Dataset, directory: Path, audit: list[AuditEntry] | None = None) -> list[Path]:
    """Write one CSV file per record type (all of them, headers even when empty),
    and ``audit.csv`` when given the audit trail."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    data = data.sorted()
    tables = [(t, data.records(t)) for t in RECORD_TYPES]
    for t, records in tables + ([(AuditEntry, audit)] if audit is not None else []):
        path = directory / t.FILE
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            # The csv module quotes a cell with \n but not one with only \r (not in the
            # line terminator), which a reader takes for a line end: such rows are quoted.
            quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
            writer.writerow(columns(t))
            for record in records:
                row = [_cell(getattr(record, c)) for c in columns(t)]
                (quoted if any("\r" in c for c in row) else writer).writerow(row)
        written.append(path)
    return written


def document(data: Dataset, audit: list[AuditEntry] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The single-JSON form as a document: records in canonical order without their
    empty fields (and the audit trail as ``"audit"`` when given)."""
    doc = {field: [r.model_dump(mode="json", exclude_none=True) for r in records]
           for field, records in data.sorted()}
    if audit is not None:
        doc[AUDIT] = [e.model_dump(mode="json", exclude_none=True) for e in audit]
    return doc


def write_json(data: Dataset, path: Path, audit: list[AuditEntry] | None = None) -> Path:
    """Write the single-JSON form (``document``)."""
    doc = document(data, audit)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
