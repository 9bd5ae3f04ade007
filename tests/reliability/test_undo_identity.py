"""Undo and redo never write a row the action did not create (issue 15, finding 1).

The finding: on SQLite, undoing a new coding deleted its row, the next insert got the freed
id, and a later redo wrote its saved copy over that row, even another coder's. Two guards
make that impossible: ids are never reused (AUTOINCREMENT on SQLite, sequences on
PostgreSQL), and undo/redo check that each row is still the one the action left behind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coder.cli import main
from coder.domain import PROJECT, Relation
from coder.services import coding
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.models import Coding, Memo
from coder.store.transcripts import TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft


def _cli(capsys: pytest.CaptureFixture[str], url: str, who: str, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", url, "--coder", who, *args])
    out = capsys.readouterr()
    return int(exit_info.value.code or 0), out.out + out.err


def _project(store: Store) -> tuple[int, list[int], list[int]]:
    """A transcript with three project suggestions (as `autocode` leaves them)."""
    with store.session() as s:
        tid = TranscriptRepo(s).add_draft(make_draft(SAMPLE_TURNS), None).id
    with store.session() as s:
        segs = [seg.id for seg in TranscriptRepo(s).segments(tid)]
    ids = []
    for seg, code in ((segs[1], "C13"), (segs[2], "C14"), (segs[3], "C15")):
        with store.session() as s:
            row, _ = CodingRepo(s).upsert_suggestion(
                seg, code, PROJECT, score=0.8, evidence=["x"], relation=Relation.CEO
            )
            s.flush()
            ids.append(row.id)
    return tid, segs, ids


def _codings(store: Store) -> list[tuple[int, str, int, str, str]]:
    with store.session() as s:
        rows = s.query(Coding).order_by(Coding.id).all()
        return [(r.id, r.coder, r.segment_id, r.code_id, r.status) for r in rows]


def test_redo_after_another_coders_insert_keeps_both_codings(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _tid, segs, (s1, s2, _s3) = _project(store)
    assert _cli(capsys, db_url, "anna", "accept", str(s1))[0] == 0
    assert _cli(capsys, db_url, "anna", "undo")[0] == 0
    assert _cli(capsys, db_url, "bjorn", "accept", str(s2))[0] == 0
    bjorn_row = next(r for r in _codings(store) if r[1] == "bjorn")
    rc, out = _cli(capsys, db_url, "anna", "redo")
    assert rc == 0, out
    rows = _codings(store)
    assert bjorn_row in rows, "redo overwrote bjorn's coding"
    assert any(r[1] == "anna" and r[2] == segs[1] and r[4] == "accepted" for r in rows)
    # bjorn's undo takes back his own coding only
    assert _cli(capsys, db_url, "bjorn", "undo")[0] == 0
    rows = _codings(store)
    assert not any(r[1] == "bjorn" for r in rows)
    assert any(r[1] == "anna" and r[2] == segs[1] and r[4] == "accepted" for r in rows)


def test_ids_of_deleted_codings_memos_and_actions_are_never_given_again(store: Store) -> None:
    _tid, segs, (s1, _s2, _s3) = _project(store)
    first = coding.accept_suggestion(store, s1, "anna").id
    coding.undo(store, "anna")
    second = coding.code_segment(store, segs[2], "C14", "anna").id
    assert second > first
    memo = coding.add_memo(store, "anna", "Notat", segment_id=segs[1]).id
    coding.undo(store, "anna")
    assert coding.add_memo(store, "bjorn", "Annet notat", segment_id=segs[1]).id > memo
    with store.session() as s:
        top = s.execute(text("SELECT max(id) FROM actions")).scalar_one()
        s.execute(text("DELETE FROM actions WHERE id = :i"), {"i": top})
    coding.code_segment(store, segs[3], "C15", "anna")
    with store.session() as s:
        assert s.execute(text("SELECT max(id) FROM actions")).scalar_one() > top


def test_redo_refuses_when_the_rows_id_now_belongs_to_someone_else(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database made before ids were protected (or a row put there by hand): redo checks."""
    _tid, segs, (s1, _s2, _s3) = _project(store)
    gone = coding.accept_suggestion(store, s1, "anna").id
    coding.undo(store, "anna")
    with store.session() as s:
        s.add(
            Coding(
                id=gone,
                segment_id=segs[3],
                code_id="C15",
                coder="bjorn",
                origin="manual",
                status="accepted",
                span_key="",
                evidence=[],
            )
        )
    before = _codings(store)
    rc, out = _cli(capsys, db_url, "anna", "redo")
    assert rc == 6, out
    assert "reload" in out or "changed" in out
    assert "Traceback" not in out
    assert _codings(store) == before


def test_undo_refuses_when_a_colleague_changed_the_row_since(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _tid, segs, _ids = _project(store)
    memo = coding.add_memo(store, "anna", "Første tanke", segment_id=segs[1]).id
    with store.session() as s:
        row = s.get(Memo, memo)
        assert row is not None
        row.text = "Endret av en annen"
    rc, out = _cli(capsys, db_url, "anna", "undo")
    assert rc == 6, out
    with store.session() as s:
        row = s.get(Memo, memo)
        assert row is not None and row.text == "Endret av en annen"


def test_manual_coding_undone_then_autocode_then_redo(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One coder: an undone manual coding, then autocode stores suggestions, then redo."""
    _tid, segs, _ids = _project(store)
    rc, out = _cli(capsys, db_url, "anna", "code", str(segs[1]), "C14", "--json")
    assert rc == 0, out
    assert _cli(capsys, db_url, "anna", "undo")[0] == 0
    with store.session() as s:
        fresh, _ = CodingRepo(s).upsert_suggestion(
            segs[2], "C13", PROJECT, score=0.6, evidence=["y"], relation=None
        )
        s.flush()
        fresh_row = (fresh.id, PROJECT, segs[2], "C13", "suggested")
    assert _cli(capsys, db_url, "anna", "redo")[0] == 0
    rows = _codings(store)
    assert fresh_row in rows, "redo overwrote a suggestion stored after the undo"
    assert any(r[1] == "anna" and r[2] == segs[1] and r[3] == "C14" for r in rows)


def test_undo_help_says_it_is_the_own_history(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("undo", "redo"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        assert "own" in out, out
