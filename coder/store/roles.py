"""PostgreSQL roles for a team: GRANTs for coders (write their work) and leads (read only).

Coders may write codings, memos and the undo history; import transcripts (insert transcripts,
participants, segments, cases; update a transcript when a new version retires it and a case's
facts); and extend the codebook (insert/update codes and settings). They may not delete
transcripts, cases or codes (merging codes is the owner's job). Leads may read everything and
write nothing: their exports are files on their own machine. Default privileges make tables and
sequences created later by the owner readable too; run `coder team setup` again after an
upgrade so coders can also write new tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from coder.errors import DatabaseError, UsageError
from coder.store.db import Store, make_engine, redact_url

DEFAULT_CODERS_ROLE = "coder_coders"
DEFAULT_LEADS_ROLE = "coder_leads"

# Table privileges of the coders' group role, beyond SELECT on everything.
CODER_WRITES: dict[str, str] = {
    "codings": "INSERT, UPDATE, DELETE",
    "memos": "INSERT, UPDATE, DELETE",
    "actions": "INSERT, UPDATE, DELETE",
    "transcripts": "INSERT, UPDATE",
    "cases": "INSERT, UPDATE",
    "participants": "INSERT",
    "segments": "INSERT",
    "codes": "INSERT, UPDATE",
    "settings": "INSERT, UPDATE",
}

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$")


def check_name(name: str, what: str = "role") -> str:
    """A role or database name we are willing to put into SQL (always quoted as well)."""
    if not _NAME.match(name):
        raise UsageError(
            f"invalid {what} name {name!r} (letters, digits, _ . @ -; at most 63 characters)"
        )
    return name


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def is_postgresql(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except Exception:  # an unparsable URL is reported by make_engine later
        return False


def ensure_database(admin_url: str, database: str | None) -> str:
    """The project URL: `admin_url` itself, or the same server's `database`, created if missing."""
    url = make_url(admin_url)
    if not database or database == url.database:
        return admin_url
    check_name(database, "database")
    engine = make_engine(admin_url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
            )
            if not exists:
                conn.execute(text(f"CREATE DATABASE {quote(database)}"))
    except DBAPIError as exc:
        raise DatabaseError(
            f"cannot create database {database!r} on {redact_url(admin_url)}: {_first(exc)}"
        ) from exc
    finally:
        engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


@dataclass
class RolesResult:
    database: str
    created: list[str] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    passwords_set: list[str] = field(default_factory=list)
    statements: int = 0


def grant_statements(database: str, coders: str, leads: str) -> list[str]:
    """The GRANT/REVOKE statements that give the two group roles exactly their privileges."""
    db, c, lead = quote(database), quote(coders), quote(leads)
    both = f"{c}, {lead}"
    out = [
        # Only the team (and the owner) may connect: interviews are personal data.
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {both}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {both}",
        # Start from nothing so a re-run also takes away what a role should no longer have.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {both}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {both}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {both}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {c}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {both}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {c}",
    ]
    out += [f"GRANT {privs} ON {quote(t)} TO {c}" for t, privs in CODER_WRITES.items()]
    return out


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}))


def setup_roles(
    store: Store,
    *,
    coders_role: str = DEFAULT_CODERS_ROLE,
    leads_role: str = DEFAULT_LEADS_ROLE,
    add_coders: Sequence[str] = (),
    add_leads: Sequence[str] = (),
    password: str | None = None,
) -> RolesResult:
    """Create the group roles, grant their privileges, and add logins to them, in one transaction.

    A login belongs to one group: adding it as a lead takes it out of the coders and vice versa
    (a lead who also codes uses a second login).
    """
    for name in (coders_role, leads_role, *add_coders, *add_leads):
        check_name(name)
    if coders_role == leads_role:
        raise UsageError("the coders' and the leads' roles must differ")
    both = set(add_coders) & set(add_leads)
    if both:
        raise UsageError(f"{', '.join(sorted(both))}: a login is either a coder or a lead")
    database = make_url(store.url).database or ""
    result = RolesResult(database=database)
    try:
        with store.engine.begin() as conn:
            for group in (coders_role, leads_role):
                if not _role_exists(conn, group):
                    conn.execute(text(f"CREATE ROLE {quote(group)} NOLOGIN"))
                    result.created.append(group)
            statements = grant_statements(database, coders_role, leads_role)
            for sql in statements:
                conn.execute(text(sql))
            result.statements = len(statements)
            for logins, group, other in (
                (add_coders, coders_role, leads_role),
                (add_leads, leads_role, coders_role),
            ):
                for login in logins:
                    if not _role_exists(conn, login):
                        conn.execute(text(f"CREATE ROLE {quote(login)} LOGIN"))
                        result.created.append(login)
                    conn.execute(text(f"REVOKE {quote(other)} FROM {quote(login)}"))
                    conn.execute(text(f"GRANT {quote(group)} TO {quote(login)}"))
                    result.members.append((login, group))
                    if password is not None:
                        _set_password(conn, login, password)
                        result.passwords_set.append(login)
    except DBAPIError as exc:
        raise DatabaseError(
            f"team setup on {redact_url(store.url)} failed: {_first(exc)} "
            "(connect as the database owner with the CREATEROLE privilege)"
        ) from exc
    return result


def _set_password(conn: Connection, login: str, password: str) -> None:
    """Send only a SCRAM verifier, computed here, and bypass statement logging."""
    raw = conn.connection.driver_connection
    verifier = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute(f"ALTER ROLE {quote(login)} PASSWORD {literal(verifier)}")  # type: ignore[arg-type]


def _first(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
