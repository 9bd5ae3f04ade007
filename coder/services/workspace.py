"""Use cases of the coding workspace: the Coding screen's data, pending and applied codes, autocoding."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coder.domain import (
    PROJECT,
    CaseInfo,
    CodingInfo,
    CodingMode,
    CodingStatus,
    MemoInfo,
    ParticipantInfo,
    SegmentInfo,
)
from coder.errors import UsageError
from coder.services.catalog import TranscriptProgress, TranscriptView, transcript_progress
from coder.store.codings import CodingRepo
from coder.store.convert import coding_info
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo


def _key(c: CodingInfo) -> tuple[int, str, int | None, int | None]:
    return (c.segment_id, c.code_id, c.span_start, c.span_end)


def pending_for(codings: Iterable[CodingInfo], coder: str) -> list[CodingInfo]:
    """Suggestions `coder` has still to decide: their own, or others' they have no coding for yet.

    Best score first; one entry per (segment, code, span).
    """
    items = list(codings)
    decided = {
        _key(c) for c in items if c.coder == coder and c.status is not CodingStatus.SUGGESTED
    }
    seen: set[tuple[int, str, int | None, int | None]] = set()
    out: list[CodingInfo] = []
    ordered = sorted(items, key=lambda c: (c.coder != coder, -(c.score or 0.0), c.id))
    for c in ordered:
        k = _key(c)
        if c.status is CodingStatus.SUGGESTED and k not in decided and k not in seen:
            seen.add(k)
            out.append(c)
    out.sort(key=lambda c: (-(c.score or 0.0), c.code_id))
    return out


MODE_KEY = "coding.mode"


def coding_mode(store: Store) -> CodingMode:
    """The project's coding mode: open (the default) or blind double coding."""
    from coder.store.codes import CodeRepo

    with store.session() as s:
        value = CodeRepo(s).setting(MODE_KEY)
    try:
        return CodingMode(value) if value else CodingMode.OPEN
    except ValueError:
        return CodingMode.OPEN


def set_coding_mode(store: Store, mode: CodingMode | str) -> CodingMode:
    """Choose open or blind coding for the whole project (any coder may; leads may not)."""
    try:
        chosen = CodingMode(mode)
    except ValueError as exc:
        choices = ", ".join(m.value for m in CodingMode)
        raise UsageError(f"coding mode must be one of {choices}, not {mode!r}") from exc
    from coder.store.codes import CodeRepo

    with store.session() as s:
        CodeRepo(s).set_setting(MODE_KEY, chosen.value)
    return chosen


def finished_coders(codings: Iterable[CodingInfo]) -> set[str]:
    """Coders with at least one decision here and no suggestion left in their queue."""
    items = list(codings)
    coders = {c.coder for c in items if c.coder != PROJECT and c.status is not CodingStatus.SUGGESTED}
    by_segment: dict[int, list[CodingInfo]] = {}
    for c in items:
        by_segment.setdefault(c.segment_id, []).append(c)
    return {
        who
        for who in coders
        if not any(pending_for(cs, who) for cs in by_segment.values())
    }


def hidden_coders(
    codings: Iterable[CodingInfo], coder: str, mode: CodingMode
) -> frozenset[str]:
    """Whose decisions `coder` may not see yet in a transcript with these codings.

    Open coding hides nobody. Blind coding hides every other coder's decisions until both
    that coder and `coder` have decided every suggestion in the transcript.
    """
    if mode is CodingMode.OPEN:
        return frozenset()
    items = list(codings)
    others = {c.coder for c in items} - {coder, PROJECT}
    done = finished_coders(items)
    if coder not in done:
        return frozenset(others)
    return frozenset(o for o in others if o not in done)


def visible(codings: Iterable[CodingInfo], hidden: frozenset[str]) -> list[CodingInfo]:
    return [c for c in codings if c.coder not in hidden]


def applied_for(codings: Iterable[CodingInfo], coder: str) -> list[CodingInfo]:
    """Accepted codings on a segment: `coder`'s own first, then other coders'."""
    acc = [c for c in codings if c.status is CodingStatus.ACCEPTED]
    return sorted(acc, key=lambda c: (c.coder != coder, c.span_start or -1, c.code_id, c.coder))


ProgressFn = Callable[[int, int, str], None]


