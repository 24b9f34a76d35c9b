"""The import format's reference, written from the model's declarations.

Every file, column, type, allowed value and reference comes from ``graphcrm.model``
(the record types' fields, enums, ``REFS`` and ``KEY``, and ``FIELD_TYPES``), so a
field added there appears here. ``graphcrm format`` prints it; ``docs/format.md`` is
this text, kept equal by a test (``python -m graphcrm.format_reference > docs/format.md``).
"""

from __future__ import annotations

import typing
from enum import Enum

from graphcrm.model import DEPTH_NAMES, FIELD_TYPES, RECORD_TYPES, STANCE_NAMES, Dataset, Record

__all__ = ["reference", "column_rows"]

_HEAD = """# The import format

Written from the model by `python -m graphcrm.format_reference` (`graphcrm format` prints
it); docs/design.md §4.2 has the rules in prose.

One import is any of:

- **a directory of CSV files**, each optional, named as below (other files are ignored);
- **one `.json` file**: an object with one list per file name without `.csv`
  (`{"accounts": [...], "bid_roles": [...]}`), `null` or `""` for "not given";
- **one `.xlsx` workbook**: one sheet per file name without `.csv` (`accounts`,
  `bid_roles` …), the header in the first row. Numbers, dates and booleans may be
  typed cells; text cells are taken as they are.

Rules for every file:

- The first row is the header: the columns below, in any order; a column not listed,
  a column named twice or a missing required column is an error. Values are
  case-sensitive and exactly as listed (a close miss gets a suggestion: `HQ` → `hq`).
- An empty cell means "not given".
- Text is UTF-8 (a BOM is allowed). A file in UTF-16 with a BOM (Excel's "Unicode
  text") is read as such; one that is not UTF-8 but reads as GB18030/GBK (what Chinese
  Excel saves as "CSV") with only common (GB2312) Chinese characters is read as
  GB18030, with a note. Any
  other file is refused with how to save it as UTF-8 (Excel: *CSV UTF-8 (Comma
  delimited)*).
- Cells are separated by `,`. A file whose header line has no `,` but a `;` (what
  Excel saves as "CSV" in many European locales) or a TAB is read with that
  delimiter, with a note.
- Lists (`rep_ids`, `contact_ids`) are ids separated by `;`, which is why no id may
  contain a `;`.
- Dates are `YYYY-MM-DD`.
- References name a record in the same import or already in the store; "same
  account" ones must belong to the record's own account. Every problem — values and
  references alike — is reported in one pass, with file, line and column, and
  nothing is written.

"""


def _enum(annotation: object) -> type[Enum] | None:
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _type(annotation: object) -> tuple[str, str]:
    """(type name, rule) of a field's annotation (``X | None`` is X's)."""
    for arg in (annotation, *typing.get_args(annotation)):
        if arg in FIELD_TYPES:
            return FIELD_TYPES[arg]
    enum = _enum(annotation)
    if enum is not None:
        return "one of", " ".join(f"`{m.value}`" for m in enum)
    return FIELD_TYPES.get(str, ("text", ""))


def column_rows(record_type: type[Record]) -> list[tuple[str, str, str, str]]:
    """(column, required, type, rule) of each column of a record type's file.

    >>> from graphcrm.model import BidRole
    >>> column_rows(BidRole)[4]
    ('stance', '', 'whole number', '−2…2: -2 opponent, -1 sceptic, 0 neutral, +1 supporter, +2 champion')
    """
    hints = typing.get_type_hints(record_type, include_extras=True)
    refs = {r.field: r for r in record_type.REFS}
    rows = []
    for name, info in record_type.model_fields.items():
        kind, rule = _type(hints[name])
        if name in refs:
            ref = refs[name]
            rule = f"→ {ref.target}" + (", same account" if ref.same_account else "") + (f"; {rule}" if kind == "list of ids" else "")
        if not info.is_required() and info.default not in (None, [], ()):
            rule += f" (empty = {str(info.default).lower()})"
        rows.append((name, "yes" if info.is_required() else "", kind, rule))
    return rows


def reference() -> str:
    """The format reference as Markdown."""
    parts = [_HEAD]
    for t in RECORD_TYPES:
        key = ", ".join(t.KEY)
        parts.append(f"## {t.FILE}\n\nSheet or JSON list `{Dataset.field_for(t)}`; a row is identified by "
                     f"{key} (a row with the key of a stored record replaces it).\n\n"
                     "| column | required | type | allowed values, rule |\n|---|---|---|---|\n")
        parts.append("".join(f"| {c} | {r} | {k} | {rule.replace('|', chr(92) + '|')} |\n"
                             for c, r, k, rule in column_rows(t)) + "\n")
    parts.append("## Scales\n\n- **depth** (how well one of our reps knows a contact): "
                 + ", ".join(f"{d} {n}" for d, n in DEPTH_NAMES.items())
                 + ".\n- **stance** (how much a contact backs us in a bid): "
                 + ", ".join(f"{s} {n}" for s, n in STANCE_NAMES.items()) + "; empty = unknown.\n")
    return "".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
