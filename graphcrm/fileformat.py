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
    "read_upload", "write_json", "document", "FILES", "formula_like",
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
_QUOTED_FORMULA = re.compile(r"""(?:\A|[,\r\n])"?'""")


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

    def issue(self, field_name: str, index: int, column: str | None, message: str) -> Issue:
        where, line, item = self.places[field_name][index]
        return Issue(where, line, item, column, message)


def columns(record_type: type[Record]) -> list[str]:
    """The CSV header of a record type: its fields, in the order docs/design.md §4 gives."""
    return list(record_type.model_fields)


def read_path(path: Path) -> Source:
    """Read a directory of CSV files or a ``.json`` file. Raises ``InputError``."""
    try:
        if path.is_dir():
            return read_csv_dir(path)
        if path.is_file() and path.suffix.lower() == ".json":
            return read_json(path)
        exists = path.exists()
    except OSError as e:  # a name too long, a loop of links, …
        raise InputError([Issue(str(path), None, None, None, f"cannot be read: {e.strerror or e}")]) from None
    if not exists:
        raise InputError([Issue(str(path), None, None, None, "no such file or directory")])
    raise InputError([Issue(str(path), None, None, None,
                            "expected a directory of CSV files or a .json file")])


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


def _explain(error: dict[str, Any]) -> tuple[str | None, str]:
    loc = [str(p) for p in error["loc"]]
    field = loc[0] if loc else None
    kind, ctx, got = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return field, "is required"
    if kind == "extra_forbidden":
        return field, "is not a known field"
    if kind == "enum":
        return field, f"must be one of {ctx.get('expected', '').replace(chr(39), '')}, got {_short(got)}"
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


