"""A Salesforce data export (issue 18): tests/data/salesforce is a small export written
by hand with the objects' standard field names (Salesforce Object Reference:
Account, Contact, User, AccountTeamMember, Opportunity, OpportunityContactRole,
Event, Task) and a few custom fields (Tier__c, Level__c, Relationship_Depth__c,
Stance__c, Influence__c) that its mapping.toml names.

The expected counts are worked out by hand from those files (see each comment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.errors import InputError
from graphcrm.importer import load_source
from graphcrm.model import Activity, BidRole, Contact, Relationship, Rep
from graphcrm.salesforce import load_mapping, map_export, read_export, to_source

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "salesforce"
MAPPING = SAMPLE / "mapping.toml"


def _mapped(mapping: Path | None):
    export, notes = read_export(SAMPLE)
    assert notes == []
    return map_export(export, load_mapping(mapping))


def test_the_sample_loads_with_the_expected_counts(lbug_store):
    tables, report = _mapped(MAPPING)
    counts = load_source(to_source(tables), lbug_store)
    assert counts == {
        "accounts": 2,        # 3 rows, one IsDeleted
        "units": 4,           # Departments: Executive Office, Network Planning, Procurement; Operations (East)
        "contacts": 7,        # 8 rows, one without an AccountId (a private contact)
        "reps": 4,            # the four users
        "account_team": 5,
        "relationships": 5,   # contacts with Relationship_Depth__c: Trusted, 2, Engaged, 1, Acquainted
        "influences": 0,      # Salesforce has no such object
        "bids": 3,
        "bid_roles": 6,       # 7 rows, Omar Haddad's second role in the 5G opportunity left out
        "activities": 5,      # 3 events; 3 tasks, one about a lead with no account left out
        "agreements": 0,
        "plans": 0,           # the mapping has no plans or feedback
        "feedback": 0,
    }
    assert lbug_store.get(Relationship, ("0055g00000UsR1AAAZ", "0035g00000CtA01AAF")).depth == 3  # Trusted
    assert lbug_store.get(Contact, "0035g00000CtA03AAF").unit_id == "0015g00000AbCdEAAV-Network-Planning"
    assert lbug_store.get(Contact, "0035g00000CtA03AAF").level == "senior"  # VP
    assert lbug_store.get(Rep, "0055g00000UsR3AAAZ").role == "solution_manager"  # Pre-Sales Consultant
    assert lbug_store.get(Rep, "0055g00000UsR4AAAZ").active is False
    role = lbug_store.get(BidRole, ("0065g00000OpA01AAB", "0035g00000CtA03AAF"))
    assert (role.role, role.influence, role.stance) == ("technical_evaluator", "medium", 2)  # Technical Buyer, Champion
    event = lbug_store.get(Activity, "00U5g00000EvA03EAC")  # no ActivityDate: the day of ActivityDateTime
    assert (str(event.date), event.kind, event.bid_id) == ("2026-08-30", "meeting", None)
    assert lbug_store.get(Activity, "00T5g00000TkA03EAA").kind == "other"  # Type empty: TaskSubtype Task


def test_the_report_lists_every_unmapped_value_with_its_count():
    _, report = _mapped(MAPPING)
    assert [(u.kind, u.source, u.value, u.count) for u in report.unmapped] == [
        ("level", "Contact.Level__c", "Team Lead", 1),
        ("rep_role", "AccountTeamMember.TeamMemberRole", "Service Delivery Lead", 1),
        ("stance", "OpportunityContactRole.Stance__c", "Leaning our way", 1),
    ]
    assert all(u.outcome.startswith("left empty") for u in report.unmapped)
    assert {c.what: c.count for c in report.skipped} == {
        "Account.csv rows with IsDeleted true": 1,
        "Contact.csv rows without an AccountId (private contacts)": 1,
        "OpportunityContactRole.csv: a further role of the same contact in one opportunity (the first is kept)": 1,
        "Task.csv rows without an account or a date": 1,
    }
    assert report.read["OpportunityContactRole.csv"] == 7 and report.made["bid_roles.csv"] == 6


def test_with_the_default_mapping_unknown_required_values_are_refused_at_their_line(lbug_store):
    tables, report = _mapped(None)
    kept = [(u.kind, u.value) for u in report.unmapped if u.outcome.startswith("kept")]
    assert kept == [("activity_kind", "Workshop"), ("tier", "Partner")]
    with pytest.raises(InputError) as e:
        load_source(to_source(tables), lbug_store)
    assert [str(i) for i in e.value.issues] == [
        "Account.csv:3: tier: must be one of S, A, B or C, got 'Partner'",
        "Event.csv:3: kind: must be one of visit, call, meeting, executive_visit, strategy_alignment, exhibition, "
        "site_visit, joint_innovation or other, got 'Workshop'",
    ]
    assert lbug_store.counts()["accounts"] == 0


def test_a_mapping_with_a_value_graphcrm_does_not_allow(tmp_path):
    bad = tmp_path / "m.toml"
    bad.write_text('[values.stage]\n"Closed Won" = "closed"\n[fields]\ncolour = "X__c"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_mapping(bad)
    messages = [str(i) for i in e.value.issues]
    assert any("fields.colour: is not a mapped value" in m for m in messages)
    assert any("values.stage.Closed Won: must be one of lead, qualify, tender, submitted, won, lost, got 'closed'" in m
               for m in messages)


def test_not_an_export(tmp_path):
    with pytest.raises(InputError, match="has none of the files of a Salesforce export"):
        read_export(tmp_path)
    (tmp_path / "Account.csv").write_text("Name\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="Id: required column is missing"):
        read_export(tmp_path)
