"""Shared test fixtures: the read-only study material, and databases on SQLite and PostgreSQL.

PostgreSQL tests run when CODER_TEST_PG_ADMIN_URL points at a server where the test user may
create databases (CI starts one); with CODER_REQUIRE_PG=1 a missing server fails instead of skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("CODER_SHARED_DIR", REPO_ROOT.parent / "shared"))
PG_ADMIN_URL = os.environ.get("CODER_TEST_PG_ADMIN_URL")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's ../shared folder (seed, corpora, realdata, refi); tests may read it."""
    if not SHARED_DIR.is_dir():
        pytest.fail(f"shared material not found at {SHARED_DIR} (set CODER_SHARED_DIR)")
    return SHARED_DIR


def _pg_database() -> Iterator[str]:
    if not PG_ADMIN_URL:
        if os.environ.get("CODER_REQUIRE_PG"):
            pytest.fail("CODER_REQUIRE_PG is set but CODER_TEST_PG_ADMIN_URL is not")
        pytest.skip("no PostgreSQL server (set CODER_TEST_PG_ADMIN_URL)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coder_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from sqlalchemy.pool import NullPool  # noqa: F401

        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (the same tests run on both)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coder.sqlite'}"
    else:
        yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coder.sqlite'}"


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    """A migrated project Store with the default codebook, on each backend."""
    from coder.services.project import open_store

    st = open_store(db_url)
    yield st
    st.dispose()