def autocode_available() -> bool:
    try:
        from coder.services.autocode import autocode  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def autocode_transcripts(
    store: Store,
    transcript_ids: list[int],
    *,
    coder: str,
    progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> str:
    """Run the tagging service over transcripts; returns a one-line summary of what it stored.

    `progress(done, total, name)` counts segments; `should_stop()` is checked between segments
    and stops cleanly (what was committed stays).
    """
    try:
        from coder.services.autocode import autocode  # type: ignore[import-not-found]
    except ImportError as exc:
        raise UsageError("autocoding is not available in this build") from exc
    report = autocode(store, coder, transcript_ids, progress=progress, cancel=should_stop)
    stored = getattr(report, "stored", 0)
    done = getattr(report, "transcripts", len(transcript_ids))
    skipped = getattr(report, "skipped_transcripts", 0)
    verb = "cancelled after storing" if getattr(report, "cancelled", False) else "stored"
    extra = f", {skipped} already up to date" if skipped else ""
    return f"autocoding {verb} {stored} suggestion(s) in {done} transcript(s){extra}"


@dataclass(frozen=True, slots=True)
class LibraryOverview:
    """The Library screen's data: municipalities, transcripts with progress, participants."""

    cases: list[CaseInfo]
    transcripts: list[TranscriptProgress]
    participants: dict[int, list[ParticipantInfo]]  # by transcript id


def library_overview(store: Store, *, coder: str | None = None) -> LibraryOverview:
    progress = transcript_progress(store, coder=coder)
    with store.session() as s:
        repo = TranscriptRepo(s)
        cases = repo.list_cases()
        parts = {p.transcript.id: repo.participants(p.transcript.id) for p in progress}
    return LibraryOverview(cases=cases, transcripts=progress, participants=parts)


@dataclass(frozen=True, slots=True)
class SegmentState:
    """A segment's codings (everyone's) and memos, reloaded after a coding action on it."""

    segment_id: int
    codings: list[CodingInfo]
    memos: list[MemoInfo]


def segment_state(
    store: Store, segment_id: int, *, hidden: frozenset[str] = frozenset()
) -> SegmentState:
    """A segment's codings as stored now, without the decisions of the `hidden` coders."""
    with store.session() as s:
        repo = CodingRepo(s)
        codings = visible(repo.for_segments([segment_id]), hidden)
        memos = repo.memos(segment_ids=[segment_id])
    return SegmentState(segment_id, codings, memos)


def coding_view(
    store: Store, transcript_id: int, *, coder: str | None = None
) -> TranscriptView:
    """What the Coding screen shows of a transcript, read with column queries (no ORM objects).

    The same data as `catalog.transcript_view` (everyone's codings, segment memos) except the
    codings' timestamps, which the screen does not show; loaded fast enough to open a
    50,000-word transcript in a fraction of a second. With `coder`, on a project coded blind,
    the decisions that coder may not see yet are left out (`hidden` names whose).
    """
    mode = coding_mode(store) if coder is not None else CodingMode.OPEN
    from sqlalchemy import select

    from coder.store.models import Coding, Segment
    from coder.store.relations import with_effective

    with store.session() as s:
        repo = TranscriptRepo(s)
        info = repo.get(transcript_id)
        text = repo.text(transcript_id)
        participants = repo.participants(transcript_id)
        groups = {p.id: (p.label, p.role_group) for p in participants}
        seg_rows = s.execute(
            select(
                Segment.id,
                Segment.ordinal,
                Segment.start_offset,
                Segment.end_offset,
                Segment.participant_id,
                Segment.start_ms,
                Segment.end_ms,
            )
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.ordinal)
        ).all()
        coding_rows = s.execute(
            select(
                Coding.id,
                Coding.segment_id,
                Coding.code_id,
                Coding.coder,
                Coding.origin,
                Coding.status,
                Coding.relation,
                Coding.span_start,
                Coding.span_end,
                Coding.score,
                Coding.evidence,
                Coding.version,
            )
            .join(Segment, Coding.segment_id == Segment.id)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Coding.segment_id, Coding.score.desc(), Coding.id)
        ).all()
        coding_infos = with_effective(s, [coding_info(r) for r in coding_rows])
        memos = CodingRepo(s).memos(transcript_id=transcript_id)
    segments = []
    for sid, ordinal, start, end, pid, start_ms, end_ms in seg_rows:
        label, group = groups.get(pid, (None, None)) if pid is not None else (None, None)
        segments.append(
            SegmentInfo(
                id=sid,
                transcript_id=transcript_id,
                ordinal=ordinal,
                start=start,
                end=end,
                text=text[start:end],
                participant_id=pid,
                speaker=label,
                role_group=group,
                start_ms=start_ms,
                end_ms=end_ms,
            )
        )
    hidden = hidden_coders(coding_infos, coder, mode) if coder is not None else frozenset()
    codings: dict[int, list[CodingInfo]] = {}
    for c in visible(coding_infos, hidden):
        codings.setdefault(c.segment_id, []).append(c)
    by_segment: dict[int, list[MemoInfo]] = {}
    for m in memos:
        if m.segment_id is not None:
            by_segment.setdefault(m.segment_id, []).append(m)
    return TranscriptView(
        transcript=info,
        text=text,
        participants=participants,
        segments=segments,
        codings=codings,
        memos=by_segment,
        hidden=hidden,
    )
