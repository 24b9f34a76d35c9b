"""The web UI's forms, derived from the record types' declarations.

Each record type gets a create and an edit form without a template of its own:
``form_fields`` reads the model (enums become choices, the depth and stance
scales their names, references pick lists, id lists multi-pick lists, days date
inputs), ``pick_lists`` fills the pick lists with what the signed-in key may
name, and ``parse_form`` turns a submitted form back into the record's fields —
as a merge patch (``graphcrm.editing``): a field the form does not show is never
changed. A new field or record type in ``graphcrm.model`` is in the forms too.

Examples
--------
>>> from graphcrm.model import Relationship
>>> [(f.name, f.kind) for f in form_fields(Relationship, fixed={"contact_id"})]
[('rep_id', 'pick'), ('depth', 'select'), ('last_contact', 'date'), ('since', 'date')]
>>> parse_form(form_fields(Relationship, fixed=set(), editing=True), {"depth": ["3"], "since": [""]})
{'depth': '3', 'since': None}
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Literal

from pydantic import BaseModel

from graphcrm.access import Scope, visible_reps
from graphcrm.model import DEPTH_NAMES, STANCE_NAMES, Account, Contact, Record
from graphcrm.schema import BY_LABEL, target
from graphcrm.store.port import GraphStore

__all__ = ["Choice", "FormField", "form_fields", "parse_form", "pick_lists", "label_of"]

Kind = Literal["text", "textarea", "date", "number", "select", "pick", "picks", "checkbox"]
SCALES = {"depth": DEPTH_NAMES, "stance": STANCE_NAMES}
"""Integer fields whose values have names (docs/design.md §2, "Scales")."""
LONG_TEXT = {"summary"}
LABELS = {"reports_to": "Reports to", "rep_ids": "Our people", "contact_ids": "Their people",
          "strategic_fit": "Strategic fit", "source_id": "From", "target_id": "To", "bid_id": "Bid",
          "parent_unit_id": "Parent unit", "parent_id": "Parent account"}


class Choice(BaseModel):
    value: str
    label: str


class FormField(BaseModel):
    """One input of a form: what it edits and how it is drawn."""

    name: str
    label: str
    kind: Kind
    required: bool
    choices: list[Choice] = []
    target: str | None = None
    """For a pick list: the kind of record it names (``contact``, ``rep`` …)."""


def label_of(name: str) -> str:
    """A field's label: ``reports_to`` → "Reports to"."""
    return LABELS.get(name) or name.removesuffix("_id").replace("_", " ").capitalize()


def _kind(record_type: type[Record], name: str) -> tuple[Kind, list[Choice], str | None]:
    refs = {r.field: r for r in record_type.REFS}
    annotation = record_type.model_fields[name].annotation
    base = annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # X | None
        base = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if name in refs:
        kind = "picks" if typing.get_origin(base) is list else "pick"
        return kind, [], target(refs[name]).LABEL
    if name in SCALES:
        return "select", [Choice(value=str(v), label=f"{v:+d} {n}" if name == "stance" else f"{v} {n}")
                          for v, n in SCALES[name].items()], None
    if isinstance(base, type) and issubclass(base, Enum):
        return "select", [Choice(value=e.value, label=e.value.replace("_", " ")) for e in base], None
    if base is dt.date:
        return "date", [], None
    if base is bool:
        return "checkbox", [], None
    if base in (int, float):
        return "number", [], None
    return ("textarea" if name in LONG_TEXT else "text"), [], None


def form_fields(record_type: type[Record], fixed: set[str], editing: bool = False) -> list[FormField]:
    """The inputs of a form for ``record_type``: every field except the server's
    id, the fields ``fixed`` by where the form is opened (an account's id, a
    bid's …) and, when ``editing``, the key and the record's home account."""
    hidden = set(fixed) | {"id"}
    if editing:
        hidden |= set(record_type.KEY) | {"account_id"}
    return [FormField(name=name, label=label_of(name), kind=kind, required=info.is_required(),
                      choices=choices, target=pick)
            for name, info in record_type.model_fields.items() if name not in hidden
            for kind, choices, pick in [_kind(record_type, name)]]


def parse_form(fields: Sequence[FormField], form: Mapping[str, list[str]]) -> dict[str, object]:
    """A submitted form as a merge patch of the record's fields: text as typed
    (the model checks and converts it), an empty input clears its field, a
    multi-pick list is its chosen ids, a checkbox is whether it was ticked. A
    field the form did not send is left out (the page draws an empty hidden
    input before each multi-pick list and checkbox, so that those are sent
    even when nothing is chosen)."""
    patch: dict[str, object] = {}
    for f in fields:
        if f.name not in form:
            continue
        values = [v.strip() for v in form[f.name]]
        if f.kind == "picks":
            patch[f.name] = [v for v in values if v]
        elif f.kind == "checkbox":
            patch[f.name] = any(values)
        else:
            patch[f.name] = values[-1] or None
    return patch


def _contact_label(c: Contact) -> str:
    return f"{c.name} · {c.title}" if c.title else c.name


def pick_lists(store: GraphStore, scope: Scope, account_id: str | None,
               fields: Sequence[FormField]) -> dict[str, list[Choice]]:
    """The choices of each pick list of ``fields``: the account's own records
    (contacts, units, bids) by name, the reps ``scope`` may name (active first),
    the accounts ``scope`` sees for a parent account."""
    wanted = {f.target for f in fields if f.target}
    lists: dict[str, list[Choice]] = {}
    data = store.account_data(account_id) if account_id and wanted - {"Rep", "Account"} else None
    for label in wanted:
        if label == "Rep":
            allowed = visible_reps(store, scope)
            reps = sorted((r for r in store.reps().values() if allowed is None or r.id in allowed),
                          key=lambda r: (not r.active, r.name, r.id))
            lists[label] = [Choice(value=r.id, label=r.name if r.active else f"{r.name} (inactive)") for r in reps]
        elif label == "Account":
            accounts, _ = store.page(Account, scope, limit=100_000)
            lists[label] = [Choice(value=a.id, label=a.name) for a in sorted(accounts, key=lambda a: a.name)]
        elif data is not None:
            records = data.records(BY_LABEL[label])
            name = _contact_label if label == "Contact" else (lambda r: r.name)
            lists[label] = [Choice(value=r.id, label=name(r)) for r in sorted(records, key=lambda r: (r.name, r.id))]
        else:
            lists[label] = []
    return lists
