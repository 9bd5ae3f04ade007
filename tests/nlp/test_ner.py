"""People in a real parliament transcript are found as PER entities."""

from __future__ import annotations

import re
from pathlib import Path

from spacy.tokens import Doc, Span

from coder.nlp import load

TRANSCRIPT = "realdata/parlamint-no/ParlaMint-NO_2022-03-22.speaker_turns.txt"
LABEL = re.compile(r"^(?P<name>[^():]+?) \([^)]*\): (?P<text>.*)$")


def test_speaker_names_mentioned_in_turns_are_per(shared_dir: Path, shipped: None) -> None:
    turns = [
        m for line in (shared_dir / TRANSCRIPT).read_text("utf-8").splitlines()
        if (m := LABEL.match(line))
    ]  # fmt: skip
    speakers = {m["name"] for m in turns}
    # turns that mention another speaker by full name (e.g. "Representanten Kari ... vil")
    mentions = [(name, m["text"]) for m in turns for name in speakers if name in m["text"]]
    assert len({name for name, _ in mentions}) >= 5
    nlp = load("pseudonymise")
    # only the sentences with a mention, to keep the test fast
    mentions = [(name, _sentence_with(name, text)) for name, text in mentions]
    texts = sorted({text for _, text in mentions})
    people = {
        text: {e.text for e in doc.ents if e.label_ == "PER"}
        for text, doc in zip(texts, nlp.pipe(texts), strict=True)
    }
    found = [name for name, text in mentions if any(name in p or p in name for p in people[text])]
    assert len(found) / len(mentions) >= 0.85


def _sentence_with(name: str, text: str) -> str:
    at = text.index(name)
    start = max(text.rfind(". ", 0, at) + 2, 0)
    end = text.find(". ", at + len(name))
    return text[start : end + 1 if end >= 0 else len(text)]


def _doc_with(words: list[str], ents: list[tuple[int, int, str]]) -> Doc:
    import spacy

    nlp = spacy.blank("nb")
    doc = Doc(nlp.vocab, words=words)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


def test_a_name_repeated_in_part_is_per_throughout_the_document() -> None:
    from coder.nlp.labels import person_names

    words = [
        "Per",
        "Borten",
        "sa",
        "nei",
        ".",
        "Borten",
        "holdt",
        "fast",
        ",",
        "og",
        "Bortens",
        "tabbe",
        "ble",
        "kjent",
        "i",
        "Borten",
        ".",
    ]
    # the NER found the full name, missed "Borten", and called the last one a place
    doc = person_names(_doc_with(words, [(0, 2, "PER"), (15, 16, "GPE_LOC")]))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Per Borten", "PER"),
        ("Borten", "PER"),
        ("Bortens", "PER"),
        ("Borten", "PER"),
    ]


def test_names_inside_other_entities_and_lowercase_words_are_left_alone() -> None:
    from coder.nlp.labels import person_names

    words = [
        "Kari",
        "Haukeland",
        "jobber",
        "på",
        "Haukeland",
        "Universitetssykehus",
        ",",
        "sa",
        "per",
        "telefon",
        ".",
    ]
    doc = person_names(_doc_with(words, [(0, 2, "PER"), (4, 6, "ORG")]))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Kari Haukeland", "PER"),
        ("Haukeland Universitetssykehus", "ORG"),
    ]
    # no person at all: nothing changes
    plain = _doc_with(["Borten", "kom"], [(0, 1, "GPE_LOC")])
    assert [(e.text, e.label_) for e in person_names(plain).ents] == [("Borten", "GPE_LOC")]


def test_every_loaded_pipeline_with_entities_keeps_names_consistent(shipped: None) -> None:
    from coder.nlp.labels import NAME_CONSISTENCY

    assert NAME_CONSISTENCY in load("pseudonymise").pipe_names
