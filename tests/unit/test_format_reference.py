"""The format reference (docs/format.md, ``graphcrm format``) is written from the model."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from graphcrm.format_reference import column_rows, reference
from graphcrm.model import RECORD_TYPES, Contact, Level, Unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "format.md"


def test_the_committed_reference_is_the_generated_one():
    assert DOC.read_text(encoding="utf-8") == reference(), \
        "docs/format.md is stale: python -m graphcrm.format_reference > docs/format.md"


def test_every_file_column_and_allowed_value_is_in_it():
    text = reference()
    for t in RECORD_TYPES:
        assert f"## {t.FILE}" in text
        listed = [row[0] for row in column_rows(t)]
        assert listed == list(t.model_fields)
        for name, info in t.model_fields.items():
            for arg in (info.annotation, *getattr(info.annotation, "__args__", ())):
                if isinstance(arg, type) and issubclass(arg, Enum):
                    assert all(f"`{m.value}`" in text for m in arg), (t.FILE, name)


def test_a_field_row_says_required_type_rule_and_reference():
    rows = {r[0]: r for r in column_rows(Contact)}
    assert rows["account_id"] == ("account_id", "yes", "id", "→ Account")
    assert rows["unit_id"] == ("unit_id", "", "id", "→ Unit, same account")
    assert rows["level"] == ("level", "", "one of", " ".join(f"`{v}`" for v in ("executive", "senior", "middle", "staff")))
    assert {r[0]: r for r in column_rows(Unit)}["kind"][1] == "yes"
    assert len(Level) == 4


def test_the_separator_and_the_scales_are_documented():
    text = reference()
    assert "separated by `;`" in text
    assert "0 none, 1 acquainted, 2 engaged, 3 trusted, 4 advocate" in text
    assert "-2 opponent, -1 sceptic, 0 neutral, 1 supporter, 2 champion" in text
