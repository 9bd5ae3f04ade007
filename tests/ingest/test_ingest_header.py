"""YAML front matter: fields, participants, removal from the stored text, broken headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingest_helpers import check_offsets, spoken

from coder.domain import RoleGroup
from coder.errors import InputError
from coder.ingest import read_text_transcript, read_transcript

HEADER = """---
case: Arendal
title: Gruppeintervju stab og støtte
date: 2006-05-12
language: nb
participants:
  - label: I
    name: Intervjuer
    role: interviewer
  - label: Kari
    name: Kari Nordmann
    role: Økonomisjef
  - label: P3
    role: politician
  - label: ola
---

"""


def test_header_fields_and_participants() -> None:
    draft = read_text_transcript(HEADER + "I: Velkommen.\nKari: Takk.\nP3: Ja.\nola: nei.\n")
    assert draft.case_name == "Arendal"
    assert draft.title == "Gruppeintervju stab og støtte"
    assert draft.interview_date == dt.date(2006, 5, 12)
    assert draft.language == "nb"
    people = {p.label: p for p in draft.participants}
    assert list(people) == ["I", "Kari", "P3", "ola"]
    assert people["Kari"].display_name == "Kari Nordmann"
    assert people["Kari"].role_group is RoleGroup.STAFF_SUPPORT
    assert people["Kari"].role_title == "Økonomisjef"
    assert not people["Kari"].role_inferred
    assert people["P3"].role_group is RoleGroup.POLITICIAN
    assert people["ola"].role_group is RoleGroup.OTHER and people["ola"].role_inferred
    # "ola" is lowercase: accepted only because the header lists it
    assert [s.speaker for s in draft.segments] == ["I", "Kari", "P3", "ola"]


def test_header_is_removed_from_stored_text() -> None:
    draft = read_text_transcript(HEADER + "I: Velkommen.\n")
    assert draft.text == "I: Velkommen.\n"
    assert spoken(draft) == [("I", "Velkommen.")]
    check_offsets(draft)


def test_header_name_matches_label_too() -> None:
    draft = read_text_transcript(HEADER + "Kari Nordmann: Hei.\n")
    assert [s.speaker for s in draft.segments] == ["Kari"]


def test_argument_case_overrides_header(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(HEADER + "I: Hei.\n", encoding="utf-8")
    draft = read_transcript(path, case="Flora")
    assert draft.case_name == "Flora"
    assert any("Arendal" in n for n in draft.notes)


def test_unlisted_speakers_are_noted() -> None:
    draft = read_text_transcript(HEADER + "Rådmann: Hei.\n")
    assert any("not in the header" in n and "Rådmann" in n for n in draft.notes)


def test_header_without_participants_and_unknown_key() -> None:
    draft = read_text_transcript("---\ntitle: T\nfoo: bar\n---\nKari: hei\n")
    assert draft.title == "T"
    assert any("foo" in n for n in draft.notes)


def test_empty_header() -> None:
    draft = read_text_transcript("---\n---\nKari: hei\n")
    assert draft.text == "Kari: hei\n"


@pytest.mark.parametrize(
    ("header", "line", "message"),
    [
        ("---\ntitle: [uavsluttet\n---\n", 3, "invalid YAML"),
        ("---\ndate: 2006-13-45\n---\n", 2, "bad date"),
        ("---\ndate: 12.05.2006\n---\n", 2, "bad date"),
        (
            "---\ntitle: ok\nparticipants:\n  - label: A\n    role: astronaut\n---\n",
            5,
            "unknown role",
        ),
        ("---\nparticipants: Kari\n---\n", 2, "must be a list"),
        ("---\nparticipants:\n  - name: Uten label\n---\n", 3, "without 'label'"),
        ("---\n- bare\n- en liste\n---\n", 2, "key: value"),
        ("---\ntitle: x\n", 1, "closing"),
        ("---\nparticipants:\n  - label: A\n  - label: a\n---\n", 4, "twice"),
    ],
)
def test_broken_headers(tmp_path: Path, header: str, line: int, message: str) -> None:
    path = tmp_path / "feil.txt"
    path.write_text(header + "Kari: hei\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_transcript(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_header_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare_header.txt"
    path.write_text("---\ntitle: x\n---\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no transcript text") as info:
        read_transcript(path)
    assert "bare_header.txt" in str(info.value)


def test_nested_yaml_values_are_refused(tmp_path: Path) -> None:
    bomb = "---\nx: &a [1, 1, 1, 1, 1, 1, 1, 1]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "participants:\n  - label: *b\n---\nKari: hei\n"
    path = tmp_path / "bombe.txt"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(InputError, match="must be text") as info:
        read_transcript(path)
    assert info.value.line == 5
