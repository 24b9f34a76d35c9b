"""Bad input, everywhere: the importer fuzzed with hypothesis, and its limits.

Every input, however broken, must either load or raise ``InputError`` naming
the file — never another exception — and after an ``InputError`` the store is
exactly as before. The inputs start from seeds/ and are mutated: other encodings
(latin-1, UTF-16 with and without BOM), UTF-8 BOMs, missing headers, doubled
header columns and ids, cells of more than 100,000 characters, NUL bytes,
invalid UTF-8, CR-only lines, unterminated quotes, spreadsheet formulas, very
many columns, empty files, files that are not CSV, directories and dangling
links named like import files; for JSON also odd values (lone surrogates, huge
numbers, NaN), deep nesting and wrong shapes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcrm import fileformat
from graphcrm.errors import InputError
from graphcrm.importer import load
from graphcrm.store import open_store
from tests.integration.api_fixtures import running_app

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FILES: dict[str, bytes] = {p.name: p.read_bytes() for p in sorted(SEEDS.glob("*.csv"))}
GRAPHCRM = Path(sys.executable).parent / "graphcrm"
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "'=1+1", "\t=1", "=HYPERLINK(\"http://x\")", "-", "'"]
DIR, LINK = object(), object()  # file entries that are a directory, a dangling link
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.large_base_example])


# --- the property ----------------------------------------------------------------------------


class Checked:
    """A store with the seeds loaded, and what it held before each load."""

    def __init__(self, store):
        load(SEEDS, store)
        self.store = store
        self.before = store.export()
        self.outcomes: dict[str, int] = {"loaded": 0, "rejected": 0}

    def load(self, path: Path) -> None:
        try:
            load(path, self.store)
        except InputError as e:
            self.outcomes["rejected"] += 1
            assert e.issues
            for issue in e.issues:
                text = str(issue)
                text.encode("utf-8")  # printable: no lone surrogates in a message
                assert "\n" not in text and "\r" not in text, text
                assert len(text) < 2_000, text[:300]
                assert issue.where
            assert self.store.export() == self.before, "a rejected load wrote something"
        else:
            self.outcomes["loaded"] += 1
            self.before = self.store.export()


@pytest.fixture
def checked(lbug_store) -> Iterator[Checked]:
    checked = Checked(lbug_store)
    yield checked
    if os.environ.get("GRAPHCRM_FUZZ_STATS"):  # how many inputs loaded, how many were rejected
        print(checked.outcomes)


# --- CSV directories -------------------------------------------------------------------------


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def text_files(files: dict) -> list[str]:
    return sorted(n for n, v in files.items() if isinstance(v, bytes) and n in SEED_FILES)


def set_cell(draw, files, name, value: str) -> None:
    try:
        rows = rows_of(files[name])
    except (UnicodeDecodeError, csv.Error):
        return
    if len(rows) < 2 or not rows[0]:
        return
    r = draw(st.integers(1, len(rows) - 1))
    if rows[r]:
        rows[r][draw(st.integers(0, len(rows[r]) - 1))] = value
        files[name] = csv_bytes(rows)


@st.composite
def mutation(draw, files: dict, only: str | None = None) -> str:
    """Apply one mutation (``only`` that kind if given) to ``files`` (name → bytes, DIR
    or LINK); return its kind."""
    names = text_files(files)
    kind = only or draw(st.sampled_from([
        "encoding", "bom", "no_header", "header_twice", "row_twice", "huge", "nul", "bad_utf8", "cr_only",
        "crlf", "quote", "formula", "many_columns", "wide_row", "empty", "header_only", "other_file",
        "drop_file", "text_cell", "truncate", "splice", "reorder_columns", "blank_lines",
    ]))
    if kind in ("other_file", "drop_file") or not names:
        if kind == "drop_file" and names:
            del files[draw(st.sampled_from(names))]
        else:
            other = draw(st.sampled_from(["notes.txt", "README", "Accounts.CSV", "x.csv", ".hidden.csv",
                                          "accounts.csv.bak", "accounts.csv", "contacts.csv", "units.csv"]))
            files[other] = draw(st.sampled_from([b"hello, world\n", b"", b"\xff\xfe\x00", DIR, LINK]))
        return kind
    name = draw(st.sampled_from(names))
    data: bytes = files[name]
    if kind == "encoding":
        codec = draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
        text = data.decode("utf-8", "replace").replace("\n", " Zoë Ørsted\n", 1)
        files[name] = text.encode(codec, "replace")
    elif kind == "bom":
        files[name] = b"\xef\xbb\xbf" * draw(st.integers(1, 2)) + data
    elif kind == "no_header":
        files[name] = data.split(b"\n", 1)[1] if b"\n" in data else b""
    elif kind == "header_twice":
        header, _, rest = data.partition(b"\n")
        column = draw(st.sampled_from(header.split(b",")))
        files[name] = header + b"," + column + b"\n" + rest
    elif kind == "row_twice":
        lines = data.splitlines(keepends=True)
        if len(lines) > 1:
            files[name] = data + (b"" if data.endswith(b"\n") else b"\n") + draw(st.sampled_from(lines[1:]))
    elif kind == "huge":
        size = draw(st.sampled_from([10_001, 99_999, 100_001, 250_000]))
        set_cell(draw, files, name, draw(st.sampled_from(["x", "é", "=", "\n"])) * size)
    elif kind in ("nul", "bad_utf8", "quote", "splice"):
        insert = {"nul": b"\x00", "quote": b'"', "bad_utf8": draw(st.sampled_from(
            [b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]))}.get(kind)
        if insert is None:
            insert = draw(st.binary(min_size=1, max_size=20))
        at = draw(st.integers(0, len(data)))
        files[name] = data[:at] + insert + data[at:]
    elif kind == "cr_only":
        files[name] = data.replace(b"\n", b"\r")
    elif kind == "crlf":
        files[name] = data.replace(b"\n", b"\r\n")
    elif kind == "formula":
        set_cell(draw, files, name, draw(st.sampled_from(FORMULAS)))
    elif kind == "many_columns":
        header, _, rest = data.partition(b"\n")
        n = draw(st.sampled_from([100, 5_000, 50_000]))
        files[name] = header + b"," + b",".join(b"c%d" % i for i in range(n)) + b"\n" + rest
    elif kind == "wide_row":
        files[name] = data + (b"" if data.endswith(b"\n") else b"\n") + b"a," * draw(st.sampled_from([20, 100_000]))
    elif kind == "empty":
        files[name] = b""
    elif kind == "header_only":
        files[name] = data.split(b"\n", 1)[0] + b"\n"
    elif kind == "text_cell":
        set_cell(draw, files, name, draw(st.text(max_size=30)))
    elif kind == "truncate":
        files[name] = data[: draw(st.integers(0, len(data)))]
    elif kind == "reorder_columns":
        try:
            rows = rows_of(data)
        except (UnicodeDecodeError, csv.Error):
            return kind
        order = draw(st.permutations(range(len(rows[0])))) if rows and rows[0] else []
        files[name] = csv_bytes([[r[i] for i in order] if len(r) == len(order) else r for r in rows])
    elif kind == "blank_lines":
        files[name] = data.replace(b"\n", b"\n\n", draw(st.integers(1, 5)))
    return kind


@st.composite
def csv_dirs(draw) -> tuple[dict, list[str]]:
    files: dict = dict(SEED_FILES)
    if draw(st.booleans()):  # a few files only
        keep = draw(st.sets(st.sampled_from(sorted(SEED_FILES)), min_size=1))
        files = {n: files[n] for n in keep}
    kinds = [draw(mutation(files)) for _ in range(draw(st.integers(1, 3)))]
    return files, kinds


def materialise(files: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if content is DIR:
            path.mkdir()
        elif content is LINK:
            os.symlink(directory / "nowhere" / name, path)
        else:
            path.write_bytes(content)
    return directory


def load_files(checked, tmp_path: Path, files: dict) -> None:
    """Write the drawn files into a fresh directory and load it (checked)."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        checked.load(materialise(files, Path(tmp) / "in"))


