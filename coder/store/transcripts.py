"""Repository for cases, transcripts, participants and segments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.domain import CaseInfo, ParticipantInfo, RoleGroup, SegmentInfo, TranscriptInfo
from coder.errors import NotFoundError
from coder.ingest.draft import TranscriptDraft
from coder.store.convert import case_info, participant_info
from coder.store.models import Case, Participant, Segment, Transcript, utcnow


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Facts about a municipality as given in a cases file or on the command line."""

    name: str
    county: str | None = None
    population: int | None = None
    organisation_model: str | None = None
    reform_year: int | None = None
    notes: str | None = None


class TranscriptRepo:
    """Reads and writes the interview material; returns domain dataclasses."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- cases -------------------------------------------------------------------------
    def case_row(self, name: str) -> Case | None:
        return self.s.scalar(select(Case).where(func.lower(Case.name) == name.strip().lower()))

    def ensure_case(self, name: str) -> Case:
        row = self.case_row(name)
        if row is None:
            row = Case(name=name.strip())
            self.s.add(row)
            self.s.flush()
        return row

    def upsert_case(self, facts: CaseFacts) -> CaseInfo:
        row = self.ensure_case(facts.name)
        for field in ("county", "population", "organisation_model", "reform_year", "notes"):
            value = getattr(facts, field)
            if value is not None:
                setattr(row, field, value)
        self.s.flush()
        return case_info(row)

    def list_cases(self) -> list[CaseInfo]:
        counts = dict(
            self.s.execute(
                select(Transcript.case_id, func.count())
                .where(Transcript.retired_at.is_(None))
                .group_by(Transcript.case_id)
            ).all()
        )
        rows = self.s.scalars(select(Case).order_by(Case.name)).all()
        return [case_info(r, counts.get(r.id, 0)) for r in rows]

    def get_case(self, name: str) -> CaseInfo:
        row = self.case_row(name)
        if row is None:
            known = ", ".join(c.name for c in self.list_cases()) or "none"
            raise NotFoundError(f"unknown case {name!r} (known: {known})")
        return case_info(row)

    # -- transcripts -----------------------------------------------------------------------
    def by_sha(self, sha256: str) -> Transcript | None:
        return self.s.scalar(select(Transcript).where(Transcript.sha256 == sha256))

    def current_by_source(self, source_name: str, case_id: int | None) -> Transcript | None:
        q = select(Transcript).where(
            Transcript.source_name == source_name, Transcript.retired_at.is_(None)
        )
        q = q.where(
            Transcript.case_id.is_(None) if case_id is None else Transcript.case_id == case_id
        )
        return self.s.scalar(q.order_by(Transcript.version.desc()))

    def add_draft(
        self, draft: TranscriptDraft, case_id: int | None, previous: Transcript | None = None
    ) -> Transcript:
        """Store a draft with its participants and segments; with `previous`, as its new version."""
        row = Transcript(
            case_id=case_id,
            title=draft.title,
            interview_date=draft.interview_date,
            source_name=draft.source_name,
            sha256=draft.sha256,
            format=draft.format,
            encoding=draft.encoding,
            language=draft.language,
            text=draft.text,
            word_count=draft.word_count,
            version=(previous.version + 1) if previous else 1,
            previous_id=previous.id if previous else None,
        )
        if previous is not None:
            previous.retired_at = utcnow()
        self.s.add(row)
        self.s.flush()
        by_label: dict[str, Participant] = {}
        for p in draft.participants:
            prow = Participant(
                transcript_id=row.id,
                label=p.label,
                display_name=p.display_name,
                role_group=p.role_group.value,
                role_title=p.role_title,
            )
            self.s.add(prow)
            by_label[p.label] = prow
        self.s.flush()
        self.s.bulk_insert_mappings(  # type: ignore[arg-type]
            Segment,
            [
                {
                    "transcript_id": row.id,
                    "ordinal": seg.ordinal,
                    "participant_id": by_label[seg.speaker].id if seg.speaker in by_label else None,
                    "start_offset": seg.start,
                    "end_offset": seg.end,
                    "start_ms": seg.start_ms,
                    "end_ms": seg.end_ms,
                }
                for seg in draft.segments
            ],
        )
        self.s.flush()
        return row

    def _info(
        self, row: Transcript, seg_count: int | None = None, part_count: int | None = None
    ) -> TranscriptInfo:
        if seg_count is None:
            seg_count = (
                self.s.scalar(
                    select(func.count()).select_from(Segment).where(Segment.transcript_id == row.id)
                )
                or 0
            )
        if part_count is None:
            part_count = (
                self.s.scalar(
                    select(func.count())
                    .select_from(Participant)
                    .where(Participant.transcript_id == row.id)
                )
                or 0
            )
        return TranscriptInfo(
            id=row.id,
            case_id=row.case_id,
            case_name=row.case.name if row.case else None,
            title=row.title,
            source_name=row.source_name,
            sha256=row.sha256,
            format=row.format,
            language=row.language,
            interview_date=row.interview_date,
            imported_at=row.imported_at,
            version=row.version,
            word_count=row.word_count,
            segment_count=seg_count,
            participant_count=part_count,
        )

    def list_transcripts(
        self, case: str | None = None, include_retired: bool = False
    ) -> list[TranscriptInfo]:
        q = select(Transcript).outerjoin(Case).order_by(Case.name, Transcript.source_name)
        if not include_retired:
            q = q.where(Transcript.retired_at.is_(None))
        if case:
            q = q.where(Transcript.case_id == self.get_case(case).id)
        rows = self.s.scalars(q).all()
        seg_counts = dict(
            self.s.execute(
                select(Segment.transcript_id, func.count()).group_by(Segment.transcript_id)
            ).all()
        )
        part_counts = dict(
            self.s.execute(
                select(Participant.transcript_id, func.count()).group_by(Participant.transcript_id)
            ).all()
        )
        return [self._info(r, seg_counts.get(r.id, 0), part_counts.get(r.id, 0)) for r in rows]

    def row(self, transcript_id: int) -> Transcript:
        row = self.s.get(Transcript, transcript_id)
        if row is None:
            raise NotFoundError(f"unknown transcript id {transcript_id}")
        return row

    def get(self, transcript_id: int) -> TranscriptInfo:
        return self._info(self.row(transcript_id))

    def resolve(self, ref: str | int) -> TranscriptInfo:
        """A transcript by id, file name or file stem (current version)."""
        text = str(ref).strip()
        if text.isdigit():
            return self.get(int(text))
        rows = self.s.scalars(select(Transcript).where(Transcript.retired_at.is_(None))).all()
        lowered = text.lower()
        exact = [r for r in rows if r.source_name.lower() == lowered]
        stem = [r for r in rows if r.source_name.rsplit(".", 1)[0].lower() == lowered]
        prefix = [r for r in rows if r.source_name.lower().startswith(lowered)]
        for matches in (exact, stem, prefix):
            if len(matches) == 1:
                return self._info(matches[0])
            if len(matches) > 1:
                names = ", ".join(f"{m.id}:{m.source_name}" for m in matches[:5])
                raise NotFoundError(f"transcript {text!r} is ambiguous ({names}); use the id")
        raise NotFoundError(f"unknown transcript {text!r} (see `coder transcripts`)")

    def text(self, transcript_id: int) -> str:
        return self.row(transcript_id).text

    def participants(self, transcript_id: int) -> list[ParticipantInfo]:
        rows = self.s.scalars(
            select(Participant)
            .where(Participant.transcript_id == transcript_id)
            .order_by(Participant.id)
        ).all()
        return [participant_info(r) for r in rows]

    def segments(self, transcript_id: int) -> list[SegmentInfo]:
        text = self.text(transcript_id)
        rows = self.s.execute(
            select(Segment, Participant.label, Participant.role_group)
            .outerjoin(Participant, Segment.participant_id == Participant.id)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.ordinal)
        ).all()
        return [
            SegmentInfo(
                id=seg.id,
                transcript_id=seg.transcript_id,
                ordinal=seg.ordinal,
                start=seg.start_offset,
                end=seg.end_offset,
                text=text[seg.start_offset : seg.end_offset],
                participant_id=seg.participant_id,
                speaker=label,
                role_group=RoleGroup(group) if group else None,
                start_ms=seg.start_ms,
                end_ms=seg.end_ms,
            )
            for seg, label, group in rows
        ]

    def segment(self, segment_id: int) -> SegmentInfo:
        seg = self.s.get(Segment, segment_id)
        if seg is None:
            raise NotFoundError(f"unknown segment id {segment_id}")
        part = seg.participant
        text = self.text(seg.transcript_id)
        return SegmentInfo(
            id=seg.id,
            transcript_id=seg.transcript_id,
            ordinal=seg.ordinal,
            start=seg.start_offset,
            end=seg.end_offset,
            text=text[seg.start_offset : seg.end_offset],
            participant_id=seg.participant_id,
            speaker=part.label if part else None,
            role_group=RoleGroup(part.role_group) if part else None,
            start_ms=seg.start_ms,
            end_ms=seg.end_ms,
        )
