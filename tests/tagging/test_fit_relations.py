"""Fitting the relation-evidence coefficients: the fit itself, and that the shipped ones are its result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coder.codebook.model import Codebook
from coder.domain import Relation
from coder.tagging.fit_relations import GROUPS, Sample, _merge, fit, fit_rounds, plain_version
from coder.tagging.relations import RELATION_COEFFICIENTS, SOURCES, RelationEvidence

ROOT = Path(__file__).resolve().parents[2]


def _samples(true: np.ndarray, n: int, seed: int = 3) -> list[Sample]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        f = rng.exponential(1.0, size=(len(true), 3)) * (rng.random((len(true), 3)) < 0.5)
        z = true @ f
        p = np.exp(z - z.max())
        p /= p.sum()
        out.append(Sample(f, int(rng.choice(3, p=p)), f"g{i % 5}", str(i)))
    return out


def test_fit_recovers_known_coefficients() -> None:
    true = np.array([1.5, 0.5, 2.5])
    got = fit(_samples(true, 4000), l2=0.1)
    assert np.allclose(got, true, atol=0.25), got


def test_fit_never_gives_a_source_a_negative_weight() -> None:
    # the second source points away from the gold relation: held at zero, not negative
    true = np.array([2.0, -1.5, 1.0])
    got = fit(_samples(true, 3000), l2=0.1)
    assert got[1] == 0.0
    assert (got >= 0).all()
    assert got[0] > 1.0 and got[2] > 0.5


def test_evidence_combines_sources_linearly_and_never_below_zero() -> None:
    ev = RelationEvidence()
    ev.add(Relation.CEO, 1.0, "lemma:rådmann")
    ev.add(Relation.CEO, 0.5, "near-staff:rådmann", "near")
    ev.add(Relation.UNITS, 0.9, "speaker:unit_leader", "speaker")
    coef = dict.fromkeys(SOURCES, 0.0) | {"lexicon": 2.0, "near": 1.0, "speaker": 1.0}
    assert ev.weights(coef) == {Relation.POLITICIANS: 0.0, Relation.CEO: 2.5, Relation.UNITS: 0.9}
    scores = ev.scores(coef)
    assert max(scores, key=lambda r: scores[r]) is Relation.CEO
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert ev.reasons[Relation.CEO] == ["lemma:rådmann", "near-staff:rådmann"]


def test_word_sources_share_one_coefficient_and_every_source_has_one() -> None:
    assert set(RELATION_COEFFICIENTS) == set(SOURCES)
    assert RELATION_COEFFICIENTS["lexicon"] == RELATION_COEFFICIENTS["near"]
    assert RELATION_COEFFICIENTS["near"] == RELATION_COEFFICIENTS["word"]
    assert all(v >= 0 for v in RELATION_COEFFICIENTS.values())
    assert "learned" not in {s for group in GROUPS.values() for s in group}


def test_shipped_coefficients_are_what_the_fit_gives(codebook: Codebook) -> None:
    """`python -m coder.tagging.fit_relations` reproduces the shipped numbers (refit after
    changing the lexicon or the evidence, and update RELATION_COEFFICIENTS)."""
    from coder.tagging.evaluate import load_gold, parse_gold
    from coder.tagging.pipeline import load_pipeline

    pipe = load_pipeline()
    if not pipe.statistical:
        pytest.skip("no statistical Norwegian pipeline installed")
    items, _ = load_gold(ROOT / "tests/tagging/gold", ROOT / "transcripts")
    parsed = parse_gold(pipe.nlp, items)
    coef = fit_rounds(codebook, pipe.nlp, _merge(parsed, plain_version(parsed)))
    for source, value in RELATION_COEFFICIENTS.items():
        assert coef[source] == pytest.approx(value, abs=0.02), source
