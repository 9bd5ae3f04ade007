"""Two-group contrasts and code co-occurrence on the hand-built project."""

from __future__ import annotations

import math

import pytest

from coder.analysis.contrast import two_proportion_z
from coder.errors import NotFoundError, UsageError
from coder.services import synthesis


def test_two_proportion_z_by_hand() -> None:
    # 2/3 vs 0/5: pooled p = 0.25, se = sqrt(0.25 * 0.75 * (1/3 + 1/5)) = sqrt(0.1)
    assert two_proportion_z(2, 3, 0, 5) == pytest.approx((2 / 3) / math.sqrt(0.1))
    assert two_proportion_z(0, 0, 1, 2) == 0.0


def test_contrast_hamar_against_others(project_store) -> None:  # type: ignore[no-untyped-def]
    c = synthesis.contrast(project_store, ["Hamar"], ["Flora", "Arendal"])
    # Informant segments: Hamar 3; Flora 3 + Arendal 2.
    assert (c.a_base, c.b_base) == (3, 5)
    rows = {(r.relation, r.code_id): r for r in c.rows}
    units = rows[("units", "C15")]
    assert (units.a_segments, units.b_segments) == (2, 0)
    assert units.a_share == pytest.approx(2 / 3)
    assert units.difference == pytest.approx(2 / 3)
    assert units.segment_z == pytest.approx(2.1081851, rel=1e-6)  # descriptive only
    # One interview against two: 3 arrangements; H1 holds both C15 segments, so every
    # relabelling that puts H1 alone in A is as extreme: p = 1/3, the smallest possible.
    assert c.design.arrangements == 3 and c.design.min_p == pytest.approx(1 / 3)
    assert units.p == pytest.approx(1 / 3)
    assert units.flags == ("one interview", "few")
    pol = rows[("politicians", "C13")]
    assert (pol.a_segments, pol.b_segments, pol.b_transcripts, pol.b_cases) == (0, 3, 2, 2)
    # Per interview: F1 2 of 3, A1 1 of 2 -> mean (2/3 + 1/2) / 2.
    assert pol.b_interview_shares == pytest.approx((2 / 3, 1 / 2))
    assert pol.b_share == pytest.approx(7 / 12)
    assert pol.a_role_share == 0.0 and pol.b_role_share == pytest.approx(3 / 5)
    assert all(r.p_holm >= r.p for r in c.rows)
    assert "interview" in c.note


def test_contrast_default_group_b_and_errors(project_store) -> None:  # type: ignore[no-untyped-def]
    c = synthesis.contrast(project_store, ["Hamar"])
    assert set(c.group_b) == {"Arendal", "Flora"}
    with pytest.raises(NotFoundError):
        synthesis.contrast(project_store, ["Hamar"], ["Bergen"])
    with pytest.raises(UsageError):
        synthesis.contrast(project_store, ["Hamar"], ["Hamar"])


def test_cooccurrence_same_segment(project_store) -> None:  # type: ignore[no-untyped-def]
    q = synthesis.cooccurrence(project_store, level="question")
    # Only A1#1 holds two question-level codes (A1 and B5).
    assert [(p.a, p.b, p.count) for p in q] == [("A1", "B5", 1)]
    items = {(p.a, p.b): p.count for p in synthesis.cooccurrence(project_store, level="item")}
    assert items[("C13a", "C13b")] == 1
    assert items[("C15a", "C15e")] == 1


def test_cooccurrence_window(project_store) -> None:  # type: ignore[no-untyped-def]
    pairs = {(p.a, p.b): p for p in synthesis.cooccurrence(project_store, window=1)}
    # Flora: C13 on 1 and 3, C14 on 2: all three sites see both codes within +-1.
    assert pairs[("C13", "C14")].count == 3
    assert pairs[("C13", "C14")].jaccard == pytest.approx(3 / 5)
    # Hamar: C15 on 1 and 3, C14 on 2.
    assert pairs[("C14", "C15")].count == 3
    # Arendal: A1/B5 on 1, C13 on 2.
    assert pairs[("A1", "C13")].count == 2
    # Windows never reach into another transcript.
    assert ("C13", "C15") not in pairs
    only_units = synthesis.cooccurrence(project_store, window=1, relation="units")
    assert only_units == []
