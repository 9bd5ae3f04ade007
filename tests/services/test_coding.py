"""Coding decisions and their persistent undo/redo history, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from coder.domain import CodingStatus, Relation
from coder.errors import ConflictError, NotFoundError, UsageError
from coder.services import coding
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft


@pytest.fixture
def seeded(store: Store) -> tuple[Store, int, list[int]]:
    with store.session() as s:
        repo = TranscriptRepo(s)
        case = repo.ensure_case("Flora")
        row = repo.add_draft(make_draft(SAMPLE_TURNS), case.id)
        tid = row.id
    with store.session() as s:
        seg_ids = [seg.id for seg in TranscriptRepo(s).segments(tid)]
    return store, tid, seg_ids


def _suggest(store: Store, seg_id: int, code: str, coder: str = "anna", score: float = 0.8) -> int:
    with store.session() as s:
        row, _ = CodingRepo(s).upsert_suggestion(
            seg_id,
            code,
            coder,
            score=score,
            evidence=["formannskap"],
            relation=Relation.POLITICIANS,
        )
        s.flush()
        return row.id


def test_suggestions_are_idempotent(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    a = _suggest(store, segs[1], "C13")
    b = _suggest(store, segs[1], "C13")
    assert a == b
    with store.session() as s:
        assert len(CodingRepo(s).for_transcript(tid)) == 1


def test_accept_reject_and_undo_redo(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    cid = _suggest(store, segs[1], "C13")
    other = _suggest(store, segs[2], "C14", score=0.4)
    coding.accept_suggestion(store, cid, "anna")
    coding.reject_suggestion(store, other, "anna")
    with store.session() as s:
        repo = CodingRepo(s)
        assert repo.get(cid).status is CodingStatus.ACCEPTED
        assert repo.get(other).status is CodingStatus.REJECTED
    assert coding.undo(store, "anna") == "reject"
    with store.session() as s:
        assert CodingRepo(s).get(other).status is CodingStatus.SUGGESTED
    assert coding.undo(store, "anna") == "accept"
    assert coding.undo(store, "anna") is None
    assert coding.redo(store, "anna") == "accept"
    with store.session() as s:
        assert CodingRepo(s).get(cid).status is CodingStatus.ACCEPTED
        assert CodingRepo(s).get(other).status is CodingStatus.SUGGESTED
    # A new action discards the redo branch.
    coding.accept_suggestion(store, other, "anna")
    assert coding.redo(store, "anna") is None


def test_code_span_uncode_and_undo_restores_row(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    with store.session() as s:
        seg = TranscriptRepo(s).segment(segs[3])
    span = (seg.start + 3, seg.start + 20)
    info = coding.code_segment(store, seg.id, "C15", "anna", span=span, relation=Relation.UNITS)
    assert (info.span_start, info.span_end) == span
    memo = coding.add_memo(store, "anna", "Viktig sitat", coding_id=info.id)
    coding.remove_coding(store, info.id, "anna")
    with store.session() as s:
        assert CodingRepo(s).for_transcript(tid) == []
        assert CodingRepo(s).memos(coding_id=info.id) == []
    coding.undo(store, "anna")
    with store.session() as s:
        restored = CodingRepo(s).get(info.id)
        assert restored.relation is Relation.UNITS and restored.span_start == span[0]
        assert [m.id for m in CodingRepo(s).memos(coding_id=info.id)] == [memo.id]


def test_span_outside_segment_and_unknown_code_are_refused(seeded) -> None:  # type: ignore[no-untyped-def]
    store, _tid, segs = seeded
    with pytest.raises(UsageError):
        coding.code_segment(store, segs[1], "C13", "anna", span=(0, 5))
    with pytest.raises(NotFoundError):
        coding.code_segment(store, segs[1], "Z99", "anna")


def test_recode_rejects_original_and_accepts_new_code(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    cid = _suggest(store, segs[2], "C13")
    new = coding.recode(store, cid, "C14", "anna", relation=Relation.CEO)
    with store.session() as s:
        repo = CodingRepo(s)
        assert repo.get(cid).status is CodingStatus.REJECTED
        assert repo.get(new.id).code_id == "C14" and repo.get(new.id).relation is Relation.CEO


def test_decision_on_someone_elses_suggestion_makes_own_coding(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    cid = _suggest(store, segs[1], "C13", coder="bjorn")
    mine = coding.accept_suggestion(store, cid, "anna")
    assert mine.id != cid and mine.coder == "anna"
    with store.session() as s:
        assert CodingRepo(s).get(cid).status is CodingStatus.SUGGESTED


def test_stale_version_is_a_conflict(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    cid = _suggest(store, segs[1], "C13")
    seen = 1
    coding.accept_suggestion(store, cid, "anna", expected_version=seen)
    with pytest.raises(ConflictError):
        coding.reject_suggestion(store, cid, "anna", expected_version=seen)


def test_accept_above_threshold(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    _suggest(store, segs[1], "C13", score=0.9)
    _suggest(store, segs[2], "C14", score=0.2)
    assert coding.accept_suggestions_above(store, tid, 0.5, "anna") == 1
    coding.undo(store, "anna")
    with store.session() as s:
        assert all(c.status is CodingStatus.SUGGESTED for c in CodingRepo(s).for_transcript(tid))


def test_merge_codes_keeps_codings_and_memos(seeded) -> None:  # type: ignore[no-untyped-def]
    store, tid, segs = seeded
    with store.session() as s:
        CodeRepo(s).add("T.samarbeid", "Samarbeid på tvers", parent_id="C")
    theme = coding.code_segment(store, segs[1], "T.samarbeid", "anna")
    coding.code_segment(store, segs[1], "C13", "anna")
    coding.code_segment(store, segs[2], "T.samarbeid", "anna")
    coding.add_memo(store, "anna", "tema-notat", code_id="T.samarbeid")
    with store.session() as s:
        moved = CodeRepo(s).merge("T.samarbeid", "C13")
    assert moved == 2
    with store.session() as s:
        codes = sorted(c.code_id for c in CodingRepo(s).for_transcript(tid))
        assert codes == ["C13", "C13"]
        assert len(CodingRepo(s).memos(code_id="C13")) == 1
        with pytest.raises(NotFoundError):
            CodeRepo(s).get("T.samarbeid")
    assert theme.id


def test_move_code_refuses_cycles(store: Store) -> None:
    with store.session() as s:
        repo = CodeRepo(s)
        with pytest.raises(UsageError):
            repo.move("C", "C13")
        repo.add("T.x", "X", parent_id="C13")
        assert repo.move("T.x", "C14").parent_id == "C14"
