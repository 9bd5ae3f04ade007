"""The effective relation of codings, read from the database by the domain's one rule.

`coder.domain.effective_relation` is the rule. This module supplies its inputs (a code's
relation, a segment's accepted relation, the speaker's role group) and, for queries that rank
or filter in SQL, `relation_expr`: the same rule as one SQL expression, built from the same
table of role-group defaults (tests check that both agree on every combination).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from coder.domain import (
    ROLE_DEFAULT_RELATION,
    CodeKind,
    CodingInfo,
    CodingStatus,
    effective_relation,
)
from coder.store.models import Code, Coding, Participant, Segment

NO_RELATION = "none"


def segment_relations_select() -> Select:
    """(segment_id, relation) of every segment whose accepted relation codes (REL.*) name
    exactly one relation; a segment with accepted codes of two relations has none."""
    return (
        select(Coding.segment_id.label("segment_id"), func.min(Code.relation).label("relation"))
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.status == CodingStatus.ACCEPTED.value)
        .where(Code.kind == CodeKind.RELATION.value)
        .where(Code.relation.is_not(None))
        .group_by(Coding.segment_id)
        .having(func.count(func.distinct(Code.relation)) == 1)
    )


def segment_relation_map(
    session: Session, segment_ids: Iterable[int] | None = None
) -> dict[int, str]:
    q = segment_relations_select()
    if segment_ids is not None:
        ids = list(segment_ids)
        if not ids:
            return {}
        out: dict[int, str] = {}
        for i in range(0, len(ids), 900):
            chunk = q.where(Coding.segment_id.in_(ids[i : i + 900]))
            out.update({int(s): r for s, r in session.execute(chunk).all()})
        return out
    return {int(s): r for s, r in session.execute(q).all()}


def role_default_expr(role_column: Any) -> Any:
    """The speaker's role-group default relation as SQL (NULL when the group has none)."""
    return case(
        *((role_column == g.value, literal(r.value)) for g, r in ROLE_DEFAULT_RELATION.items()),
        else_=None,
    )


def relation_expr(segment_relation: Any, role_column: Any = Participant.role_group) -> Any:
    """`effective_relation` in SQL: coding's, code's, segment's, speaker default, else "none".

    The query must join Code (on the coding's code), Participant (outer, the segment's speaker)
    and `segment_relations_select()` (outer, on the segment) whose column is `segment_relation`.
    """
    return func.coalesce(
        Coding.relation,
        Code.relation,
        segment_relation,
        role_default_expr(role_column),
        NO_RELATION,
    )


def with_effective(session: Session, infos: Sequence[CodingInfo]) -> list[CodingInfo]:
    """The codings with `effective` and `relation_source` filled in by the rule."""
    if not infos:
        return []
    seg_ids = sorted({c.segment_id for c in infos})
    code_rel = dict(
        session.execute(
            select(Code.id, Code.relation).where(Code.id.in_({c.code_id for c in infos}))
        ).all()
    )
    seg_rel = segment_relation_map(session, seg_ids)
    roles: dict[int, str | None] = {}
    for i in range(0, len(seg_ids), 900):
        rows = session.execute(
            select(Segment.id, Participant.role_group)
            .outerjoin(Participant, Participant.id == Segment.participant_id)
            .where(Segment.id.in_(seg_ids[i : i + 900]))
        ).all()
        roles.update({int(s): g for s, g in rows})
    out = []
    for c in infos:
        rel, source = effective_relation(
            c.relation, code_rel.get(c.code_id), seg_rel.get(c.segment_id), roles.get(c.segment_id)
        )
        out.append(replace(c, effective=rel, relation_source=source))
    return out
