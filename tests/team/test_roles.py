"""Team roles on a real PostgreSQL server: coders write their work, leads can only read."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coder.errors import DatabaseError, UsageError
from coder.services import agreement, coding, team
from coder.services.catalog import segment_codings
from coder.store.codes import CodeRepo
from coder.store.db import Store
from tests.team.conftest import add_transcript, small_codebook

ADMIN = os.environ.get("CODER_TEST_PG_ADMIN_URL")


@pytest.fixture
def server() -> Iterator[tuple[str, str]]:
    """A fresh project database and a unique role prefix; both removed afterwards."""
    if not ADMIN:
        if os.environ.get("CODER_REQUIRE_PG"):
            pytest.fail("CODER_REQUIRE_PG is set but CODER_TEST_PG_ADMIN_URL is not")
        pytest.skip("no PostgreSQL server (set CODER_TEST_PG_ADMIN_URL)")
    tag = uuid.uuid4().hex[:8]
    name = f"coder_roles_{tag}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN).set(database=name).render_as_string(hide_password=False)
    store = Store(url)  # migrate and load the small codebook as the owner
    with store.session() as s:
        CodeRepo(s).sync_codebook(small_codebook())
    store.dispose()
    try:
        yield url, tag
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            roles = conn.scalars(
                text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": f"%{tag}%"}
            ).all()
            for role in roles:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login, password=None).render_as_string(hide_password=False)


def test_coders_write_leads_only_read(server, caplog) -> None:  # type: ignore[no-untyped-def]
    url, tag = server
    coders, leads = f"coders_{tag}", f"leads_{tag}"
    anna, lise = f"anna_{tag}", f"lise_{tag}"
    secret = f"pw-{uuid.uuid4().hex}"
    with caplog.at_level(logging.DEBUG):
        report = team.setup_team(
            url,
            coders_role=coders,
            leads_role=leads,
            add_coders=[anna],
            add_leads=[lise],
            password=secret,
        )
    assert set(report.created_roles) == {coders, leads, anna, lise}
    assert report.passwords_set == [anna, lise]
    assert secret not in caplog.text and secret not in repr(report)
    # The server stores a SCRAM verifier, never the password itself.
    admin = create_engine(url)
    with admin.connect() as conn:
        stored = conn.scalar(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": anna}
        )
    admin.dispose()
    assert stored.startswith("SCRAM-SHA-256$") and secret not in stored

    # A coder imports a transcript, codes a segment and writes a memo.
    as_anna = Store(_as(url, anna))
    segs = add_transcript(as_anna)
    info = coding.code_segment(as_anna, segs[1], "A1a", anna)
    coding.add_memo(as_anna, anna, "sentral stab", segment_id=segs[1])
    assert coding.undo(as_anna, anna) == "memo"
    # ...but cannot delete codes or transcripts (that is the owner's job).
    with pytest.raises(DatabaseError, match="permission denied"), as_anna.session() as s:
        s.execute(text("DELETE FROM codes WHERE id = 'T.tillit'"))
    as_anna.dispose()

    # A lead reads everything and writes nothing.
    as_lise = Store(_as(url, lise))
    assert [c.code_id for c in segment_codings(as_lise, segs[1])] == ["A1a"]
    assert agreement.agreement(as_lise, [anna, "bjorn"]).result.units == 0
    with pytest.raises(DatabaseError) as exc:
        coding.code_segment(as_lise, segs[2], "A1b", lise)
    message = str(exc.value)
    assert "permission denied for table codings" in message
    assert "project leads can read but not write" in message
    with pytest.raises(DatabaseError, match="permission denied"):
        coding.accept_suggestion(as_lise, info.id, lise)
    as_lise.dispose()

    # Running setup again is harmless, and moving Anna to the leads takes her write access away.
    again = team.setup_team(url, coders_role=coders, leads_role=leads, add_leads=[anna])
    assert again.created_roles == []
    as_anna = Store(_as(url, anna))
    with pytest.raises(DatabaseError, match="project leads can read but not write"):
        coding.code_segment(as_anna, segs[3], "B5a", anna)
    as_anna.dispose()


def test_setup_creates_the_project_database(server) -> None:  # type: ignore[no-untyped-def]
    url, tag = server
    name = f"coder_roles_{tag}_new"
    try:
        report = team.setup_team(url, database=name, coders_role=f"c_{tag}", leads_role=f"l_{tag}")
        assert report.database == name
        project = Store(make_url(url).set(database=name).render_as_string(hide_password=False))
        assert project.check() == []
        project.dispose()
    finally:
        admin = create_engine(ADMIN or "", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_setup_rejects_bad_names_and_sqlite(server, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    url, tag = server
    with pytest.raises(UsageError, match="invalid role name"):
        team.setup_team(url, add_coders=['x"; DROP TABLE codings; --'])
    with pytest.raises(UsageError, match="either a coder or a lead"):
        team.setup_team(
            url, coders_role=f"c_{tag}", leads_role=f"l_{tag}", add_coders=["a"], add_leads=["a"]
        )
    with pytest.raises(UsageError, match="PostgreSQL only"):
        team.setup_team(sqlite_url)
