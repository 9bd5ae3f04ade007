"""Cutting text without speaker turns into segments a person can read and code.

One rule for `coder import` (plain text without blank lines) and REFI-QDA import: a stretch of
text longer than MAX_SEGMENT_CHARS is cut at line ends, whole lines grouped up to that size; a
line longer than that is cut after sentence ends (. ! ? … followed by whitespace), sentences
grouped up to that size; a sentence longer than that is cut at the last whitespace before the
limit (or hard at the limit when there is none). Pieces tile the stretch: nothing is lost.
"""

from __future__ import annotations

import re

MAX_SEGMENT_CHARS = 1500

_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)\]]*\s+")


def _group(cuts: list[int], start: int, end: int, limit: int) -> list[int]:
    """From candidate cut points, the ones that keep pieces within `limit` (greedy)."""
    out: list[int] = []
    piece_start = start
    last = None
    for c in cuts:
        if c - piece_start > limit and last is not None and last > piece_start:
            out.append(last)
            piece_start = last
        last = c
    return out


def _hard_cuts(text: str, start: int, end: int, limit: int) -> list[int]:
    out: list[int] = []
    pos = start
    while end - pos > limit:
        window = text[pos : pos + limit]
        ws = max(window.rfind(" "), window.rfind("\t"), window.rfind("\n"))
        cut = pos + ws + 1 if ws > 0 else pos + limit
        if cut < end and "\udc00" <= text[cut] <= "\udfff":
            cut += 1
        out.append(cut)
        pos = cut
    return out


def split_long(
    text: str, start: int, end: int, limit: int = MAX_SEGMENT_CHARS
) -> list[tuple[int, int]]:
    """[start, end) as consecutive pieces of at most about `limit` characters (see module)."""
    if end - start <= limit:
        return [(start, end)]
    line_cuts = [m.end() for m in re.finditer(r"\n", text[start:end])]
    line_cuts = [start + c for c in line_cuts if start + c < end]
    cuts = _group(line_cuts + [end], start, end, limit)
    pieces: list[tuple[int, int]] = []
    for lo, hi in zip([start, *cuts], [*cuts, end], strict=True):
        if hi - lo <= limit:
            pieces.append((lo, hi))
            continue
        sent = [lo + m.end() for m in _SENTENCE_END.finditer(text, lo, hi)]
        sent = [c - lo for c in sent]
        scuts = _group([lo + c for c in sent if lo + c < hi] + [hi], lo, hi, limit)
        for a, b in zip([lo, *scuts], [*scuts, hi], strict=True):
            if b - a <= limit:
                pieces.append((a, b))
            else:
                hc = _hard_cuts(text, a, b, limit)
                pieces.extend(zip([a, *hc], [*hc, b], strict=True))
    return [(a, b) for a, b in pieces if a < b]
