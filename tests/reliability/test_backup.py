"""Backup and restore: a round trip reproduces every row; bad backups and occupied targets are refused."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from coder.errors import ConflictError, InputError
from coder.services import backup as backup_service
from tests.reliability.helpers import count, populate, table_rows


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_round_trip_reproduces_every_row(db_url: str, other_db_url: str, tmp_path: Path) -> None:
    populate(db_url)
    before = table_rows(db_url)
    assert before["transcripts"] and before["codings"] and before["memos"] and before["actions"]
    dest = tmp_path / "project.backup"
    result = backup_service.backup(db_url, dest)
    assert dest.is_file() and result.bytes == dest.stat().st_size
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert result.revision
    restored = backup_service.restore(other_db_url, dest)
    assert restored.revision == result.revision
    assert table_rows(other_db_url) == before


def test_restore_refuses_a_database_with_data_unless_forced(
    db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    populate(db_url)
    dest = tmp_path / "b.backup"
    backup_service.backup(db_url, dest)
    populate(other_db_url)
    # make the target differ from the backup, so the forced restore is visible
    from sqlalchemy import create_engine, text

    eng = create_engine(other_db_url)
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM memos"))
    eng.dispose()
    target_before = table_rows(other_db_url)
    with pytest.raises(ConflictError, match="holds data"):
        backup_service.restore(other_db_url, dest)
    assert table_rows(other_db_url) == target_before
    result = backup_service.restore(other_db_url, dest, force=True)
    assert table_rows(other_db_url) == table_rows(db_url)
    if other_db_url.startswith("sqlite"):
        kept = result.previous
        assert kept is not None and kept.is_file()
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert table_rows(f"sqlite:///{kept}") == target_before


def test_backup_refuses_to_overwrite_unless_forced(db_url: str, tmp_path: Path) -> None:
    populate(db_url)
    dest = tmp_path / "b.backup"
    dest.write_bytes(b"older backup")
    with pytest.raises(ConflictError, match="exists already"):
        backup_service.backup(db_url, dest)
    assert dest.read_bytes() == b"older backup"
    backup_service.backup(db_url, dest, force=True)
    assert dest.read_bytes() != b"older backup"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all\n", b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 200],
    ids=["empty", "text", "bad-pages"],
)
def test_restore_refuses_damaged_backups(db_url: str, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.backup"
    bad.write_bytes(content)
    populate(db_url)
    before = table_rows(db_url)
    with pytest.raises(InputError) as err:
        backup_service.restore(db_url, bad, force=True)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)
    assert table_rows(db_url) == before


def test_truncated_sqlite_backup_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    populate(sqlite_url)
    dest = tmp_path / "b.backup"
    backup_service.backup(sqlite_url, dest)
    data = dest.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    target = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    with pytest.raises(InputError, match="damaged"):
        backup_service.restore(target, dest)


def test_backup_from_a_newer_coder_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    populate(sqlite_url)
    dest = tmp_path / "b.backup"
    backup_service.backup(sqlite_url, dest)
    with sqlite3.connect(dest) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    with pytest.raises(InputError, match="unknown to this version"):
        backup_service.restore(f"sqlite:///{tmp_path / 'fresh.sqlite'}", dest)


def test_backup_of_a_database_in_use_is_consistent(sqlite_url: str, tmp_path: Path) -> None:
    """A writer holding an open transaction does not leak half its work into the backup."""
    populate(sqlite_url)
    committed = count(sqlite_url, "memos")
    path = _sqlite_path(sqlite_url)
    writer = sqlite3.connect(path)
    writer.execute("BEGIN")
    writer.execute(
        "INSERT INTO memos (author, text, transcript_id, created_at, updated_at) "
        "SELECT author, 'uncommitted', transcript_id, created_at, updated_at FROM memos"
    )
    dest = tmp_path / "b.backup"
    backup_service.backup(sqlite_url, dest)
    writer.rollback()
    writer.close()
    assert count(f"sqlite:///{dest}", "memos") == committed
    assert not Path(f"{dest}-wal").exists()


def test_cli_backup_and_restore(
    sqlite_url: str, tmp_path: Path, cli_env: dict[str, str], python: str
) -> None:
    populate(sqlite_url)
    dest = tmp_path / "cli.backup"
    run = [python, "-m", "coder", "--db"]
    out = subprocess.run(
        [*run, sqlite_url, "db", "backup", str(dest), "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert '"dialect": "sqlite"' in out.stdout
    refused = subprocess.run(
        [*run, sqlite_url, "db", "restore", str(dest)], env=cli_env, capture_output=True, text=True
    )
    assert refused.returncode == 6 and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    ok = subprocess.run(
        [*run, fresh, "db", "restore", str(dest)], env=cli_env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert table_rows(fresh) == table_rows(sqlite_url)
    from coder.store.db import Store

    st = Store(fresh, upgrade=False)
    assert st.check() == []
    st.dispose()


def test_postgres_backup_without_pg_dump_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coder.errors import DatabaseError
    from coder.store import backup as store_backup

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CODER_PG_BIN", raising=False)
    monkeypatch.setattr(store_backup.Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(DatabaseError, match="pg_dump not found"):
        store_backup.backup_database("postgresql+psycopg://u@127.0.0.1:1/x", tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
