"""Recognising the interview guide's questions in interviewer turns, paraphrased or partial.

Interviewers rarely read the guide aloud: they shorten, reorder and add small talk. A turn is
compared with every section, question and item text of the codebook by rapidfuzz measures on
content words (token_set_ratio, which forgives extra words; partial_ratio, which finds a short
guide text inside a long turn; token_sort_ratio, which keeps long turns from matching every
short item), vectorised with `process.cdist`. The best guide code above a threshold becomes the
context for the answers that follow, until the next recognised question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

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


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _stems(text: str) -> list[frozenset[str]]:
    """Candidate forms per content word (generic guide words left out)."""
    return [_stem_set(w) for w in dict.fromkeys(content(text).split()) if w not in GENERIC]


@lru_cache(maxsize=50_000)
def _stem_set(word: str) -> frozenset[str]:
    return frozenset(candidates(word)[:3])


@lru_cache(maxsize=50_000)
def _substrings(form: str, minimum: int = 5) -> frozenset[str]:
    """All substrings of at least `minimum` letters (compound parts), for containment tests."""
    n = len(form)
    return frozenset(form[i:j] for i in range(n) for j in range(i + minimum, n + 1))


class _CoverageIndex:
    """Which guide words a turn contains, compounds counting both ways (``utvikles videre``
    covers ``videreutvikles``, ``modellen`` covers ``organisasjonsmodellen``).

    Every (guide text, word) pair is one bit of a Python integer, the words of a guide text
    side by side. Inverted indexes from forms and compound parts to those bits make a turn
    cost a few dictionary lookups and integer ORs instead of a loop over every guide word.
    """

    def __init__(self, guides: list[list[frozenset[str]]]) -> None:
        self.forms: dict[str, int] = defaultdict(int)
        self.parts: dict[str, int] = defaultdict(int)
        self.long: dict[str, int] = defaultdict(int)
        self.words = np.array([max(1, len(g)) for g in guides], dtype=float)
        self.empty = np.array([not g for g in guides])
        self._any_empty = bool(self.empty.any())
        self.offsets = np.cumsum([0] + [len(g) for g in guides[:-1]], dtype=np.intp)
        self.n_bits = sum(len(g) for g in guides)
        self._n_bytes = self.n_bits // 8 + 1  # one spare bit: reduceat's last offset fits
        self._form_cache: dict[str, int] = {}
        self._word_cache: dict[str, int] = {}
        bit = 1
        for guide in guides:
            for forms in guide:
                for f in forms:
                    self.forms[f] |= bit
                    if len(f) >= 5:
                        self.long[f] |= bit
                        for part in _substrings(f):
                            self.parts[part] |= bit
                bit <<= 1

    def _form_hits(self, f: str) -> int:
        """The bits of the guide words one turn form covers (cached: turns repeat words)."""
        found = self._form_cache.get(f)
        if found is not None:
            return found
        hits = self.forms.get(f, 0)
        if len(f) >= 5:
            hits |= self.parts.get(f, 0)  # the turn word is part of a guide compound
            long = self.long
            for part in _substrings(f):
                hits |= long.get(part, 0)  # a guide word is part of the turn word
        if len(self._form_cache) < 100_000:
            self._form_cache[f] = hits
        return hits

    def word_mask(self, word: str) -> int:
        """The bits of the guide words one content word of a turn covers, by any of its
        candidate forms (cached per word; generic guide words cover nothing)."""
        found = self._word_cache.get(word)
        if found is None:
            found = 0
            if word not in GENERIC:
                for f in _stem_set(word):
                    found |= self._form_hits(f)
            if len(self._word_cache) < 100_000:
                self._word_cache[word] = found
        return found

    def coverage(self, content_words: Iterable[str]) -> np.ndarray:
        """Share of each guide text's content words found among a turn's content words."""
        mask = 0
        get = self._word_cache.get
        for w in content_words:
            m = get(w)
            mask |= self.word_mask(w) if m is None else m
        if not mask:
            return np.zeros(len(self.words))
        bits = np.unpackbits(
            np.frombuffer(mask.to_bytes(self._n_bytes, "little"), dtype=np.uint8),
            bitorder="little",
        )
        counts = np.add.reduceat(bits, self.offsets, dtype=np.intp)
        cover = counts / self.words
        if self._any_empty:
            cover[self.empty] = 0.0  # reduceat gives a neighbour's bit for an empty segment
        return cover


class _LengthTerms(NamedTuple):
    """Per guide text, the score factors that depend only on the turn's length in words."""

    set_factor: np.ndarray  # of token_set_ratio: 0.4 + 0.6 * short
    cover_factor: np.ndarray  # of coverage
    partial_weight: np.ndarray  # of partial_ratio (0-100)
    partial_max: np.ndarray  # 100 * partial_weight
    set_max: np.ndarray  # the most token_set_ratio adds to the score (at 100)
    partial_weights: list[float]  # partial_weight and set_factor as plain floats
    set_factors: list[float]


