"""People in a real parliament transcript are found as PER entities."""

from __future__ import annotations

import re
from pathlib import Path

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
