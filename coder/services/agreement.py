"""Inter-coder agreement use cases: compare coders, list disagreements, settle them.

Which segments count: every segment of each transcript that at least two of the compared coders
covered, where a coder covers a transcript by having decided something in it (an accepted or
rejected coding). Which codings count: accepted ones, rolled up to the chosen level of the
project's codebook; with a code, only that code and the codes below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from coder.analysis.agreement import (
    AgreementResult,
    CodedRange,
    Unit,
    compare,
    disagreements,
)
from coder.codebook.model import LEVEL_RANK, Codebook
from coder.domain import CodingInfo, CodingStatus, SegmentInfo
from coder.errors import NotFoundError, UsageError
from coder.services import coding as coding_service
from coder.services.codebook import project_codebook
from coder.store.codings import CodingRepo
from coder.store.convert import coding_info
from coder.store.db import Store
from coder.store.models import Coding, Segment, Transcript
from coder.store.transcripts import TranscriptRepo

DEFAULT_LEVEL = "item"


@dataclass(frozen=True, slots=True)
class TranscriptRef:
    id: int
    title: str
    source_name: str


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement between coders, with what was compared so a reader can judge the figures."""

    coders: tuple[str, ...]
    level: str
    code: str | None
    transcripts: tuple[TranscriptRef, ...]
    labels: dict[str, str]  # category id -> label
    result: AgreementResult


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One segment on which the coders chose different categories."""

    segment: SegmentInfo
    transcript_title: str
    categories: dict[str, tuple[str, ...]]  # coder -> categories chosen (sorted)
    codings: dict[str, tuple[CodingInfo, ...]]  # coder -> their accepted codings in scope


class _Scope:
    """Maps a code to the category it counts for, or None when it is outside the comparison."""

    def __init__(self, codebook: Codebook, level: str, code: str | None) -> None:
        if level not in LEVEL_RANK:
            raise UsageError(f"--level must be one of {', '.join(LEVEL_RANK)}, not {level!r}")
        self.codebook, self.level, self.code = codebook, level, code
        self._above: set[str] = set()
        if code is not None:
            codebook.get(code)  # unknown code: NotFoundError with a close-match hint
            self._above = {a.id for a in codebook.ancestors(code)}
        self._cache: dict[str, str | None] = {}

    def category(self, code_id: str) -> str | None:
        if code_id not in self._cache:
            self._cache[code_id] = self._category(code_id)
        return self._cache[code_id]

    def _category(self, code_id: str) -> str | None:
        if code_id not in self.codebook:
            return None
        if (
            self.code is not None
            and code_id != self.code
            and self.code not in {a.id for a in self.codebook.ancestors(code_id)}
        ):
            return None
        cat = self.codebook.rollup(code_id, self.level).id
        return self.code if cat in self._above else cat


@dataclass(frozen=True, slots=True)
class _Data:
    units: list[Unit]
    ranges: list[CodedRange]
    codings: dict[tuple[str, int], list[CodingInfo]]  # accepted codings in scope
    transcripts: list[TranscriptRef]


def _check_coders(coders: Sequence[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(names) < 2:
        raise UsageError("agreement needs at least two different coders (--coders A,B)")
    return names


def _load(
    store: Store, coders: tuple[str, ...], scope: _Scope, transcript: str | int | None
) -> _Data:
    with store.session() as s:
        q = (
            select(Coding, Segment.transcript_id, Segment.start_offset, Segment.end_offset)
            .join(Segment, Coding.segment_id == Segment.id)
            .join(Transcript, Segment.transcript_id == Transcript.id)
            .where(
                Coding.coder.in_(coders),
                Coding.status.in_([CodingStatus.ACCEPTED.value, CodingStatus.REJECTED.value]),
            )
        )
        if transcript is not None:
            tid = TranscriptRepo(s).resolve(transcript).id
            q = q.where(Segment.transcript_id == tid)
        else:
            q = q.where(Transcript.retired_at.is_(None))
        covered: dict[int, set[str]] = {}
        accepted: list[tuple[Coding, int, int, int]] = []
        for row, tid_, seg_start, seg_end in s.execute(q).all():
            covered.setdefault(tid_, set()).add(row.coder)
            if row.status == CodingStatus.ACCEPTED.value:
                accepted.append((row, tid_, seg_start, seg_end))
        shared = {t: frozenset(cs) for t, cs in covered.items() if len(cs) >= 2}
        units: list[Unit] = []
        refs: list[TranscriptRef] = []
        if shared:
            for t in s.scalars(
                select(Transcript).where(Transcript.id.in_(shared)).order_by(Transcript.id)
            ).all():
                refs.append(TranscriptRef(t.id, t.title, t.source_name))
            seg_rows = s.execute(
                select(Segment.id, Segment.transcript_id, Segment.start_offset, Segment.end_offset)
                .where(Segment.transcript_id.in_(shared))
                .order_by(Segment.transcript_id, Segment.ordinal)
            ).all()
            units = [Unit(sid, tid_, a, b, shared[tid_]) for sid, tid_, a, b in seg_rows]
        ranges: list[CodedRange] = []
        in_scope: dict[tuple[str, int], list[CodingInfo]] = {}
        for row, tid_, seg_start, seg_end in accepted:
            if tid_ not in shared:
                continue
            cat = scope.category(row.code_id)
            if cat is None:
                continue
            start = row.span_start if row.span_start is not None else seg_start
            end = row.span_end if row.span_end is not None else seg_end
            ranges.append(CodedRange(row.coder, row.segment_id, cat, start, end))
            in_scope.setdefault((row.coder, row.segment_id), []).append(coding_info(row))
    return _Data(units, ranges, in_scope, refs)


def agreement(
    store: Store,
    coders: Sequence[str],
    *,
    level: str = DEFAULT_LEVEL,
    code: str | None = None,
    transcript: str | int | None = None,
) -> AgreementReport:
    """Percent agreement, Cohen's kappa (two coders), Krippendorff's alpha and span overlap."""
    names = _check_coders(coders)
    codebook = project_codebook(store)
    scope = _Scope(codebook, level, code)
    data = _load(store, names, scope, transcript)
    categories = [code] if code is not None and level_of(codebook, code, level) else None
    result = compare(names, data.units, data.ranges, categories)
    labels = {c.category: codebook.get(c.category).label for c in result.categories}
    return AgreementReport(names, level, code, tuple(data.transcripts), labels, result)


def level_of(codebook: Codebook, code: str, level: str) -> bool:
    """True when `code` sits at or above `level`, so it is the only category compared."""
    kind = codebook.get(code).kind.value
    return kind not in LEVEL_RANK or LEVEL_RANK[kind] >= LEVEL_RANK[level]


def list_disagreements(
    store: Store,
    coders: Sequence[str],
    *,
    level: str = DEFAULT_LEVEL,
    code: str | None = None,
    transcript: str | int | None = None,
) -> list[Disagreement]:
    """Segments where the coders differ, in transcript order, with each side's codings."""
    names = _check_coders(coders)
    scope = _Scope(project_codebook(store), level, code)
    data = _load(store, names, scope, transcript)
    found = disagreements(names, data.units, data.ranges)
    titles = {t.id: t.title for t in data.transcripts}
    out: list[Disagreement] = []
    with store.session() as s:
        repo = TranscriptRepo(s)
        for unit, sets in found:
            out.append(
                Disagreement(
                    segment=repo.segment(unit.id),
                    transcript_title=titles.get(unit.group, ""),
                    categories={c: tuple(sorted(v)) for c, v in sets.items()},
                    codings={c: tuple(data.codings.get((c, unit.id), ())) for c in sets},
                )
            )
    return out


