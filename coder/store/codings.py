"""Repository for codings (suggested, accepted, rejected) and memos, with row snapshots for undo."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session, aliased

from coder.domain import PROJECT, CodingInfo, CodingOrigin, CodingStatus, MemoInfo, Relation
from coder.errors import ConflictError, NotFoundError, UsageError
from coder.store.convert import coding_info, memo_info, span_key
from coder.store.models import Code, Coding, Memo, Segment
from coder.store.relations import with_effective

_SNAPSHOT_SKIP = {"version"}


def snapshot(row: Any) -> dict[str, Any]:
    """A JSON-safe copy of a row's columns (for the undo history)."""
    out: dict[str, Any] = {}
    for col in row.__table__.columns:
        if col.key in _SNAPSHOT_SKIP:
            continue
        value = getattr(row, col.key)
        out[col.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _comparable(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot with its times in one form (backends read time zones back differently)."""
    if state is None:
        return None
    out = dict(state)
    for key, value in state.items():
        if key.endswith("_at") and isinstance(value, str):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            out[key] = moment.isoformat()
    return out


def restore(
    session: Session,
    model: type,
    row_id: Any,
    state: dict[str, Any] | None,
    *,
    expected: dict[str, Any] | None,
) -> None:
    """Put a row back to `state` (None = the row must not exist), if it is still `expected`.

    `expected` is the state the history says the row is in now. Anything else (a row that
    another coder or session changed, or that took this id) is not this action's to overwrite:
    the step is refused and nothing is written.
    """
    row = session.get(model, row_id)
    current = snapshot(row) if row is not None else None
    if _comparable(current) != _comparable(expected):
        what = model.__tablename__.rstrip("s")
        raise ConflictError(
            f"{what} {row_id} has changed since that action (another coder or session); "
            "nothing was undone or redone"
        )
    if state is None:
        if row is not None:
            session.delete(row)
        session.flush()
        return
    values = {
        k: (datetime.fromisoformat(v) if isinstance(v, str) and k.endswith("_at") else v)
        for k, v in state.items()
    }
    if row is None:
        session.add(model(**values))
    else:
        for k, v in values.items():
            setattr(row, k, v)
    session.flush()


def in_queue_of(coder: str) -> ColumnElement[bool]:
    """SQL condition: a `Coding` row is a suggestion in `coder`'s queue.

    The queue is every project suggestion (and any older suggestion of the coder's own) that
    the coder has not decided themselves: no accepted or rejected coding of theirs with the same
    segment, code and span. `workspace.pending_for` is the same rule over loaded codings.
    """
    own = aliased(Coding)
    decided = exists().where(
        own.segment_id == Coding.segment_id,
        own.code_id == Coding.code_id,
        own.span_key == Coding.span_key,
        own.coder == coder,
        own.status != CodingStatus.SUGGESTED.value,
    )
    return and_(
        Coding.status == CodingStatus.SUGGESTED.value,
        Coding.coder.in_([coder, PROJECT]),
        ~decided,
    )


class CodingRepo:
    def __init__(self, session: Session) -> None:
        self.s = session

    def row(self, coding_id: int) -> Coding:
        row = self.s.get(Coding, coding_id)
        if row is None:
            raise NotFoundError(f"unknown coding id {coding_id}")
        return row

    def get(self, coding_id: int) -> CodingInfo:
        return coding_info(self.row(coding_id))

    def check_version(self, row: Coding, expected_version: int | None) -> None:
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"coding {row.id} was changed by someone else meanwhile "
                f"(version {row.version}, you saw {expected_version}); reload and try again"
            )

    def find(
        self, segment_id: int, code_id: str, coder: str, span: tuple[int, int] | None
    ) -> Coding | None:
        key = span_key(*(span or (None, None)))
        return self.s.scalar(
            select(Coding).where(
                Coding.segment_id == segment_id,
                Coding.code_id == code_id,
                Coding.coder == coder,
                Coding.span_key == key,
            )
        )

    def validate_target(self, segment_id: int, code_id: str, span: tuple[int, int] | None) -> None:
        seg = self.s.get(Segment, segment_id)
        if seg is None:
            raise NotFoundError(f"unknown segment id {segment_id}")
        if self.s.get(Code, code_id) is None:
            raise NotFoundError(f"unknown code id {code_id!r}")
        if span is not None:
            start, end = span
            if not (seg.start_offset <= start < end <= seg.end_offset):
                raise UsageError(
                    f"span {start}:{end} lies outside segment {segment_id} "
                    f"({seg.start_offset}:{seg.end_offset})"
                )

    def upsert_suggestion(
        self,
        segment_id: int,
        code_id: str,
        coder: str,
        *,
        score: float,
        evidence: Iterable[str],
        relation: Relation | None,
    ) -> tuple[Coding, bool]:
        """Store a suggestion idempotently; never touches a decided or manual coding.

        Returns (row, changed).
        """
        row = self.find(segment_id, code_id, coder, None)
        ev = list(evidence)
        rel = relation.value if relation else None
        if row is None:
            row = Coding(
                segment_id=segment_id,
                code_id=code_id,
                coder=coder,
                origin=CodingOrigin.SUGGESTED.value,
                status=CodingStatus.SUGGESTED.value,
                relation=rel,
                span_key="",
                score=round(float(score), 4),
                evidence=ev,
            )
            self.s.add(row)
            return row, True
        if (
            row.status == CodingStatus.SUGGESTED.value
            and row.origin == CodingOrigin.SUGGESTED.value
        ):
            new_score = round(float(score), 4)
            if row.score != new_score or row.evidence != ev or row.relation != rel:
                row.score, row.evidence, row.relation = new_score, ev, rel
                return row, True
        return row, False

    def for_segments(
        self,
        segment_ids: Iterable[int],
        *,
        coder: str | None = None,
        statuses: Iterable[CodingStatus] | None = None,
    ) -> list[CodingInfo]:
        ids = list(segment_ids)
        if not ids:
            return []
        q = select(Coding).where(Coding.segment_id.in_(ids))
        if coder is not None:
            q = q.where(Coding.coder == coder)
        if statuses is not None:
            q = q.where(Coding.status.in_([s.value for s in statuses]))
        rows = self.s.scalars(q.order_by(Coding.segment_id, Coding.score.desc(), Coding.id)).all()
        return with_effective(self.s, [coding_info(r) for r in rows])

    def for_transcript(
        self,
        transcript_id: int,
        *,
        coder: str | None = None,
        statuses: Iterable[CodingStatus] | None = None,
    ) -> list[CodingInfo]:
        seg_ids = self.s.scalars(
            select(Segment.id).where(Segment.transcript_id == transcript_id)
        ).all()
        return self.for_segments(seg_ids, coder=coder, statuses=statuses)

    # -- memos ---------------------------------------------------------------------------
    def memo_row(self, memo_id: int) -> Memo:
        row = self.s.get(Memo, memo_id)
        if row is None:
            raise NotFoundError(f"unknown memo id {memo_id}")
        return row

    def memos(
        self,
        *,
        transcript_id: int | None = None,
        segment_ids: Iterable[int] | None = None,
        code_id: str | None = None,
        coding_id: int | None = None,
    ) -> list[MemoInfo]:
        q = select(Memo)
        if transcript_id is not None:
            q = q.where(Memo.transcript_id == transcript_id)
        if segment_ids is not None:
            q = q.where(Memo.segment_id.in_(list(segment_ids)))
        if code_id is not None:
            q = q.where(Memo.code_id == code_id)
        if coding_id is not None:
            q = q.where(Memo.coding_id == coding_id)
        return [memo_info(r) for r in self.s.scalars(q.order_by(Memo.id)).all()]
