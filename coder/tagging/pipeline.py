"""Which spaCy pipeline the tagger runs: the project's Norwegian pipeline, else a blank one.

The tagger needs lemmas and sentences; `coder.nlp.load("tagging")` provides them. When no
statistical pipeline is installed (a fresh checkout before the model ships, or a test that
wants no model), a blank Norwegian tokenizer still works because the lexicon matcher also
compares stripped word forms (`normalise.candidates`); the result says which was used so
reports never hide it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pipeline:
    nlp: Any
    name: str
    statistical: bool


def blank_pipeline() -> Pipeline:
    """A tokenizer-only Norwegian pipeline (no lemmas: the matcher's own stemmer fills in)."""
    import spacy

    return Pipeline(spacy.blank("nb"), "blank:nb", False)


def load_pipeline(*, allow_blank: bool = True) -> Pipeline:
    """The project's tagging pipeline, or the blank fallback when none can be loaded."""
    try:
        from coder.nlp import load  # type: ignore[attr-defined]

        nlp = load("tagging")
    except Exception as exc:  # noqa: BLE001 - no model is a normal state; we say which we use
        if not allow_blank:
            raise
        log.warning("no statistical Norwegian pipeline (%s); using a blank one", type(exc).__name__)
        return blank_pipeline()
    name = str(nlp.meta.get("name", "pipeline"))
    lang = str(nlp.meta.get("lang", "nb"))
    return Pipeline(nlp, f"{lang}_{name}" if not name.startswith(lang) else name, True)
