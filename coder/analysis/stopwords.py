"""spaCy's Norwegian Bokmål stop list, read without importing all of spaCy (which takes seconds)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def norwegian_stop_words() -> frozenset[str]:
    """The words of `spacy.lang.nb.stop_words.STOP_WORDS`, casefolded."""
    spec = importlib.util.find_spec("spacy")
    origin = spec.origin if spec else None
    path = Path(origin).parent / "lang" / "nb" / "stop_words.py" if origin else None
    if path is not None and path.is_file():
        module_spec = importlib.util.spec_from_file_location("_coder_nb_stop_words", path)
        if module_spec and module_spec.loader:
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            return frozenset(w.casefold() for w in module.STOP_WORDS)
    from spacy.lang.nb.stop_words import STOP_WORDS  # the regular way, if the file moved

    return frozenset(w.casefold() for w in STOP_WORDS)
