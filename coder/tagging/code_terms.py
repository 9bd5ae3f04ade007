"""Words of the codebook's own texts as a weak extra lexicon.

A code's label, question text and description say what it is about ("Hva trenger
politikerne fra stab/støtte?"). Their content words, lemmatised by the same pipeline that
parses the transcripts, become low-weight lexicon terms (evidence ``text:<lemma>``) for the
code, unless the curated lexicon already lists them or more than a few codes share them.
This also gives suggestions to codes that have no lexicon at all, such as those of a
codebook imported from another QDA program.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coder.codebook.model import Codebook
from coder.domain import CodeKind
from coder.tagging.normalise import STOPWORDS

MAX_CODES = 5  # a word in the texts of more codes than this says too little about any one
MIN_LEN = 4
CONTENT_POS = frozenset(["NOUN", "PROPN", "ADJ"])


def code_text_terms(codebook: Codebook, nlp: Any) -> dict[str, tuple[str, ...]]:
    """Lemma -> the codes whose own texts use it (relation codes left out: the relation
    lexicons are weighed separately)."""
    codes = [c for c in codebook if c.kind is not CodeKind.RELATION]
    texts = [" ".join(filter(None, (c.label, c.text, c.description))) for c in codes]
    found: dict[str, set[str]] = defaultdict(set)
    for code, doc in zip(codes, nlp.pipe(texts), strict=True):
        for tok in doc:
            if not tok.is_alpha:
                continue
            low = tok.text.lower()
            lemma = (tok.lemma_ or low).lower()
            tagged = bool(tok.pos_)
            if tagged and tok.pos_ not in CONTENT_POS:
                continue
            if low in STOPWORDS or lemma in STOPWORDS:
                continue
            if len(lemma) < (MIN_LEN if tagged else MIN_LEN + 2):
                continue
            found[lemma].add(code.id)
    return {t: tuple(sorted(ids)) for t, ids in found.items() if len(ids) <= MAX_CODES}
