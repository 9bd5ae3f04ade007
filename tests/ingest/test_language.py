"""Written standard per transcript: the header wins, else Nynorsk must clearly dominate."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.ingest.registry import read_transcript
from coder.language import detect_language, normalise_language, transcript_language
from tests.conftest import SHARED_DIR

REAL = SHARED_DIR / "realdata" / "parlamint-no"
TURNS = REAL / "ParlaMint-NO_2022-03-22.speaker_turns.txt"

NN = "Eg trur ikkje at dei tilsette på einingane veit kva leiargruppa meiner om det."
NB = "Jeg tror ikke at de ansatte på enhetene vet hva ledergruppen mener om det."


def test_detects_each_standard() -> None:
    assert detect_language(NN) == "nn"
    assert detect_language(NB) == "nb"
    assert detect_language("") == "nb"


def test_dialect_words_in_bokmal_do_not_flip_it() -> None:
    text = " ".join([NB] * 5) + " Eg veit ikkje."
    assert detect_language(text) == "nb"


def test_header_wins_and_unknown_header_is_noted() -> None:
    notes: list[str] = []
    assert transcript_language("nynorsk", NB, notes) == "nn"
    assert transcript_language("nob", NN, notes) == "nb"
    assert notes == []
    assert transcript_language("en", NN, notes) == "nn"
    assert notes and "neither nb nor nn" in notes[0]
    assert normalise_language("NN") == "nn" and normalise_language("xx") is None


def test_imported_transcript_gets_its_language(tmp_path: Path) -> None:
    body = "Intervjuar: Korleis er samarbeidet?\n\nKari: " + NN + "\n"
    plain = tmp_path / "stord.txt"
    plain.write_text(body, encoding="utf-8")
    assert read_transcript(plain).language == "nn"
    headed = tmp_path / "headed.txt"
    headed.write_text("---\ntitle: T\nlanguage: nb\n---\n" + body, encoding="utf-8")
    assert read_transcript(headed).language == "nb"
    vtt = tmp_path / "flora.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Kari>" + NN + "\n", "utf-8")
    assert read_transcript(vtt).language == "nn"


@pytest.mark.skipif(not TURNS.exists(), reason="../shared/realdata not present")
def test_real_parliament_speakers() -> None:
    """ParlaMint: Nynorsk speakers' long turns are nn, Bokmål speakers' are nb (not our text)."""
    by_speaker: dict[str, list[str]] = {}
    for line in TURNS.read_text(encoding="utf-8").splitlines():
        name, _, text = line.partition(":")
        if len(text) > 400:
            by_speaker.setdefault(name.strip(), []).append(detect_language(text))
    assert set(by_speaker["Ingrid Fiskaa (SV)"]) == {"nn"}
    assert set(by_speaker["Alfred Jens Bjørlo (V)"]) == {"nn"}
    assert set(by_speaker["Anniken Huitfeldt (A)"]) == {"nb"}
    assert set(by_speaker["Ola Borten Moe (Sp)"]) == {"nb"}
