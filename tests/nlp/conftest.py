"""Fixtures for the NLP tests: a clean loader state and the shipped pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coder.nlp import loader

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def clean_loader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No env override and an empty cache before and after the test."""
    monkeypatch.delenv(loader.ENV_VAR, raising=False)
    monkeypatch.setattr(loader, "_is_package", lambda name: False)
    loader.clear_cache()
    yield
    loader.clear_cache()


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make `load()` pick the shipped pipeline even if nb_core_news_* is installed."""
    monkeypatch.setenv(loader.ENV_VAR, str(loader.SHIPPED_PATH))
    yield


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
