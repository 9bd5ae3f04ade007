"""Row -> domain conversions: repositories hand out frozen dataclasses, never ORM rows."""

from __future__ import annotations

from typing import Any

from coder.domain import (
    CaseInfo,
    CodeInfo,
    CodeKind,
    CodingInfo,
    CodingOrigin,
    CodingStatus,
    MemoInfo,
    ParticipantInfo,
    Relation,
    RoleGroup,
)
from coder.store.models import Case, Code, Coding, Memo, Participant


def case_info(row: Case, transcript_count: int = 0) -> CaseInfo:
    return CaseInfo(
        id=row.id,
        name=row.name,
        county=row.county,
        population=row.population,
        organisation_model=row.organisation_model,
        reform_year=row.reform_year,
        notes=row.notes,
        transcript_count=transcript_count,
    )


def participant_info(row: Participant) -> ParticipantInfo:
    return ParticipantInfo(
        id=row.id,
        transcript_id=row.transcript_id,
        label=row.label,
        display_name=row.display_name,
        role_group=RoleGroup(row.role_group),
        role_title=row.role_title,
    )


def lexicon_terms(lexicon: dict | None) -> tuple[str, ...]:
    if not lexicon:
        return ()
    return tuple(lexicon.get("lemmas", [])) + tuple(lexicon.get("phrases", []))


def code_info(row: Code) -> CodeInfo:
    return CodeInfo(
        id=row.id,
        parent_id=row.parent_id,
        kind=CodeKind(row.kind),
        label=row.label,
        text=row.text or "",
        description=row.description or "",
        color=row.color,
        lexicon=lexicon_terms(row.lexicon),
        relation=Relation(row.relation) if row.relation else None,
        ordinal=row.ordinal,
    )


def coding_info(row: Coding | Any) -> CodingInfo:
    """A coding as a domain object; `row` may also be a selected row of the coding's columns
    without the timestamps (the workspace loads only what it shows)."""
    return CodingInfo(
        id=row.id,
        segment_id=row.segment_id,
        code_id=row.code_id,
        coder=row.coder,
        origin=CodingOrigin(row.origin),
        status=CodingStatus(row.status),
        relation=Relation(row.relation) if row.relation else None,
        span_start=row.span_start,
        span_end=row.span_end,
        score=row.score,
        evidence=tuple(row.evidence or ()),
        created_at=getattr(row, "created_at", None),
        updated_at=getattr(row, "updated_at", None),
        version=row.version,
    )


def memo_info(row: Memo) -> MemoInfo:
    return MemoInfo(
        id=row.id,
        author=row.author,
        text=row.text,
        transcript_id=row.transcript_id,
        segment_id=row.segment_id,
        code_id=row.code_id,
        coding_id=row.coding_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def span_key(span_start: int | None, span_end: int | None) -> str:
    """The natural-key form of a span: "" for the whole segment."""
    if span_start is None or span_end is None:
        return ""
    return f"{span_start}:{span_end}"
