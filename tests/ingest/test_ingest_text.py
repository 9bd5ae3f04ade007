"""Plain-text and Markdown turns: label styles, false positives, paragraphs, offsets, titles."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import check_offsets, spoken

from coder.domain import RoleGroup
from coder.ingest import read_text_transcript, read_transcript
from coder.ingest.speakers import match_label, plausible_label


@pytest.mark.parametrize(
    ("line", "speaker", "words"),
    [
        ("Kari: Vi har en plan.", "Kari", "Vi har en plan."),
        ("KARI: Vi har en plan.", "KARI", "Vi har en plan."),
        ("Kari Nordmann: Vi har en plan.", "Kari Nordmann", "Vi har en plan."),
        ("[Kari] Vi har en plan.", "Kari", "Vi har en plan."),
        ("[Kari]: Vi har en plan.", "Kari", "Vi har en plan."),
        ("Kari Nordmann (ordfører): Vi har en plan.", "Kari Nordmann", "Vi har en plan."),
        ("Jonas Gahr Støre (Ap): Vi har en plan.", "Jonas Gahr Støre", "Vi har en plan."),
        ("I: Hva tenker dere?", "I", "Hva tenker dere?"),
        ("Q: Hva tenker dere?", "Q", "Hva tenker dere?"),
        ("Intervjuer: Hva tenker dere?", "Intervjuer", "Hva tenker dere?"),
        ("Intervjuer 2: Hva tenker dere?", "Intervjuer 2", "Hva tenker dere?"),
        ("**Kari:** Vi har en plan.", "Kari", "Vi har en plan."),
        ("**Kari**: Vi har en plan.", "Kari", "Vi har en plan."),
        ("Ordfører: Vi har en plan.", "Ordfører", "Vi har en plan."),
        ("Kommunalsjef helse: Vi har en plan.", "Kommunalsjef helse", "Vi har en plan."),
        ("Virksomhetsleder skole: Vi har en plan.", "Virksomhetsleder skole", "Vi har en plan."),
        ("Assisterende rådmann: Vi har en plan.", "Assisterende rådmann", "Vi har en plan."),
        ("Økonomisjef:\tVi har en plan.", "Økonomisjef", "Vi har en plan."),
        ("[00:01:23] Kari: Vi har en plan.", "Kari", "Vi har en plan."),
        ("Anne-Lise von Hanno: Vi har en plan.", "Anne-Lise von Hanno", "Vi har en plan."),
    ],
)
def test_label_styles(line: str, speaker: str, words: str) -> None:
    draft = read_text_transcript(line + "\nOg en linje til.\n")
    assert spoken(draft) == [(speaker, words + "\nOg en linje til.")]
    check_offsets(draft)


def test_leading_timestamp_sets_start_ms() -> None:
    draft = read_text_transcript("[00:01:23] Kari: Hei.\n(01:02:03.5) Ola: Hallo.\n")
    assert [s.start_ms for s in draft.segments] == [83_000, 3_723_500]


@pytest.mark.parametrize(
    "line",
    [
        "Det er dette som er poenget: vi må samarbeide.",
        "Poenget er: vi må samarbeide.",
        "Kari sa det slik: vi må samarbeide.",
        "Merk: dette er viktig.",
        "Klokka var 10:30 da vi startet.",
        "Se https://example.org for mer.",
        "Vi fikk tre ting: penger, folk og tid.",
        "En to tre fire fem seks: for mange ord.",
        "- Punkt: noe",
        "[latter] ja, det stemmer",
        "Ja: det var det.",
    ],
)
def test_sentences_with_colons_are_not_speakers(line: str) -> None:
    assert match_label(line) is None
    draft = read_text_transcript(f"Kari: Første tur.\n{line}\n")
    assert [s.speaker for s in draft.segments] == ["Kari"]
    assert draft.text[draft.segments[0].start : draft.segments[0].end].endswith(line)


def test_label_alone_on_its_line() -> None:
    draft = read_text_transcript("Kari:\nVi har en plan.\n\nOla:\n\n  Og jeg er enig.  \n")
    assert spoken(draft) == [("Kari", "Vi har en plan."), ("Ola", "Og jeg er enig.")]


def test_turn_continues_over_blank_lines_until_next_label() -> None:
    text = "I: Spørsmål?\n\nRådmann: Første avsnitt.\n\nAndre avsnitt.\n\nI: Takk.\n"
    draft = read_text_transcript(text)
    assert spoken(draft) == [
        ("I", "Spørsmål?"),
        ("Rådmann", "Første avsnitt.\n\nAndre avsnitt."),
        ("I", "Takk."),
    ]
    check_offsets(draft)


def test_unlabelled_paragraphs_become_segments() -> None:
    text = "Første avsnitt\nfortsetter her.\n\n\nAndre avsnitt.\n\n  Tredje.\n"
    draft = read_text_transcript(text)
    assert spoken(draft) == [
        (None, "Første avsnitt\nfortsetter her."),
        (None, "Andre avsnitt."),
        (None, "Tredje."),
    ]
    assert draft.participants == []
    check_offsets(draft)


def test_same_speaker_in_different_case_is_one_participant() -> None:
    draft = read_text_transcript("Kari: a\nOla: b\nKARI: c\n")
    assert [p.label for p in draft.participants] == ["Kari", "Ola"]
    assert [s.speaker for s in draft.segments] == ["Kari", "Ola", "Kari"]


def test_markdown_headings_and_bold_labels(tmp_path: Path) -> None:
    path = tmp_path / "intervju.md"
    path.write_text(
        "# Gruppeintervju i Flora\n\n## Del 1\n\n**Intervjuer:** Velkommen.\n\n"
        "**Ordfører:** Takk.\n\n# Del 2\n\n**Rådmann:** Videre.\n",
        encoding="utf-8",
    )
    draft = read_transcript(path)
    assert draft.format == "md"
    assert draft.title == "Gruppeintervju i Flora"
    assert spoken(draft) == [
        ("Intervjuer", "Velkommen."),
        ("Ordfører", "Takk."),
        ("Rådmann", "Videre."),
    ]
    assert "**Intervjuer:**" in draft.text  # stored text keeps the labels
    check_offsets(draft)


def test_heading_ends_a_turn() -> None:
    draft = read_text_transcript("Kari: a\n# Pause\nfritt avsnitt\n")
    assert spoken(draft) == [("Kari", "a"), (None, "fritt avsnitt")]


def test_title_falls_back_to_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "arendal_2006.txt"
    path.write_text("Kari: Hei.\n", encoding="utf-8")
    draft = read_transcript(path)
    assert draft.title == "arendal_2006"
    assert draft.language == "nb"
    assert draft.format == "txt"
    assert draft.source_name == "arendal_2006.txt"
    assert len(draft.sha256) == 64


def test_case_argument(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Kari: Hei.\n", encoding="utf-8")
    assert read_transcript(path, case="Arendal").case_name == "Arendal"
    assert read_transcript(path).case_name is None


def test_inferred_roles_are_noted() -> None:
    draft = read_text_transcript(
        "I: a\nRådmann: b\nKari Nordmann (ordfører): c\nPer (H): d\nOla: e\n"
        "Enhetsleder hjemmetjenesten: f\n"
    )
    groups = {p.label: p.role_group for p in draft.participants}
    assert groups == {
        "I": RoleGroup.INTERVIEWER,
        "Rådmann": RoleGroup.CEO_LEVEL,
        "Kari Nordmann": RoleGroup.POLITICIAN,
        "Per": RoleGroup.POLITICIAN,
        "Ola": RoleGroup.OTHER,
        "Enhetsleder hjemmetjenesten": RoleGroup.UNIT_LEADER,
    }
    assert all(p.role_inferred for p in draft.participants)
    assert "inferred 'Rådmann' -> ceo_level" in draft.notes
    kari = next(p for p in draft.participants if p.label == "Kari Nordmann")
    assert kari.role_title == "ordfører"


def test_offsets_on_a_mixed_file() -> None:
    text = (
        "Forord uten taler.\n\nI: Første spørsmål?\n  Kari (rektor):   Svar her.  \n"
        "fortsatt Kari\n\n[Ola]: Kort.\n**Per:** Siste.\n"
    )
    draft = read_text_transcript(text)
    check_offsets(draft)
    assert spoken(draft) == [
        (None, "Forord uten taler."),
        ("I", "Første spørsmål?"),
        ("Kari", "Svar her.  \nfortsatt Kari"),
        ("Ola", "Kort."),
        ("Per", "Siste."),
    ]


def test_plausible_label_rules() -> None:
    assert plausible_label("Kari Nordmann")
    assert plausible_label("Kommunalsjef helse og omsorg")
    assert not plausible_label("Det")
    assert not plausible_label("Kari Ola Per Nils Anne Lise")
    assert plausible_label("kari", known={"kari"})
    assert not plausible_label("kari")


def test_parliament_and_minister_labels() -> None:
    draft = read_text_transcript(
        "Presidenten: Neste taler.\n"
        "Statsråd Anniken Huitfeldt (A): Takk, president.\n"
        "Utenriksminister Anniken Huitfeldt: Videre.\n"
    )
    assert [s.speaker for s in draft.segments] == [
        "Presidenten",
        "Statsråd Anniken Huitfeldt",
        "Utenriksminister Anniken Huitfeldt",
    ]
    assert {p.role_group for p in draft.participants} == {RoleGroup.POLITICIAN}


def test_metadata_lines_before_the_interview_are_not_speakers() -> None:
    draft = read_text_transcript(
        "Dato: 12.05.2006\nSted: Arendal rådhus\nTilstede: ordfører og rådmann\n\nI: Velkommen.\n"
    )
    assert spoken(draft) == [
        (None, "Dato: 12.05.2006\nSted: Arendal rådhus\nTilstede: ordfører og rådmann"),
        ("I", "Velkommen."),
    ]
