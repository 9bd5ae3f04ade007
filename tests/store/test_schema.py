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
