"""Opening databases: URL resolution, SQLite hardening (WAL, FKs, owner-only file), sessions, migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coder.errors import DatabaseError, DatabaseUnreachable

log = logging.getLogger(__name__)

DEFAULT_SQLITE_PATH = Path("db") / "coder.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_db_url(url: str | None = None) -> str:
    """`--db URL`, then `CODER_DB_URL`, then `sqlite:///db/coder.sqlite` relative to the cwd."""
    if url:
        return url
    env = os.environ.get("CODER_DB_URL")
    if env:
        return env
    return f"sqlite:///{DEFAULT_SQLITE_PATH.as_posix()}"


def redact_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if not u.drivername.startswith("sqlite"):
        return None
    db = u.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the database file owner-only (0600) before SQLite touches it: interviews are personal data."""
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    elif path.is_dir():
        raise DatabaseError("is a directory, not a database file", path=path)


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers (the TUI) work while a writer (autocode) commits; synchronous=FULL makes a
    # committed transaction survive power loss as well as a killed process (see README reliability).
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    """An Engine for `url`; SQLite files are created 0600 and run with WAL and foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {url!r}") from exc
    path = _sqlite_path(url)
    kwargs: dict[str, Any] = {}
    if path is not None:
        _prepare_sqlite_file(path)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif parsed.drivername.startswith("postgresql"):
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise DatabaseError(f"cannot use database {redact_url(url)}: {exc}") from exc
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def migrations_dir() -> Path:
    return Path(str(resources.files("coder.store") / "migrations"))


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic, the only way the schema changes."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


class Store:
    """A database behind a URL: the one object services receive to open sessions."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True) -> None:
        self.url = resolve_db_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._notify = self.engine.dialect.name == "postgresql"
        if self._notify:
            from coder.store import notify

            notify.install(self._sessions)
        try:
            if upgrade and current_revision(self.engine) != head_revision(self.engine):
                upgrade_database(self.engine)
        except OperationalError as exc:
            raise DatabaseError(
                f"cannot open database {redact_url(self.url)}: {_first_line(exc)}"
            ) from exc
        except SQLAlchemyError as exc:
            hint = (
                " (the schema needs an upgrade only the database owner can run: "
                "`coder db upgrade` as the owner)"
                if is_permission_denied(exc)
                else ""
            )
            raise DatabaseError(
                f"database {redact_url(self.url)} failed: {_first_line(exc)}{hint}"
            ) from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        return _sqlite_path(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error (nothing half-written)."""
        session = self._sessions()
        try:
            yield session
            if self._notify:
                from coder.store import notify

                notify.send(session)  # delivered by the server only if the commit succeeds
            session.commit()
        except OperationalError as exc:
            with contextlib.suppress(SQLAlchemyError):  # a dropped connection cannot roll back
                session.rollback()
            # On a server every operational error is the connection (refused, dropped, reset).
            lost = self.dialect == "postgresql" or exc.connection_invalidated
            cls = DatabaseUnreachable if lost else DatabaseError
            raise cls(f"database error: {_first_line(exc)}") from exc
        except DBAPIError as exc:
            session.rollback()
            if is_permission_denied(exc):
                raise DatabaseError(
                    f"{_first_line(exc)} (project leads can read but not write; "
                    "ask the project's database owner for other changes)"
                ) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def check(self) -> list[str]:
        """Problems found in the database (empty list = healthy): schema revision and integrity."""
        problems: list[str] = []
        head = head_revision(self.engine)
        cur = current_revision(self.engine)
        if cur != head:
            problems.append(f"schema at revision {cur}, expected {head} (run `coder db upgrade`)")
        expected = {"cases", "transcripts", "participants", "segments", "codes", "codings"}
        missing = expected - set(inspect(self.engine).get_table_names())
        if missing:
            problems.append(f"missing tables: {', '.join(sorted(missing))}")
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                rows = conn.execute(text("PRAGMA integrity_check")).scalars().all()
                if rows != ["ok"]:
                    problems.extend(f"integrity: {r}" for r in rows[:10])
                fk = conn.execute(text("PRAGMA foreign_key_check")).all()
                if fk:
                    problems.append(f"{len(fk)} rows violate foreign keys")
        return problems

    def dispose(self) -> None:
        self.engine.dispose()


def is_permission_denied(exc: BaseException) -> bool:
    """True for PostgreSQL's insufficient_privilege (SQLSTATE 42501)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501"


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    msg = str(orig if orig is not None else exc)
    return msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
