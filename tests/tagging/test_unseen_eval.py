"""The evaluator's unseen split, interviewer-question scoring and real-prose gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coder.codebook.model import Codebook
from coder.errors import InputError
from coder.tagging.evaluate import evaluate, load_gold, same_question

TRANSCRIPT = """Intervjuer: Hvordan opplever dere samarbeidet med politisk ledelse, altså
formannskapet og ordføreren?

Kari: Formannskapet ber ofte om saksframlegg fra økonomi, og ordføreren ringer rådmannen.

Intervjuer: Og hvordan er samarbeidet med virksomhetene, enhetslederne ute?

Kari: Rektorene og styrerne på barnehagene får hjelp fra personal når de trenger det.
"""


def _write(folder: Path, name: str, lines: list[dict[str, Any]]) -> None:
    (folder / name).write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8"
    )


@pytest.fixture()
def gold(tmp_path: Path) -> Path:
    (tmp_path / "u1.txt").write_text(TRANSCRIPT, "utf-8")
    base = {"file": "u1.txt", "split": "unseen"}
    _write(
        tmp_path,
        "u1.jsonl",
        [
            {**base, "speaker": "Intervjuer", "quote": "Hvordan opplever", "asks": "C13"},
            {
                **base,
                "speaker": "Kari",
                "quote": "Formannskapet ber",
                "relation": "politicians",
                "codes": ["C13"],
            },
            {**base, "speaker": "Intervjuer", "quote": "Og hvordan", "asks": "C15"},
            {
                **base,
                "speaker": "Kari",
                "quote": "Rektorene",
                "relation": "units",
                "codes": ["C15"],
            },
        ],
    )
    seed = tmp_path / "shared" / "seed"
    seed.mkdir(parents=True)
    (seed / "ctx.md").write_text(
        "# Kapittel\n\nOrdføreren og formannskapet styrer gjennom vedtak.\n\n"
        "Rektorene på skolene savner støtte.\n",
        "utf-8",
    )
    _write(
        tmp_path,
        "prose.jsonl",
        [
            {
                "source": "seed/ctx.md",
                "paragraph": 1,
                "first_words": "Ordføreren og",
                "relation": "politicians",
                "split": "unseen",
            },
            {
                "source": "seed/ctx.md",
                "paragraph": 2,
                "first_words": "Rektorene på",
                "relation": "units",
                "split": "unseen",
            },
        ],
    )
    return tmp_path


def test_unseen_split_questions_and_prose(gold: Path, codebook: Codebook, blank_nlp: Any) -> None:
    report = evaluate(codebook, blank_nlp, gold, gold, curve=False, shared=gold / "shared")
    assert report["splits"] == ["unseen"] and report["warnings"] == []
    s = report["system"]["unseen"]
    assert s["interviewer_turns"] == 2
    assert s["question_top1"] == 1.0  # both asked questions recognised
    assert s["segments_with_relation"] == 4  # two turns, two prose paragraphs
    assert s["relation_top1"] == 1.0


def test_prose_without_its_source_is_a_warning(gold: Path, codebook: Codebook) -> None:
    items, warnings = load_gold(gold, gold, shared=None)
    assert len(items) == 1 and len(warnings) == 2 and "give --shared" in warnings[0]


def test_misaligned_prose_is_reported(gold: Path) -> None:
    (gold / "shared" / "seed" / "ctx.md").write_text("Noe helt annet.\n", "utf-8")
    _items, warnings = load_gold(gold, gold, shared=gold / "shared")
    assert any("does not start as labelled" in w or "paragraph 2" in w for w in warnings)


def test_unknown_split_is_refused(gold: Path) -> None:
    _write(
        gold,
        "u1.jsonl",
        [
            {
                "file": "u1.txt",
                "speaker": "Kari",
                "quote": "Formannskapet",
                "relation": "ceo",
                "split": "later",
            }
        ],
    )
    with pytest.raises(InputError, match="unknown split"):
        load_gold(gold, gold)


def test_same_question_rolls_up_to_the_guide_question(codebook: Codebook) -> None:
    assert same_question(codebook, "C13c", "C13")
    assert same_question(codebook, "C13", "C13d.i")
    assert not same_question(codebook, "C14c", "C13c")
