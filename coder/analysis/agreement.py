"""Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, span overlap.

Pure functions over plain data, so they can be checked by hand. The unit of analysis is a
segment; for each category (a code rolled up to the chosen level) every coder says "present"
(1) or "absent" (0) for each segment they covered. A coder who did not cover a segment's
transcript gives no value there (missing), which only Krippendorff's alpha can use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

OVERALL = "*"


# -- coefficients -------------------------------------------------------------------------


def percent_agreement(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Share of units (with at least two values) where every coder gave the same value."""
    pairable = agreed = 0
    for values in units:
        vals = [v for v in values if v is not None]
        if len(vals) < 2:
            continue
        pairable += 1
        agreed += len(set(vals)) == 1
    return agreed / pairable if pairable else None


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa for two coders' values on the same units; None when chance agreement is 1."""
    if len(first) != len(second):
        raise ValueError("both coders need a value for every unit")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    ca, cb = Counter(first), Counter(second)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data; `None` values are missing. None when undefined.

    Built from the coincidence matrix: each unit with m >= 2 values adds every ordered pair of
    its values with weight 1/(m-1); alpha = 1 - (n-1) * D_o / sum_{c!=k} n_c * n_k.
    """
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for values in units:
        vals = [v for v in values if v is not None]
        m = len(vals)
        if m < 2:
            continue
        counts = Counter(vals)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    coincidences[(c, k)] += pairs / (m - 1)
    margins: Counter[Hashable] = Counter()
    for (c, _k), weight in coincidences.items():
        margins[c] += weight
    n = sum(margins.values())
    if n <= 1:
        return None
    observed_disagreement = sum(w for (c, k), w in coincidences.items() if c != k)
    expected_pairs = n * n - sum(x * x for x in margins.values())  # sum over c != k of n_c*n_k
    if expected_pairs <= 0:
        return None
    return 1.0 - (n - 1) * observed_disagreement / expected_pairs


# -- character ranges ---------------------------------------------------------------------


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open ranges merged into sorted, disjoint ones."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def ranges_length(ranges: Sequence[tuple[int, int]]) -> int:
    return sum(end - start for start, end in ranges)


def intersect_ranges(
    a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Intersection of two merged range lists."""
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def char_overlap(per_coder: Sequence[Iterable[tuple[int, int]]]) -> tuple[int, int]:
    """(characters every coder coded, characters any coder coded) for one text's ranges."""
    merged = [merge_ranges(r) for r in per_coder]
    if not merged:
        return 0, 0
    union = merge_ranges(r for m in merged for r in m)
    inter = merged[0]
    for m in merged[1:]:
        inter = intersect_ranges(inter, m)
    return ranges_length(inter), ranges_length(union)


# -- the whole comparison -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A segment as a unit of analysis: its text (group) and range, and who covered it."""

    id: int
    group: int  # the transcript: character offsets are comparable only within one
    start: int
    end: int
    coders: frozenset[str]


@dataclass(frozen=True, slots=True)
class CodedRange:
    """One accepted coding, reduced to what agreement needs."""

    coder: str
    unit: int
    category: str
    start: int  # absolute offsets; a whole-segment coding spans the segment
    end: int


@dataclass(frozen=True, slots=True)
class CategoryAgreement:
    """Agreement on one category (or all of them pooled, category "*")."""

    category: str
    units: int  # units with values from at least two coders
    present: tuple[int, ...]  # per coder (in the report's order): units coded with the category
    agreed: int
    percent: float | None
    kappa: float | None  # two coders only
    alpha: float | None
    chars_both: int  # characters every coder coded with the category
    chars_any: int  # characters at least one coder coded with it
    overlap: float | None  # chars_both / chars_any


@dataclass(frozen=True, slots=True)
class AgreementResult:
    coders: tuple[str, ...]
    units: int
    categories: tuple[CategoryAgreement, ...]
    overall: CategoryAgreement


