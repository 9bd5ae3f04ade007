"""Lexicon matching: codebook lemmas and phrases found in a parsed segment, compounds and typos included.

Each code's lexicon (``lemmas`` and ``phrases`` in the codebook) is compiled once into
lookup tables. A token matches when one of its candidate forms (lemma, text, stripped
inflection; see `normalise`) equals a lexicon lemma; otherwise when it is a Norwegian
compound whose head or first part is a lexicon lemma of at least five letters
(``stabsfunksjonene``, ``politikerrollen``), with a lower weight; otherwise when it is
within a small edit distance of a lexicon lemma (typos, spelling variants), lower still.
Results are cached per word form, so a long transcript costs little beyond parsing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from spacy.attrs import LEMMA, ORTH

from coder.codebook.model import Codebook
from coder.tagging.normalise import STOPWORDS, candidates, token_forms

# "text": a word of the code's own label, question or description (see code_terms)
KIND_WEIGHT = {"lemma": 1.0, "phrase": 1.6, "compound": 0.6, "fuzzy": 0.5, "text": 0.4}
MIN_AFFIX = 5  # shortest lexicon lemma that may be the head or first part of a compound
MIN_REST = 3  # shortest other part of a compound
FUZZY_MIN_LEN = 6  # shorter words are too easily confused
FUZZY_CUTOFF = 87.0  # rapidfuzz ratio (0-100) a typo must reach
LINKERS = ("s", "e")
SENTENCE_END = frozenset(
    {".", "?", "!", "…"}
)  # Bokmål compound joints: rådmanns-, virksomhets-, nærings-


class Hit(NamedTuple):
    """One lexicon match: which term of which codes, where (token indices), how strong.

    A named tuple rather than a frozen dataclass: a transcript makes tens of thousands.
    """

    kind: str  # lemma | phrase | compound | fuzzy | text
    term: str  # the lexicon entry that matched
    codes: tuple[str, ...]
    start: int  # token index in the doc, end exclusive
    end: int
    weight: float
    surface: str = ""  # the words as spoken (for compound/fuzzy evidence)

    def evidence(self) -> str:
        if self.kind in ("compound", "fuzzy") and self.surface and self.surface != self.term:
            return f"{self.kind}:{self.surface}~{self.term}"
        return f"{self.kind}:{self.term}"


class Word(NamedTuple):
    """A word of the doc as the matcher sees it: forms to compare, token index, surface text."""

    forms: tuple[str, ...]
    index: int
    text: str
    sent: int = 0  # sentence number within the segment


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    parts: tuple[frozenset[str], ...]  # candidate forms per word
    codes: tuple[str, ...]


@lru_cache(maxsize=200_000)
def word_entries(text: str, lemma: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(forms, surface) for a token, hyphenated words split into their parts; () for
    punctuation and space. Cached: a transcript repeats most of its words."""
    stripped = text.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return ()
    if "-" in text and not text.startswith("-") and not text.endswith("-"):
        return tuple((candidates(part.lower()), part) for part in text.split("-") if part)
    return ((token_forms(text, lemma), text),)


_MISSING: Any = object()
_SENTENCE_END_ENTRY: tuple[tuple[tuple[str, ...], str], ...] | None = None
_ENTRY_CACHE: dict[tuple[int, int], tuple[tuple[tuple[str, ...], str], ...] | None] = {}


def doc_words(doc: Any) -> list[Word]:
    """The words of a spaCy Doc (punctuation dropped, hyphenated words split into parts).

    Entries are cached by the (text, lemma) hash pair, which is the same in every vocab, so
    a repeated word costs one dictionary lookup; ``None`` in the cache marks a sentence end.
    """
    strings = doc.vocab.strings
    out: list[Word] = []
    append = out.append
    cache = _ENTRY_CACHE
    new = tuple.__new__  # Word(...) without the named tuple's Python-level __new__
    sent = 0
    for i, key in enumerate(map(tuple, doc.to_array([ORTH, LEMMA]).tolist())):
        entries = cache.get(key, _MISSING)
        if entries is _MISSING:
            orth, lemma = key
            text = strings[orth]
            if text in SENTENCE_END:
                entries = _SENTENCE_END_ENTRY
            else:
                entries = word_entries(text, strings[lemma] if lemma else "")
            if len(cache) < 200_000:
                cache[key] = entries
        if entries is None:
            sent += 1
            continue
        for forms, surface in entries:
            append(new(Word, (forms, i, surface, sent)))
    return out


