"""Drafts: what a reader makes of one file before it is stored (plain data, offsets into `text`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coder.domain import RoleGroup


@dataclass(slots=True)
class ParticipantDraft:
    label: str  # the speaker label as written in the file ("Ordfører", "Kari", "I")
    display_name: str
    role_group: RoleGroup
    role_title: str | None = None  # "Ordfører", "Økonomisjef", ... when known
    role_inferred: bool = False  # True when the group came from the label, not the header


@dataclass(slots=True)
class SegmentDraft:
    ordinal: int
    start: int  # character offsets into TranscriptDraft.text, end exclusive
    end: int
    speaker: str | None = None  # ParticipantDraft.label, or None for unlabelled paragraphs
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(slots=True)
class TranscriptDraft:
    source_path: str
    source_name: str
    format: str  # txt, md, docx, odt, srt, vtt
    sha256: str  # of the raw file bytes
    text: str  # normalised full text (NFC, LF line endings); segments point into it
    title: str
    encoding: str = "utf-8"
    case_name: str | None = None
    interview_date: date | None = None
    language: str = "nb"
    participants: list[ParticipantDraft] = field(default_factory=list)
    segments: list[SegmentDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "inferred Rådmann -> ceo_level"

    @property
    def word_count(self) -> int:
        return len(self.text.split())
