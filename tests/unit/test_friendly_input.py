"""Friendlier input (issue 18): close misses get a suggestion, GB18030/GBK and
UTF-16 files are read with a note (other encodings are refused with how to save
as UTF-8), ``;``- and TAB-delimited files are read with a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.errors import InputError
from graphcrm.fileformat import read_csv_dir

CONTACTS = "id,account_id,name,title\nc1,a1,王建国,总经理\nc2,a1,李娜,工程师\n"


def _dir(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def _messages(folder: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        read_csv_dir(folder)
    return [str(i) for i in e.value.issues]


class TestSuggestions:
    @pytest.mark.parametrize("file, header, row, field, given, wanted", [
        ("units.csv", "id,account_id,name,kind", "u1,a1,HQ office,HQ", "kind", "HQ", "hq"),
        ("reps.csv", "id,name,role", "r1,Ann,account manager", "role", "account manager", "account_manager"),
        ("bid_roles.csv", "bid_id,contact_id,role", "b1,c1,Decision Maker", "role", "Decision Maker", "decision_maker"),
        ("units.csv", "id,account_id,name,kind", "u1,a1,x,brnach", "kind", "brnach", "branch"),
    ])
    def test_a_close_miss_names_the_value_meant(self, tmp_path, file, header, row, field, given, wanted):
        [message] = _messages(_dir(tmp_path, file, f"{header}\n{row}\n".encode()))
        assert message.startswith(f"{file}:2: {field}: must be one of ")
        assert message.endswith(f"got {given!r} (did you mean {wanted!r}?)")

    @pytest.mark.parametrize("file, header, row", [
        ("contacts.csv", "id,account_id,name,level", "c1,a1,x,director"),
        ("activities.csv", "id,date,kind,account_id", "x1,2026-01-02,workshop,a1"),
        ("accounts.csv", "id,name,tier,strategic_fit", "a1,x,S,high"),
    ])
    def test_no_suggestion_when_nothing_is_close(self, tmp_path, file, header, row):
        [message] = _messages(_dir(tmp_path, file, f"{header}\n{row}\n".encode()))
        assert "must be one of" in message and "did you mean" not in message

    def test_a_misspelt_column_and_file_name(self, tmp_path):
        folder = _dir(tmp_path, "contact.csv", b"id\n")
        (folder / "units.csv").write_bytes(b"id,account_id,Name,kind\n")
        messages = _messages(folder)
        assert any(m.startswith("contact.csv: is not an import file") and m.endswith("(did you mean 'contacts.csv'?)")
                   for m in messages)
        assert any(m.startswith("units.csv:1: Name: is not a column") and m.endswith("(did you mean 'name'?)")
                   for m in messages)


class TestEncodings:
    def test_a_gbk_file_is_read_with_a_note(self, tmp_path):
        source = read_csv_dir(_dir(tmp_path, "contacts.csv", CONTACTS.encode("gbk")))
        assert [c.name for c in source.data.contacts] == ["王建国", "李娜"]
        assert source.notes == ["contacts.csv: read as GB18030/GBK (not UTF-8)"]

    def test_a_utf16_file_with_a_bom_is_read_with_a_note(self, tmp_path):
        source = read_csv_dir(_dir(tmp_path, "contacts.csv", CONTACTS.encode("utf-16")))
        assert [c.title for c in source.data.contacts] == ["总经理", "工程师"]
        assert source.notes == ["contacts.csv: read as UTF-16"]

    @pytest.mark.parametrize("name", ["Zoë Müller", "Müller"])  # Müller's bytes decode as GB18030, to rare characters
    def test_other_bytes_are_refused_with_how_to_save_as_utf8(self, tmp_path, name):
        latin = f"id,account_id,name\nc1,a1,{name}\n".encode("cp1252")
        [message] = _messages(_dir(tmp_path, "contacts.csv", latin))
        assert message.startswith("contacts.csv:2: is not UTF-8 text; save it as UTF-8")
        assert "CSV UTF-8 (Comma delimited)" in message

    def test_utf8_needs_no_note(self, tmp_path):
        assert read_csv_dir(_dir(tmp_path, "contacts.csv", CONTACTS.encode("utf-8-sig"))).notes == []


class TestDelimiters:
    @pytest.mark.parametrize("sep, shown", [(";", ";"), ("\t", "TAB")])
    def test_a_file_delimited_otherwise_is_read_with_a_note(self, tmp_path, sep, shown):
        text = CONTACTS.replace(",", sep).replace("总经理", "CEO, Group")  # a comma inside a cell
        source = read_csv_dir(_dir(tmp_path, "contacts.csv", text.encode()))
        assert [c.title for c in source.data.contacts] == ["CEO, Group", "工程师"]
        assert source.notes == [f"contacts.csv: read with {shown} as the delimiter"]

    def test_a_semicolon_file_goes_through_the_same_checks(self, tmp_path):
        [message] = _messages(_dir(tmp_path, "units.csv", b"id;account_id;name;kind\nu1;a1;x;HQ\n"))
        assert message == ("units.csv:2: kind: must be one of hq, department or branch, got 'HQ' "
                           "(did you mean 'hq'?)")
