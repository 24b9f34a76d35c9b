"""A Salesforce data export, mapped into the import format (``graphcrm import salesforce``).

Reads the CSV files of a standard data export — ``Account.csv``, ``Contact.csv``,
``User.csv``, ``AccountTeamMember.csv``, ``Opportunity.csv``,
``OpportunityContactRole.csv``, ``Event.csv``, ``Task.csv`` (each optional; other
files and columns are ignored) — by the objects' standard field names, and maps:

==========================  ==========================================================
Salesforce                  import format
==========================  ==========================================================
Account                     accounts: Id, Name, Industry, ParentId, AnnualRevenue; the
                            tier (and strategic fit) from a field named by the mapping
Contact                     contacts: Id, AccountId, Name (or FirstName LastName),
                            Title, ReportsToId, Email; the level from a mapped field;
                            each Department of an account becomes a unit
                            (``<AccountId>-<Department>``, kind department); with a
                            mapped depth field, a relationship of the contact's
                            OwnerId at that depth, last contact LastActivityDate
User                        reps: Id, Name, Email, IsActive; the role from the user's
                            most frequent TeamMemberRole
AccountTeamMember           account_team: AccountId, UserId, TeamMemberRole
Opportunity                 bids: Id, AccountId, Name, StageName, CloseDate (tender
                            date), Amount, CurrencyIsoCode
OpportunityContactRole      bid_roles: OpportunityId, ContactId, Role; influence and
                            stance from mapped (custom) fields
Event, Task                 activities: Id, ActivityDate (or the day of
                            ActivityDateTime), Type (Task: TaskSubtype when Type is
                            empty), AccountId, WhatId when it names an opportunity,
                            OwnerId, WhoId when it names a contact, Subject
==========================  ==========================================================

The mapping (``salesforce.toml`` beside this module, under a user's TOML file)
names the fields and turns picklist values into graphcrm's values. Nothing is
dropped silently: every value the mapping does not know is listed in the
``MappingReport`` with its count — kept as it is where the import requires a value
(the import then refuses it, at its file and line), left empty where the value is
optional — and so is every default used and every row left out (deleted rows,
contacts without an account, a second role of one contact in one opportunity).

``map_export`` is pure (rows in, rows and report out); ``read_export`` reads the
files and ``to_source`` checks the mapped rows with the import's own checks
(``fileformat.read_table``), so every problem names the Salesforce file and line.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from graphcrm.errors import InputError, Issue, Issues
from graphcrm.fileformat import MAX_FIELD, MAX_ROWS, Reading, Source, columns, csv_rows, decode, delimiter, read_table
from graphcrm.model import (
    RECORD_TYPES, Account, Activity, ActivityKind, Bid, BidRole, BidRoleName, BidStage, Contact, InfluenceLevel, Level, Record,
    Relationship, Rep, RepRole, StrategicFit, TeamMember, Tier, Unit,
)

__all__ = ["OBJECTS", "Mapping", "MappingReport", "load_mapping", "read_export", "map_export", "to_source"]

OBJECTS = ("Account", "Contact", "User", "AccountTeamMember", "Opportunity", "OpportunityContactRole", "Event", "Task")
"""The Salesforce objects read, each from ``<Object>.csv``."""
DEFAULT_MAPPING = Path(__file__).with_name("salesforce.toml")

# Each kind of mapped value: the values graphcrm allows, and whether the import
# requires one (an unknown value is then kept, for the import to refuse; else left empty).
_KINDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "tier": (tuple(Tier), True), "strategic_fit": (tuple(StrategicFit), False),
    "stage": (tuple(BidStage), True), "bid_role": (tuple(BidRoleName), True),
    "rep_role": (tuple(RepRole), False), "level": (tuple(Level), False), "rep_level": (tuple(Level), False),
    "activity_kind": (tuple(ActivityKind), True), "influence": (tuple(InfluenceLevel), False),
    "stance": (tuple(str(s) for s in range(-2, 3)), False), "depth": (tuple(str(d) for d in range(5)), True),
}
_FIELDS = ("tier", "strategic_fit", "level", "rep_level", "depth", "influence", "stance")
_DEFAULTS = ("tier", "activity_kind")


class Mapping(BaseModel):
    """Which Salesforce field gives each value, defaults for empty ones, and
    picklist value → graphcrm value per kind (see ``salesforce.toml``)."""

    model_config = ConfigDict(extra="forbid")
    fields: dict[str, str] = {}
    defaults: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}


def load_mapping(path: Path | None = None) -> Mapping:
    """The default mapping, with the TOML file at ``path`` laid over it. Raises
    ``InputError`` naming the file and key of an unknown key or a value graphcrm
    does not allow."""
    def read(p: Path) -> dict:
        try:
            return tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError([Issue(str(p), None, None, None, "no such mapping file")], "the mapping") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise InputError([Issue(str(p), None, None, None, f"is not valid TOML: {e}")], "the mapping") from None

    doc = read(DEFAULT_MAPPING)
    where = str(DEFAULT_MAPPING)
    if path is not None:
        where = str(path)
        for section, table in read(path).items():
            if isinstance(table, dict) and isinstance(doc.get(section), dict):
                for key, value in table.items():
                    if section == "values" and isinstance(value, dict):
                        doc["values"].setdefault(key, {}).update(value)
                    else:
                        doc[section][key] = value
            else:
                doc[section] = table
    try:
        mapping = Mapping.model_validate(doc)
    except ValidationError as e:
        raise InputError([Issue(where, None, None, ".".join(map(str, err["loc"])), err["msg"])
                          for err in e.errors(include_url=False)], "the mapping") from None
    issues = [Issue(where, None, None, f"fields.{k}", f"is not a mapped value (expected: {', '.join(_FIELDS)})")
              for k in mapping.fields if k not in _FIELDS]
    issues += [Issue(where, None, None, f"defaults.{k}", f"has no default (expected: {', '.join(_DEFAULTS)})")
               for k in mapping.defaults if k not in _DEFAULTS]
    for kind, table in mapping.values.items():
        if kind not in _KINDS:
            issues.append(Issue(where, None, None, f"values.{kind}", f"is not a kind of value "
                                f"(expected: {', '.join(_KINDS)})"))
            continue
        allowed = _KINDS[kind][0]
        issues += [Issue(where, None, None, f"values.{kind}.{key}", f"must be one of {', '.join(allowed)}, got {v!r}")
                   for key, v in table.items() if v not in allowed]
    issues += [Issue(where, None, None, f"defaults.{k}", f"must be one of {', '.join(_KINDS[k][0])}, got {v!r}")
               for k, v in mapping.defaults.items() if k in _KINDS and v not in _KINDS[k][0]]
    if issues:
        raise InputError(issues, "the mapping")
    return mapping


class Unmapped(BaseModel):
    """A Salesforce value the mapping does not know, and what became of it."""

    kind: str
    source: str
    value: str
    count: int
    outcome: str


class Counted(BaseModel):
    """Something the mapping did to a number of rows (a default, a row left out)."""

    what: str
    count: int


class MappingReport(BaseModel):
    """What ``map_export`` read, made, and could not map."""

    read: dict[str, int]
    """Rows read per Salesforce file."""
    made: dict[str, int]
    """Rows made per import file."""
    unmapped: list[Unmapped]
    defaults: list[Counted]
    skipped: list[Counted]


Row = dict[str, str]
"""A row of a Salesforce file (field → text) or of an import file (column → text)."""


@dataclass
class Table:
    """Rows of one import file made from one Salesforce file: ``(line, row)``."""

    record_type: type[Record]
    where: str
    rows: list[tuple[int, Row]] = field(default_factory=list)


def read_export(directory: Path) -> tuple[dict[str, list[tuple[int, Row]]], list[str]]:
    """The rows of each Salesforce file of an export directory, keyed by object
    name, with the reader's notes (encoding, delimiter). Raises ``InputError``."""
    csv.field_size_limit(MAX_FIELD)
    issues, notes = Issues(), []
    tables: dict[str, list[tuple[int, Row]]] = {}
    budget = [MAX_ROWS]
    if not directory.is_dir():
        raise InputError([Issue(str(directory), None, None, None, "is not a directory of a Salesforce export")])
    for name in OBJECTS:
        path = directory / f"{name}.csv"
        if not path.is_file():
            continue
        text = decode(path.name, path.read_bytes(), issues, notes)
        if text is None:
            continue
        rows = csv_rows(path.name, text, issues, budget, delimiter(text))
        header = next(rows, None)
        if header is None:
            continue
        if "Id" not in header[1]:
            issues.append(Issue(path.name, 1, None, "Id", "required column is missing (is this a Salesforce export?)"))
            continue
        names = header[1]
        tables[name] = [(line, dict(zip(names, cells))) for line, cells in rows if any(cells)]
    if not tables and not issues:
        issues.append(Issue(str(directory), None, None, None,
                            f"has none of the files of a Salesforce export ({', '.join(o + '.csv' for o in OBJECTS)})"))
    if issues:
        raise InputError(issues)
    return tables, notes


