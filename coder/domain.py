"""The domain's vocabulary: enums and plain dataclasses that services hand out (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class RoleGroup(StrEnum):
    """Which group an informant belongs to in the study design."""

    POLITICIAN = "politician"
    CEO_LEVEL = "ceo_level"  # rådmann, kommunalsjef, the chief executive's leadership group
    STAFF_SUPPORT = "staff_support"  # heads and staff of stab/støtte units
    UNIT_LEADER = "unit_leader"  # virksomhetsleder, enhetsleder, resultatenhetsleder
    INTERVIEWER = "interviewer"
    OTHER = "other"


class Relation(StrEnum):
    """The three relations of staff/support functions that the study examines."""

    POLITICIANS = "politicians"  # politisk ledelse
    CEO = "ceo"  # rådmannsnivået
    UNITS = "units"  # virksomhetene


class RelationSource(StrEnum):
    """Where a coding's effective relation came from (see `effective_relation`)."""

    CODING = "coding"  # set on the coding itself (a suggestion's relation, or chosen with R)
    CODE = "code"  # the code belongs to a relation's subtree (C13, C14, C15, REL.*)
    SEGMENT = "segment"  # the segment has one accepted relation code (REL.*)
    SPEAKER = "speaker"  # the default of the speaker's role group
    NONE = "none"  # nothing applies


# The documented default relation of a speaker's role group, used only when neither the coding,
# its code nor its segment names one: a politician talking about staff/support talks about its
# relation to the political level, a member of the chief executive's group about the rådmann
# level, a unit leader about the units. Staff/support speakers, interviewers and others have no
# default (they can talk about any relation), so their unresolved codings stay `none`.
ROLE_DEFAULT_RELATION: dict[RoleGroup, Relation] = {
    RoleGroup.POLITICIAN: Relation.POLITICIANS,
    RoleGroup.CEO_LEVEL: Relation.CEO,
    RoleGroup.UNIT_LEADER: Relation.UNITS,
}


def _as_relation(value: Relation | str | None) -> Relation | None:
    if value is None or value == "" or value == "none":
        return None
    return Relation(value)


def effective_relation(
    own: Relation | str | None,
    code: Relation | str | None = None,
    segment: Relation | str | None = None,
    role_group: RoleGroup | str | None = None,
) -> tuple[Relation | None, RelationSource]:
    """The one rule for a coding's relation, and where it came from.

    The coding's own relation, else its code's (C13 -> politicians, C14 -> ceo, C15 -> units,
    as the codebook says), else the segment's accepted relation (one accepted REL.* coding on
    the segment), else the default of the speaker's role group (`ROLE_DEFAULT_RELATION`);
    (None, NONE) only when nothing applies.
    """
    for value, source in (
        (own, RelationSource.CODING),
        (code, RelationSource.CODE),
        (segment, RelationSource.SEGMENT),
    ):
        rel = _as_relation(value)
        if rel is not None:
            return rel, source
    if role_group:
        try:
            group = RoleGroup(role_group)
        except ValueError:
            group = None
        if group in ROLE_DEFAULT_RELATION:
            return ROLE_DEFAULT_RELATION[group], RelationSource.SPEAKER
    return None, RelationSource.NONE


def relation_key(relation: Relation | None) -> str:
    """The relation's name in summaries and exports: its value, or "none"."""
    return relation.value if relation is not None else "none"


class CodeKind(StrEnum):
    SECTION = "section"
    QUESTION = "question"
    ITEM = "item"
    RELATION = "relation"
    THEME = "theme"


class CodingStatus(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# A Suggestion belongs to the project, a decision to a coder: suggestions are stored as codings
# of this reserved (empty) coder name, which no person can have, and every decision on one is a
# coding of the deciding coder's own. Each coder's queue is the project's suggestions they have
# not decided themselves.
PROJECT = ""


class CodingMode(StrEnum):
    """How coders see each other's decisions (the project setting `coding.mode`)."""

    OPEN = "open"  # others' decisions visible, marked with their name
    BLIND = "blind"  # others' decisions hidden until you have decided every suggestion


class CodingOrigin(StrEnum):
    MANUAL = "manual"
    SUGGESTED = "suggested"
    IMPORTED = "imported"


@dataclass(frozen=True, slots=True)
class CaseInfo:
    id: int
    name: str
    county: str | None = None
    population: int | None = None
    organisation_model: str | None = None
    reform_year: int | None = None
    notes: str | None = None
    transcript_count: int = 0


@dataclass(frozen=True, slots=True)
class ParticipantInfo:
    id: int
    transcript_id: int
    label: str
    display_name: str
    role_group: RoleGroup
    role_title: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    id: int
    transcript_id: int
    ordinal: int
    start: int
    end: int
    text: str
    participant_id: int | None = None
    speaker: str | None = None
    role_group: RoleGroup | None = None
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class TranscriptInfo:
    id: int
    case_id: int | None
    case_name: str | None
    title: str
    source_name: str
    sha256: str
    format: str
    language: str
    interview_date: date | None
    imported_at: datetime
    version: int = 1
    word_count: int = 0
    segment_count: int = 0
    participant_count: int = 0


@dataclass(frozen=True, slots=True)
class CodeInfo:
    id: str
    parent_id: str | None
    kind: CodeKind
    label: str
    text: str = ""
    description: str = ""
    color: str = "#888888"
    lexicon: tuple[str, ...] = ()
    relation: Relation | None = None
    ordinal: int = 0


@dataclass(frozen=True, slots=True)
class CodingInfo:
    id: int
    segment_id: int
    code_id: str
    coder: str
    origin: CodingOrigin
    status: CodingStatus
    relation: Relation | None = None  # the coding's own relation, as stored
    span_start: int | None = None  # offsets into the transcript text, None = whole segment
    span_end: int | None = None
    score: float | None = None
    evidence: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    # the relation it counts for (`effective_relation`), filled in where codings are shown
    effective: Relation | None = None
    relation_source: RelationSource = RelationSource.NONE


@dataclass(frozen=True, slots=True)
class MemoInfo:
    id: int
    author: str
    text: str
    transcript_id: int | None = None
    segment_id: int | None = None
    code_id: str | None = None
    coding_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class ImportOutcome:
    """What happened to one file in an import batch."""

    path: str
    status: str  # "imported", "unchanged", "new-version", "refused", "failed", "would-import"
    message: str = ""
    transcript_id: int | None = None
    segments: int = 0
    participants: int = 0
    words: int = 0
    inferred_roles: list[str] = field(default_factory=list)
