"""Fuzzy ranking of codebook entries for a typed query (ids, labels, question text, lexicon)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from coder.domain import CodeInfo

# How much a match in each field counts: an id or label match beats a hit in the question text.
_WEIGHTS = {"id": 1.0, "label": 1.0, "lexicon": 0.9, "text": 0.8, "description": 0.7}
MIN_SCORE = 55.0


def _fields(code: CodeInfo) -> Iterable[tuple[str, str]]:
    yield "id", code.id
    yield "label", code.label
    for term in code.lexicon:
        yield "lexicon", term
    if code.text:
        yield "text", code.text
    if code.description:
        yield "description", code.description


def score_code(code: CodeInfo, query: str) -> float:
    """0..100: how well `query` names `code`; an exact or prefix id match ranks first."""
    q = query.strip()
    if not q:
        return 0.0
    low = q.lower()
    cid = code.id.lower()
    if cid == low:
        return 100.0
    if cid.startswith(low):
        # Shorter ids that extend the query less rank higher (b5 -> B5 before B5a).
        return 99.0 - min(len(cid) - len(low), 9) * 0.1
    pq = default_process(q)
    if not pq:
        return 0.0
    best = 0.0
    for name, value in _fields(code):
        pv = default_process(value)
        if not pv:
            continue
        # A query may be part of a field (partial match) but a short field inside a long query
        # is no match: "c13" must not find "c".
        contains = len(pv) >= len(pq) and len(pq) >= 3
        if name == "id":
            s = fuzz.ratio(pq, pv)
        elif name in ("label", "lexicon"):
            s = max(fuzz.ratio(pq, pv), fuzz.partial_ratio(pq, pv) if contains else 0.0)
        else:
            # Long question text: does the query occur (almost) as a part of it?
            s = fuzz.partial_ratio(pq, pv) if contains else 0.0
        best = max(best, s * _WEIGHTS[name])
    return round(best, 2)


def rank_codes(
    codes: Iterable[CodeInfo], query: str, limit: int = 20, *, min_score: float = MIN_SCORE
) -> list[tuple[CodeInfo, float]]:
    """The codes that best match `query`, best first (ties in codebook order).

    An empty query lists the codes in codebook order with score 0, so a picker can open on the
    whole codebook.
    """
    items = list(codes)
    if not query.strip():
        ordered = sorted(items, key=lambda c: (c.ordinal, c.id))
        return [(c, 0.0) for c in ordered[:limit]]
    scored = [(c, score_code(c, query)) for c in items]
    hits = [(c, s) for c, s in scored if s >= min_score]
    hits.sort(key=lambda cs: (-cs[1], cs[0].ordinal, cs[0].id))
    return hits[:limit]