def _slug(text: str) -> str:
    return re.sub(r"[\s/\\;]+", "-", text.strip()).strip("-")


def _person(row: Row) -> str:
    """A contact's or user's name: ``Name``, or ``FirstName LastName`` when the export has no ``Name``."""
    return row.get("Name", "").strip() or " ".join(p for p in (row.get("FirstName", "").strip(),
                                                                row.get("LastName", "").strip()) if p)


def _day(text: str) -> str:
    """A Salesforce date or date-time as its day (``2026-05-20T09:00:00.000Z`` → ``2026-05-20``)."""
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}T", text) else text


class _Mapper:
    """Maps values by the mapping and counts what it could not map."""

    def __init__(self, mapping: Mapping):
        self.mapping = mapping
        # exact keys first; then, ignoring case, the mapping's keys and graphcrm's own values
        self.folded = {kind: {**{a.casefold(): a for a in allowed},
                              **{k.casefold(): v for k, v in mapping.values.get(kind, {}).items()}}
                       for kind, (allowed, _) in _KINDS.items()}
        self.unmapped: Counter[tuple[str, str, str]] = Counter()
        self.defaulted: Counter[tuple[str, str, str]] = Counter()
        self.skipped: Counter[str] = Counter()

    def field(self, name: str) -> str:
        return self.mapping.fields.get(name, "")

    def value(self, kind: str, source: str, raw: str) -> str:
        raw = raw.strip()
        if raw == "":
            default = self.mapping.defaults.get(kind, "")
            if default:
                self.defaulted[(kind, source, default)] += 1
            return default
        required = _KINDS[kind][1]
        hit = self.mapping.values.get(kind, {}).get(raw) or self.folded.get(kind, {}).get(raw.casefold())
        if hit is not None:
            return hit
        self.unmapped[(kind, source, raw)] += 1
        return raw if required else ""

    def report(self, read: dict[str, int], made: dict[str, int]) -> MappingReport:
        def outcome(kind: str) -> str:
            return "kept: the import refuses it; map it" if _KINDS[kind][1] else "left empty; map it to keep it"

        return MappingReport(
            read=read, made=made,
            unmapped=[Unmapped(kind=k, source=s, value=v, count=n, outcome=outcome(k))
                      for (k, s, v), n in sorted(self.unmapped.items())],
            defaults=[Counted(what=f"{s} empty: {k} set to {v!r}", count=n) for (k, s, v), n in sorted(self.defaulted.items())],
            skipped=[Counted(what=w, count=n) for w, n in sorted(self.skipped.items())],
        )


