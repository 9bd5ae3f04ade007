"""Two-group contrasts (e.g. Hamar against the four two-level municipalities) per relation and code.

The unit is the informant segment: for each code, the share of each group's informant segments
(interviewer turns left out) that carry the code, the difference of the two shares, and a
two-proportion z statistic with a pooled variance. Segments of one interview are not independent
observations, so read z as a yardstick for where to look, not as a significance test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coder.analysis.facts import CodingFacts
from coder.analysis.summary import RELATION_ORDER, code_order, grouped_positions
from coder.codebook.model import Codebook
from coder.errors import UsageError

CONTRAST_NOTE = (
    "share = coded segments / informant segments of the group; z = two-proportion z with pooled "
    "variance. Segments within one interview are clustered, so z overstates certainty: use it to "
    "rank differences, not as a significance test."
)


@dataclass(frozen=True, slots=True)
class ContrastRow:
    relation: str
    code_id: str
    label: str
    a_segments: int
    a_transcripts: int
    a_share: float
    b_segments: int
    b_transcripts: int
    b_share: float
    difference: float  # a_share - b_share
    z: float


@dataclass(frozen=True, slots=True)
class Contrast:
    group_a: tuple[str, ...]
    group_b: tuple[str, ...]
    a_base: int  # informant segments in group A
    b_base: int
    rows: tuple[ContrastRow, ...]
    note: str = CONTRAST_NOTE


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """z for H0: p1 == p2 with the pooled estimate; 0 when undefined."""
    if n1 == 0 or n2 == 0:
        return 0.0
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 0.0 if se == 0 else (x1 / n1 - x2 / n2) / se


def _case_indices(names: tuple[str, ...], wanted: tuple[str, ...]) -> np.ndarray:
    folded = {n.casefold(): i for i, n in enumerate(names)}
    missing = [w for w in wanted if w.casefold() not in folded]
    if missing:
        known = ", ".join(names) or "none"
        raise UsageError(f"unknown municipality {', '.join(missing)} (known: {known})")
    return np.array([folded[w.casefold()] for w in wanted], dtype=np.int64)


def contrast(
    facts: CodingFacts,
    codebook: Codebook,
    group_a: tuple[str, ...],
    group_b: tuple[str, ...],
    *,
    level: str = "question",
) -> Contrast:
    """Compare two groups of municipalities on every (relation, code) at `level`."""
    if not group_a or not group_b:
        raise UsageError("both groups need at least one municipality")
    dims = facts.dims
    ia = _case_indices(dims.cases, group_a)
    ib = _case_indices(dims.cases, group_b)
    if set(ia.tolist()) & set(ib.tolist()):
        raise UsageError("the two groups share a municipality")
    informant = np.ones(len(dims.seg_id), dtype=bool)
    if "interviewer" in dims.roles:
        informant = dims.role_idx != dims.roles.index("interviewer")
    in_a = np.isin(dims.case_idx, ia) & informant
    in_b = np.isin(dims.case_idx, ib) & informant
    a_base, b_base = int(in_a.sum()), int(in_b.sum())
    order = code_order(codebook)
    rows: list[ContrastRow] = []
    grouped = grouped_positions(facts, codebook, level)
    for rel in RELATION_ORDER:
        for code_id in sorted(grouped.get(rel, {}), key=lambda c: (order.get(c, len(order)), c)):
            u = dims.distinct(grouped[rel][code_id])
            ua, ub = u[in_a[u]], u[in_b[u]]
            xa, xb = len(ua), len(ub)
            pa = xa / a_base if a_base else 0.0
            pb = xb / b_base if b_base else 0.0
            rows.append(
                ContrastRow(
                    relation=rel,
                    code_id=code_id,
                    label=codebook.get(code_id).label if code_id in codebook else code_id,
                    a_segments=xa,
                    a_transcripts=int(np.count_nonzero(np.bincount(dims.transcript_idx[ua]))),
                    a_share=pa,
                    b_segments=xb,
                    b_transcripts=int(np.count_nonzero(np.bincount(dims.transcript_idx[ub]))),
                    b_share=pb,
                    difference=pa - pb,
                    z=two_proportion_z(xa, a_base, xb, b_base),
                )
            )
    return Contrast(tuple(group_a), tuple(group_b), a_base, b_base, tuple(rows))
