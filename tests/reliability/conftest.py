"""Reliability fixtures: a second database on each backend, a populated project, the real CLI."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("CODER_TEST_PG_ADMIN_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`slow` variants run only with CODER_SLOW=1 (make test stays fast)."""
    if os.environ.get("CODER_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow variant; set CODER_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords and "reliability" in str(item.fspath):
            item.add_marker(skip)


def _new_pg_database() -> Iterator[str]:
    if not PG_ADMIN_URL:
        pytest.skip("no PostgreSQL server (set CODER_TEST_PG_ADMIN_URL)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coder_r_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def other_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.sqlite'}"
    else:
        yield from _new_pg_database()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for `python -m coder` subprocesses running this worktree's code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["CODER_CONFIG"] = str(tmp_path / "no-config.toml")
    env["CODER_NAME"] = "tester"
    env.pop("CODER_DB_URL", None)
    env["COLUMNS"] = "200"
    return env


@pytest.fixture
def python() -> str:
    return sys.executable
