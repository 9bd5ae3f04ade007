"""Backups of the project database: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from coder.errors import ConflictError, DatabaseError, InputError, UsageError
from coder.export.files import FILE_MODE, write_with

# Tables whose rows mean "the researchers have worked here" (the codebook alone is seeded).
DATA_TABLES = ("transcripts", "codings", "memos")
PG_BIN_ENV = "CODER_PG_BIN"


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    dialect: str
    bytes: int
    revision: str | None


@dataclass(frozen=True, slots=True)
class RestoreResult:
    target: str
    dialect: str
    revision: str | None
    previous: Path | None  # the SQLite file kept as <db>.before-restore, if any


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"invalid database URL {url!r}") from exc


def _sqlite_file(u: URL) -> Path:
    if not u.database or u.database == ":memory:" or u.database.startswith("file:"):
        raise UsageError("an in-memory SQLite database cannot be backed up or restored")
    return Path(u.database)


def _known_revision(revision: str | None) -> bool:
    """True when `revision` is part of this program's migration history (so <= head)."""
    if revision is None:
        return False
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from coder.store.db import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except CommandError:
        return False


# -- SQLite ---------------------------------------------------------------------------------


def _ro_connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _sqlite_has_data(conn: sqlite3.Connection) -> bool:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in DATA_TABLES:
        if table in tables and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return True
    return False


def verify_sqlite_backup(path: Path) -> str:
    """Check a backup file before it replaces anything; its schema revision, or InputError."""
    if not path.is_file():
        raise InputError("no such backup file", path=path)
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputError("not a SQLite backup (wrong file header)", path=path)
    try:
        with closing(_ro_connect(path)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise InputError(f"backup is damaged: {rows[0]}", path=path)
            revision = _sqlite_revision(conn)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"backup is damaged: {exc}", path=path) from exc
    if revision is None:
        raise InputError("not a coder database (no schema revision)", path=path)
    if not _known_revision(revision):
        raise InputError(
            f"backup has schema revision {revision}, unknown to this version of coder "
            "(made by a newer coder?)",
            path=path,
        )
    return revision