def _presence(
    coders: Sequence[str],
    units: Sequence[Unit],
    coded: Mapping[tuple[str, int], set[str]],
    cat: str,
) -> list[list[int | None]]:
    return [
        [(1 if cat in coded.get((c, u.id), ()) else 0) if c in u.coders else None for c in coders]
        for u in units
    ]


def _category(
    category: str,
    coders: Sequence[str],
    values: list[list[int | None]],
    overlap: tuple[int, int],
) -> CategoryAgreement:
    pairable = [v for v in values if sum(x is not None for x in v) >= 2]
    agreed = sum(len({x for x in v if x is not None}) == 1 for v in pairable)
    kappa = None
    if len(coders) == 2:
        both = [v for v in pairable if None not in v]
        kappa = cohen_kappa([v[0] for v in both], [v[1] for v in both])
    present = tuple(sum(1 for v in values if v[i] == 1) for i in range(len(coders)))
    chars_both, chars_any = overlap
    return CategoryAgreement(
        category=category,
        units=len(pairable),
        present=present,
        agreed=agreed,
        percent=agreed / len(pairable) if pairable else None,
        kappa=kappa,
        alpha=krippendorff_alpha(values),
        chars_both=chars_both,
        chars_any=chars_any,
        overlap=chars_both / chars_any if chars_any else None,
    )


def compare(
    coders: Sequence[str],
    units: Sequence[Unit],
    codings: Iterable[CodedRange],
    categories: Iterable[str] | None = None,
) -> AgreementResult:
    """Agreement between `coders` on `units`, per category and pooled over all categories.

    Categories default to every category any of the coders used. Character overlap counts only
    units every coder covered, so a transcript one coder never opened does not dilute it.
    """
    coders = tuple(coders)
    unit_ids = {u.id: u for u in units}
    coded: dict[tuple[str, int], set[str]] = {}
    ranges: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    used: set[str] = set()
    everyone = frozenset(coders)
    for c in codings:
        unit = unit_ids.get(c.unit)
        if unit is None or c.coder not in unit.coders or c.coder not in everyone:
            continue
        coded.setdefault((c.coder, c.unit), set()).add(c.category)
        used.add(c.category)
        if everyone <= unit.coders:
            ranges.setdefault((c.category, c.coder, unit.group), []).append((c.start, c.end))
    cats = sorted(used) if categories is None else list(dict.fromkeys(categories))
    groups = sorted({u.group for u in units})

    per_cat: list[CategoryAgreement] = []
    pooled: list[list[int | None]] = []
    total_both = total_any = 0
    for cat in cats:
        values = _presence(coders, units, coded, cat)
        pooled.extend(values)
        both = any_ = 0
        for g in groups:
            b, a = char_overlap([ranges.get((cat, coder, g), []) for coder in coders])
            both, any_ = both + b, any_ + a
        total_both, total_any = total_both + both, total_any + any_
        per_cat.append(_category(cat, coders, values, (both, any_)))
    overall = _category(OVERALL, coders, pooled, (total_both, total_any))
    n_units = sum(1 for u in units if len(u.coders & everyone) >= 2)
    return AgreementResult(coders=coders, units=n_units, categories=tuple(per_cat), overall=overall)


def disagreements(
    coders: Sequence[str], units: Sequence[Unit], codings: Iterable[CodedRange]
) -> list[tuple[Unit, dict[str, frozenset[str]]]]:
    """Units where the coders who covered them chose different sets of categories."""
    by: dict[tuple[str, int], set[str]] = {}
    for c in codings:
        by.setdefault((c.coder, c.unit), set()).add(c.category)
    out: list[tuple[Unit, dict[str, frozenset[str]]]] = []
    for u in units:
        present = [c for c in coders if c in u.coders]
        if len(present) < 2:
            continue
        sets = {c: frozenset(by.get((c, u.id), ())) for c in present}
        if len(set(sets.values())) > 1:
            out.append((u, sets))
    return out
