"""Coding decisions through the CLI (in-process), with undo and redo, on both backends."""

from __future__ import annotations

import json

import pytest

from coder.cli import main
from coder.services import catalog
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft


def _run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", url, "--coder", "anna", *args])
    out = capsys.readouterr()
    return int(exit_info.value.code or 0), out.out, out.err


def test_code_accept_reject_undo_redo(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with store.session() as s:
        tid = TranscriptRepo(s).add_draft(make_draft(SAMPLE_TURNS), None).id
    segs = [seg.id for seg in catalog.transcript_view(store, tid).segments]
    rc, out, _ = _run(
        capsys, db_url, "code", str(segs[1]), "C13c", "--relation", "politicians", "--json"
    )
    assert rc == 0
    coding_id = json.loads(out)["coding"]
    with store.session() as s:
        row, _ = CodingRepo(s).upsert_suggestion(
            segs[2], "C14", "anna", score=0.7, evidence=[], relation=None
        )
        s.flush()
        sugg = row.id
    assert _run(capsys, db_url, "reject", str(sugg))[0] == 0
    assert _run(capsys, db_url, "undo")[1].startswith("undid reject")
    assert _run(capsys, db_url, "accept", str(sugg))[0] == 0
    assert _run(capsys, db_url, "memo", "Sitat til rapporten", "--coding", str(coding_id))[0] == 0
    with store.session() as s:
        repo = CodingRepo(s)
        assert repo.get(sugg).status.value == "accepted"
        assert repo.get(coding_id).relation.value == "politicians"
        assert len(repo.memos(coding_id=coding_id)) == 1
    rc, _, err = _run(capsys, db_url, "code", str(segs[1]), "Z9")
    assert rc == 5 and "unknown code id" in err
    rc, _, err = _run(capsys, db_url, "code", str(segs[1]), "C13", "--relation", "mayor")
    assert rc == 2 and "unknown relation" in err
