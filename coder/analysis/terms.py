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

How large a z chance gives: with many terms, some pass any fixed line (|z| > 2) by chance alone.
`term_analysis` therefore shuffles the relation labels (across all coded informant segments, or
within each interview, keeping every relation's segment count) `runs` times with a fixed seed,
records each run's largest z per relation, and takes the 95th percentile of those maxima as the
relation's threshold: a term above it beats what 95 % of shuffles produce for their best term.
Per term it also counts the interviews, speakers and municipalities its uses come from, and
flags a term when at least `CONCENTRATED` of its uses come from one speaker, one interview or
one municipality (the narrowest is named): such a term is someone's vocabulary, not a relation's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coder.analysis.stopwords import norwegian_stop_words

Analyzer = Callable[[Sequence[str]], list[list[str]]]
KEEP_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
DEFAULT_PRIOR = 1000.0
DEFAULT_RUNS = 200
DEFAULT_SEED = 22
QUANTILE = 0.95
CONCENTRATED = 0.75  # share of a term's uses from one unit that flags it
SHUFFLES = ("segments", "within")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class TermScore:
    term: str
    z: float
    delta: float
    count: int  # in the group
    rest: int  # in the other groups
    interviews: int = 0  # interviews of the group's segments the term comes from
    speakers: int = 0
    municipalities: int = 0
    concentrated: str | None = None  # "speaker", "interview" or "municipality"
    top_share: float = 0.0  # share of the uses from that one unit
    clears: bool = False  # z above the relation's permutation threshold


@dataclass(frozen=True, slots=True)
class SegmentText:
    """One coded informant segment as a unit of text for one relation."""

    relation: str
    segment_id: int
    transcript_id: int
    case: str | None
    speaker: int | None  # participant id
    text: str


@dataclass(frozen=True, slots=True)
class TermNull:
    """The shuffle behind the thresholds: how it was run and what chance gave."""

    shuffle: str
    runs: int
    seed: int
    quantile: float
    thresholds: dict[str, float]  # per relation: the quantile of the per-run largest z
    mean_max: dict[str, float]  # per relation: the mean of the per-run largest z

    def describe(self) -> str:
        how = "across all segments" if self.shuffle == "segments" else "within each interview"
        return (
            f"threshold = {self.quantile * 100:.0f}th percentile of the largest z per run, relation "
            f"labels shuffled {how}, {self.runs} runs, seed {self.seed}"
        )


@dataclass(frozen=True, slots=True)
class TermsResult:
    terms: dict[str, list[TermScore]]
    null: TermNull | None
    segments: dict[str, int] = field(default_factory=dict)  # coded segments per relation


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
                    # Proper nouns stay out of chunks: lower-cased there, a person's name
                    # would no longer be recognised (they are terms of their own above).
                    words = [
                        (t.lemma_ or t.text).lower()
                        for t in chunk
                        if not t.is_punct
                        and not t.is_stop
                        and t.pos_ in KEEP_POS
                        and t.pos_ != "PROPN"
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


def _z(counts: np.ndarray, a_w: np.ndarray, a0: float) -> tuple[np.ndarray, np.ndarray]:
    """(delta, z) for every group (rows) and term (columns) of a count matrix, each group
    against the pooled rest, with prior pseudo-counts `a_w` (total `a0`)."""
    n = counts.sum(axis=-1, keepdims=True)
    pooled = counts.sum(axis=-2, keepdims=True)
    y_i, y_j = counts, pooled - counts
    n_j = n.sum(axis=-2, keepdims=True) - n
    rest_i = np.maximum(n + a0 - y_i - a_w, 1e-9)
    rest_j = np.maximum(n_j + a0 - y_j - a_w, 1e-9)
    delta = np.log((y_i + a_w) / rest_i) - np.log((y_j + a_w) / rest_j)
    var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
    return delta, delta / np.sqrt(var)


def _prior(
    vocab: Sequence[str], pooled: np.ndarray, prior: Counter[str] | None, prior_scale: float | None
) -> tuple[np.ndarray, float]:
    if prior is None:
        bg = pooled.astype(float)
    else:
        bg = np.array([prior.get(t, 0) for t in vocab], dtype=float)
    bg_total = float(sum(prior.values())) if prior is not None else float(bg.sum())
    a0 = float(prior_scale) if prior_scale is not None else bg_total
    a_w = a0 * bg / bg_total if bg_total else np.zeros(len(vocab))
    missing = a_w <= 0  # a term missing from a supplied background
    a_w[missing] = a0 / (bg_total + len(vocab)) if bg_total + len(vocab) else 1.0
    return a_w, a0


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
    groups = list(counts)
    vocab = sorted({t for c in counts.values() for t in c})
    if not vocab or (prior is not None and sum(prior.values()) == 0):
        return {g: [] for g in groups}
    index = {t: i for i, t in enumerate(vocab)}
    m = np.zeros((len(groups), len(vocab)))
    for gi, g in enumerate(groups):
        for t, c in counts[g].items():
            m[gi, index[t]] = c
    a_w, a0 = _prior(vocab, m.sum(axis=0), prior, prior_scale)
    delta, z = _z(m, a_w, a0)
    pooled = m.sum(axis=0)
    out: dict[str, list[TermScore]] = {}
    for gi, g in enumerate(groups):
        scores = [
            TermScore(vocab[i], float(z[gi, i]), float(delta[gi, i]), int(m[gi, i]),
                      int(pooled[i] - m[gi, i]))
            for i in np.flatnonzero(m[gi] > 0)
        ]  # fmt: skip
        scores.sort(key=lambda s: (-s.z, s.term))
        out[g] = scores
    return out


def shuffled_labels(
    labels: np.ndarray, blocks: np.ndarray | None, runs: int, seed: int
) -> Iterable[np.ndarray]:
    """`runs` permutations of `labels` (seeded); with `blocks`, only within each block."""
    rng = np.random.default_rng(seed)
    for _ in range(runs):
        if blocks is None:
            yield labels[rng.permutation(len(labels))]
        else:
            order = np.lexsort((rng.random(len(labels)), blocks))  # shuffled inside each block
            by_block = np.lexsort((np.arange(len(labels)), blocks))
            out = np.empty_like(labels)
            out[by_block] = labels[order]
            yield out


def null_max_z(
    unit_labels: np.ndarray,
    token_unit: np.ndarray,
    token_term: np.ndarray,
    n_groups: int,
    n_terms: int,
    a_w: np.ndarray,
    a0: float,
    *,
    blocks: np.ndarray | None,
    runs: int,
    seed: int,
) -> np.ndarray:
    """Per run (rows) and group (columns): the largest z among the group's terms after the
    unit labels were shuffled."""
    out = np.full((runs, n_groups), np.nan)
    for r, labels in enumerate(shuffled_labels(unit_labels, blocks, runs, seed)):
        flat = labels[token_unit] * n_terms + token_term
        counts = np.bincount(flat, minlength=n_groups * n_terms).reshape(n_groups, n_terms)
        _d, z = _z(counts.astype(float), a_w, a0)
        z = np.where(counts > 0, z, -np.inf)
        best = z.max(axis=1)
        out[r] = np.where(np.isfinite(best), best, np.nan)
    return out


def _spread(units: np.ndarray) -> tuple[int, float]:
    """How many distinct units, and the share of the most frequent one."""
    if len(units) == 0:
        return 0, 0.0
    _u, c = np.unique(units, return_counts=True)
    return len(c), float(c.max() / len(units))


def term_analysis(
    segments: Sequence[SegmentText],
    groups: Sequence[str],
    *,
    analyzer: Analyzer | None = None,
    top: int = 20,
    prior_scale: float | None = DEFAULT_PRIOR,
    drop: Iterable[str] = (),
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    shuffle: str = "segments",
    min_interviews: int = 1,
    quantile: float = QUANTILE,
) -> TermsResult:
    """Distinctive terms of each group (relation) against the rest, with a shuffle threshold
    (`runs` = 0: none) and per term the interviews, speakers and municipalities behind it."""
    if shuffle not in SHUFFLES:
        raise ValueError(f"shuffle must be one of {', '.join(SHUFFLES)}, not {shuffle!r}")
    group_list = list(groups)
    units = [s for s in segments if s.relation in group_list]
    seen: dict[int, int] = {}
    texts: list[str] = []
    for s in units:
        if s.segment_id not in seen:
            seen[s.segment_id] = len(texts)
            texts.append(s.text)
    analysed = (analyzer or default_analyzer())(texts) if texts else []
    banned = {d.casefold() for d in drop}
    vocab_index: dict[str, int] = {}
    tok_unit: list[int] = []
    tok_term: list[int] = []
    for u, s in enumerate(units):
        for t in analysed[seen[s.segment_id]]:
            if banned and set(t.casefold().split()) & banned:
                continue
            tok_unit.append(u)
            tok_term.append(vocab_index.setdefault(t, len(vocab_index)))
    vocab = list(vocab_index)
    seg_counts = {g: sum(1 for s in units if s.relation == g) for g in group_list}
    if not vocab:
        return TermsResult({g: [] for g in group_list}, None, seg_counts)
    token_unit = np.array(tok_unit, dtype=np.int64)
    token_term = np.array(tok_term, dtype=np.int64)
    labels = np.array([group_list.index(s.relation) for s in units], dtype=np.int64)
    n_g, n_v = len(group_list), len(vocab)
    counts = np.bincount(labels[token_unit] * n_v + token_term, minlength=n_g * n_v)
    counts = counts.reshape(n_g, n_v).astype(float)
    a_w, a0 = _prior(vocab, counts.sum(axis=0), None, prior_scale)
    delta, z = _z(counts, a_w, a0)
    null: TermNull | None = None
    thresholds = dict.fromkeys(group_list, math.nan)
    if runs > 0:
        blocks = None
        if shuffle == "within":
            blocks = np.array([s.transcript_id for s in units], dtype=np.int64)
        maxima = null_max_z(
            labels, token_unit, token_term, n_g, n_v, a_w, a0,
            blocks=blocks, runs=runs, seed=seed,
        )  # fmt: skip
        for gi, g in enumerate(group_list):
            col = maxima[:, gi][~np.isnan(maxima[:, gi])]
            thresholds[g] = float(np.quantile(col, quantile)) if len(col) else math.nan
        null = TermNull(
            shuffle=shuffle,
            runs=runs,
            seed=seed,
            quantile=quantile,
            thresholds=thresholds,
            mean_max={
                g: float(np.nanmean(maxima[:, gi])) if np.isfinite(maxima[:, gi]).any() else math.nan
                for gi, g in enumerate(group_list)
            },
        )
    tr = np.array([s.transcript_id for s in units], dtype=np.int64)
    # A segment without a speaker counts as its own interview's unknown speaker.
    sp = np.array(
        [s.speaker if s.speaker is not None else -1 - s.transcript_id for s in units],
        dtype=np.int64,
    )
    case_names = sorted({s.case or "" for s in units})
    cs = np.array([case_names.index(s.case or "") for s in units], dtype=np.int64)
    token_label = labels[token_unit]
    out: dict[str, list[TermScore]] = {}
    for gi, g in enumerate(group_list):
        mine = np.flatnonzero(token_label == gi)
        by_term = mine[np.argsort(token_term[mine], kind="stable")]
        bounds = np.searchsorted(token_term[by_term], np.arange(n_v + 1))
        candidates = [int(i) for i in np.flatnonzero((counts[gi] > 0) & (z[gi] > 0))]
        candidates.sort(key=lambda i: (-z[gi, i], vocab[i]))
        picked: list[TermScore] = []
        for i in candidates:
            if len(picked) >= top:
                break
            uses = token_unit[by_term[bounds[i] : bounds[i + 1]]]
            n_int, int_share = _spread(tr[uses])
            if n_int < min_interviews:
                continue
            n_sp, sp_share = _spread(sp[uses])
            n_cs, cs_share = _spread(cs[uses])
            concentrated, share = None, cs_share
            for name, value in (("speaker", sp_share), ("interview", int_share),
                                ("municipality", cs_share)):  # fmt: skip
                if value >= CONCENTRATED:
                    concentrated, share = name, value
                    break
            picked.append(
                TermScore(
                    term=vocab[i],
                    z=float(z[gi, i]),
                    delta=float(delta[gi, i]),
                    count=int(counts[gi, i]),
                    rest=int(counts[:, i].sum() - counts[gi, i]),
                    interviews=n_int,
                    speakers=n_sp,
                    municipalities=n_cs,
                    concentrated=concentrated,
                    top_share=share,
                    clears=runs > 0 and bool(z[gi, i] > thresholds[g]),
                )
            )
        out[g] = picked
    return TermsResult(out, null, seg_counts)


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
