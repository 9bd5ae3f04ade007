"""Fit how the relation evidence sources combine, and say how well that generalises.

The relation of a passage is the argmax over politicians/ceo/units of a weighted sum of
evidence sources (`relations.SOURCES`: relation words, speaker role, the question asked, ...).
The weights used to be set by hand. Here they are fitted as a conditional logit (one
coefficient per source, shared by the three relations, L2-penalised) on a gold set, and
judged by leave-one-transcript-out cross-validation with the real suggester, so a figure is
never one the fit has seen. The shipped `RELATION_COEFFICIENTS` come from this command:

    python -m coder.tagging.fit_relations [--gold tests/tagging/gold] [--transcripts transcripts]

The "previous answer" source depends on the coefficients themselves, so fitting alternates:
collect evidence with the current coefficients, fit, collect again (a few rounds).
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coder.codebook.model import Codebook
from coder.domain import Relation
from coder.tagging.evaluate import (
    GoldLabel,
    GoldTranscript,
    Parsed,
    load_gold,
    parse_gold,
    run_suggester,
    score_runs,
)
from coder.tagging.relations import RELATION_COEFFICIENTS, SOURCES, RelationEvidence
from coder.tagging.suggest import SegmentInput, Suggester

_RELS = list(Relation)
# What is fitted: one coefficient per group of sources. The relation-word sources share one,
# so their proportions stay those of the design (a word near stab/støtte counts 1.5 times, an
# EXTRA_TERMS word 0.4): the gold set is interview turns, where the speaker and the question
# carry much of the relation, and fitting the word sources apart there would tune them away
# for plain text, where words are all there is.
# "learned" is not fitted: the gold set is scored without decisions, so it never occurs.
GROUPS: dict[str, tuple[str, ...]] = {
    "words": ("lexicon", "near", "word"),
    **{s: (s,) for s in SOURCES if s not in ("lexicon", "near", "word", "learned")},
}
L2 = 1.0  # penalty on coefficients (the sources are on comparable scales: ~0-2 per passage)
ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Sample:
    """One gold answer: its evidence per source and relation, the gold relation, its group."""

    features: np.ndarray  # (len(GROUPS), 3)
    gold: int
    group: str  # transcript (or passage batch) it comes from: the unit of cross-validation
    key: str


class _Recorder:
    """Wraps a RelationScorer to keep the evidence of the latest segment."""

    def __init__(self, scorer: Any) -> None:
        self._scorer = scorer
        self.last: RelationEvidence | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scorer, name)

    def evidence(self, *args: Any, **kwargs: Any) -> RelationEvidence:
        ev = self._scorer.evidence(*args, **kwargs)
        self.last = ev
        return ev


def _matrix(ev: RelationEvidence) -> np.ndarray:
    m = np.zeros((len(GROUPS), len(_RELS)))
    for g, sources in enumerate(GROUPS.values()):
        for source in sources:
            part = ev.parts.get(source)
            if part:
                m[g] += [part[r] for r in _RELS]
    return m


def _coefficients(vec: np.ndarray) -> dict[str, float]:
    out = dict(RELATION_COEFFICIENTS)
    for v, sources in zip(vec, GROUPS.values(), strict=True):
        for source in sources:
            out[source] = round(float(v), 3)
    return out


def _group(label: GoldLabel) -> str:
    name = label.key.rsplit(":", 1)[0]
    if name == "extra":  # hand-written passages: five groups by id, like five small files
        return f"extra-{zlib.crc32(label.key.encode()) % 5}"
    return name


def collect(codebook: Codebook, nlp: Any, parsed: Parsed, coef: dict[str, float]) -> list[Sample]:
    """Evidence of every gold answer with a relation, running the suggester with `coef`."""
    suggester = Suggester(codebook, nlp, relation_coefficients=coef)
    recorder = _Recorder(suggester.relations)
    suggester.relations = recorder  # type: ignore[assignment]
    out: list[Sample] = []
    for it, docs in zip(parsed.items, parsed.docs, strict=True):
        for i, _ in enumerate(suggester.iter_suggest(it.segments, docs=docs)):
            label = it.gold.get(i)
            if label is None or label.relation is None or recorder.last is None:
                continue
            out.append(
                Sample(
                    _matrix(recorder.last), _RELS.index(label.relation), _group(label), label.key
                )
            )
    return out


def fit(
    samples: Sequence[Sample], *, l2: float = L2, start: np.ndarray | None = None
) -> np.ndarray:
    """Non-negative coefficients maximising the penalised conditional-logit likelihood.

    Non-negative because every source is evidence *for* a relation: a negative weight would
    let a relation word count against its own relation wherever the other sources are absent
    (in a plain report paragraph, say). Newton steps; a coefficient that wants to go below
    zero is held at zero and the rest refitted.
    """
    f = np.stack([s.features for s in samples])  # (n, S, 3)
    y = np.eye(f.shape[2])[np.array([s.gold for s in samples])]
    free = np.ones(f.shape[1], dtype=bool)
    c = np.ones(f.shape[1]) if start is None else np.maximum(start, 0.0)
    for _ in range(len(free)):
        c[~free] = 0.0
        for _ in range(50):
            z = np.einsum("s,nsk->nk", c, f)
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            grad = np.einsum("nsk,nk->s", f, y - p) - l2 * c
            mean = np.einsum("nsk,nk->ns", f, p)
            hess = np.einsum("nsk,ntk,nk->st", f, f, p) - np.einsum("ns,nt->st", mean, mean)
            hess += l2 * np.eye(len(c))
            idx = np.flatnonzero(free)
            step = np.linalg.solve(hess[np.ix_(idx, idx)], grad[idx])
            c[idx] += step
            if np.abs(step).max() < 1e-6:
                break
        negative = free & (c < 0)
        if not negative.any():
            break
        free &= ~negative
    c[~free] = 0.0
    return c


def accuracy(
    codebook: Codebook, nlp: Any, parsed: Parsed, coef: dict[str, float]
) -> dict[str, Any]:
    """Relation top-1 per split with the real suggester (tagging-eval's own scoring)."""
    results = run_suggester(Suggester(codebook, nlp, relation_coefficients=coef), parsed)
    out: dict[str, Any] = {}
    for split in ("dev", "test"):
        sc = score_runs(codebook, results.values(), keep=lambda g, s=split: g.split == s)
        out[split] = sc.summary()["relation_top1"]
    every = score_runs(codebook, results.values())
    out["all"] = every.summary()["relation_top1"]
    out["n"] = every.n_rel
    out["right"] = every.rel_correct
    return out


def fit_rounds(
    codebook: Codebook, nlp: Any, parsed: Parsed, *, l2: float = L2, rounds: int = ROUNDS
) -> dict[str, float]:
    """Fit, re-collect with the new coefficients (the previous-answer source moves), refit."""
    coef = dict(RELATION_COEFFICIENTS)
    vec: np.ndarray | None = None
    for _ in range(rounds):
        samples = collect(codebook, nlp, parsed, coef)
        vec = fit(samples, l2=l2, start=vec)
        coef = _coefficients(vec)
    return coef


def plain_version(parsed: Parsed) -> Parsed:
    """Every gold segment alone, with no speaker and no question before it: a paragraph of a
    plain text file, a quote in a report. Fitting on both versions keeps the coefficients
    good where the context is missing, not only where the interview supplies it."""
    items: list[GoldTranscript] = []
    docs: list[list[Any]] = []
    for it, d in zip(parsed.items, parsed.docs, strict=True):
        for i, label in sorted(it.gold.items()):
            items.append(
                GoldTranscript(
                    f"{it.name}~plain{i}", [SegmentInput(it.segments[i].text)], {0: label}
                )
            )
            docs.append([d[i]])
    return Parsed(items, docs)


def _merge(*parts: Parsed) -> Parsed:
    return Parsed([i for p in parts for i in p.items], [d for p in parts for d in p.docs])


def _subset(parsed: Parsed, keep: set[str]) -> Parsed:
    items, docs = [], []
    for it, d in zip(parsed.items, parsed.docs, strict=True):
        gold = {i: g for i, g in it.gold.items() if _group(g) in keep}
        if gold:
            items.append(type(it)(it.name, it.segments, gold))
            docs.append(d)
    return Parsed(items, docs)


def cross_validate(
    codebook: Codebook, nlp: Any, parsed: Parsed, *, l2: float = L2, rounds: int = ROUNDS
) -> dict[str, Any]:
    """Leave one transcript out: fit on the others (in context and plain), score the held-out
    one in both versions; pooled accuracy per version."""
    plain = plain_version(parsed)
    both = _merge(parsed, plain)
    groups = sorted({_group(g) for it in parsed.items for g in it.gold.values()})
    right = {"context": 0, "plain": 0}
    n = {"context": 0, "plain": 0}
    per: dict[str, float] = {}
    for g in groups:
        coef = fit_rounds(codebook, nlp, _subset(both, set(groups) - {g}), l2=l2, rounds=rounds)
        for name, version in (("context", parsed), ("plain", plain)):
            acc = accuracy(codebook, nlp, _subset(version, {g}), coef)
            right[name] += acc["right"]
            n[name] += acc["n"]
            if name == "context":
                per[g] = acc["all"]
    return {
        "cv_accuracy": round(right["context"] / n["context"], 3) if n["context"] else 0.0,
        "cv_accuracy_plain": round(right["plain"] / n["plain"], 3) if n["plain"] else 0.0,
        "n": n["context"],
        "per_group": per,
    }


def main(argv: Sequence[str] | None = None) -> None:
    from coder.codebook.loader import default_codebook
    from coder.tagging.pipeline import load_pipeline

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path("tests/tagging/gold"))
    ap.add_argument("--transcripts", type=Path, default=Path("transcripts"))
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = ap.parse_args(argv)
    codebook = default_codebook()
    nlp = load_pipeline(allow_blank=False).nlp
    items, _ = load_gold(args.gold, args.transcripts)
    parsed = parse_gold(nlp, items)
    plain = plain_version(parsed)
    shipped = RELATION_COEFFICIENTS
    report: dict[str, Any] = {
        "shipped": {
            "coefficients": shipped,
            "accuracy": accuracy(codebook, nlp, parsed, shipped),
            "accuracy_plain": accuracy(codebook, nlp, plain, shipped),
        }
    }
    coef = fit_rounds(codebook, nlp, _merge(parsed, plain), l2=args.l2)
    report["fitted"] = {
        "coefficients": coef,
        "accuracy": accuracy(codebook, nlp, parsed, coef),
        "accuracy_plain": accuracy(codebook, nlp, plain, coef),
    }
    if not args.no_cv:
        report["fitted"]["cross_validation"] = cross_validate(codebook, nlp, parsed, l2=args.l2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