class _TurnParts(NamedTuple):
    turn: str  # content words
    ts: np.ndarray  # token_set_ratio (float32, like all rapidfuzz cdist results)
    shared: list[int]  # guide texts sharing a word with the turn: ts still to compute
    so: np.ndarray  # token_sort_ratio
    cover: np.ndarray
    terms: _LengthTerms


_SLACK = 1e-9  # rounding allowance on final scores when comparing bounds


def _base(
    ts: np.ndarray, so: np.ndarray, cover: np.ndarray, terms: _LengthTerms, at: int | None = None
) -> np.ndarray:
    """The score without its partial_ratio term; `at`: for one guide text (length-1 arrays).

    token_set_ratio says 100 whenever the guide text's words are a subset of the turn's; for
    one- or two-word guide texts in a long turn that is no evidence, so it is damped by length.
    """
    set_factor, cover_factor = terms.set_factor, terms.cover_factor
    if at is not None:
        set_factor, cover_factor = set_factor[at : at + 1], cover_factor[at : at + 1]
    return 0.6 * (0.45 * ts * set_factor + 0.30 * so) + 40.0 * cover * cover_factor


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
        stems: list[list[frozenset[str]]] = []
        for code in codebook:
            if code.kind not in QUESTION_KINDS or not code.text.strip():
                continue
            self.ids.append(code.id)
            texts.append(content(code.text))
            stems.append(_stems(code.text))
        self.texts = texts
        self.sorted_texts = [_sorted_words(t) for t in texts]
        self.word_sets = [frozenset(t.split()) for t in texts]
        self.set_texts = [" ".join(sorted(w)) for w in self.word_sets]
        # guide texts that repeat a word: their word set differs from their sorted words
        self._repeating = [i for i, t in enumerate(self.sorted_texts) if t != self.set_texts[i]]
        self._repeating_sets = [self.set_texts[i] for i in self._repeating]
        self.guide_stems = stems  # candidate forms per content word of each guide text
        self.cover = _CoverageIndex(stems)
        self.lengths = np.array([max(1, len(t.split())) for t in texts], dtype=float)
        # guide texts per content word: which texts share a word with a turn, without a
        # set test per guide text
        guides_of: dict[str, list[int]] = defaultdict(list)
        for i, ws in enumerate(self.word_sets):
            for w in ws:
                guides_of[w].append(i)
        self._guides_of = {w: tuple(ix) for w, ix in guides_of.items()}
        self._per_length: dict[int, _LengthTerms] = {}

    def _length_terms(self, n_turn: int) -> _LengthTerms:
        """The length-only factors of the score for a turn of `n_turn` content words (cached:
        they are the same arrays for every turn of that length)."""
        terms = self._per_length.get(n_turn)
        if terms is None:
            short = np.minimum(1.0, (self.lengths + 2) / n_turn)
            partial_weight = 0.6 * 0.25 * short
            set_factor = 0.4 + 0.6 * short
            terms = _LengthTerms(
                set_factor,
                np.minimum(1.0, (self.lengths + 3) / n_turn),
                partial_weight,
                100.0 * partial_weight,
                0.6 * 0.45 * 100.0 * set_factor,
                partial_weight.tolist(),
                set_factor.tolist(),
            )
            if len(self._per_length) < 1000:
                self._per_length[n_turn] = terms
        return terms

    def scores(
        self,
        text: str,
        *,
        bonus: np.ndarray | None = None,
        scale: np.ndarray | None = None,
        margin: float | None = None,
    ) -> np.ndarray:
        """A 0-100 score per guide code (order of `self.ids`).

        With `margin` (and the caller's `bonus` and `scale` per code, so that its final score
        is ``(score / 100 + bonus) * scale``), the costly partial-ratio term is computed only
        for codes that can come within `margin` of the best final score; the others get a
        lower bound (their partial term left out). Scores near the top are always exact.
        """
        parts = self._cheap_parts(text)
        if parts is None:
            return np.zeros(len(self.ids))
        turn, ts, shared, so, cover, terms = parts
        if shared:
            ts[shared] = process.cdist(
                [turn], [self.texts[i] for i in shared], scorer=fuzz.token_set_ratio
            )[0]
        base = _base(ts, so, cover, terms)
        if margin is None:
            todo = np.arange(len(self.texts))
        else:
            add = bonus if bonus is not None else 0.0
            mul = scale if scale is not None else 1.0
            low = (base / 100.0 + add) * mul
            high = ((base + terms.partial_max) / 100.0 + add) * mul
            todo = np.flatnonzero(high >= low.max() - margin)
        pr = np.zeros(len(self.texts))
        if len(todo):
            texts = self.texts
            pr[todo] = process.cdist([turn], [texts[i] for i in todo], scorer=fuzz.partial_ratio)[0]
        return base + terms.partial_weight * pr

    def near_best(
        self,
        text: str,
        *,
        bonus: np.ndarray,
        scale: np.ndarray,
        margin: float,
        floor: float,
    ) -> np.ndarray:
        """0-100 scores like `scores`, exact only where the caller needs them.

        The caller's final score is ``(score / 100 + bonus) * scale`` (`scale` > 0). A code's
        score is exact when its final score is within `margin` of the best final score and
        that best reaches `floor`; every other score is a lower bound (so when nothing reaches
        `floor`, nothing returned does either). Most turns come near few guide texts, so the
        costly measures (token_set_ratio of texts sharing a word, partial_ratio) are computed
        one text at a time, highest upper bound first, until no other text can come near;
        partial_ratio gets the score it must reach as its cutoff.
        """
        parts = self._cheap_parts(text)
        if parts is None:
            return np.zeros(len(self.ids))
        turn, ts, shared, so, cover, terms = parts
        texts = self.texts
        # bounds: a token_set_ratio not yet computed lies in [0, 100], a partial_ratio too
        if shared:
            ts[shared] = 0.0
        base = _base(ts, so, cover, terms)  # exact where ts is, else a lower bound
        room = base + terms.partial_max
        if shared:
            room[shared] += terms.set_max[shared]
        highs = ((room / 100.0 + bonus) * scale).tolist()
        best = float(((base / 100.0 + bonus) * scale).max())  # at most the best final score
        # Below `limit` a code's exact final score is neither within margin of the best nor
        # (when the best is below floor) needed at all. The slack covers rounding.
        limit = max(best, floor) - margin - _SLACK
        todo = [i for i, h in enumerate(highs) if h >= limit]
        todo.sort(key=highs.__getitem__, reverse=True)  # highest bound first
        if not todo:
            return base  # every token_set_ratio left out is of a text far from the best
        pr = np.zeros(len(texts))
        # plain floats from here: a few codes, one at a time
        pending = set(shared)
        bases = base.tolist()
        adds, muls = bonus.tolist(), scale.tolist()
        weights = terms.partial_weights
        set_factors = terms.set_factors
        for i in todo:
            if highs[i] < limit:
                break
            b, add, mul, weight = bases[i], adds[i], muls[i], weights[i]
            if i in pending:
                found = fuzz.token_set_ratio(turn, texts[i])
                ts[i] = found  # float32, as cdist gives
                b += 0.6 * 0.45 * float(ts[i]) * set_factors[i]  # ~ base with it
                final = (b / 100.0 + add) * mul
                if final > best:
                    best = final
                    limit = max(best, floor) - margin - _SLACK
                if ((b + 100.0 * weight) / 100.0 + add) * mul < limit:
                    continue
            # the partial_ratio that lifts the final score to the limit
            need = ((limit / mul - add) * 100.0 - b) / weight - 0.01
            if need > 100.0:
                continue
            found = fuzz.partial_ratio(turn, texts[i], score_cutoff=max(0.0, need))
            if found:  # at least the cutoff: exact
                pr[i] = found = float(np.float32(found))  # cdist's precision
                final = ((b + weight * found) / 100.0 + add) * mul
                if final > best:
                    best = final
                    limit = max(best, floor) - margin - _SLACK
        return _base(ts, so, cover, terms) + terms.partial_weight * pr

    def _cheap_parts(self, text: str) -> _TurnParts | None:
        """A turn's content, and the measures that are cheap for all guide texts at once.

        `ts` holds token_set_ratio for texts sharing no word with the turn (where it equals
        the plain ratio of the sorted word sets); `shared` lists the others, still to do.
        """
        turn = content(text)
        if not turn or not self.texts:
            return None
        split = turn.split()
        words = set(split)
        sorted_turn = " ".join(sorted(split))
        # token_sort_ratio, with the guide texts' words sorted once
        so = process.cdist([sorted_turn], self.sorted_texts, scorer=fuzz.ratio)[0]
        if len(words) == len(split):
            # no repeated word: the sorted turn is its sorted word set, so the set ratio
            # equals `so` except for the few guide texts that repeat a word
            ts = so.copy()
            if self._repeating:
                ts[self._repeating] = process.cdist(
                    [sorted_turn], self._repeating_sets, scorer=fuzz.ratio
                )[0]
        else:
            ts = process.cdist([" ".join(sorted(words))], self.set_texts, scorer=fuzz.ratio)[0]
        guides_of = self._guides_of
        shared: set[int] = set()
        for w in words:
            ix = guides_of.get(w)
            if ix is not None:
                shared.update(ix)
        cover = self.cover.coverage(words)
        return _TurnParts(turn, ts, sorted(shared), so, cover, self._length_terms(len(split)))

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
        order = np.argsort(-sc, kind="stable")[:n]
        return [QuestionMatch(self.ids[i], float(sc[i])) for i in order]


def looks_like_question(text: str) -> bool:
    """A short paragraph ending in a question mark (for transcripts with no speaker labels)."""
    stripped = text.strip()
    return stripped.endswith("?") and len(stripped.split()) <= 60
