"""Coding decisions (accept, reject, code, recode, relation, memos) with a persistent undo/redo history.

Every change goes through `_record`, which stores the before/after state of each touched row in
the `actions` table, so undo and redo survive restarts and work the same from the CLI and the TUI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coder.domain import PROJECT, CodingInfo, CodingOrigin, CodingStatus, MemoInfo, Relation
from coder.errors import ConflictError, UsageError
from coder.store.codings import CodingRepo, restore, snapshot
from coder.store.convert import coding_info, memo_info, span_key
from coder.store.db import Store
from coder.store.models import Action, Coding, Memo, Segment
from coder.store.relations import with_effective

_MODELS: dict[str, type] = {"coding": Coding, "memo": Memo}


@dataclass
class _Recorder:
    """Collects row states before and after one user action."""

    session: Session
    before: dict[tuple[str, Any], dict[str, Any] | None] = field(default_factory=dict)
    rows: dict[tuple[str, Any], Any] = field(default_factory=dict)

    def touch(self, kind: str, row: Any) -> None:
        """Call before changing `row` (or right after adding it, with no earlier state)."""
        key = (kind, row.id)
        if key not in self.before:
            self.before[key] = snapshot(row) if row.id is not None and row in self.session else None
        self.rows[key] = row

    def added(self, kind: str, row: Any) -> None:
        self.session.flush()
        key = (kind, row.id)
        self.before.setdefault(key, None)
        self.rows[key] = row

    def deleted(self, kind: str, row: Any) -> None:
        key = (kind, row.id)
        self.before.setdefault(key, snapshot(row))
        self.rows[key] = None


@contextmanager
def _record(store: Store, coder: str, kind: str) -> Iterator[_Recorder]:
    with store.session() as s:
        rec = _Recorder(s)
        try:
            yield rec
            s.flush()
        except StaleDataError as exc:
            raise ConflictError(
                "someone else changed this coding meanwhile; reload and try again"
            ) from exc
        except IntegrityError as exc:
            # Two coders' sessions inserting the same natural key, or a row removed meanwhile.
            raise ConflictError(
                "this coding was changed by another session meanwhile; reload and try again"
            ) from exc
        changes = []
        for (model, row_id), before in rec.before.items():
            row = rec.rows.get((model, row_id))
            after = snapshot(row) if row is not None and row in s else None
            if before != after:
                changes.append({"model": model, "id": row_id, "before": before, "after": after})
        if changes:
            # A new action makes the redo branch unreachable.
            s.execute(
                update(Action)
                .where(Action.coder == coder, Action.undone.is_(True), Action.discarded.is_(False))
                .values(discarded=True)
            )
            s.add(Action(coder=coder, kind=kind, payload={"changes": changes}))


def _shown(session: Session, row: Any) -> CodingInfo:
    """The coding as shown: with the relation it counts for (`coder.domain.effective_relation`)."""
    session.flush()
    return with_effective(session, [coding_info(row)])[0]


def _decide(
    s: Session,
    rec: _Recorder,
    row: Coding,
    coder: str,
    status: CodingStatus,
    relation: Relation | None,
) -> Coding:
    """Apply a decision as `coder`: in place on their own coding, else on their own copy."""
    if row.coder != coder:
        own = CodingRepo(s).find(
            row.segment_id,
            row.code_id,
            coder,
            (row.span_start, row.span_end) if row.span_key else None,
        )
        if own is None:
            own = Coding(
                segment_id=row.segment_id,
                code_id=row.code_id,
                coder=coder,
                origin=row.origin,
                status=status.value,
                relation=row.relation,
                span_start=row.span_start,
                span_end=row.span_end,
                span_key=row.span_key,
                score=row.score,
                evidence=list(row.evidence or []),
            )
            s.add(own)
            rec.added("coding", own)
        row = own
    rec.touch("coding", row)
    row.status = status.value
    if relation is not None:
        row.relation = relation.value
    return row


def accept_suggestion(
    store: Store,
    coding_id: int,
    coder: str,
    *,
    relation: Relation | None = None,
    expected_version: int | None = None,
) -> CodingInfo:
    with _record(store, coder, "accept") as rec:
        repo = CodingRepo(rec.session)
        row = repo.row(coding_id)
        repo.check_version(row, expected_version)
        row = _decide(rec.session, rec, row, coder, CodingStatus.ACCEPTED, relation)
        rec.session.flush()
        return _shown(rec.session, row)


def reject_suggestion(
    store: Store, coding_id: int, coder: str, *, expected_version: int | None = None
) -> CodingInfo:
    with _record(store, coder, "reject") as rec:
        repo = CodingRepo(rec.session)
        row = repo.row(coding_id)
        repo.check_version(row, expected_version)
        row = _decide(rec.session, rec, row, coder, CodingStatus.REJECTED, None)
        rec.session.flush()
        return _shown(rec.session, row)


def accepted_above(
    codings: Iterable[CodingInfo], coder: str, threshold: float
) -> tuple[int, int]:
    """What `accept_suggestions_above` would accept among these codings: (suggestions,
    segments). The same rule as its query, for a preview before acting."""
    from coder.services.workspace import pending_for  # the queue rule, over loaded codings

    hits = [
        c for c in pending_for(codings, coder) if c.score is not None and c.score >= threshold
    ]
    return len(hits), len({c.segment_id for c in hits})


def accept_suggestions_above(store: Store, transcript_id: int, threshold: float, coder: str) -> int:
    """Accept every suggestion in `coder`'s queue in a transcript scoring at least `threshold`
    (project suggestions they have not decided, and any still pending of their own;
    `accepted_above` previews the same rule)."""
    with _record(store, coder, "accept-above") as rec:
        s = rec.session
        rows = s.scalars(
            select(Coding)
            .join(Segment, Coding.segment_id == Segment.id)
            .where(
                Segment.transcript_id == transcript_id,
                Coding.coder.in_([coder, PROJECT]),
                Coding.status == CodingStatus.SUGGESTED.value,
                Coding.score >= threshold,
            )
            .order_by(Coding.coder.desc(), Coding.id)  # own rows before the project's
        ).all()
        mine = {
            (c.segment_id, c.code_id, c.span_key)
            for c in s.scalars(
                select(Coding)
                .join(Segment, Coding.segment_id == Segment.id)
                .where(
                    Segment.transcript_id == transcript_id,
                    Coding.coder == coder,
                    Coding.status != CodingStatus.SUGGESTED.value,
                )
            ).all()
        }
        n = 0
        for row in rows:
            key = (row.segment_id, row.code_id, row.span_key)
            if key in mine:
                continue
            mine.add(key)
            _decide(s, rec, row, coder, CodingStatus.ACCEPTED, None)
            n += 1
        return n


def code_segment(
    store: Store,
    segment_id: int,
    code_id: str,
    coder: str,
    *,
    span: tuple[int, int] | None = None,
    relation: Relation | None = None,
) -> CodingInfo:
    """Apply a code by hand to a whole segment or a span (transcript offsets) inside it."""
    with _record(store, coder, "code") as rec:
        repo = CodingRepo(rec.session)
        repo.validate_target(segment_id, code_id, span)
        row = repo.find(segment_id, code_id, coder, span)
        if row is None:
            row = Coding(
                segment_id=segment_id,
                code_id=code_id,
                coder=coder,
                origin=CodingOrigin.MANUAL.value,
                status=CodingStatus.ACCEPTED.value,
                relation=relation.value if relation else None,
                span_start=span[0] if span else None,
                span_end=span[1] if span else None,
                span_key=span_key(*(span or (None, None))),
            )
            rec.session.add(row)
            rec.added("coding", row)
        else:
            rec.touch("coding", row)
            row.status = CodingStatus.ACCEPTED.value
            if relation is not None:
                row.relation = relation.value
        rec.session.flush()
        return _shown(rec.session, row)


def adopt_codings(
    store: Store,
    coder: str,
    segment_id: int,
    codings: Sequence[CodingInfo],
    *,
    drop: Sequence[int] = (),
    kind: str = "settle",
) -> list[CodingInfo]:
    """Give `coder` accepted copies of others' `codings` on one segment and reject `coder`'s own
    codings in `drop`, as one undoable action (how a team settles a disagreement)."""
    with _record(store, coder, kind) as rec:
        s = rec.session
        repo = CodingRepo(s)
        out: list[Coding] = []
        for c in codings:
            if c.segment_id != segment_id:
                raise UsageError(f"coding {c.id} is not on segment {segment_id}")
            span = (c.span_start, c.span_end) if c.span_start is not None else None
            row = repo.find(segment_id, c.code_id, coder, span)
            if row is None:
                row = Coding(
                    segment_id=segment_id,
                    code_id=c.code_id,
                    coder=coder,
                    origin=CodingOrigin.MANUAL.value,
                    status=CodingStatus.ACCEPTED.value,
                    relation=c.relation.value if c.relation else None,
                    span_start=c.span_start,
                    span_end=c.span_end,
                    span_key=span_key(c.span_start, c.span_end),
                )
                s.add(row)
                rec.added("coding", row)
            else:
                rec.touch("coding", row)
                row.status = CodingStatus.ACCEPTED.value
                row.relation = c.relation.value if c.relation else None
            out.append(row)
        for coding_id in drop:
            row = repo.row(coding_id)
            if row.coder != coder or row.segment_id != segment_id:
                raise UsageError(f"coding {coding_id} is not {coder}'s on segment {segment_id}")
            rec.touch("coding", row)
            row.status = CodingStatus.REJECTED.value
        s.flush()
        return with_effective(s, [coding_info(r) for r in out])


def recode(
    store: Store, coding_id: int, new_code_id: str, coder: str, *, relation: Relation | None = None
) -> CodingInfo:
    """Correct a suggestion: reject it and code the same segment/span with another code."""
    with _record(store, coder, "recode") as rec:
        s = rec.session
        repo = CodingRepo(s)
        row = repo.row(coding_id)
        span = (row.span_start, row.span_end) if row.span_key else None
        repo.validate_target(row.segment_id, new_code_id, span)
        rel = relation or (Relation(row.relation) if row.relation else None)
        _decide(s, rec, row, coder, CodingStatus.REJECTED, None)
        target = repo.find(row.segment_id, new_code_id, coder, span)
        if target is None:
            target = Coding(
                segment_id=row.segment_id,
                code_id=new_code_id,
                coder=coder,
                origin=CodingOrigin.MANUAL.value,
                status=CodingStatus.ACCEPTED.value,
                relation=rel.value if rel else None,
                span_start=row.span_start,
                span_end=row.span_end,
                span_key=row.span_key,
            )
            s.add(target)
            rec.added("coding", target)
        else:
            rec.touch("coding", target)
            target.status = CodingStatus.ACCEPTED.value
            if rel:
                target.relation = rel.value
        s.flush()
        return _shown(rec.session, target)


def set_relation(store: Store, coding_id: int, relation: Relation | None, coder: str) -> CodingInfo:
    with _record(store, coder, "relation") as rec:
        row = CodingRepo(rec.session).row(coding_id)
        if row.coder != coder:
            raise UsageError(f"coding {coding_id} belongs to {row.coder}; code it yourself first")
        rec.touch("coding", row)
        row.relation = relation.value if relation else None
        rec.session.flush()
        return _shown(rec.session, row)


def remove_coding(store: Store, coding_id: int, coder: str) -> None:
    with _record(store, coder, "uncode") as rec:
        row = CodingRepo(rec.session).row(coding_id)
        if row.coder != coder:
            raise UsageError(f"coding {coding_id} belongs to {row.coder}; you cannot remove it")
        for memo in rec.session.scalars(select(Memo).where(Memo.coding_id == row.id)).all():
            rec.deleted("memo", memo)
            rec.session.delete(memo)
        rec.session.flush()
        rec.deleted("coding", row)
        rec.session.delete(row)


def add_memo(
    store: Store,
    author: str,
    text: str,
    *,
    transcript_id: int | None = None,
    segment_id: int | None = None,
    code_id: str | None = None,
    coding_id: int | None = None,
) -> MemoInfo:
    if not text.strip():
        raise UsageError("a memo needs some text")
    if not any(x is not None for x in (transcript_id, segment_id, code_id, coding_id)):
        raise UsageError("a memo must be attached to a transcript, segment, code or coding")
    with _record(store, author, "memo") as rec:
        s = rec.session
        if segment_id is not None and transcript_id is None:
            seg = s.get(Segment, segment_id)
            if seg is None:
                raise UsageError(f"unknown segment id {segment_id}")
            transcript_id = seg.transcript_id
        row = Memo(
            author=author,
            text=text,
            transcript_id=transcript_id,
            segment_id=segment_id,
            code_id=code_id,
            coding_id=coding_id,
        )
        s.add(row)
        rec.added("memo", row)
        s.flush()
        return memo_info(row)


def edit_memo(store: Store, memo_id: int, text: str, author: str) -> MemoInfo:
    with _record(store, author, "memo-edit") as rec:
        row = CodingRepo(rec.session).memo_row(memo_id)
        rec.touch("memo", row)
        row.text = text
        rec.session.flush()
        return memo_info(row)


def delete_memo(store: Store, memo_id: int, author: str) -> None:
    with _record(store, author, "memo-delete") as rec:
        row = CodingRepo(rec.session).memo_row(memo_id)
        rec.deleted("memo", row)
        rec.session.delete(row)


def _apply(s: Session, changes: list[dict[str, Any]], which: str) -> None:
    # Undo restores in reverse order (children before parents are deleted), redo in order.
    ordered = reversed(changes) if which == "before" else changes
    other = "after" if which == "before" else "before"
    for ch in ordered:
        restore(s, _MODELS[ch["model"]], ch["id"], ch[which], expected=ch[other])


def _step(store: Store, coder: str, *, backwards: bool) -> str | None:
    """Move one step through `coder`'s history: undo (backwards) or redo."""
    with store.session() as s:
        # Undo takes the newest action still done; redo takes the oldest undone one, since
        # undos walk backwards through history (a new action discards the redo branch).
        order = Action.id.desc() if backwards else Action.id.asc()
        action = s.scalar(
            select(Action)
            .where(
                Action.coder == coder,
                Action.undone.is_(not backwards),
                Action.discarded.is_(False),
            )
            .order_by(order)
            .limit(1)
        )
        if action is None:
            return None
        try:
            _apply(s, action.payload["changes"], "before" if backwards else "after")
        except (StaleDataError, IntegrityError) as exc:
            raise ConflictError(
                "another session changed these codings meanwhile; reload and try again"
            ) from exc
        action.undone = backwards
        return action.kind


def undo(store: Store, coder: str) -> str | None:
    """Undo `coder`'s most recent action; returns its kind, or None when there is nothing to undo."""
    return _step(store, coder, backwards=True)


def redo(store: Store, coder: str) -> str | None:
    """Redo `coder`'s most recently undone action; None when there is nothing to redo."""
    return _step(store, coder, backwards=False)
