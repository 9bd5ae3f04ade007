"""Norwegian NLP for coder: one place that loads the spaCy pipeline everyone else uses.

Public API: ``load(components=None)`` (a purpose such as "tagging"/"pseudonymise" or
capability names), ``pipeline_info()``, ``lemma_key(token)``; ``evaluate_folder`` and
``train_pipeline`` back the ``coder nlp`` commands.
"""

from __future__ import annotations

from typing import Any

from coder.nlp.loader import (
    CAPABILITIES,
    ENV_VAR,
    PURPOSES,
    SHIPPED_PATH,
    ModelNotFoundError,
    clear_cache,
    load,
    loaded_source,
)


def pipeline_info() -> dict[str, Any]:
    """Name, source, path, version, components and dev scores of the pipeline in use."""
    from coder.nlp.info import pipeline_info as _info

    return _info()


def lemma_key(token: Any) -> str:
    """The form to match lexicon entries against: the lemma, lowercased."""
    return (token.lemma_ or token.text).lower()


__all__ = [
    "CAPABILITIES",
    "ENV_VAR",
    "PURPOSES",
    "SHIPPED_PATH",
    "ModelNotFoundError",
    "clear_cache",
    "lemma_key",
    "load",
    "loaded_source",
    "pipeline_info",
]
