"""Code co-occurrence: in the same segment, or within a window of +-k segments of one transcript.

For codes X and Y the count is the number of segments coded X or Y whose window (the segment
itself and k segments either side, same transcript) holds both an X and a Y segment; with k = 0
that is simply the number of segments coded with both. Jaccard divides by the segments coded X or Y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coder.analysis.facts import CodingFacts
from coder.analysis.summary import code_order, grouped_positions
from coder.codebook.model import Codebook
from coder.errors import UsageError

_STRIDE = 10_000_000  # transcript id * stride + ordinal: a segment's place as one integer


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based unique is slow on large integer arrays)."""
    if len(values) == 0:
        return values
    s = np.sort(values)
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


@dataclass(frozen=True, slots=True)
class CoPair:
    a: str
    b: str
    count: int
    jaccard: float
    a_segments: int
    b_segments: int


def cooccurrence(
    facts: CodingFacts,
    codebook: Codebook,
    *,
    level: str = "question",
    window: int = 0,
    relation: str | None = None,
    min_count: int = 1,
) -> list[CoPair]:
    """Pairs of codes (at `level`) with their co-occurrence counts, strongest first."""
    if window < 0:
        raise UsageError("the window must be 0 or more segments")
    dims = facts.dims
    grouped = grouped_positions(facts, codebook, level)
    per_code: dict[str, list[np.ndarray]] = {}
    for rel, by_code in grouped.items():
        if relation is not None and rel != relation:
            continue
        for code, pos in by_code.items():
            per_code.setdefault(code, []).append(pos)
    place = dims.transcript * _STRIDE + dims.ordinal
    sites: dict[str, np.ndarray] = {}
    reach: dict[str, np.ndarray] = {}
    for code, parts in per_code.items():
        u = sorted_unique(place[dims.distinct(np.concatenate(parts))])
        sites[code] = u
        if window == 0:
            reach[code] = u
        else:
            offsets = np.arange(-window, window + 1, dtype=np.int64)
            reach[code] = sorted_unique((u[:, None] + offsets[None, :]).ravel())
    order = code_order(codebook)
    codes = sorted(sites, key=lambda c: (order.get(c, len(order)), c))
    pairs: list[CoPair] = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            union = np.union1d(sites[a], sites[b])
            # A site's window holds X exactly when the site lies in X's reach (reach is symmetric).
            both = np.intersect1d(np.intersect1d(union, reach[a], assume_unique=True), reach[b])
            n = int(len(both))
            if n >= min_count:
                pairs.append(
                    CoPair(a, b, n, n / len(union), int(len(sites[a])), int(len(sites[b])))
                )
    pairs.sort(key=lambda p: (-p.count, -p.jaccard, order.get(p.a, 0), order.get(p.b, 0)))
    return pairs
