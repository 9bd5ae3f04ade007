"""Fixtures for the tagging tests: the packaged codebook and a blank Norwegian pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from coder.codebook.loader import default_codebook
from coder.codebook.model import Codebook
from coder.tagging.suggest import Suggester


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return default_codebook()


@pytest.fixture(scope="session")
def blank_nlp() -> Any:
    """spaCy's blank Norwegian tokenizer: the matcher's own stemmer stands in for lemmas."""
    import spacy

    return spacy.blank("nb")


@pytest.fixture(scope="session")
def suggester(codebook: Codebook, blank_nlp: Any) -> Suggester:
    return Suggester(codebook, blank_nlp)
