"""The domain model: every node and relationship type of DESIGN §2, as pydantic models.

Each record mirrors one row of the import format (DESIGN §4), because that is the
shape users write and the store round-trips. The structural relationships are the
record's reference fields: ``Unit.account_id``/``parent_unit_id`` are ``PART_OF``,
``Contact.unit_id`` is ``MEMBER_OF``, ``Contact.account_id`` is ``WORKS_AT``,
``Contact.reports_to`` is ``REPORTS_TO``, ``Bid.account_id`` and
``Agreement.account_id`` are ``FOR``, ``Activity.rep_ids``/``contact_ids`` are
``ATTENDED``. The relationships that carry properties have records of their own:
``Relationship`` (``KNOWS``), ``Influence`` (``INFLUENCES``), ``TeamMember``
(``ON_TEAM``) and ``BidRole`` (``ROLE_IN``).

Invalid data raises ``pydantic.ValidationError`` whose entries name the field.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "Tier", "StrategicFit", "UnitKind", "Level", "RepRole", "BidStage", "ActivityKind",
    "AgreementKind", "InfluenceKind", "BidRoleName", "InfluenceLevel",
    "Account", "Unit", "Contact", "Rep", "TeamMember", "Relationship", "Influence",
    "Bid", "BidRole", "Activity", "Agreement", "Record", "Dataset", "RECORD_TYPES", "ApiKey",
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
Strength = Annotated[float, AfterValidator(_strength)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
IdList = Annotated[list[Id], BeforeValidator(_ids)]


class Record(BaseModel):
    """Base of every record: strict about unknown fields, immutable.

    ``FILE`` is the import file the records come from; ``KEY`` the fields that
    identify a record (an id, or the endpoints of a relationship).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    FILE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ("id",)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(getattr(self, f) for f in self.KEY)


# --- nodes -------------------------------------------------------------------------


class Account(Record):
    FILE = "accounts.csv"
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
    id: Id
    account_id: Id
    unit_id: Id | None = None
    name: Name
    title: Name | None = None
    level: Level | None = None
    reports_to: Id | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _not_own_manager(self) -> Contact:
        if self.reports_to == self.id:
            raise PydanticCustomError("cycle", "reports_to: a contact cannot report to themself")
        return self


class Rep(Record):
    FILE = "reps.csv"
    id: Id
    name: Name
    role: RepRole | None = None
    level: Level | None = None
    active: bool = True
    email: Email | None = None


class Bid(Record):
    FILE = "bids.csv"
    id: Id
    account_id: Id
    name: Name
    stage: BidStage
    tender_date: Day | None = None
    value: Amount | None = None
    currency: Currency | None = None


class Activity(Record):
    FILE = "activities.csv"
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


# --- relationships with properties --------------------------------------------------


class TeamMember(Record):
    """``ON_TEAM``: a rep on an account's team."""

    FILE = "account_team.csv"
    KEY = ("account_id", "rep_id")
    account_id: Id
    rep_id: Id
    role: Name | None = None


class Relationship(Record):
    """``KNOWS``: how well one of our reps knows a customer contact."""

    FILE = "relationships.csv"
    KEY = ("rep_id", "contact_id")
    rep_id: Id
    contact_id: Id
    depth: Depth
    last_contact: Day | None = None
    since: Day | None = None


class Influence(Record):
    """``INFLUENCES``: the source contact influences the target contact."""

    FILE = "influences.csv"
    KEY = ("source_id", "target_id")
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
    bid_id: Id
    contact_id: Id
    role: BidRoleName
    influence: InfluenceLevel | None = None
    stance: Stance | None = None


class ApiKey(BaseModel):
    """An API key: who may use the HTTP API, with which role. Only the SHA-256 of
    the secret is stored; the secret itself is shown once, at creation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    KEY: ClassVar[tuple[str, ...]] = ("id",)

    id: Id
    name: Name
    role: str
    rep_id: Id | None = None
    hash: str
    created: dt.datetime
    revoked: dt.datetime | None = None


# Import order: a record type only refers to types listed before it (except the
# self-references parent_id, parent_unit_id and reports_to).
RECORD_TYPES: tuple[type[Record], ...] = (
    Account, Unit, Contact, Rep, TeamMember, Relationship, Influence, Bid, BidRole,
    Activity, Agreement,
)


class Dataset(BaseModel):
    """A set of records in the import format: one list per import file."""

    model_config = ConfigDict(extra="forbid")

    accounts: list[Account] = []
    units: list[Unit] = []
    contacts: list[Contact] = []
    reps: list[Rep] = []
    account_team: list[TeamMember] = []
    relationships: list[Relationship] = []
    influences: list[Influence] = []
    bids: list[Bid] = []
    bid_roles: list[BidRole] = []
    activities: list[Activity] = []
    agreements: list[Agreement] = []

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