def map_export(export: dict[str, list[tuple[int, Row]]], mapping: Mapping) -> tuple[list[Table], MappingReport]:
    """Map the rows of a Salesforce export (``read_export``) into tables of the
    import format, and report what could not be mapped (module docstring)."""
    m = _Mapper(mapping)
    rows: dict[str, list[tuple[int, Row]]] = {}
    for name, items in export.items():
        live = [(line, r) for line, r in items if r.get("IsDeleted", "").strip().lower() not in ("true", "1")]
        if len(live) < len(items):
            m.skipped[f"{name}.csv rows with IsDeleted true"] += len(items) - len(live)
        rows[name] = live
    tables: list[Table] = []

    def table(record_type: type[Record], name: str) -> Table:
        tables.append(Table(record_type, f"{name}.csv"))
        return tables[-1]

    accounts = table(Account, "Account")
    tier, fit = m.field("tier"), m.field("strategic_fit")
    for line, r in rows.get("Account", []):
        accounts.rows.append((line, {
            "id": r.get("Id", ""), "name": r.get("Name", ""), "industry": r.get("Industry", ""),
            "parent_id": r.get("ParentId", ""), "annual_revenue": r.get("AnnualRevenue", ""),
            "tier": m.value("tier", f"Account.{tier or '(no tier field)'}", r.get(tier, "") if tier else ""),
            "strategic_fit": m.value("strategic_fit", f"Account.{fit}", r.get(fit, "")) if fit else "",
        }))

    units, contacts, knows = table(Unit, "Contact"), table(Contact, "Contact"), table(Relationship, "Contact")
    level, depth = m.field("level"), m.field("depth")
    unit_ids: dict[tuple[str, str], str] = {}
    contact_account: dict[str, str] = {}
    private: set[str] = set()
    for line, r in rows.get("Contact", []):
        account, department = r.get("AccountId", "").strip(), r.get("Department", "").strip()
        if not account:
            m.skipped["Contact.csv rows without an AccountId (private contacts)"] += 1
            private.add(r.get("Id", ""))
            continue
        contact_account[r.get("Id", "")] = account
        unit = ""
        if department:
            unit = unit_ids.get((account, department), "")
            if not unit:
                unit = unit_ids[(account, department)] = f"{account}-{_slug(department)}"
                units.rows.append((line, {"id": unit, "account_id": account, "name": department, "kind": "department"}))
        contacts.rows.append((line, {
            "id": r.get("Id", ""), "account_id": account, "unit_id": unit, "name": _person(r), "title": r.get("Title", ""),
            "level": m.value("level", f"Contact.{level}", r.get(level, "")) if level else "",
            "reports_to": r.get("ReportsToId", ""), "email": r.get("Email", ""),
        }))
        if depth and r.get(depth, "").strip():
            knows.rows.append((line, {"rep_id": r.get("OwnerId", ""), "contact_id": r.get("Id", ""),
                                      "depth": m.value("depth", f"Contact.{depth}", r.get(depth, "")),
                                      "last_contact": _day(r.get("LastActivityDate", ""))}))

    team = table(TeamMember, "AccountTeamMember")
    team_roles: dict[str, Counter[str]] = {}
    for line, r in rows.get("AccountTeamMember", []):
        role = r.get("TeamMemberRole", "").strip()
        team.rows.append((line, {"account_id": r.get("AccountId", ""), "rep_id": r.get("UserId", ""), "role": role}))
        if role:
            team_roles.setdefault(r.get("UserId", ""), Counter())[role] += 1

    reps = table(Rep, "User")
    rep_level = m.field("rep_level")
    for line, r in rows.get("User", []):
        roles = team_roles.get(r.get("Id", ""))
        role = min(roles.items(), key=lambda kv: (-kv[1], kv[0]))[0] if roles else ""
        reps.rows.append((line, {
            "id": r.get("Id", ""), "name": _person(r), "email": r.get("Email", ""), "active": r.get("IsActive", ""),
            "role": m.value("rep_role", "AccountTeamMember.TeamMemberRole", role) if role else "",
            "level": m.value("rep_level", f"User.{rep_level}", r.get(rep_level, "")) if rep_level else "",
        }))

    bids = table(Bid, "Opportunity")
    bid_account: dict[str, str] = {}
    left_out: set[str] = set()
    for line, r in rows.get("Opportunity", []):
        if not r.get("AccountId", "").strip():
            m.skipped["Opportunity.csv rows without an AccountId"] += 1
            left_out.add(r.get("Id", ""))
            continue
        bid_account[r.get("Id", "")] = r["AccountId"].strip()
        bids.rows.append((line, {
            "id": r.get("Id", ""), "account_id": r["AccountId"].strip(), "name": r.get("Name", ""),
            "stage": m.value("stage", "Opportunity.StageName", r.get("StageName", "")),
            "tender_date": _day(r.get("CloseDate", "")), "value": r.get("Amount", ""),
            "currency": r.get("CurrencyIsoCode", ""),
        }))

    roles = table(BidRole, "OpportunityContactRole")
    influence, stance = m.field("influence"), m.field("stance")
    seen: set[tuple[str, str]] = set()
    for line, r in rows.get("OpportunityContactRole", []):
        key = (r.get("OpportunityId", ""), r.get("ContactId", ""))
        if key[0] in left_out or key[1] in private:
            m.skipped["OpportunityContactRole.csv rows of an opportunity or contact left out"] += 1
            continue
        if key in seen:
            m.skipped["OpportunityContactRole.csv: a further role of the same contact in one opportunity "
                      "(the first is kept)"] += 1
            continue
        seen.add(key)
        roles.rows.append((line, {
            "bid_id": key[0], "contact_id": key[1],
            "role": m.value("bid_role", "OpportunityContactRole.Role", r.get("Role", "")),
            "influence": m.value("influence", f"OpportunityContactRole.{influence}", r.get(influence, ""))
            if influence else "",
            "stance": m.value("stance", f"OpportunityContactRole.{stance}", r.get(stance, "")) if stance else "",
        }))

    users = {r.get("Id", "") for _, r in rows.get("User", [])}
    for name in ("Event", "Task"):
        activities = table(Activity, name)
        for line, r in rows.get(name, []):
            what, who = r.get("WhatId", "").strip(), r.get("WhoId", "").strip()
            bid = what if what in bid_account else ""
            account = (r.get("AccountId", "").strip() or bid_account.get(bid, "")
                       or contact_account.get(who, ""))
            day = _day(r.get("ActivityDate", "").strip() or r.get("ActivityDateTime", "").strip())
            if not account or not day:
                m.skipped[f"{name}.csv rows without an account or a date"] += 1
                continue
            if who and who not in contact_account:
                m.skipped[f"{name}.csv: WhoId not a contact of the export (a lead?), left out of contact_ids"] += 1
            owner = r.get("OwnerId", "").strip()
            if owner and owner not in users:
                m.skipped[f"{name}.csv: OwnerId not a user of the export, left out of rep_ids"] += 1
            kind = r.get("Type", "").strip() or (r.get("TaskSubtype", "").strip() if name == "Task" else "")
            activities.rows.append((line, {
                "id": r.get("Id", ""), "date": day, "account_id": account, "bid_id": bid,
                "kind": m.value("activity_kind", f"{name}.Type", kind),
                "rep_ids": owner if owner in users else "", "contact_ids": who if who in contact_account else "",
                "summary": r.get("Subject", ""),
            }))

    made: Counter[str] = Counter()
    for t in tables:
        made[t.record_type.FILE] += len(t.rows)
    report = m.report({f"{name}.csv": len(items) for name, items in export.items()},
                      {t.FILE: made[t.FILE] for t in RECORD_TYPES if made[t.FILE]})
    return [t for t in tables if t.rows], report


def to_source(tables: Iterable[Table], partial: bool = True) -> Source:
    """Check the mapped rows with the import's checks (``fileformat.read_table``):
    problems name the Salesforce file and line they came from."""
    reading = Reading(partial)
    for t in tables:
        header = columns(t.record_type)
        read_table(reading, t.record_type, t.where, t.where,
                   iter([(1, header), *((line, [r.get(c, "") for c in header]) for line, r in t.rows)]))
    return reading.finish()