def _csv_text(path: Path, issues: list[Issue]) -> str | None:
    """The text of a CSV file, or None after adding why it cannot be read."""
    try:
        if not path.is_file():
            issues.append(Issue(path.name, None, None, None, "is not a file"))
            return None
        data = path.read_bytes()
    except OSError as e:  # a dangling link, no permission, …
        issues.append(Issue(path.name, None, None, None, f"cannot be read: {e.strerror or e}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        issues.append(Issue(path.name, line, None, None, "is not UTF-8 text"))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        issues.append(Issue(path.name, line, None, None, "contains a NUL byte"))
        return None
    return text


def _csv_rows(name: str, text: str, issues: list[Issue], budget: list[int]) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each CSV record: the header and at most ``budget[0]``
    rows after it (``budget[0]`` goes down by the rows read; to -1 when more were left)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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


def read_csv_dir(directory: Path, max_rows: int | None = None) -> Source:
    """Read every import CSV file of a directory (each is optional).

    Raises ``InputError`` listing every problem: unknown files or columns,
    rows that break the model, duplicated keys, more than ``max_rows``
    (default ``MAX_ROWS``) rows in all.
    """
    csv.field_size_limit(MAX_FIELD)
    issues = Issues()
    lists: dict[str, list[Record]] = {}
    places: dict[str, list[tuple[str, int | None, int | None]]] = {}
    budget = [MAX_ROWS if max_rows is None else max_rows]
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        record_type = FILES.get(path.name)
        if record_type is None:
            issues.append(Issue(path.name, None, None, None,
                                f"is not an import file (expected one of: {', '.join(FILES)})"))
            continue
        if budget[0] < 0:
            break  # the row limit is reached: the rest is not read
        key = _field(record_type)
        lists[key], places[key] = [], []
        text = _csv_text(path, issues)
        if text is None:
            continue
        unquote = "'" in text and _QUOTED_FORMULA.search(text) is not None
        rows = _csv_rows(path.name, text, issues, budget)
        header = next(rows, None)
        if header is None:
            continue
        names = [_unquote(n) for n in header[1]] if unquote else header[1]
        known = columns(record_type)
        bad = [n for n in names if n not in known]
        dupes = [n for n, k in Counter(names).items() if k > 1 and n in known]
        for n in bad[:10]:
            issues.append(Issue(path.name, 1, None, _name(n), f"is not a column of {path.name} "
                                f"(expected: {', '.join(known)})"))
        if len(bad) > 10:
            issues.append(Issue(path.name, 1, None, None, f"has {len(bad) - 10} more unknown columns"))
        for n in sorted(dupes):
            issues.append(Issue(path.name, 1, None, n, "appears twice in the header"))
        missing = [n for n, f in record_type.model_fields.items() if f.is_required() and n not in names]
        for n in missing:
            issues.append(Issue(path.name, 1, None, n, "required column is missing"))
        if bad or dupes or missing:
            for _ in rows:  # still count the rows against the limit
                pass
            continue
        name, width, records, where = path.name, len(names), lists[key], places[key]  # hot loop below
        keys = _Keys(record_type)
        ids = {n for n in names if n in _REFERENCE_COLUMNS}  # repeated across files: share them
        for line, cells in rows:
            if len(cells) != width:
                if any(cells):  # not a blank line
                    issues.append(Issue(name, line, None, None, f"has {len(cells)} cells, the header has {width}"))
                continue
            if unquote:
                cells = [_unquote(v) for v in cells]
            raw = {n: intern(v) if n in ids else v for n, v in zip(names, cells) if v}
            if not raw:
                continue  # a line of empty cells
            record = _validate(record_type, raw, name, line, None, issues)
            if record is not None and keys.first(record, name, line, None, issues) and not issues:
                records.append(record)  # after a problem nothing will be loaded: no more records are kept
                where.append((name, line, None))
    return _finish(lists, places, issues)


def read_zip(content: bytes, max_rows: int | None = None, name: str = "upload") -> Source:
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
        return read_csv_dir(Path(tmp), max_rows)


def read_upload(content: bytes, media_type: str, max_rows: int | None = None) -> Source:
    """Read an uploaded body of the import format: ``application/json`` (one JSON
    document, as ``read_document``) or ``application/zip`` (the CSV files, as
    ``read_zip``), at most ``max_rows`` records. Raises ``InputError``."""
    if media_type == "application/zip":
        return read_zip(content, max_rows)
    if media_type == "application/json":
        try:
            doc = json.loads(content)
        except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError, huge ints, deep nesting
            raise InputError([Issue("body", None, None, None, f"is not valid JSON: {_short(str(e), 300)}")],
                             "the upload") from None
        return read_document(doc, "body", max_rows)
    raise InputError([Issue("body", None, None, None, "send application/json or application/zip")], "the upload")


def read_json(path: Path) -> Source:
    """Read the single-JSON form: ``{"accounts": [...], "contacts": [...], …}``.

    Keys are the import file names without ``.csv``. Raises ``InputError``.
    """
    name = path.name
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as e:
        raise InputError([Issue(name, None, None, None, f"cannot be read: {e.strerror or e}")]) from None
    except UnicodeDecodeError:
        raise InputError([Issue(name, None, None, None, "is not UTF-8 text")]) from None
    except json.JSONDecodeError as e:
        raise InputError([Issue(name, e.lineno, None, None, f"is not valid JSON: {e.msg}")]) from None
    except RecursionError:
        raise InputError([Issue(name, None, None, None, _TOO_DEEP.format(MAX_JSON_DEPTH))]) from None
    except ValueError:  # a number of more than 4,300 digits
        raise InputError([Issue(name, None, None, None, "has a number of more than 4300 digits")]) from None
    return read_document(doc, name)


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


def read_document(doc: Any, name: str = "import.json", max_rows: int | None = None) -> Source:
    """Validate an already parsed JSON document of the import format (at most
    ``max_rows`` records, default ``MAX_ROWS``; ``MAX_JSON_DEPTH`` levels deep)."""
    if not isinstance(doc, dict):
        raise InputError([Issue(name, None, None, None, "must be a JSON object of lists")])
    limit = MAX_ROWS if max_rows is None else max_rows
    total = sum(len(items) for items in doc.values() if isinstance(items, list))
    if total > limit:
        raise InputError([Issue(name, None, None, None,
                                f"has {total} records, more than the limit of {limit} in one import")])
    if _too_deep(doc, MAX_JSON_DEPTH):
        raise InputError([_depth_issue(doc, name)])
    issues = Issues()
    lists: dict[str, list[Record]] = {}
    places: dict[str, list[tuple[str, int | None, int | None]]] = {}
    by_field = {_field(t): t for t in FILES.values()}
    for key, items in doc.items():
        record_type = by_field.get(key)
        if record_type is None:
            issues.append(Issue(name, None, None, _name(key), f"is not a list of the import format "
                                f"(expected: {', '.join(by_field)})"))
            continue
        if not isinstance(items, list):
            issues.append(Issue(name, None, None, key, "must be a list"))
            continue
        lists[key], places[key] = [], []
        where = f"{name}: {key}"
        keys = _Keys(record_type)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                issues.append(Issue(where, None, i, None, "must be an object"))
                continue
            raw = {k: v for k, v in item.items() if v is not None and v != ""}
            record = _validate(record_type, raw, where, None, i, issues)
            if record is not None and keys.first(record, where, None, i, issues) and not issues:
                lists[key].append(record)
                places[key].append((where, None, i))
    return _finish(lists, places, issues)


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


def _finish(lists: dict[str, list[Record]],
            places: dict[str, list[tuple[str, int | None, int | None]]],
            issues: list[Issue]) -> Source:
    """The records read, or raise every issue (the first of each kind)."""
    if issues:
        raise InputError(issues)
    audit = lists.pop(AUDIT, [])
    return Source(Dataset(**lists), places, audit)


def _field(record_type: type[Record] | type[AuditEntry]) -> str:
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
