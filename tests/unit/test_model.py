"""The domain model (docs/design.md §2): every validated range, form and enum rejects bad
values with an error that names the field, and accepts the edges of its range."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from graphcrm.model import (
    Account, Activity, Agreement, Bid, BidRole, BidStage, Contact, Influence,
    Relationship, Rep, Unit,
)


def fields_named(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    """The fields an error names: the location of a field error, or, for a
    model-level check, the ``field: …`` prefix of its message."""
    named = set()
    for error in exc.value.errors(include_url=False):
        if error["loc"]:
            named.add(str(error["loc"][0]))
        else:
            named.add(error["msg"].split(":", 1)[0])
    return named


def rel(**kw) -> Relationship:
    return Relationship(**{"rep_id": "r1", "contact_id": "c1", "depth": 2, **kw})


def role(**kw) -> BidRole:
    return BidRole(**{"bid_id": "b1", "contact_id": "c1", "role": "approver", **kw})


def influence(**kw) -> Influence:
    return Influence(**{"source_id": "c1", "target_id": "c2", "strength": 0.5, **kw})


# --- depth 0–4 ---------------------------------------------------------------------


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4])
def test_depth_in_range_is_accepted(depth):
    assert rel(depth=depth).depth == depth


@pytest.mark.parametrize("depth", [-1, 5, 7, 100])
def test_depth_out_of_range_is_rejected_naming_depth(depth):
    with pytest.raises(ValidationError) as exc:
        rel(depth=depth)
    assert fields_named(exc) == {"depth"}
    assert str(depth) in exc.value.errors()[0]["msg"]


def test_depth_must_be_a_whole_number():
    with pytest.raises(ValidationError) as exc:
        rel(depth="deep")
    assert fields_named(exc) == {"depth"}
    with pytest.raises(ValidationError) as exc:
        rel(depth=2.5)
    assert fields_named(exc) == {"depth"}


# --- stance −2…+2 ------------------------------------------------------------------


@pytest.mark.parametrize("stance, expected", [(-2, -2), (-1, -1), (0, 0), (1, 1), (2, 2), ("+2", 2), ("-2", -2)])
def test_stance_in_range_is_accepted(stance, expected):
    assert role(stance=stance).stance == expected


@pytest.mark.parametrize("stance", [-3, 3, 10])
def test_stance_out_of_range_is_rejected_naming_stance(stance):
    with pytest.raises(ValidationError) as exc:
        role(stance=stance)
    assert fields_named(exc) == {"stance"}


def test_stance_is_optional():
    assert role().stance is None


# --- strength 0 < s ≤ 1 ------------------------------------------------------------


@pytest.mark.parametrize("strength", [1, 1.0, 0.5, 0.001])
def test_strength_in_range_is_accepted(strength):
    assert influence(strength=strength).strength == strength


@pytest.mark.parametrize("strength", [0, 0.0, 1.5, -0.5, 1.0001, float("nan"), float("inf")])
def test_strength_out_of_range_is_rejected_naming_strength(strength):
    with pytest.raises(ValidationError) as exc:
        influence(strength=strength)
    assert fields_named(exc) == {"strength"}


# --- dates YYYY-MM-DD --------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2024-01-05", dt.date(2024, 1, 5)),
    ("2024-02-29", dt.date(2024, 2, 29)),  # a leap day
    ("1999-12-31", dt.date(1999, 12, 31)),
])
def test_iso_dates_are_accepted(text, expected):
    assert rel(last_contact=text).last_contact == expected


@pytest.mark.parametrize("text", [
    "2024-1-5", "2024-02-30", "2023-02-29", "2024-13-01", "2024/01/05", "05.01.2024",
    "20240105", "2024-01-05T10:00", "2024-01-05 ", "yesterday",
])
@pytest.mark.parametrize("field", ["last_contact", "since"])
def test_malformed_or_impossible_dates_are_rejected_naming_the_field(field, text):
    with pytest.raises(ValidationError) as exc:
        rel(**{field: text})
    assert fields_named(exc) == {field}


@pytest.mark.parametrize("record", [
    lambda d: Bid(id="b", account_id="a", name="n", stage="lead", tender_date=d),
    lambda d: Activity(id="x", date=d, kind="call", account_id="a"),
    lambda d: Agreement(id="g", account_id="a", kind="framework", signed=d),
])
def test_every_date_field_checks_the_form(record):
    with pytest.raises(ValidationError):
        record("2024-1-5")
    with pytest.raises(ValidationError):
        record("2024-02-30")


def test_a_datetime_is_not_a_date():
    with pytest.raises(ValidationError) as exc:
        rel(since=dt.datetime(2024, 1, 5, 10, 0))
    assert fields_named(exc) == {"since"}


@pytest.mark.parametrize("text", ["2024-1-5", "2024-02-30"])
def test_date_error_message_shows_the_bad_value(text):
    with pytest.raises(ValidationError) as exc:
        rel(since=text)
    message = exc.value.errors()[0]["msg"]
    assert "{got" not in message
    assert text in message


def test_agreement_may_not_expire_before_it_is_signed():
    with pytest.raises(ValidationError) as exc:
        Agreement(id="g", account_id="a", kind="framework", signed="2025-01-10", expires="2025-01-09")
    assert fields_named(exc) == {"expires"}
    same_day = Agreement(id="g", account_id="a", kind="framework", signed="2025-01-10", expires="2025-01-10")
    assert same_day.expires == dt.date(2025, 1, 10)


# --- enums -------------------------------------------------------------------------


@pytest.mark.parametrize("make, field", [
    (lambda: Account(id="a", name="n", tier="X"), "tier"),
    (lambda: Account(id="a", name="n", tier="S", strategic_fit="hostile"), "strategic_fit"),
    (lambda: Unit(id="u", account_id="a", name="n", kind="floor"), "kind"),
    (lambda: Contact(id="c", account_id="a", name="n", level="boss"), "level"),
    (lambda: Rep(id="r", name="n", role="intern"), "role"),
    (lambda: Bid(id="b", account_id="a", name="n", stage="negotiation"), "stage"),
    (lambda: Activity(id="x", date="2024-01-01", kind="lunch", account_id="a"), "kind"),
    (lambda: Agreement(id="g", account_id="a", kind="nda"), "kind"),
    (lambda: influence(kind="romantic"), "kind"),
    (lambda: role(role="sponsor"), "role"),
    (lambda: role(influence="huge"), "influence"),
])
def test_values_outside_an_enum_are_rejected_naming_the_field(make, field):
    with pytest.raises(ValidationError) as exc:
        make()
    assert fields_named(exc) == {field}


@pytest.mark.parametrize("tier", ["S", "A", "B", "C"])
def test_every_tier_is_accepted(tier):
    assert Account(id="a", name="n", tier=tier).tier == tier


def test_required_fields_are_required():
    with pytest.raises(ValidationError) as exc:
        Account(id="a", name="n")
    assert fields_named(exc) == {"tier"}
    with pytest.raises(ValidationError) as exc:
        Relationship(rep_id="r", contact_id="c")
    assert fields_named(exc) == {"depth"}


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError) as exc:
        Account(id="a", name="n", tier="S", colour="blue")
    assert fields_named(exc) == {"colour"}


# --- self-references ---------------------------------------------------------------


def test_a_contact_cannot_influence_themself():
    with pytest.raises(ValidationError) as exc:
        Influence(source_id="c1", target_id="c1", strength=0.5)
    assert fields_named(exc) == {"target_id"}


def test_a_contact_cannot_report_to_themself():
    with pytest.raises(ValidationError) as exc:
        Contact(id="c1", account_id="a", name="n", reports_to="c1")
    assert fields_named(exc) == {"reports_to"}
    assert Contact(id="c1", account_id="a", name="n", reports_to="c2").reports_to == "c2"


def test_an_account_cannot_be_its_own_parent():
    with pytest.raises(ValidationError) as exc:
        Account(id="a", name="n", tier="S", parent_id="a")
    assert fields_named(exc) == {"parent_id"}


def test_a_unit_cannot_be_its_own_parent():
    with pytest.raises(ValidationError) as exc:
        Unit(id="u", account_id="a", name="n", kind="hq", parent_unit_id="u")
    assert fields_named(exc) == {"parent_unit_id"}


# --- ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a\tb", "a\nb", "a\rb", "nul\x00", "\x1b[31m", "del\x7f", " a", "a ", "a\n",
                                 "\u00a0a", ""])
def test_ids_with_control_characters_or_surrounding_whitespace_are_rejected(bad):
    with pytest.raises(ValidationError) as exc:
        Account(id=bad, name="n", tier="S")
    assert fields_named(exc) == {"id"}
    with pytest.raises(ValidationError) as exc:
        Relationship(rep_id="r", contact_id=bad, depth=1)
    assert fields_named(exc) == {"contact_id"}


@pytest.mark.parametrize("good", ["a b", "c-jnm-001", "客户-01", "x'}) DETACH DELETE n --", "🚀"])
def test_ids_with_inner_spaces_punctuation_or_unicode_are_accepted(good):
    assert Account(id=good, name="n", tier="S").id == good


@pytest.mark.parametrize("bad", ["a\x85b", "a\x9bb"])
def test_ids_with_c1_control_characters_are_rejected(bad):
    with pytest.raises(ValidationError):
        Account(id=bad, name="n", tier="S")


# --- names and text ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["陈志远", "江南移动通信 (Jiangnan Mobile)", "Zoë Ærøskøbing", "Ли Нa", "🚀 team ✨",
                                  "O'Brien \"the\" {boss}"])
def test_unicode_names_are_accepted_verbatim(name):
    assert Contact(id="c", account_id="a", name=name).name == name
    assert Rep(id="r", name=name).name == name


def test_names_are_single_line_but_summaries_may_span_lines():
    with pytest.raises(ValidationError) as exc:
        Contact(id="c", account_id="a", name="two\nlines")
    assert fields_named(exc) == {"name"}
    summary = "first line\nsecond line"
    assert Activity(id="x", date="2024-01-01", kind="call", account_id="a", summary=summary).summary == summary
    with pytest.raises(ValidationError) as exc:
        Activity(id="x", date="2024-01-01", kind="call", account_id="a", summary="nul\x00")
    assert fields_named(exc) == {"summary"}


def test_empty_name_is_rejected():
    with pytest.raises(ValidationError) as exc:
        Account(id="a", name="", tier="S")
    assert fields_named(exc) == {"name"}


# --- lists, defaults, enums' behaviour ----------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("a;b", ["a", "b"]),
    ("rep-1", ["rep-1"]),
    ("a;;b;", ["a", "b"]),
    ("", []),
])
def test_rep_ids_and_contact_ids_are_split_on_semicolons(text, expected):
    a = Activity(id="x", date="2024-01-01", kind="call", account_id="a", rep_ids=text, contact_ids=text)
    assert a.rep_ids == expected
    assert a.contact_ids == expected


def test_listed_ids_are_checked_like_ids():
    with pytest.raises(ValidationError) as exc:
        Activity(id="x", date="2024-01-01", kind="call", account_id="a", rep_ids="a; b")
    assert fields_named(exc) == {"rep_ids"}


def test_activity_attendees_default_to_empty_lists():
    a = Activity(id="x", date="2024-01-01", kind="call", account_id="a")
    assert a.rep_ids == [] and a.contact_ids == []


def test_rep_active_defaults_to_true():
    assert Rep(id="r", name="n").active is True


@pytest.mark.parametrize("text, expected", [("true", True), ("false", False)])
def test_rep_active_reads_true_and_false(text, expected):
    assert Rep(id="r", name="n", active=text).active is expected


def test_rep_active_rejects_other_words():
    with pytest.raises(ValidationError) as exc:
        Rep(id="r", name="n", active="sometimes")
    assert fields_named(exc) == {"active"}


@pytest.mark.parametrize("stage, is_open", [
    ("lead", True), ("qualify", True), ("tender", True), ("submitted", True), ("won", False), ("lost", False),
])
def test_bid_stage_is_open_unless_won_or_lost(stage, is_open):
    assert BidStage(stage).is_open is is_open


def test_other_checked_forms():
    with pytest.raises(ValidationError) as exc:
        Bid(id="b", account_id="a", name="n", stage="lead", currency="cny")
    assert fields_named(exc) == {"currency"}
    with pytest.raises(ValidationError) as exc:
        Bid(id="b", account_id="a", name="n", stage="lead", value=-1)
    assert fields_named(exc) == {"value"}
    with pytest.raises(ValidationError) as exc:
        Rep(id="r", name="n", email="not an email")
    assert fields_named(exc) == {"email"}
    assert Bid(id="b", account_id="a", name="n", stage="lead", currency="CNY", value=0).value == 0


def test_records_are_immutable_and_keyed():
    r = rel()
    with pytest.raises(ValidationError):
        r.depth = 3
    assert r.key == ("r1", "c1")
    assert Account(id="a", name="n", tier="S").key == ("a",)
