"""Export (``graphcrm export``) writes the import format: export → load into an
empty store → export gives byte-identical record files, in both formats, via the
CLI; the audit trail comes along and grows by the load's own entries."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from graphcrm.store import open_store
from typer.testing import CliRunner

from graphcrm.cli import app

# docs/design.md §4, typed out from the design's table.
DESIGN_COLUMNS = {
    "accounts.csv": ["id", "name", "tier", "industry", "parent_id", "strategic_fit", "annual_revenue"],
    "units.csv": ["id", "account_id", "name", "kind", "parent_unit_id", "region"],
    "contacts.csv": ["id", "account_id", "unit_id", "name", "title", "level", "reports_to", "email", "stance"],
    "reps.csv": ["id", "name", "role", "level", "active", "email"],
    "account_team.csv": ["account_id", "rep_id", "role"],
    "relationships.csv": ["rep_id", "contact_id", "depth", "last_contact", "since"],
    "influences.csv": ["source_id", "target_id", "strength", "kind"],
    "bids.csv": ["id", "account_id", "name", "stage", "tender_date", "value", "currency"],
    "bid_roles.csv": ["bid_id", "contact_id", "role", "influence", "stance"],
    "activities.csv": ["id", "date", "kind", "account_id", "bid_id", "rep_ids", "contact_ids", "summary"],
    "agreements.csv": ["id", "account_id", "kind", "signed", "expires"],
    "plans.csv": ["id", "account_id", "layer", "contact_id", "unit_id", "owner_rep_id", "goal", "target", "created",
                  "due"],
    "feedback.csv": ["id", "account_id", "contact_id", "date", "kind", "severity", "status", "closed", "summary"],
}

# Awkward values next to the seeds: a multi-line summary with quotes and commas,
# emoji, a hostile name, an inactive rep, fractional numbers, empty optional cells.
EXTRA = {
    "accounts.csv": [["acc-x", "x'}) DETACH DELETE n //", "C", "", "", "diverging", "0.1"],
                     ["acc-y", "Ÿ \"quoted\", {braced} 🚀", "B", "ports", "acc-x", "", "1234567.25"]],
    "units.csv": [["u-x", "acc-x", "総部, HQ", "hq", "", ""]],
    "contacts.csv": [["cx-1", "acc-x", "u-x", "Zoë 👩‍💼", "CTO; \"acting\"", "executive", "", "zoe@x.example", "-2"],
                     ["cx-2", "acc-x", "", "李四", "", "", "cx-1", "", ""]],
    "reps.csv": [["rx-1", "Rex", "other", "staff", "false", ""]],
    "relationships.csv": [["rx-1", "cx-1", "0", "", ""]],
    "influences.csv": [["cx-2", "cx-1", "0.333", ""]],
    "bids.csv": [["bx-1", "acc-x", "Bid, \"x\"", "lost", "", "0", ""]],
    "bid_roles.csv": [["bx-1", "cx-1", "coach", "", "-2"]],
    "activities.csv": [["ax-1", "2024-02-29", "other", "acc-x", "bx-1", "rx-1", "cx-1;cx-2",
                        "line one, with \"quotes\"\nline two 🚀"]],
    "agreements.csv": [["gx-1", "acc-x", "framework", "", "2030-01-01"]],
    "plans.csv": [["px-1", "acc-x", "general", "", "u-x", "rx-1", "activity", "site_visit", "2024-02-29", "2024-03-01"]],
    "feedback.csv": [["fx-1", "acc-x", "cx-2", "2024-02-29", "complaint", "", "closed", "2024-03-01",
                      "\"slow\", then\nfixed 🚀"]],
}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def source(seeds_dir, tmp_path) -> Path:
    """A copy of seeds/ with EXTRA appended, written with the csv module."""
    src = Path(shutil.copytree(seeds_dir, tmp_path / "source"))
    for name, rows in EXTRA.items():
        path = src / name
        header = read_rows(path)[0]
        assert header == DESIGN_COLUMNS[name]  # EXTRA's cells follow that order
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(text + buf.getvalue(), encoding="utf-8", newline="")
    return src


def cli(*args: str) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)


def db(tmp_path: Path, name: str) -> str:
    return f"ladybug://{tmp_path / name}"


def expected_rows(source: Path, name: str) -> int:
    """Data rows an export must hold: the input's rows, and for relationships the
    (rep, contact) pairs that met in an activity without a relationship row."""
    with (source / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if name != "relationships.csv":
        return len(rows)
    pairs = {(r["rep_id"], r["contact_id"]) for r in rows}
    with (source / "activities.csv").open(encoding="utf-8", newline="") as f:
        for a in csv.DictReader(f):
            pairs |= {(r, c) for r in a["rep_ids"].split(";") if r for c in a["contact_ids"].split(";") if c}
    return len(pairs)


def test_csv_export_load_export_is_byte_identical(tmp_path, source):
    first, second = tmp_path / "first", tmp_path / "second"
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "csv", first)
    cli("--db", db(tmp_path, "b.lbug"), "load", first)
    cli("--db", db(tmp_path, "b.lbug"), "export", "--format", "csv", second)

    assert sorted(p.name for p in first.iterdir()) == sorted([*DESIGN_COLUMNS, "audit.csv"])
    assert sorted(p.name for p in second.iterdir()) == sorted([*DESIGN_COLUMNS, "audit.csv"])
    records = 0
    for name in DESIGN_COLUMNS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        # the round trip is not vacuous: every record made it out
        assert len(read_rows(first / name)) - 1 == expected_rows(source, name), name
        records += expected_rows(source, name)
    # the trail: store a's entries as they were, then store b's load: one entry saying
    # the exported trail was restored (the records come in as that trail left them)
    trail, grown = (first / "audit.csv").read_bytes(), (second / "audit.csv").read_bytes()
    assert grown.startswith(trail)
    old, new = read_rows(first / "audit.csv")[1:], list(csv.reader(io.StringIO(grown[len(trail):].decode())))
    assert len(old) == records and {r[4] for r in old} == {"create"}
    assert [r[4] for r in new] == ["restore"]
    assert {r[3] for r in new} == {"cli load"}


def test_csv_export_keeps_awkward_values(tmp_path, source):
    out = tmp_path / "out"
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "csv", out)
    # activity ax-1 (2024-02-29, rx-1 with cx-1 and cx-2) moved rx-1 → cx-1's last
    # contact forward and created rx-1 → cx-2 at depth 1 (docs/design.md §2)
    expected = {**EXTRA, "relationships.csv": [["rx-1", "cx-1", "0", "2024-02-29", ""],
                                               ["rx-1", "cx-2", "1", "2024-02-29", "2024-02-29"]]}
    for name, rows in expected.items():
        exported = read_rows(out / name)[1:]
        for row in rows:
            assert row in exported, (name, row)


def test_json_export_load_export_is_byte_identical(tmp_path, source):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "json", first)
    cli("--db", db(tmp_path, "b.lbug"), "load", first)
    cli("--db", db(tmp_path, "b.lbug"), "export", "--format", "json", second)

    doc, again = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    trail, grown = doc.pop("audit"), again.pop("audit")
    assert json.dumps(doc) == json.dumps(again)
    assert sorted(doc) == sorted(n.removesuffix(".csv") for n in DESIGN_COLUMNS)
    for name in DESIGN_COLUMNS:
        assert len(doc[name.removesuffix(".csv")]) == expected_rows(source, name), name
    assert grown[:len(trail)] == trail and [e["action"] for e in grown[len(trail):]] == ["restore"]
    activity = next(a for a in doc["activities"] if a["id"] == "ax-1")
    assert activity["summary"] == "line one, with \"quotes\"\nline two 🚀"
    assert activity["contact_ids"] == ["cx-1", "cx-2"]
    assert next(a for a in doc["accounts"] if a["id"] == "acc-x")["name"] == "x'}) DETACH DELETE n //"
    entry = next(e for e in trail if e["key"] == "ax-1")
    assert entry["after"] == activity and "before" not in entry and entry["account_id"] == "acc-x"


def test_json_export_into_a_directory(tmp_path, source):
    out = tmp_path / "out"
    out.mkdir()
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "json", out)
    files = list(out.iterdir())
    assert len(files) == 1 and files[0].suffix == ".json"
    assert "accounts" in json.loads(files[0].read_text(encoding="utf-8"))


def test_csv_and_json_exports_load_to_the_same_store(tmp_path, source):
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "json", tmp_path / "a.json")
    cli("--db", db(tmp_path, "b.lbug"), "load", tmp_path / "a.json")
    cli("--db", db(tmp_path, "b.lbug"), "export", "--format", "csv", tmp_path / "from_json")
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "csv", tmp_path / "from_csv")
    for name in DESIGN_COLUMNS:
        assert (tmp_path / "from_json" / name).read_bytes() == (tmp_path / "from_csv" / name).read_bytes(), name


def test_exported_csv_headers_are_the_design_columns(tmp_path, source):
    out = tmp_path / "out"
    cli("--db", db(tmp_path, "a.lbug"), "load", source)
    cli("--db", db(tmp_path, "a.lbug"), "export", "--format", "csv", out)
    for name, columns in DESIGN_COLUMNS.items():
        assert (out / name).read_text(encoding="utf-8").split("\n", 1)[0] == ",".join(columns), name


def test_an_empty_store_exports_header_only_files(tmp_path):
    out = tmp_path / "out"
    open_store(db(tmp_path, "empty.lbug")).close()  # an empty store: export only reads, it never creates one
    cli("--db", db(tmp_path, "empty.lbug"), "export", "--format", "csv", out)
    for name, columns in DESIGN_COLUMNS.items():
        assert (out / name).read_text(encoding="utf-8") == ",".join(columns) + "\n", name