class LexiconIndex:
    """Compiled lexicons of a codebook; `match(doc)` lists the hits in a parsed segment."""

    def __init__(
        self,
        codebook: Codebook,
        *,
        fuzzy: bool = True,
        text_terms: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        lemma_codes: dict[str, list[str]] = defaultdict(list)
        phrase_codes: dict[str, list[str]] = defaultdict(list)
        for code in codebook:
            for lemma in code.lexicon.lemmas:
                key = lemma.strip().lower()
                if key and code.id not in lemma_codes[key]:
                    lemma_codes[key].append(code.id)
            for phrase in code.lexicon.phrases:
                key = " ".join(phrase.lower().replace("-", " - ").split())
                if key and code.id not in phrase_codes[key]:
                    phrase_codes[key].append(code.id)
        self.lemma_codes: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in lemma_codes.items()}
        # A term shared by many codes says less about any one of them.
        self.specificity: dict[str, float] = {
            k: 1.0 / len(v) ** 0.5 for k, v in self.lemma_codes.items()
        }
        self.affixes = {k for k in self.lemma_codes if len(k) >= MIN_AFFIX}
        self._lemma_list = sorted(self.lemma_codes)
        self.fuzzy = fuzzy
        self.phrases_by_first: dict[str, list[_Phrase]] = defaultdict(list)
        for text, codes in phrase_codes.items():
            words = [w for w in text.replace(" - ", " ").split() if w]
            if len(words) < 2:
                # a one-word phrase is a lemma in disguise
                self.lemma_codes.setdefault(words[0], tuple(codes))
                self.specificity.setdefault(words[0], 1.0 / len(codes) ** 0.5)
                continue
            parts = tuple(frozenset(candidates(w)) for w in words)
            ph = _Phrase(text.replace(" - ", "-"), parts, tuple(codes))
            for first in parts[0]:
                self.phrases_by_first[first].append(ph)
            self.specificity[ph.text] = 1.0 / len(codes) ** 0.5
        # Words of the codes' own texts: matched as whole words only (no compounds, no typos).
        self.text_terms: frozenset[str] = frozenset()
        if text_terms:
            extra = {t: ids for t, ids in text_terms.items() if t not in self.lemma_codes}
            self.lemma_codes.update(extra)
            self.specificity.update({t: 1.0 / len(ids) ** 0.5 for t, ids in extra.items()})
            self.text_terms = frozenset(extra)
        self._cache: dict[tuple[str, ...], tuple[str, str, str] | None] = {}
        self._word_cache: dict[tuple[str, ...], tuple[tuple[_Phrase, ...], Hit | None]] = {}

    # -- single words ---------------------------------------------------------------------

    def lookup(self, forms: tuple[str, ...]) -> tuple[str, str, str] | None:
        """(kind, term, matched form) for a word's forms, or None; cached per form tuple."""
        try:
            return self._cache[forms]
        except KeyError:
            pass
        result = self._lookup(forms)
        if len(self._cache) < 500_000:
            self._cache[forms] = result
        return result

    def _lookup(self, forms: tuple[str, ...]) -> tuple[str, str, str] | None:
        surface = forms[0]
        if surface in STOPWORDS or not surface.isalpha():
            return None
        text = self.text_terms
        for f in forms:
            if f in self.lemma_codes and f not in text:
                return ("lemma", f, surface)
        if text:  # a curated lemma wins over a code-text word ("rådmannen" is lemma:rådmann)
            for f in forms:
                if f in text:
                    return ("text", f, surface)
        best: tuple[int, str] | None = None
        for f in forms:
            for term in self._affix_terms(f):
                if best is None or len(term) > best[0]:
                    best = (len(term), term)
        if best is not None:
            return ("compound", best[1], surface)
        if self.fuzzy and len(surface) >= FUZZY_MIN_LEN:
            found = process.extractOne(
                surface, self._lemma_list, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if found is None and len(forms) > 1:
                found = process.extractOne(
                    forms[1], self._lemma_list, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                )
            if found is not None and abs(len(found[0]) - len(surface)) <= 3:
                return ("fuzzy", str(found[0]), surface)
        return None

    def _affix_terms(self, form: str) -> Iterable[str]:
        """Lexicon lemmas (>= 5 letters) that are the head or first part of a compound form."""
        n = len(form)
        for i in range(MIN_REST, n - MIN_AFFIX + 1):
            tail = form[i:]
            if tail in self.affixes:
                yield tail
        for j in range(MIN_AFFIX, n - MIN_REST + 1):
            head = form[:j]
            if head in self.affixes:
                yield head
            elif head[-1] in LINKERS and head[:-1] in self.affixes and len(head) - 1 >= MIN_AFFIX:
                yield head[:-1]

    # -- a whole doc ----------------------------------------------------------------------

    def word_entry(self, forms: tuple[str, ...]) -> tuple[tuple[_Phrase, ...], Hit | None]:
        """The phrases a word may start and its single-word hit (index 0), cached per forms."""
        try:
            return self._word_cache[forms]
        except KeyError:
            pass
        found: dict[int, _Phrase] = {}
        for f in forms:
            for ph in self.phrases_by_first.get(f, ()):
                found.setdefault(id(ph), ph)
        match = self.lookup(forms)
        single = None
        if match is not None:
            kind, term, surface = match
            weight = KIND_WEIGHT[kind] * self.specificity[term]
            single = Hit(kind, term, self.lemma_codes[term], 0, 1, weight, surface)
        entry = (tuple(found.values()), single)
        if len(self._word_cache) < 500_000:
            self._word_cache[forms] = entry
        return entry

    def match_words(
        self,
        words: Sequence[Word],
        *,
        sparse: Sequence[tuple[int, tuple[tuple[_Phrase, ...], Hit | None]]] | None = None,
    ) -> list[Hit]:
        """All hits among `words`: phrases first, then single words not inside a phrase.

        `sparse` may list (position, `word_entry(forms)`) for just the words whose entry
        is not empty, already looked up.
        """
        if sparse is None:
            cache = self._word_cache
            sparse = [
                (i, e)
                for i, w in enumerate(words)
                if (e := cache.get(w.forms) or self.word_entry(w.forms))[0] or e[1] is not None
            ]
        hits: list[Hit] = []
        covered: set[int] = set()
        n = len(words)
        for i, (starting, _) in sparse:
            for ph in starting:
                k = len(ph.parts)
                if i + k > n:
                    continue
                parts = ph.parts
                if parts[1].isdisjoint(words[i + 1].forms):
                    continue  # most candidates fail on their second word
                if k == 2 or not any(parts[j].isdisjoint(words[i + j].forms) for j in range(2, k)):
                    hits.append(
                        Hit(
                            "phrase",
                            ph.text,
                            ph.codes,
                            words[i].index,
                            words[i + k - 1].index + 1,
                            KIND_WEIGHT["phrase"] * self.specificity[ph.text],
                        )
                    )
                    covered.update(range(i, i + k))
        new = tuple.__new__  # Hit(...) without the named tuple's Python-level __new__
        for i, (_, single) in sparse:
            if single is not None and i not in covered:
                index = words[i].index
                kind, term, codes, _, _, weight, surface = single
                hits.append(new(Hit, (kind, term, codes, index, index + 1, weight, surface)))
        return hits

    def match(self, doc: Any) -> list[Hit]:
        return self.match_words(doc_words(doc))