@settings(FUZZ, max_examples=60)
@given(case=csv_dirs())
def test_any_csv_directory_loads_or_is_rejected_cleanly(checked, tmp_path, case):
    load_files(checked, tmp_path, case[0])


@pytest.mark.slow
@settings(FUZZ, max_examples=150)
@given(case=csv_dirs())
def test_any_csv_directory_loads_or_is_rejected_cleanly_more(checked, tmp_path, case):
    load_files(checked, tmp_path, case[0])


@pytest.mark.parametrize("kind", ["encoding", "huge", "many_columns", "formula", "other_file", "cr_only"])
def test_each_mutation_at_least_once(checked, tmp_path, kind):
    """Every kind of mutation runs, whatever hypothesis happens to draw."""

    @settings(FUZZ, max_examples=4, database=None)
    @given(data=st.data())
    def run(data):
        files = dict(SEED_FILES)
        data.draw(mutation(files, kind))
        load_files(checked, tmp_path, files)

    run()


# --- JSON documents --------------------------------------------------------------------------


def seed_document() -> dict:
    data = fileformat.read_csv_dir(SEEDS).data
    return {f: [r.model_dump(mode="json", exclude_none=True) for r in records] for f, records in data}


SEED_DOC = seed_document()
LISTS = sorted(SEED_DOC)
# Any JSON value, lone surrogates, NaN and huge numbers included.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30, max_value=10**40)
    | st.floats() | st.text(max_size=20) | st.sampled_from(["\ud800", "a\udfff", "\x00", "\x7f"])
    | st.sampled_from([*FORMULAS, "2024-02-30", "2024-02-29", "", " ", "S", "call", "0", "-2", "1e309"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def json_documents(draw) -> bytes:
    doc = json.loads(json.dumps(SEED_DOC))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "unknown_key", "not_list", "not_object", "top", "item_twice",
                                     "drop", "deep_value", "huge_string"]))
        key = draw(st.sampled_from(LISTS))
        items = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(items, list) or not items:
            continue
        i = draw(st.integers(0, len(items) - 1))
        item = items[i]
        if not isinstance(item, dict):
            continue
        if kind == "value":
            item[draw(st.sampled_from(sorted(item) or ["id"]))] = draw(json_values)
        elif kind == "unknown_key":
            item[draw(st.text(max_size=8) | st.sampled_from(["\ud800", "id\n"]))] = draw(json_values)
        elif kind == "not_list":
            doc[key] = draw(json_values)
        elif kind == "not_object":
            items[i] = draw(json_values)
        elif kind == "top":
            doc = draw(json_values)
        elif kind == "item_twice":
            items.append(dict(item))
        elif kind == "drop":
            item.pop(draw(st.sampled_from(sorted(item) or ["id"])), None)
        elif kind == "deep_value":
            value: object = "x"
            for _ in range(draw(st.sampled_from([3, 20, 200]))):
                value = [value]
            item[draw(st.sampled_from(sorted(item) or ["id"]))] = value
        elif kind == "huge_string":
            item[draw(st.sampled_from(sorted(item) or ["id"]))] = "=" * draw(st.sampled_from([501, 10_001, 100_001]))
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True)
    raw = text.encode("utf-8", "surrogatepass")  # ensure_ascii=False writes lone surrogates as bad UTF-8
    edit = draw(st.sampled_from(["none", "none", "bom", "utf16", "utf16le", "latin1", "truncate", "nul",
                                 "deep", "big_int", "nan", "splice"]))
    if edit == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif edit in ("utf16", "utf16le", "latin1"):
        codec = {"utf16": "utf-16", "utf16le": "utf-16-le", "latin1": "latin-1"}[edit]
        raw = text.replace('"', '"Zoë ', 1).encode(codec, "replace")
    elif edit == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif edit == "nul":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\x00" + raw[at:]
    elif edit == "deep":
        n = draw(st.sampled_from([17, 1_000, 100_000]))
        raw = b'{"accounts": ' + b"[" * n + b"]" * n + b"}"
    elif edit == "big_int":
        raw = b'{"accounts": [{"id": "a", "name": "b", "tier": "S", "annual_revenue": ' + b"9" * 5_000 + b"}]}"
    elif edit == "nan":
        raw = raw.replace(b'"depth": 3', b'"depth": NaN').replace(b'"strength": 0.', b'"strength": -Infinity, "x": 0.')
    elif edit == "splice":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=10)) + raw[at:]
    return raw