@contextmanager
def _scratch_copy(near: Path) -> Iterator[Path]:
    """An owner-only temporary file beside `near`, removed afterwards."""
    folder = near.parent if str(near.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{near.name}.", suffix=".tmp", dir=folder)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _copy_file(src: Path, dest: Path, *, force: bool) -> None:
    def copy(fh) -> None:  # type: ignore[no-untyped-def]
        with src.open("rb") as inp:
            shutil.copyfileobj(inp, fh, 1 << 20)

    write_with(dest, copy, force=force)


def _online_copy(source: Path, dest: Path, *, force: bool) -> None:
    """A consistent snapshot of a live SQLite database at `dest` (temp file, then one rename)."""
    with _scratch_copy(dest) as tmp:
        with closing(sqlite3.connect(source, timeout=30)) as src:
            src.execute("PRAGMA busy_timeout=30000")
            with closing(sqlite3.connect(tmp)) as dst:
                src.backup(dst)
                # A backup is one self-contained file: no WAL beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
        _copy_file(tmp, dest, force=force)


def backup_sqlite(url: str, dest: Path, *, force: bool = False) -> BackupResult:
    source = _sqlite_file(_parse(url))
    if not source.is_file():
        raise DatabaseError("no database to back up", path=source)
    if dest.resolve() == source.resolve():
        raise UsageError("the backup cannot replace the database itself", path=dest)
    if dest.exists() and not force:
        raise ConflictError("exists already (use --force to overwrite)", path=dest)
    try:
        _online_copy(source, dest, force=force)
    except sqlite3.Error as exc:
        raise DatabaseError(f"backup failed: {exc}", path=source) from exc
    revision = verify_sqlite_backup(dest)
    return BackupResult(dest, "sqlite", dest.stat().st_size, revision)


def restore_sqlite(url: str, backup: Path, *, force: bool = False) -> RestoreResult:
    """Copy a verified backup into the database through SQLite (locks respected, WAL folded in).

    A database holding transcripts, codings or memos is replaced only with `force`; its previous
    content is kept first as `<db>.before-restore`.
    """
    target = _sqlite_file(_parse(url))
    revision = verify_sqlite_backup(backup)
    if target.exists() and backup.resolve() == target.resolve():
        raise UsageError("the backup is the database itself", path=backup)
    previous: Path | None = None
    try:
        if target.exists() and target.stat().st_size > 0:
            with closing(sqlite3.connect(target, timeout=30)) as conn:
                has_data = _sqlite_has_data(conn)
            if has_data and not force:
                raise ConflictError(
                    "the database holds data; use --force to replace it "
                    f"(its content is kept as {target.name}.before-restore)",
                    path=target,
                )
            previous = Path(f"{target}.before-restore")
            _online_copy(target, previous, force=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_CREAT | os.O_WRONLY, FILE_MODE)
            os.close(fd)
        with (
            closing(_ro_connect(backup)) as src,
            closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            dst.execute("PRAGMA busy_timeout=30000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            rows = [r[0] for r in dst.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            raise DatabaseError(f"restored database fails its check: {rows[0]}", path=target)
    except sqlite3.Error as exc:
        raise DatabaseError(f"restore failed: {exc}", path=target) from exc
    os.chmod(target, FILE_MODE)
    return RestoreResult(str(target), "sqlite", revision, previous)


# -- PostgreSQL -----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of pg_dump/pg_restore: $CODER_PG_BIN, then PATH, then /usr/lib/postgresql/*/bin."""
    folders: list[Path] = []
    if os.environ.get(PG_BIN_ENV):
        folders.append(Path(os.environ[PG_BIN_ENV]))
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    if versions:
        return str(versions[0])
    raise DatabaseError(
        f"{name} not found: install the PostgreSQL client tools or set {PG_BIN_ENV} "
        "to the folder holding them"
    )


def _libpq(u: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    plain = u.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return plain.render_as_string(hide_password=False), env


def _run(
    cmd: list[str], env: dict[str, str], what: str, **kw: object
) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, check=False, **kw)  # type: ignore[call-overload]
    except OSError as exc:
        raise DatabaseError(f"{what}: cannot run {cmd[0]}: {exc.strerror}") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DatabaseError(f"{what} failed: {lines[0] if lines else f'exit {proc.returncode}'}")
    return proc


def _pg_has_data(url: str) -> bool:
    from sqlalchemy import inspect, text

    from coder.store.db import make_engine

    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return any(
                conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() is not None
                for t in DATA_TABLES
                if t in tables
            )
    finally:
        engine.dispose()


_REVISION_ROW = re.compile(r"^([0-9A-Za-z_]+)\s*$")


def pg_backup_revision(path: Path) -> str | None:
    """The alembic revision stored in a pg_dump archive (read with pg_restore, nothing restored)."""
    proc = _run(
        [pg_tool("pg_restore"), "--data-only", "--table=alembic_version", "-f", "-", str(path)],
        dict(os.environ),
        f"{path}: reading the backup",
        stdout=subprocess.PIPE,
    )
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            for row in lines[i + 1 :]:
                if row == "\\.":
                    break
                m = _REVISION_ROW.match(row)
                if m:
                    return m.group(1)
    return None


def backup_postgres(url: str, dest: Path, *, force: bool = False) -> BackupResult:
    conninfo, env = _libpq(_parse(url))
    tool = pg_tool("pg_dump")
    if dest.exists() and not force:
        raise ConflictError("exists already (use --force to overwrite)", path=dest)

    def dump(fh) -> None:  # type: ignore[no-untyped-def]
        _run([tool, "-Fc", "--no-owner", f"--dbname={conninfo}"], env, "pg_dump", stdout=fh)

    write_with(dest, dump, force=force)
    return BackupResult(dest, "postgresql", dest.stat().st_size, pg_backup_revision(dest))


def restore_postgres(url: str, backup: Path, *, force: bool = False) -> RestoreResult:
    if not backup.is_file():
        raise InputError("no such backup file", path=backup)
    with backup.open("rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise InputError("not a pg_dump custom-format backup (wrong file header)", path=backup)
    revision = pg_backup_revision(backup)
    if revision is None or not _known_revision(revision):
        raise InputError(
            f"backup has schema revision {revision or 'none'}, unknown to this version of coder",
            path=backup,
        )
    if _pg_has_data(url) and not force:
        raise ConflictError(
            f"{_parse(url).render_as_string(hide_password=True)}: the database holds data; "
            "use --force to replace it"
        )
    conninfo, env = _libpq(_parse(url))
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(backup),
        ],
        env,
        f"{backup}: pg_restore",
        stdout=subprocess.DEVNULL,
    )
    return RestoreResult(
        _parse(url).render_as_string(hide_password=True), "postgresql", revision, None
    )


# -- dispatch ---------------------------------------------------------------------------------


def backup_database(url: str, dest: Path, *, force: bool = False) -> BackupResult:
    """A full copy of the database at `dest` (0600, atomic; refuses to overwrite without force)."""
    u = _parse(url)
    if u.drivername.startswith("sqlite"):
        return backup_sqlite(url, dest, force=force)
    if u.drivername.startswith("postgresql"):
        return backup_postgres(url, dest, force=force)
    raise UsageError(f"backups are not supported for {u.drivername} databases")


def restore_database(url: str, backup: Path, *, force: bool = False) -> RestoreResult:
    """Replace the database's content with a verified backup (data present needs `force`)."""
    u = _parse(url)
    if u.drivername.startswith("sqlite"):
        return restore_sqlite(url, backup, force=force)
    if u.drivername.startswith("postgresql"):
        return restore_postgres(url, backup, force=force)
    raise UsageError(f"restores are not supported for {u.drivername} databases")