def settle(
    store: Store,
    segment_id: int,
    side: str,
    settler: str,
    *,
    level: str = DEFAULT_LEVEL,
    code: str | None = None,
) -> int:
    """Make `settler`'s codings on a segment match `side`'s (within the comparison's codes).

    `side`'s accepted codings are copied (same code, span and relation) and `settler`'s other
    accepted codings in scope are rejected, as one action `settler` can undo. Returns how many
    codings changed (0 when they already matched).
    """
    scope = _Scope(project_codebook(store), level, code)
    with store.session() as s:
        repo = CodingRepo(s)
        seg_codings = repo.for_segments([segment_id], statuses=[CodingStatus.ACCEPTED])
        if s.get(Segment, segment_id) is None:
            raise NotFoundError(f"unknown segment id {segment_id}")
    in_scope = [c for c in seg_codings if scope.category(c.code_id) is not None]
    theirs = [c for c in in_scope if c.coder == side]
    mine = [c for c in in_scope if c.coder == settler]
    if side == settler:
        return 0

    def key(c: CodingInfo) -> tuple[str, int | None, int | None]:
        return (c.code_id, c.span_start, c.span_end)

    mine_keys = {key(c): c for c in mine}
    their_keys = {key(c) for c in theirs}
    adopt = [
        c for c in theirs if key(c) not in mine_keys or mine_keys[key(c)].relation != c.relation
    ]
    drop = [c.id for c in mine if key(c) not in their_keys]
    if not adopt and not drop:
        return 0
    coding_service.adopt_codings(store, settler, segment_id, adopt, drop=drop)
    return len(adopt) + len(drop)