def load_json(checked, tmp_path: Path, raw: bytes) -> None:
    """Write the drawn document into a fresh directory and load it (checked)."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        path = Path(tmp) / "import.json"
        path.write_bytes(raw)
        checked.load(path)


@settings(FUZZ, max_examples=60)
@given(raw=json_documents())
def test_any_json_document_loads_or_is_rejected_cleanly(checked, tmp_path, raw):
    load_json(checked, tmp_path, raw)


@pytest.mark.slow
@settings(FUZZ, max_examples=150)
@given(raw=json_documents())
def test_any_json_document_loads_or_is_rejected_cleanly_more(checked, tmp_path, raw):
    load_json(checked, tmp_path, raw)


# --- what the fuzzer found, kept as plain tests ----------------------------------------------


@pytest.mark.parametrize("files, where", [
    ({"accounts.csv": DIR}, "accounts.csv: is not a file"),  # was IsADirectoryError
    ({"accounts.csv": LINK}, "accounts.csv: is not a file"),  # was FileNotFoundError
    ({"accounts.csv": b"id,name,tier" + b",x" * 100_000 + b"\n"}, "accounts.csv:1: has 99990 more unknown columns"),
])
def test_files_that_cannot_be_read_are_input_errors(checked, tmp_path, files, where):
    with pytest.raises(InputError) as e:
        load(materialise(files, tmp_path / "in"), checked.store)
    assert where in str(e.value)
    assert checked.store.export() == checked.before


@pytest.mark.parametrize("text, message", [
    ('{"accounts": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "import.json: nests deeper than 16 levels"),  # was RecursionError
    ('{"accounts": [{"id": "a", "name": "b", "tier": "S", "annual_revenue": ' + "9" * 5_000 + "}]}",
     "import.json: has a number of more than 4300 digits"),  # was ValueError
    ('{"accounts": [{"id": "a", "name": "b", "tier": "' + "x" * 100_000 + '"}]}',
     "import.json: accounts[0]: tier: must be one of S, A, B or C, got 'xxxx"),  # was a 100,000-character message
])
def test_json_that_broke_the_reader(checked, tmp_path, text, message):
    path = tmp_path / "import.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load(path, checked.store)
    assert message in str(e.value)
    assert len(str(e.value)) < 1_000
    assert checked.store.export() == checked.before


# --- through the command line ----------------------------------------------------------------


def test_cli_load_of_fuzzed_input_exits_2_without_a_traceback(tmp_path):
    db = f"ladybug://{tmp_path / 'cli.lbug'}"
    with open_store(db) as store:
        load(SEEDS, store)
        before = store.export()
    files = dict(SEED_FILES)
    files["accounts.csv"] = SEED_FILES["accounts.csv"].decode().replace("\n", " Zoë\n", 1).encode("utf-16")
    files["contacts.csv"] = SEED_FILES["contacts.csv"] + b'c-x,acc-jnm,,"unterminated\n'
    files["units.csv"] = DIR
    files["notes.txt"] = b"not csv\x00"
    bad = materialise(files, tmp_path / "bad")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "GRAPHCRM_DB")}
    result = subprocess.run([str(GRAPHCRM), "--db", db, "load", str(bad)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    # UTF-16 with a BOM is read (issue 18), so its header's stray " Zoë" is what is wrong
    assert "note: accounts.csv: read as UTF-16" in result.stderr
    assert "accounts.csv:1: annual_revenue Zoë: is not a column of accounts.csv" in result.stderr
    assert "contacts.csv:" in result.stderr and "units.csv: is not a file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    with open_store(db) as store:
        assert store.export() == before


# --- limits ----------------------------------------------------------------------------------


SEED_ROWS = sum(len(rows_of(data)) - 1 for data in SEED_FILES.values())


def test_row_limit_of_a_csv_import(checked, tmp_path, monkeypatch):
    monkeypatch.setattr(fileformat, "MAX_ROWS", SEED_ROWS - 1)
    with pytest.raises(InputError) as e:
        load(SEEDS, checked.store)
    assert f"goes past the limit of {SEED_ROWS - 1} rows in one import" in str(e.value)
    assert e.value.issues[0].where.endswith(".csv") and e.value.issues[0].line
    assert checked.store.export() == checked.before
    monkeypatch.setattr(fileformat, "MAX_ROWS", SEED_ROWS)
    load(SEEDS, checked.store)  # exactly the limit is fine


def test_row_limit_of_a_json_import(checked, tmp_path, monkeypatch):
    path = tmp_path / "seeds.json"
    path.write_text(json.dumps(SEED_DOC), encoding="utf-8")
    monkeypatch.setattr(fileformat, "MAX_ROWS", SEED_ROWS - 1)
    with pytest.raises(InputError) as e:
        load(path, checked.store)
    assert f"seeds.json: has {SEED_ROWS} records, more than the limit of {SEED_ROWS - 1}" in str(e.value)
    monkeypatch.setattr(fileformat, "MAX_ROWS", SEED_ROWS)
    load(path, checked.store)


def test_row_limit_of_the_api(tmp_path):
    accounts = [{"id": f"a-{i}", "name": "A", "tier": "C"} for i in range(6)]
    with running_app(tmp_path, seeds=False, max_import_rows=5) as env:
        response = env.admin("POST", "/import", json={"accounts": accounts})
        assert response.status_code == 422, response.text
        assert "more than the limit of 5" in response.text
        assert env.admin("POST", "/import", json={"accounts": accounts[:5]}).status_code == 200


def test_cell_size_limit(checked, tmp_path, monkeypatch):
    monkeypatch.setattr(fileformat, "MAX_FIELD", 50)
    try:
        files = {"accounts.csv": b"id,name,tier\nacc-1,short,S\nacc-2," + b"n" * 51 + b",S\n"}
        with pytest.raises(InputError) as e:
            load(materialise(files, tmp_path / "in"), checked.store)
        assert "accounts.csv:3: has a cell longer than 50 characters" in str(e.value)
        assert checked.store.export() == checked.before
    finally:
        monkeypatch.undo()
        fileformat.read_csv_dir(SEEDS)  # puts the csv module's limit back


def test_json_depth_limit(checked, tmp_path, monkeypatch):
    path = tmp_path / "seeds.json"
    path.write_text(json.dumps(SEED_DOC), encoding="utf-8")
    monkeypatch.setattr(fileformat, "MAX_JSON_DEPTH", 3)  # the id lists of activities are level 4
    with pytest.raises(InputError) as e:
        load(path, checked.store)
    assert "seeds.json: activities[0]: nests deeper than 3 levels" in str(e.value)
    monkeypatch.setattr(fileformat, "MAX_JSON_DEPTH", 4)
    load(path, checked.store)


@pytest.mark.parametrize("header, cells, message", [
    ("id,name,tier", ["acc-1", "n" * 501, "S"], "accounts.csv:2: name: must be at most 500 characters, got 501"),
    ("id,name,tier", ["a" * 201, "n", "S"], "accounts.csv:2: id: must be at most 200 characters, got 201"),
    ("id,name,email", ["r-1", "n", "a@" + "b" * 320], "reps.csv:2: email: must be at most 320 characters"),
    ("id,date,kind,account_id,summary", ["act-1", "2024-01-01", "call", "acc-jnm", "s" * 10_001],
     "activities.csv:2: summary: must be at most 10000 characters, got 10001"),
])
def test_string_length_limits(checked, tmp_path, header, cells, message):
    name = {"email": "reps.csv", "summary": "activities.csv"}.get(header.rsplit(",", 1)[1], "accounts.csv")
    files = {name: (header + "\n").encode() + csv_bytes([cells])}
    with pytest.raises(InputError) as e:
        load(materialise(files, tmp_path / "in"), checked.store)
    assert message in str(e.value)
    assert checked.store.export() == checked.before
