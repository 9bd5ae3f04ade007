"""Distinctive terms per relation: weighted log-odds with an informative Dirichlet prior.

Method (Monroe, Colaresi and Quinn 2008, "Fightin' Words", section 3.5): for a term w, group i
(one relation) and the rest j (the other relations pooled), with counts y, group sizes n and a
prior alpha_w = alpha0 * (background share of w),

    delta_w = log((y_wi + a_w) / (n_i + a0 - y_wi - a_w)) - log((y_wj + a_w) / (n_j + a0 - y_wj - a_w))
    var(delta_w) ~= 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
    z_w = delta_w / sqrt(var)

The prior shrinks the log-odds of rare terms towards zero, and z ranks terms by how surely they
belong to the group rather than by raw frequency. Terms come from an analyzer: by default the
Norwegian spaCy pipeline's lemmas (NOUN, PROPN, ADJ, VERB; stop words and punctuation dropped)
plus multi-word noun chunks when the pipeline parses; any callable texts -> terms can stand in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coder.analysis.stopwords import norwegian_stop_words

Analyzer = Callable[[Sequence[str]], list[list[str]]]
KEEP_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
DEFAULT_PRIOR = 1000.0
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class TermScore:
    term: str
    z: float
    delta: float
    count: int  # in the group
    rest: int  # in the other groups


def stop_words() -> frozenset[str]:
    """spaCy's Norwegian Bokmål stop list."""
    return norwegian_stop_words()


def simple_analyzer(texts: Sequence[str]) -> list[list[str]]:
    """Lowercased word forms without stop words, digits or one-letter words (no lemmatiser)."""
    stops = stop_words()
    return [
        [w for w in (m.group().lower() for m in _WORD.finditer(t)) if len(w) > 1 and w not in stops]
        for t in texts
    ]


def spacy_analyzer(nlp: Any, *, noun_chunks: bool = True, batch_size: int = 64) -> Analyzer:
    """Terms from a spaCy pipeline: content-word lemmas, plus noun chunks if it has a parser."""
    stops = stop_words()

    def analyse(texts: Sequence[str]) -> list[list[str]]:
        out: list[list[str]] = []
        for doc in nlp.pipe(texts, batch_size=batch_size):
            terms = []
            for tok in doc:
                lemma = (tok.lemma_ or tok.text).strip()
                if (
                    tok.pos_ in KEEP_POS
                    and not tok.is_punct
                    and not tok.is_stop
                    and lemma.lower() not in stops
                    and len(lemma) > 1
                    and not any(ch.isdigit() for ch in lemma)
                ):
                    terms.append(lemma if tok.pos_ == "PROPN" else lemma.lower())
            if noun_chunks and doc.has_annotation("DEP"):
                try:
                    chunks = list(doc.noun_chunks)
                except (NotImplementedError, ValueError):
                    chunks = []
                for chunk in chunks:
                    words = [
                        (t.lemma_ or t.text).lower()
                        for t in chunk
                        if not t.is_punct and not t.is_stop and t.pos_ in KEEP_POS
                    ]
                    if len(words) > 1:
                        terms.append(" ".join(words))
            out.append(terms)
        return out

    return analyse


def default_analyzer() -> Analyzer:
    """The project's Norwegian pipeline if it loads, else the simple word-form analyzer."""
    try:
        from coder import nlp as coder_nlp
    except ImportError:
        return simple_analyzer
    for purpose in ("parse", "tagging"):  # a parser adds noun chunks; lemmas and POS suffice
        try:
            nlp = coder_nlp.load(purpose)  # type: ignore[attr-defined]
        except Exception:  # no pipeline (or not this purpose) in this build
            continue
        return spacy_analyzer(nlp)
    return simple_analyzer


def count_terms(
    texts_by_group: Mapping[str, Sequence[str]], analyzer: Analyzer
) -> dict[str, Counter[str]]:
    return {
        g: Counter(t for terms in analyzer(list(texts)) for t in terms)
        for g, texts in texts_by_group.items()
    }


def log_odds(
    counts: Mapping[str, Counter[str]],
    *,
    prior: Counter[str] | None = None,
    prior_scale: float | None = DEFAULT_PRIOR,
) -> dict[str, list[TermScore]]:
    """Each group against the pooled rest; terms sorted by z, most distinctive first.

    `prior`: background counts (default: all groups pooled); `prior_scale` = alpha0, the prior's
    total weight in pseudo-counts (None = use the background counts as they are).
    """
    pooled: Counter[str] = Counter()
    for c in counts.values():
        pooled.update(c)
    background = prior if prior is not None else pooled
    bg_total = sum(background.values())
    if bg_total == 0:
        return {g: [] for g in counts}
    a0 = float(prior_scale) if prior_scale is not None else float(bg_total)
    out: dict[str, list[TermScore]] = {}
    for group, own in counts.items():
        n_i = sum(own.values())
        n_j = sum(pooled.values()) - n_i
        scores: list[TermScore] = []
        for term in own:
            a_w = a0 * background.get(term, 0) / bg_total
            if a_w <= 0:
                a_w = a0 / (bg_total + len(pooled))  # a term missing from a supplied background
            y_i = own[term]
            y_j = pooled[term] - y_i
            rest_i = max(n_i + a0 - y_i - a_w, 1e-9)
            rest_j = max(n_j + a0 - y_j - a_w, 1e-9)
            delta = math.log((y_i + a_w) / rest_i) - math.log((y_j + a_w) / rest_j)
            var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
            scores.append(TermScore(term, delta / math.sqrt(var), delta, y_i, y_j))
        scores.sort(key=lambda s: (-s.z, s.term))
        out[group] = scores
    return out


def distinctive_terms(
    texts_by_group: Mapping[str, Sequence[str]],
    *,
    analyzer: Analyzer | None = None,
    top: int = 20,
    prior_scale: float | None = DEFAULT_PRIOR,
    drop: Iterable[str] = (),
) -> dict[str, list[TermScore]]:
    """The `top` most distinctive terms of each group; terms in `drop` (e.g. names) are left out."""
    counts = count_terms(texts_by_group, analyzer or default_analyzer())
    banned = {d.casefold() for d in drop}
    if banned:
        counts = {
            g: Counter({t: n for t, n in c.items() if not (set(t.casefold().split()) & banned)})
            for g, c in counts.items()
        }
    scored = log_odds(counts, prior_scale=prior_scale)
    return {g: [s for s in scored[g] if s.z > 0][:top] for g in texts_by_group}
