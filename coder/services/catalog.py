"""Read-side use cases both faces call: cases, transcripts, segments with their codings, codes."""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.domain import (
    CaseInfo,
    CodeInfo,
    CodingInfo,
    CodingStatus,
    MemoInfo,
    ParticipantInfo,
    SegmentInfo,
    TranscriptInfo,
)
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo, in_queue_of
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo


@dataclass(frozen=True, slots=True)
class TranscriptView:
    """Everything a screen needs to show one transcript."""

    transcript: TranscriptInfo
    text: str
    participants: list[ParticipantInfo]
    segments: list[SegmentInfo]
    codings: dict[int, list[CodingInfo]] = field(default_factory=dict)  # by segment id
    memos: dict[int, list[MemoInfo]] = field(default_factory=dict)  # by segment id
    # Coders whose decisions are left out of `codings` (blind coding, see workspace.coding_view).
    hidden: frozenset[str] = frozenset()

    def pending(self, coder: str | None = None) -> int:
        """Suggestions in `coder`'s queue (every stored suggestion without a coder)."""
        if coder is None:
            return sum(
                1 for cs in self.codings.values() for c in cs if c.status is CodingStatus.SUGGESTED
            )
        from coder.services.workspace import pending_for

        return sum(len(pending_for(cs, coder)) for cs in self.codings.values())

    def progress(self) -> float:
        """Share of non-interviewer segments with at least one accepted coding."""
        from coder.domain import RoleGroup

        relevant = [s for s in self.segments if s.role_group is not RoleGroup.INTERVIEWER]
        if not relevant:
            return 0.0
        done = sum(
            1
            for s in relevant
            if any(c.status is CodingStatus.ACCEPTED for c in self.codings.get(s.id, []))
        )
        return done / len(relevant)


@dataclass(frozen=True, slots=True)
class TranscriptProgress:
    transcript: TranscriptInfo
    coded_share: float
    pending: int


def list_cases(store: Store) -> list[CaseInfo]:
    with store.session() as s:
        return TranscriptRepo(s).list_cases()


def list_transcripts(
    store: Store, case: str | None = None, *, include_retired: bool = False
) -> list[TranscriptInfo]:
    with store.session() as s:
        return TranscriptRepo(s).list_transcripts(case=case, include_retired=include_retired)


def resolve_transcript(store: Store, ref: str | int) -> TranscriptInfo:
    with store.session() as s:
        return TranscriptRepo(s).resolve(ref)


def transcript_view(store: Store, ref: str | int, *, coder: str | None = None) -> TranscriptView:
    """A transcript with participants, segments, codings (of `coder`, or everyone's) and memos."""
    with store.session() as s:
        repo = TranscriptRepo(s)
        info = repo.resolve(ref)
        segments = repo.segments(info.id)
        codings: dict[int, list[CodingInfo]] = {}
        for c in CodingRepo(s).for_transcript(info.id, coder=coder):
            codings.setdefault(c.segment_id, []).append(c)
        memos: dict[int, list[MemoInfo]] = {}
        for m in CodingRepo(s).memos(transcript_id=info.id):
            if m.segment_id is not None:
                memos.setdefault(m.segment_id, []).append(m)
        return TranscriptView(
            transcript=info,
            text=repo.text(info.id),
            participants=repo.participants(info.id),
            segments=segments,
            codings=codings,
            memos=memos,
        )


def segment_codings(store: Store, segment_id: int, *, coder: str | None = None) -> list[CodingInfo]:
    with store.session() as s:
        return CodingRepo(s).for_segments([segment_id], coder=coder)


def transcript_progress(store: Store, *, coder: str | None = None) -> list[TranscriptProgress]:
    """Per transcript: share of informant segments with an accepted code, pending suggestions."""
    from sqlalchemy import func, select

    from coder.store.models import Coding, Participant, Segment

    with store.session() as s:
        items = TranscriptRepo(s).list_transcripts()
        informant = (
            select(Segment.transcript_id, func.count())
            .outerjoin(Participant, Segment.participant_id == Participant.id)
            .where((Participant.role_group.is_(None)) | (Participant.role_group != "interviewer"))
            .group_by(Segment.transcript_id)
        )
        totals = dict(s.execute(informant).all())
        coded_q = (
            select(Segment.transcript_id, func.count(func.distinct(Segment.id)))
            .join(Coding, Coding.segment_id == Segment.id)
            .where(Coding.status == CodingStatus.ACCEPTED.value)
        )
        # Without a coder: every stored suggestion.
        pending_q = (
            select(Segment.transcript_id, func.count(func.distinct(Coding.id)))
            .join(Coding, Coding.segment_id == Segment.id)
            .where(Coding.status == CodingStatus.SUGGESTED.value)
        )
        if coder is not None:
            coded_q = coded_q.where(Coding.coder == coder)
            pending_q = pending_q.where(in_queue_of(coder))
        coded = dict(s.execute(coded_q.group_by(Segment.transcript_id)).all())
        pending = dict(s.execute(pending_q.group_by(Segment.transcript_id)).all())
    return [
        TranscriptProgress(
            transcript=t,
            coded_share=(coded.get(t.id, 0) / totals[t.id]) if totals.get(t.id) else 0.0,
            pending=pending.get(t.id, 0),
        )
        for t in items
    ]


def list_codes(store: Store) -> list[CodeInfo]:
    with store.session() as s:
        return CodeRepo(s).list()


def code_counts(store: Store, status: CodingStatus = CodingStatus.ACCEPTED) -> dict[str, int]:
    with store.session() as s:
        return CodeRepo(s).counts(status)


def get_code(store: Store, code_id: str) -> CodeInfo:
    with store.session() as s:
        return CodeRepo(s).get(code_id)
