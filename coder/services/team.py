"""Team use cases: who codes in this project, and setting up PostgreSQL roles for a team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from coder.domain import CodingStatus
from coder.errors import UsageError
from coder.store import roles
from coder.store.db import Store
from coder.store.models import Action, Coding, Memo


@dataclass(frozen=True, slots=True)
class CoderStats:
    """One coder's share of the work: codings by status, memos, decisions, last activity."""

    name: str
    suggested: int = 0
    accepted: int = 0
    rejected: int = 0
    memos: int = 0
    actions: int = 0
    last_active: datetime | None = None

    @property
    def codings(self) -> int:
        return self.suggested + self.accepted + self.rejected


def list_coders(store: Store) -> list[CoderStats]:
    """Every name that has codings, memos or decisions in the project, alphabetically."""
    counts: dict[str, dict[str, int]] = {}
    last: dict[str, datetime] = {}

    def seen(name: str, when: datetime | None) -> None:
        counts.setdefault(name, {})
        if when is not None and (name not in last or _naive(when) > _naive(last[name])):
            last[name] = when

    with store.session() as s:
        for name, status, n, when in s.execute(
            select(Coding.coder, Coding.status, func.count(), func.max(Coding.updated_at)).group_by(
                Coding.coder, Coding.status
            )
        ).all():
            seen(name, when)
            counts[name][status] = n
        for name, n, when in s.execute(
            select(Memo.author, func.count(), func.max(Memo.updated_at)).group_by(Memo.author)
        ).all():
            seen(name, when)
            counts[name]["memos"] = n
        for name, n, when in s.execute(
            select(Action.coder, func.count(), func.max(Action.created_at)).group_by(Action.coder)
        ).all():
            seen(name, when)
            counts[name]["actions"] = n
    return [
        CoderStats(
            name=name,
            suggested=c.get(CodingStatus.SUGGESTED.value, 0),
            accepted=c.get(CodingStatus.ACCEPTED.value, 0),
            rejected=c.get(CodingStatus.REJECTED.value, 0),
            memos=c.get("memos", 0),
            actions=c.get("actions", 0),
            last_active=last.get(name),
        )
        for name, c in sorted(counts.items())
    ]


def _naive(when: datetime) -> datetime:
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones: compare them alike.
    return when.replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class TeamSetupReport:
    """What `team setup` did, for the user to read (never any password)."""

    database: str
    coders_role: str
    leads_role: str
    created_roles: list[str] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)  # (login, group role)
    passwords_set: list[str] = field(default_factory=list)  # logins whose password was set
    statements: int = 0


def setup_team(
    admin_url: str,
    *,
    database: str | None = None,
    coders_role: str = roles.DEFAULT_CODERS_ROLE,
    leads_role: str = roles.DEFAULT_LEADS_ROLE,
    add_coders: Sequence[str] = (),
    add_leads: Sequence[str] = (),
    password: str | None = None,
) -> TeamSetupReport:
    """Create (or refresh) the coders' and leads' group roles and their grants on the project.

    `admin_url` connects as the database owner (or a role with CREATEROLE that owns the tables);
    with `database`, that database on the same server is created if missing. The project is
    migrated and seeded first, so the tables exist to grant on; run it again after an upgrade.
    `password` (for the added logins) reaches the server only as a SCRAM verifier.
    """
    if not roles.is_postgresql(admin_url):
        raise UsageError(
            "team setup is for PostgreSQL only; SQLite is a single-user file "
            "(point --db or CODER_DB_URL at a postgresql+psycopg:// server)"
        )
    from coder.services.project import open_store

    store = open_store(roles.ensure_database(admin_url, database))
    try:
        result = roles.setup_roles(
            store,
            coders_role=coders_role,
            leads_role=leads_role,
            add_coders=list(add_coders),
            add_leads=list(add_leads),
            password=password,
        )
    finally:
        store.dispose()
    return TeamSetupReport(
        database=result.database,
        coders_role=coders_role,
        leads_role=leads_role,
        created_roles=result.created,
        members=result.members,
        passwords_set=result.passwords_set,
        statements=result.statements,
    )
