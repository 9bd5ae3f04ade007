"""Agreement coefficients against a worked example and against independent implementations."""

from __future__ import annotations

import math
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.analysis.agreement import (
    OVERALL,
    CodedRange,
    Unit,
    char_overlap,
    cohen_kappa,
    compare,
    disagreements,
    krippendorff_alpha,
    merge_ranges,
    percent_agreement,
)

# The worked example: ten segments, unit i covering characters [10*i, 10*i + 10).
# Category X:  A codes segments 1-5 whole; B codes 1, 2 and 6 whole and characters 33-36 of 3.
# Category Y:  both code segment 1 whole.
UNITS = [Unit(i, 1, 10 * i, 10 * i + 10, frozenset({"A", "B"})) for i in range(1, 11)]
CODINGS = (
    [CodedRange("A", i, "X", 10 * i, 10 * i + 10) for i in range(1, 6)]
    + [CodedRange("B", i, "X", 10 * i, 10 * i + 10) for i in (1, 2, 6)]
    + [CodedRange("B", 3, "X", 33, 36)]
    + [CodedRange("A", 1, "Y", 10, 20), CodedRange("B", 1, "Y", 10, 20)]
)


def test_worked_example_category_x() -> None:
    result = compare(["A", "B"], UNITS, CODINGS)
    x = next(c for c in result.categories if c.category == "X")
    # 2x2 table: both = 3 (units 1-3), A only = 2 (4, 5), B only = 1 (6), neither = 4.
    assert x.units == 10 and x.present == (5, 4) and x.agreed == 7
    assert x.percent == pytest.approx(7 / 10)
    # p_e = P(A=1)P(B=1) + P(A=0)P(B=0) = 0.5*0.4 + 0.5*0.6 = 0.5; kappa = (0.7-0.5)/(1-0.5)
    assert x.kappa == pytest.approx(0.4)
    # Coincidences (each unit has m=2 values, weight 1/(m-1) = 1, ordered pairs):
    # o11 = 2*3 = 6, o00 = 2*4 = 8, o10 = o01 = 3; n1 = 9, n0 = 11, n = 20.
    # alpha = 1 - (n-1) * (o10+o01) / (2*n1*n0) = 1 - 19*6/198 = 14/33
    assert x.alpha == pytest.approx(14 / 33)
    # Characters: A has [10,60); B has [10,30) + [33,36) + [60,70).
    # Both: [10,30) + [33,36) = 23; either: [10,70) = 60.
    assert (x.chars_both, x.chars_any) == (23, 60)
    assert x.overlap == pytest.approx(23 / 60)


def test_worked_example_category_y_and_pooled() -> None:
    result = compare(["A", "B"], UNITS, CODINGS)
    y = next(c for c in result.categories if c.category == "Y")
    # Both code unit 1 only: perfect agreement; p_e = 0.1*0.1 + 0.9*0.9 = 0.82, kappa = 1.
    assert y.percent == 1.0 and y.kappa == pytest.approx(1.0) and y.alpha == pytest.approx(1.0)
    assert y.overlap == 1.0
    o = result.overall
    assert o.category == OVERALL
    # Pooled over 20 (unit, category) items: both = 4, A only = 2, B only = 1, neither = 13.
    # p_o = 17/20 = 0.85; p_e = 0.3*0.25 + 0.7*0.75 = 0.6; kappa = 0.25/0.4 = 0.625.
    assert o.units == 20 and o.agreed == 17
    assert o.percent == pytest.approx(0.85)
    assert o.kappa == pytest.approx(0.625)
    # o11 = 8, o00 = 26, o10 = o01 = 3; n1 = 11, n0 = 29, n = 40.
    # alpha = 1 - 39*6/(2*11*29) = 1 - 234/638 = 404/638
    assert o.alpha == pytest.approx(404 / 638)
    # Characters pooled: (23 + 10) / (60 + 10)
    assert (o.chars_both, o.chars_any) == (33, 70)


def test_worked_example_matches_krippendorff_package() -> None:
    a = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    expected = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
    assert krippendorff_alpha(list(zip(a, b, strict=True))) == pytest.approx(expected)


def test_disagreements_lists_units_with_different_category_sets() -> None:
    found = disagreements(["A", "B"], UNITS, CODINGS)
    assert [u.id for u, _ in found] == [4, 5, 6]
    assert found[0][1] == {"A": frozenset({"X"}), "B": frozenset()}


def test_missing_coders_count_only_for_alpha() -> None:
    # C covered only units 1-3; pairs involving C exist only there.
    units = [
        Unit(i, 1, 10 * i, 10 * i + 10, frozenset({"A", "B", "C"} if i <= 3 else {"A", "B"}))
        for i in range(1, 11)
    ]
    codings = [*CODINGS, CodedRange("C", 1, "X", 10, 20), CodedRange("C", 3, "X", 30, 40)]
    result = compare(["A", "B", "C"], units, codings, categories=["X"])
    x = result.categories[0]
    assert x.kappa is None  # three coders: no Cohen's kappa
    nan = np.nan
    data = [
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
        [1, 0, 1, nan, nan, nan, nan, nan, nan, nan],
    ]
    assert x.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    # Agreement among everyone present: unit 2 (C says 0) now disagrees; 4, 5, 6 as before.
    assert x.agreed == 6 and x.percent == pytest.approx(0.6)
    # Overlap only over units all three covered (1-3): A [10,40), B [10,30)+[33,36), C [10,20)+[30,40)
    # all three: [10,20) + [33,36) = 13; any: [10,40) = 30
    assert (x.chars_both, x.chars_any) == (13, 30)


def _kappa_by_hand(a: list[int], b: list[int]) -> float | None:
    """Cohen's kappa from the confusion matrix, written independently of the product code."""
    n = len(a)
    table = Counter(zip(a, b, strict=True))
    labels = sorted(set(a) | set(b))
    po = sum(table[(k, k)] for k in labels) / n
    row = {k: sum(table[(k, j)] for j in labels) for k in labels}
    col = {k: sum(table[(j, k)] for j in labels) for k in labels}
    pe = sum(row[k] * col[k] for k in labels) / n**2
    return None if math.isclose(pe, 1.0) else (po - pe) / (1 - pe)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=40),
)
def test_kappa_matches_hand_formula(pairs: list[tuple[int, int]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = _kappa_by_hand(a, b)
    got = cohen_kappa(a, b)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=3, max_size=3),
        min_size=2,
        max_size=30,
    )
)
def test_alpha_matches_krippendorff_package(units: list[list[int | None]]) -> None:
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    values = {v for u in pairable for v in u if v is not None}
    mine = krippendorff_alpha(units)
    if len(values) < 2:
        assert mine is None  # no variation: alpha is undefined
        return
    data = np.array(
        [[np.nan if u[c] is None else u[c] for u in units] for c in range(3)], dtype=float
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert mine == pytest.approx(expected)


def test_percent_agreement_and_ranges() -> None:
    assert percent_agreement([[1, 1], [0, 1], [None, 1], [2, 2, None]]) == pytest.approx(2 / 3)
    assert percent_agreement([[None, 1]]) is None
    assert merge_ranges([(5, 8), (0, 3), (2, 4), (8, 9), (7, 7)]) == [(0, 4), (5, 9)]
    assert char_overlap([[(0, 10)], [(5, 15)]]) == (5, 15)
    assert char_overlap([[(0, 10)], []]) == (0, 10)
