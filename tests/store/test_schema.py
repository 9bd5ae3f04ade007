"""The schema is made by Alembic on both backends; SQLite files are private and hardened."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import inspect, text

from coder.store.db import Store, current_revision, head_revision, resolve_db_url


def test_migrations_from_empty_reach_head(db_url: str) -> None:
    store = Store(db_url)
    try:
        assert current_revision(store.engine) == head_revision(store.engine)
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "cases",
            "transcripts",
            "participants",
            "segments",
            "codes",
            "codings",
            "memos",
            "actions",
        } <= tables
        assert store.check() == []
    finally:
        store.dispose()


def test_sqlite_file_is_owner_only_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "project.sqlite"
    store = Store(f"sqlite:///{path}")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        store.dispose()
    for extra in path.parent.iterdir():
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra


def test_db_url_resolution_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CODER_DB_URL", raising=False)
    assert resolve_db_url() == "sqlite:///db/coder.sqlite"
    monkeypatch.setenv("CODER_DB_URL", "sqlite:///x.sqlite")
    assert resolve_db_url() == "sqlite:///x.sqlite"
    assert resolve_db_url("sqlite:///y.sqlite") == "sqlite:///y.sqlite"


def test_upgrade_is_idempotent(sqlite_url: str) -> None:
    Store(sqlite_url).dispose()
    store = Store(sqlite_url)
    assert store.check() == []
    store.dispose()


def test_upgrade_to_never_reused_ids_keeps_every_row_and_the_freed_ids(tmp_path: Path) -> None:
    """Migration 0003 rebuilds codings, memos and actions on SQLite (issue 15, finding 1).

    A project made before it: an undone coding freed the highest id, a memo hangs on a coding.
    After the upgrade every row and the memo are still there, and the freed id is not given out.
    """
    from coder.domain import PROJECT, Relation
    from coder.services import coding
    from coder.store.codings import CodingRepo
    from coder.store.db import make_engine, upgrade_database
    from coder.store.transcripts import TranscriptRepo
    from tests.factories import SAMPLE_TURNS, make_draft
    from tests.reliability.helpers import table_rows

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    upgrade_database(engine, "0002")
    engine.dispose()
    store = Store(url, upgrade=False)
    try:
        from coder.codebook.loader import default_codebook
        from coder.store.codes import CodeRepo

        with store.session() as s:
            CodeRepo(s).sync_codebook(default_codebook())
        with store.session() as s:
            tid = TranscriptRepo(s).add_draft(make_draft(SAMPLE_TURNS), None).id
        with store.session() as s:
            seg = TranscriptRepo(s).segments(tid)[1].id
            sugg, _ = CodingRepo(s).upsert_suggestion(
                seg, "C13", PROJECT, score=0.8, evidence=["x"], relation=Relation.CEO
            )
            s.flush()
            sugg_id = sugg.id
        kept = coding.code_segment(store, seg, "C14", "anna").id
        coding.add_memo(store, "anna", "Om denne kodingen", coding_id=kept)
        freed = coding.accept_suggestion(store, sugg_id, "anna").id
        coding.undo(store, "anna")
    finally:
        store.dispose()
    before = table_rows(url, skip=("alembic_version", "sqlite_sequence"))
    store = Store(url)
    try:
        assert current_revision(store.engine) == head_revision(store.engine)
        assert table_rows(url, skip=("alembic_version", "sqlite_sequence")) == before
        assert store.check() == []
        again = coding.code_segment(store, seg, "C15", "bjorn").id
        assert again > freed
        assert coding.redo(store, "anna") == "accept"
        with store.session() as s:
            assert {c.coder for c in CodingRepo(s).for_transcript(tid)} == {PROJECT, "anna", "bjorn"}
            assert len(CodingRepo(s).memos(coding_id=kept)) == 1
    finally:
        store.dispose()
