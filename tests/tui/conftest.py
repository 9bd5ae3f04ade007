"""Fixtures for the workspace tests: the small project on both backends, or on SQLite only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tui.project import Project, build_project


@pytest.fixture
def project(db_url: str) -> Iterator[Project]:
    """The test project on SQLite and PostgreSQL."""
    p = build_project(db_url)
    yield p
    p.store.dispose()


@pytest.fixture
def sqlite_project(sqlite_url: str) -> Iterator[Project]:
    """The test project on SQLite only (snapshots: same picture, one backend is enough)."""
    p = build_project(sqlite_url)
    yield p
    p.store.dispose()


@pytest.fixture(autouse=True)
def _model_free_search() -> Iterator[None]:
    """Search with the suffix normaliser: results must not depend on an installed spaCy model."""
    from coder.services import search

    search.set_lemmatizer(search.stem_lemmatize)
    yield
    search.set_lemmatizer(None)
