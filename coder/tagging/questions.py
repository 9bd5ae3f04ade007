"""Recognising the interview guide's questions in interviewer turns, paraphrased or partial.

Interviewers rarely read the guide aloud: they shorten, reorder and add small talk. A turn is
compared with every section, question and item text of the codebook by rapidfuzz measures on
content words (token_set_ratio, which forgives extra words; partial_ratio, which finds a short
guide text inside a long turn; token_sort_ratio, which keeps long turns from matching every
short item), vectorised with `process.cdist`. The best guide code above a threshold becomes the
context for the answers that follow, until the next recognised question.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from coder.codebook.model import Codebook
from coder.domain import CodeKind
from coder.tagging.normalise import STOPWORDS, candidates, words

# Words in nearly every guide question: they say nothing about which one is asked.
GENERIC = frozenset(
    [
        "stab",
        "støtte",
        "stabs",
        "støttefunksjonene",
        "støttefunksjoner",
        "stabsfunksjonene",
        "funksjonene",
        "støttemodellen",
        "stab/støtte",
        "tonivåmodell",
        "tonivåmodellen",
        "når",
        "gjelder",
        "forhold",
        "forhold",
        "kommunen",
        "dere",
        "tror",
        "synes",
        "opplever",
        "oppleve",
        "fungerer",
        "fungere",
    ]
)
QUESTION_KINDS = (CodeKind.SECTION, CodeKind.QUESTION, CodeKind.ITEM)
MIN_SCORE = 55.0  # a turn matching no guide text this well is not a guide question


def content(text: str) -> str:
    """The content words of a text, in order, lowercased (for fuzzy comparison)."""
    return " ".join(w for w in words(text.replace("/", " ")) if w not in STOPWORDS)


def _stems(text: str) -> list[frozenset[str]]:
    """Candidate forms per content word (generic guide words left out)."""
    return [
        frozenset(candidates(w)[:3])
        for w in dict.fromkeys(content(text).split())
        if w not in GENERIC
    ]


def _substrings(form: str, minimum: int = 5) -> frozenset[str]:
    """All substrings of at least `minimum` letters (compound parts), for containment tests."""
    n = len(form)
    return frozenset(form[i:j] for i in range(n) for j in range(i + minimum, n + 1))


@dataclass(frozen=True, slots=True)
class _GuideWord:
    forms: frozenset[str]
    parts: frozenset[str]  # substrings of its long forms


def _guide_words(text: str) -> list[_GuideWord]:
    return [
        _GuideWord(forms, frozenset().union(*(_substrings(f) for f in forms if len(f) >= 5)))
        for forms in _stems(text)
    ]


def _coverage(
    guide: list[_GuideWord], flat: frozenset[str], long_forms: frozenset[str], parts: frozenset[str]
) -> float:
    """Share of the guide text's content words the turn contains, compounds counting both
    ways (``utvikles videre`` covers ``videreutvikles``, ``modellen`` ``organisasjonsmodellen``)."""
    if not guide:
        return 0.0
    hit = sum(
        1
        for g in guide
        if g.forms & flat or g.parts & long_forms or any(f in parts for f in g.forms if len(f) >= 5)
    )
    return hit / len(guide)


@dataclass(frozen=True, slots=True)
class QuestionMatch:
    code_id: str
    score: float  # 0-100

    def evidence(self) -> str:
        return f"question:{self.code_id} ({self.score:.0f})"


class QuestionMatcher:
    """Scores a turn against the guide's texts; `best(text)` is the likeliest guide code."""

    def __init__(self, codebook: Codebook) -> None:
        self.ids: list[str] = []
        texts: list[str] = []
        self.stems: list[list[_GuideWord]] = []
        for code in codebook:
            if code.kind not in QUESTION_KINDS or not code.text.strip():
                continue
            self.ids.append(code.id)
            texts.append(content(code.text))
            self.stems.append(_guide_words(code.text))
        self.texts = texts
        self.lengths = np.array([max(1, len(t.split())) for t in texts], dtype=float)

    def scores(self, text: str) -> np.ndarray:
        """A 0-100 score per guide code (order of `self.ids`)."""
        turn = content(text)
        if not turn or not self.texts:
            return np.zeros(len(self.ids))
        ts = process.cdist([turn], self.texts, scorer=fuzz.token_set_ratio)[0]
        pr = process.cdist([turn], self.texts, scorer=fuzz.partial_ratio)[0]
        so = process.cdist([turn], self.texts, scorer=fuzz.token_sort_ratio)[0]
        turn_words = _stems(text)
        flat = frozenset().union(*turn_words) if turn_words else frozenset()
        long_forms = frozenset(f for f in flat if len(f) >= 5)
        parts = (
            frozenset().union(*(_substrings(f) for f in long_forms)) if long_forms else frozenset()
        )
        cover = np.array([_coverage(g, flat, long_forms, parts) for g in self.stems], dtype=float)
        n_turn = max(1, len(turn.split()))
        # token_set_ratio says 100 whenever the guide text's words are a subset of the turn's;
        # for one- or two-word guide texts in a long turn that is no evidence, so damp by length.
        short = np.minimum(1.0, (self.lengths + 2) / n_turn)
        fuzzy = 0.45 * ts * (0.4 + 0.6 * short) + 0.25 * pr * short + 0.30 * so
        return 0.6 * fuzzy + 40.0 * cover * np.minimum(1.0, (self.lengths + 3) / n_turn)

    def best(self, text: str, *, minimum: float = MIN_SCORE) -> QuestionMatch | None:
        sc = self.scores(text)
        if not len(sc):
            return None
        i = int(np.argmax(sc))
        if sc[i] < minimum:
            return None
        return QuestionMatch(self.ids[i], float(sc[i]))

    def ranked(self, text: str, n: int = 3) -> list[QuestionMatch]:
        sc = self.scores(text)
        order = np.argsort(-sc)[:n]
        return [QuestionMatch(self.ids[i], float(sc[i])) for i in order]


def looks_like_question(text: str) -> bool:
    """A short paragraph ending in a question mark (for transcripts with no speaker labels)."""
    stripped = text.strip()
    return stripped.endswith("?") and len(stripped.split()) <= 60
