"""The domain model: every node and relationship type of docs/design.md §2, as pydantic models.

Each record mirrors one row of the import format (docs/design.md §4), because that
is the shape users write and the store round-trips. **This module is the schema**:
each record type is declared once, here, and everything else is derived from the
declaration (``graphcrm.schema``: the graph's edges, the import's reference checks,
deletion effects, the store's tables, bulk columns and the CRUD Cypher of
``cypher/``). A declaration is the class's fields plus:

- ``FILE``: the import file; the ``Dataset`` field is its name without ``.csv``;
- ``KEY``: the fields that identify a record (``id``, or an edge's two ends);
- ``LABEL``: the node label, or for a relationship with properties its type;
- ``REFS``: the reference fields (``Ref``): which type each names, the edge type
  that carries it in the graph, whether it must stay in the record's account,
  and whether it is a node property as well as an edge;
- ``ENDS``: for a relationship record, the fields of its start and end;
- ``HOME``: the field that gives the record's account (its own ``id`` for an
  account, ``account_id``, or a reference whose target's account is the
  record's); None for reps, which belong to no account;
- ``FILTERS``: the fields a list of these records can be filtered on.

The structural relationships are reference fields: ``Unit.account_id`` and
``parent_unit_id`` are ``PART_OF``, ``Contact.unit_id`` is ``MEMBER_OF``,
``Contact.account_id`` is ``WORKS_AT``, ``Contact.reports_to`` is ``REPORTS_TO``,
``Bid.account_id`` and ``Agreement.account_id`` are ``FOR``,
``Activity.rep_ids``/``contact_ids`` are ``ATTENDED``. The relationships that
carry properties have records of their own: ``Relationship`` (``KNOWS``),
``Influence`` (``INFLUENCES``), ``TeamMember`` (``ON_TEAM``) and ``BidRole``
(``ROLE_IN``).

Invalid data raises ``pydantic.ValidationError`` whose entries name the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "Tier", "StrategicFit", "UnitKind", "Level", "RepRole", "BidStage", "ActivityKind",
    "AgreementKind", "InfluenceKind", "BidRoleName", "InfluenceLevel",
    "Account", "Unit", "Contact", "Rep", "TeamMember", "Relationship", "Influence",
    "Bid", "BidRole", "Activity", "Agreement", "Record", "Ref", "Dataset", "RECORD_TYPES", "ApiKey",
    "ApiRole", "kind_of", "STANCE_NAMES", "DEPTH_NAMES", "FIELD_TYPES",
    "PlanLayer", "PlanGoal", "FeedbackKind", "Severity", "FeedbackStatus", "Plan", "Feedback",
]


# --- enums -------------------------------------------------------------------------


class Tier(StrEnum):
    S = "S"
    A = "A"
    B = "B"
    C = "C"


class StrategicFit(StrEnum):
    aligned = "aligned"
    neutral = "neutral"
    diverging = "diverging"


class UnitKind(StrEnum):
    hq = "hq"
    department = "department"
    branch = "branch"


class Level(StrEnum):
    executive = "executive"
    senior = "senior"
    middle = "middle"
    staff = "staff"


class RepRole(StrEnum):
    account_manager = "account_manager"
    solution_manager = "solution_manager"
    fulfillment_manager = "fulfillment_manager"
    executive = "executive"
    sales_engineer = "sales_engineer"
    service_manager = "service_manager"
    other = "other"


class BidStage(StrEnum):
    lead = "lead"
    qualify = "qualify"
    tender = "tender"
    submitted = "submitted"
    won = "won"
    lost = "lost"

    @property
    def is_open(self) -> bool:
        return self not in (BidStage.won, BidStage.lost)


class ActivityKind(StrEnum):
    visit = "visit"
    call = "call"
    meeting = "meeting"
    executive_visit = "executive_visit"
    strategy_alignment = "strategy_alignment"
    exhibition = "exhibition"
    site_visit = "site_visit"
    joint_innovation = "joint_innovation"
    other = "other"


class AgreementKind(StrEnum):
    strategic_cooperation = "strategic_cooperation"
    joint_innovation_center = "joint_innovation_center"
    framework = "framework"


class InfluenceKind(StrEnum):
    formal = "formal"
    advisory = "advisory"
    personal = "personal"


class BidRoleName(StrEnum):
    decision_maker = "decision_maker"
    approver = "approver"
    technical_evaluator = "technical_evaluator"
    commercial_evaluator = "commercial_evaluator"
    influencer = "influencer"
    user = "user"
    gatekeeper = "gatekeeper"
    coach = "coach"


class InfluenceLevel(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class PlanLayer(StrEnum):
    key = "key"
    general = "general"
    organisational = "organisational"


class PlanGoal(StrEnum):
    """What a relationship-improvement plan aims at (docs/design.md §3.25)."""

    depth = "depth"
    stance = "stance"
    activity = "activity"
    agreement = "agreement"


class FeedbackKind(StrEnum):
    complaint = "complaint"
    praise = "praise"
    request = "request"


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class FeedbackStatus(StrEnum):
    open = "open"
    closed = "closed"


# --- field types -------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


_BAD_ID = re.compile(r"[\x00-\x1f\x7f-\x9f/\\;]|^\s|\s$|^\.\.?$")


def _id(value: str) -> str:
    if _BAD_ID.search(value) is None:  # the common case, in one scan
        return value
    if value in (".", ".."):
        raise PydanticCustomError("id", "must not be . or .. (ids are parts of URLs)")
    if ";" in value:
        raise PydanticCustomError("id", "must not contain ; (it separates the ids of a list)")
    if _CONTROL.search(value):
        raise PydanticCustomError("id", "must not contain control characters")
    if value != value.strip():
        raise PydanticCustomError("id", "must not start or end with whitespace")
    if "/" in value or "\\" in value:
        raise PydanticCustomError("id", "must not contain / or \\ (ids are parts of URLs)")
    return value


def _line(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("text", "must not contain control characters")
    return value


def _text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("text", "must not contain NUL characters")
    return value


def _day(value: object) -> object:
    if isinstance(value, str):
        if not _DAY.fullmatch(value):
            raise PydanticCustomError("date", "must be a date YYYY-MM-DD, got {got}", {"got": repr(value)})
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date", "is not a calendar date: {got}", {"got": repr(value)}) from None
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date", "must be a date, not a date and time")
    return value


def _between(lo: int, hi: int):
    def check(value: int) -> int:
        if not lo <= value <= hi:
            raise PydanticCustomError(
                "range", "must be between {lo} and {hi}, got {got}", {"lo": lo, "hi": hi, "got": value}
            )
        return value

    return check


def _strength(value: float) -> float:
    if not 0 < value <= 1:
        raise PydanticCustomError("range", "must be greater than 0 and at most 1, got {got}", {"got": value})
    return value


def _ids(value: object) -> object:
    if isinstance(value, str):
        return [part for part in value.split(";") if part != ""]
    return value


Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_id)]
Name = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_line)]
Text = Annotated[str, Field(max_length=10_000), AfterValidator(_text)]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]
Day = Annotated[dt.date, BeforeValidator(_day)]
Depth = Annotated[int, AfterValidator(_between(0, 4))]
Stance = Annotated[int, AfterValidator(_between(-2, 2))]
DEPTH_NAMES = {0: "none", 1: "acquainted", 2: "engaged", 3: "trusted", 4: "advocate"}
"""The depth scale's names (intimacy of one rep with one contact, docs/design.md §2)."""
STANCE_NAMES = {-2: "opponent", -1: "sceptic", 0: "neutral", 1: "supporter", 2: "champion"}
"""The stance scale's names (support for us, docs/design.md §2)."""
Strength = Annotated[float, AfterValidator(_strength)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
IdList = Annotated[list[Id], BeforeValidator(_ids)]

FIELD_TYPES: dict[object, tuple[str, str]] = {
    Id: ("id", "1–200 characters; no control characters, no leading or trailing space, no `/`, `\\` or `;`, "
               "not `.` or `..`"),
    Name: ("text", "one line, 1–500 characters"),
    Text: ("text", "up to 10,000 characters, may span lines"),
    Email: ("email", "x@y, up to 320 characters"),
    Day: ("date", "YYYY-MM-DD (a date and time is refused)"),
    Depth: ("whole number", "0–4: " + ", ".join(f"{d} {n}" for d, n in DEPTH_NAMES.items())),
    Stance: ("whole number", "−2…2: " + ", ".join(f"{s:+d} {n}".replace("+0", "0") for s, n in STANCE_NAMES.items())),
    Strength: ("number", "greater than 0, at most 1"),
    Amount: ("number", "≥ 0"),
    Currency: ("text", "three capital letters (ISO 4217: EUR, CNY …)"),
    IdList: ("list of ids", "ids separated by `;` (empty parts are dropped)"),
    bool: ("boolean", "`true` or `false` (also `1`/`0`, `yes`/`no`)"),
}
"""Each field type of the import format as (name, rule): the format reference
(``graphcrm format``, docs/format.md) is written from these and the records' fields."""


@dataclass(frozen=True)
class Ref:
    """A reference field of a record type: it names a record of type ``target``.

    Parameters
    ----------
    field : str
        The field (a list of ids for ``Activity.rep_ids``/``contact_ids``).
    target : str
        The label of the record type it names.
    edge : str, optional
        The relationship type that carries the reference in the graph and the
        store (None: a node property only, as ``Account.parent_id``).
    same_account : bool
        The named record must belong to the record's own account.
    reverse : bool
        The edge points from the named record to this one (``ATTENDED``).
    property : bool
        Also stored as a node property (False: only as the edge, so the store
        clears it when the named record is deleted; a property reference
        instead keeps its target from being deleted).
    """

    field: str
    target: str
    edge: str | None = None
    same_account: bool = False
    reverse: bool = False
    property: bool = True


class Record(BaseModel):
    """Base of every record: strict about unknown fields, immutable.

    The class attributes declare the type's schema (see the module docstring).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    FILE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ("id",)
    LABEL: ClassVar[str]
    REFS: ClassVar[tuple[Ref, ...]] = ()
    ENDS: ClassVar[tuple[str, str] | None] = None
    HOME: ClassVar[str | None] = "account_id"
    FILTERS: ClassVar[tuple[str, ...]] = ()

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(getattr(self, f) for f in self.KEY)


# --- nodes -------------------------------------------------------------------------


class Account(Record):
    FILE = "accounts.csv"
    LABEL = "Account"
    REFS = (Ref("parent_id", "Account"),)
    HOME = "id"
    FILTERS = ("tier",)
    id: Id
    name: Name
    tier: Tier
    industry: Name | None = None
    parent_id: Id | None = None
    strategic_fit: StrategicFit | None = None
    annual_revenue: Amount | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> Account:
        if self.parent_id == self.id:
            raise PydanticCustomError("cycle", "parent_id: an account cannot be its own parent")
        return self


class Unit(Record):
    FILE = "units.csv"
    LABEL = "Unit"
    REFS = (Ref("account_id", "Account", edge="PART_OF"),
            Ref("parent_unit_id", "Unit", edge="PART_OF", same_account=True))
    FILTERS = ("kind",)
    id: Id
    account_id: Id
    name: Name
    kind: UnitKind
    parent_unit_id: Id | None = None
    region: Name | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> Unit:
        if self.parent_unit_id == self.id:
            raise PydanticCustomError("cycle", "parent_unit_id: a unit cannot be its own parent")
        return self


class Contact(Record):
    FILE = "contacts.csv"
    LABEL = "Contact"
    REFS = (Ref("account_id", "Account", edge="WORKS_AT"),
            Ref("unit_id", "Unit", edge="MEMBER_OF", same_account=True),
            Ref("reports_to", "Contact", edge="REPORTS_TO", same_account=True, property=False))
    FILTERS = ("unit_id", "level")
    id: Id
    account_id: Id
    unit_id: Id | None = None
    name: Name
    title: Name | None = None
    level: Level | None = None
    reports_to: Id | None = None
    email: Email | None = None
    stance: Stance | None = None

    @model_validator(mode="after")
    def _not_own_manager(self) -> Contact:
        if self.reports_to == self.id:
            raise PydanticCustomError("cycle", "reports_to: a contact cannot report to themself")
        return self


class Rep(Record):
    FILE = "reps.csv"
    LABEL = "Rep"
    HOME = None
    FILTERS = ("active",)
    id: Id
    name: Name
    role: RepRole | None = None
    level: Level | None = None
    active: bool = True
    email: Email | None = None


class Bid(Record):
    FILE = "bids.csv"
    LABEL = "Bid"
    REFS = (Ref("account_id", "Account", edge="FOR"),)
    FILTERS = ("stage",)
    id: Id
    account_id: Id
    name: Name
    stage: BidStage
    tender_date: Day | None = None
    value: Amount | None = None
    currency: Currency | None = None


class Activity(Record):
    FILE = "activities.csv"
    LABEL = "Activity"
    REFS = (Ref("account_id", "Account"), Ref("bid_id", "Bid", same_account=True),
            Ref("rep_ids", "Rep", edge="ATTENDED", reverse=True, property=False),
            Ref("contact_ids", "Contact", edge="ATTENDED", same_account=True, reverse=True, property=False))
    FILTERS = ("bid_id",)
    id: Id
    date: Day
    kind: ActivityKind
    account_id: Id
    bid_id: Id | None = None
    rep_ids: IdList = []
    contact_ids: IdList = []
    summary: Text | None = None


class Agreement(Record):
    FILE = "agreements.csv"
    LABEL = "Agreement"
    REFS = (Ref("account_id", "Account", edge="FOR"),)
    FILTERS = ("kind",)
    id: Id
    account_id: Id
    kind: AgreementKind
    signed: Day | None = None
    expires: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Agreement:
        if self.signed and self.expires and self.expires < self.signed:
            raise PydanticCustomError("order", "expires: must not be before signed")
        return self


_TARGETS = {
    PlanGoal.depth: ("a depth 1 to 4", lambda t: t in {"1", "2", "3", "4"}),
    PlanGoal.stance: ("a stance -2 to 2", lambda t: t in {"-2", "-1", "0", "1", "2"}),
    PlanGoal.activity: ("an activity kind (" + ", ".join(ActivityKind) + ")", lambda t: t in set(ActivityKind)),
    PlanGoal.agreement: ("an agreement kind (" + ", ".join(AgreementKind) + ")", lambda t: t in set(AgreementKind)),
}


class Plan(Record):
    """A relationship-improvement plan: an owner, a goal with its target, a due day.

    ``target`` is text whose meaning depends on ``goal`` (a depth, a stance, an
    activity kind or an agreement kind); a depth or stance goal is about a contact.
    """

    FILE = "plans.csv"
    LABEL = "Plan"
    REFS = (Ref("account_id", "Account"), Ref("contact_id", "Contact", same_account=True),
            Ref("unit_id", "Unit", same_account=True), Ref("owner_rep_id", "Rep"))
    FILTERS = ("owner_rep_id", "layer")
    id: Id
    account_id: Id
    layer: PlanLayer
    contact_id: Id | None = None
    unit_id: Id | None = None
    owner_rep_id: Id
    goal: PlanGoal
    target: Name
    created: Day
    due: Day

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        what, ok = _TARGETS[self.goal]
        if not ok(self.target):
            raise PydanticCustomError("target", "target: a {goal} goal takes {what}, got {got}",
                                      {"goal": str(self.goal), "what": what, "got": repr(self.target)})
        if self.goal in (PlanGoal.depth, PlanGoal.stance) and self.contact_id is None:
            raise PydanticCustomError("target", "contact_id: a {goal} goal is about a contact: name it",
                                      {"goal": str(self.goal)})
        if self.due < self.created:
            raise PydanticCustomError("order", "due: must not be before created")
        return self


class Feedback(Record):
    """A customer's complaint, praise or request, and whether it is closed."""

    FILE = "feedback.csv"
    LABEL = "Feedback"
    REFS = (Ref("account_id", "Account"), Ref("contact_id", "Contact", same_account=True))
    FILTERS = ("kind", "status")
    id: Id
    account_id: Id
    contact_id: Id | None = None
    date: Day
    kind: FeedbackKind
    severity: Severity | None = None
    status: FeedbackStatus = FeedbackStatus.open
    closed: Day | None = None
    summary: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Feedback:
        if self.closed is not None and self.status != FeedbackStatus.closed:
            raise PydanticCustomError("order", "closed: only a closed feedback has a closing day")
        if self.closed is not None and self.closed < self.date:
            raise PydanticCustomError("order", "closed: must not be before date")
        return self


# --- relationships with properties --------------------------------------------------


class TeamMember(Record):
    """``ON_TEAM``: a rep on an account's team."""

    FILE = "account_team.csv"
    KEY = ("account_id", "rep_id")
    LABEL = "ON_TEAM"
    REFS = (Ref("account_id", "Account"), Ref("rep_id", "Rep"))
    ENDS = ("rep_id", "account_id")
    FILTERS = ("rep_id",)
    account_id: Id
    rep_id: Id
    role: Name | None = None


class Relationship(Record):
    """``KNOWS``: how well one of our reps knows a customer contact."""

    FILE = "relationships.csv"
    KEY = ("rep_id", "contact_id")
    LABEL = "KNOWS"
    REFS = (Ref("rep_id", "Rep"), Ref("contact_id", "Contact"))
    ENDS = ("rep_id", "contact_id")
    HOME = "contact_id"
    FILTERS = ("rep_id", "contact_id")
    rep_id: Id
    contact_id: Id
    depth: Depth
    last_contact: Day | None = None
    since: Day | None = None


class Influence(Record):
    """``INFLUENCES``: the source contact influences the target contact."""

    FILE = "influences.csv"
    KEY = ("source_id", "target_id")
    LABEL = "INFLUENCES"
    REFS = (Ref("source_id", "Contact"), Ref("target_id", "Contact", same_account=True))
    ENDS = ("source_id", "target_id")
    HOME = "source_id"
    FILTERS = ("source_id", "target_id")
    source_id: Id
    target_id: Id
    strength: Strength
    kind: InfluenceKind | None = None

    @model_validator(mode="after")
    def _no_loop(self) -> Influence:
        if self.source_id == self.target_id:
            raise PydanticCustomError("cycle", "target_id: a contact cannot influence themself")
        return self


class BidRole(Record):
    """``ROLE_IN``: a contact's part in a bid's decision chain."""

    FILE = "bid_roles.csv"
    KEY = ("bid_id", "contact_id")
    LABEL = "ROLE_IN"
    REFS = (Ref("bid_id", "Bid"), Ref("contact_id", "Contact", same_account=True))
    ENDS = ("contact_id", "bid_id")
    HOME = "bid_id"
    FILTERS = ("bid_id", "contact_id")
    bid_id: Id
    contact_id: Id
    role: BidRoleName
    influence: InfluenceLevel | None = None
    stance: Stance | None = None


class ApiRole(StrEnum):
    """What an API key may do (``graphcrm.access`` applies it)."""

    admin = "admin"
    manager = "manager"
    member = "member"


class ApiKey(BaseModel):
    """An API key: who may use the HTTP API, with which role. Only the SHA-256 of
    the secret is stored; the secret itself is shown once, at creation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    KEY: ClassVar[tuple[str, ...]] = ("id",)

    id: Id
    name: Name
    role: ApiRole
    rep_id: Id | None = None
    hash: str
    created: dt.datetime
    revoked: dt.datetime | None = None


# Import order: a record type only refers to types listed before it (except the
# self-references parent_id, parent_unit_id and reports_to).
RECORD_TYPES: tuple[type[Record], ...] = (
    Account, Unit, Contact, Rep, TeamMember, Relationship, Influence, Bid, BidRole,
    Activity, Agreement, Plan, Feedback,
)


@cache
def kind_of(record_type: type) -> str:
    """The snake-case name of a record type: its ``cypher/`` directory and its
    audit entries' ``kind`` (``contact``, ``bid_role``, ``api_key`` …)."""
    name = record_type.__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class _Dataset(BaseModel):
    """A set of records in the import format: one list per import file
    (``Dataset``'s fields are derived from ``RECORD_TYPES``)."""

    model_config = ConfigDict(extra="forbid")

    @staticmethod
    def field_for(record_type: type[Record]) -> str:
        """The Dataset field holding records of ``record_type`` (``accounts`` …)."""
        return record_type.FILE.removesuffix(".csv")

    def records(self, record_type: type[Record]) -> list[Record]:
        return getattr(self, self.field_for(record_type))

    def counts(self) -> dict[str, int]:
        return {self.field_for(t): len(self.records(t)) for t in RECORD_TYPES}

    def sorted(self) -> Dataset:
        """The same records, each list sorted by key: a canonical order for export."""
        return Dataset(**{self.field_for(t): sorted(self.records(t), key=lambda r: r.key) for t in RECORD_TYPES})


Dataset = create_model(
    "Dataset", __base__=_Dataset, __module__=__name__,
    **{_Dataset.field_for(t): (list[t], []) for t in RECORD_TYPES},
)
