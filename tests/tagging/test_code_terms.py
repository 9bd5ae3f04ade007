"""The codebook's own texts as a weak lexicon: codes without a lexicon still get suggestions."""

from __future__ import annotations

from typing import Any

from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeKind, Relation
from coder.tagging.code_terms import MAX_CODES, code_text_terms
from coder.tagging.learn import evidence_terms
from coder.tagging.suggest import SegmentInput, Suggester


def _codebook() -> Codebook:
    k = CodeKind
    defs = [
        CodeDef("Q1", None, k.QUESTION, "Budsjett", text="Hvordan fungerer budsjettprosessen?"),
        CodeDef("Q2", None, k.QUESTION, "Rekruttering", text="Hvem rekrutterer nye ledere?"),
        CodeDef(
            "Q3",
            None,
            k.QUESTION,
            "Lønn",
            text="Hvem forhandler lønn?",
            lexicon=Lexicon(lemmas=("lønnsoppgjør",)),
        ),
        CodeDef(
            "REL.units",
            None,
            k.RELATION,
            "Virksomhetene",
            "Tjenestestedene",
            relation=Relation.UNITS,
        ),
    ]
    return Codebook(name="t", version="1", source="tests", language="nb", codes=tuple(defs))


def test_codes_without_a_lexicon_are_suggested_from_their_own_words(blank_nlp: Any) -> None:
    s = Suggester(_codebook(), blank_nlp)
    out = s.suggest([SegmentInput("Budsjettet kom altfor sent i år.", speaker="X")])[0]
    assert out.codes and out.codes[0].code == "Q1"
    assert "text:budsjett" in out.codes[0].evidence
    assert evidence_terms(out.codes[0].evidence) == ["budsjett"]


def test_curated_terms_stay_lemma_hits_and_can_be_switched_off(blank_nlp: Any) -> None:
    cb = _codebook()
    terms = code_text_terms(cb, blank_nlp)
    assert "tjenestestedene" not in terms  # relation codes are weighed by the relation scorer
    assert terms["budsjett"] == ("Q1",)
    s = Suggester(cb, blank_nlp, code_text=False)
    assert s.suggest([SegmentInput("Budsjettet kom sent.", speaker="X")])[0].codes == ()
    s = Suggester(cb, blank_nlp)
    out = s.suggest([SegmentInput("Lønnsoppgjøret tok tid.", speaker="X")])[0]
    assert out.codes[0].code == "Q3"
    assert "lemma:lønnsoppgjør" in out.codes[0].evidence


def test_words_shared_by_many_codes_say_nothing(codebook: Codebook, blank_nlp: Any) -> None:
    terms = code_text_terms(codebook, blank_nlp)
    assert terms
    assert all(1 <= len(ids) <= MAX_CODES for ids in terms.values())
    assert not any(c.startswith("REL.") for ids in terms.values() for c in ids)
