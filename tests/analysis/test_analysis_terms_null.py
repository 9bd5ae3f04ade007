"""terms: a threshold from shuffled relation labels instead of a fixed |z| > 2, and flags for a
term that is one speaker's, one interview's or one municipality's vocabulary."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from coder.analysis.terms import (
    SegmentText,
    _prior,
    log_odds,
    null_max_z,
    shuffled_labels,
    simple_analyzer,
    term_analysis,
)
from coder.services import synthesis

RELS = ("politicians", "ceo", "units")


def words(texts):  # type: ignore[no-untyped-def]
    return [t.split() for t in texts]


def chance_segments(seed: int = 3, n: int = 360, interviews: int = 24) -> list[SegmentText]:
    """Relation labels that have nothing to do with the words: any 'distinctive' term is chance."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(300)]
    weights = 1 / np.arange(1, 301)  # Zipf-like
    weights /= weights.sum()
    out = []
    for i in range(n):
        text = " ".join(rng.choice(vocab, size=12, p=weights))
        t = i % interviews
        out.append(SegmentText(RELS[int(rng.integers(3))], i, t, f"K{t % 5}", 1000 + t, text))
    return out


def test_chance_alone_passes_z_2_but_not_the_shuffle_threshold() -> None:
    result = term_analysis(chance_segments(), RELS, analyzer=words, top=300, runs=200)
    above_2 = sum(1 for items in result.terms.values() for t in items if t.z > 2)
    assert above_2 >= 3  # the old "|z| > 2 is clear" line calls these clear
    null = result.null
    assert null is not None and null.runs == 200 and null.seed == 22
    assert all(2.0 < null.thresholds[r] < 4.0 for r in RELS)
    assert all(null.mean_max[r] < null.thresholds[r] for r in RELS)
    cleared = [t.term for items in result.terms.values() for t in items if t.clears]
    assert len(cleared) <= 1
    assert "200 runs, seed 22" in null.describe() and "95th percentile" in null.describe()


def test_a_relations_own_word_clears_the_threshold() -> None:
    segs = chance_segments()
    segs = [
        SegmentText(s.relation, s.segment_id, s.transcript_id, s.case, s.speaker,
                    s.text + (" formannskap" if s.relation == "politicians" and i % 3 else ""))
        for i, s in enumerate(segs)
    ]  # fmt: skip
    result = term_analysis(segs, RELS, analyzer=words, top=5, runs=100)
    top = result.terms["politicians"][0]
    assert top.term == "formannskap" and top.clears
    assert top.interviews > 10 and top.concentrated is None


def test_seeded_null_repeats_and_matches_the_reference_log_odds() -> None:
    segs = chance_segments(n=90)
    a = term_analysis(segs, RELS, analyzer=words, runs=20, seed=7)
    b = term_analysis(segs, RELS, analyzer=words, runs=20, seed=7)
    assert a.null == b.null
    # Each run's largest z is what log_odds (the reference, by term) gives on the shuffled labels.
    tokens = words([s.text for s in segs])
    vocab = sorted({t for ts in tokens for t in ts})
    index = {t: i for i, t in enumerate(vocab)}
    token_unit = np.array([u for u, ts in enumerate(tokens) for _ in ts])
    token_term = np.array([index[t] for ts in tokens for t in ts])
    labels = np.array([RELS.index(s.relation) for s in segs])
    pooled = np.bincount(token_term, minlength=len(vocab))
    a_w, a0 = _prior(vocab, pooled, None, 1000.0)
    maxima = null_max_z(labels, token_unit, token_term, 3, len(vocab), a_w, a0,
                        blocks=None, runs=5, seed=7)  # fmt: skip
    for r, shuffled in enumerate(shuffled_labels(labels, None, 5, 7)):
        counts = {rel: Counter() for rel in RELS}
        for u, ts in enumerate(tokens):
            counts[RELS[shuffled[u]]].update(ts)
        ref = log_odds(counts, prior_scale=1000.0)
        assert maxima[r] == pytest.approx([ref[rel][0].z for rel in RELS])


def test_within_interview_shuffle_keeps_each_interviews_relations() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2, 1, 0])
    blocks = np.array([5, 5, 5, 9, 9, 1, 1, 1])
    for shuffled in shuffled_labels(labels, blocks, 20, 1):
        for b in np.unique(blocks):
            assert sorted(shuffled[blocks == b]) == sorted(labels[blocks == b])


def test_terms_from_one_speaker_interview_or_municipality_are_flagged() -> None:
    segs = []
    sid = 0

    def add(rel: str, t: int, case: str, speaker: int, text: str) -> None:
        nonlocal sid
        segs.append(SegmentText(rel, sid, t, case, speaker, text))
        sid += 1

    for _ in range(8):  # lederteam: 8 of 10 uses by speaker 1 in interview 1
        add("ceo", 1, "Hamar", 1, "lederteam")
    add("ceo", 2, "Flora", 2, "lederteam")
    add("ceo", 3, "Stord", 3, "lederteam")
    for t in (4, 5):  # stabsleder: Hamar only, two interviews and speakers
        add("ceo", t, "Hamar", 10 + t, "stabsleder stabsleder")
    for t in range(6, 12):  # styring: everywhere
        add("ceo", t, f"K{t}", 20 + t, "styring")
        add("units", t, f"K{t}", 20 + t, "drift")
    result = term_analysis(segs, RELS, analyzer=words, prior_scale=5, runs=0)
    assert result.null is None
    by = {t.term: t for t in result.terms["ceo"]}
    assert (by["lederteam"].concentrated, by["lederteam"].top_share) == ("speaker", 0.8)
    assert (by["lederteam"].interviews, by["lederteam"].speakers) == (3, 3)
    assert (by["stabsleder"].concentrated, by["stabsleder"].municipalities) == ("municipality", 1)
    assert by["styring"].concentrated is None and by["styring"].interviews == 6
    assert not any(t.clears for t in by.values())  # no shuffle, no claim
    kept = term_analysis(segs, RELS, analyzer=words, prior_scale=5, runs=0, min_interviews=4)
    assert [t.term for t in kept.terms["ceo"]] == ["styring"]


def test_term_analysis_on_the_project(project_store) -> None:  # type: ignore[no-untyped-def]
    result = synthesis.term_analysis(project_store, analyzer=simple_analyzer, prior_scale=10,
                                     top=50, runs=50)  # fmt: skip
    units = {t.term: t for t in result.terms["units"]}
    # H1: Per speaks both units segments; "rekruttering" is his, once.
    assert (units["rekruttering"].interviews, units["rekruttering"].speakers) == (1, 1)
    assert units["rekruttering"].concentrated == "speaker"
    # politicians: F1 #1 and #3, A1 #1 (A1 marked politicians) and #2; ceo: F1 #2, H1 #2.
    assert result.segments == {"politicians": 4, "ceo": 2, "units": 2}
    assert result.null is not None and set(result.null.thresholds) == set(RELS)
    assert synthesis.terms(project_store, analyzer=simple_analyzer, top=3, runs=0).keys() == set(RELS)
