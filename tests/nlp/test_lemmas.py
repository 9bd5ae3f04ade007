"""Lemmas of this domain's words, and the compound-aware rule layer behind them."""

from __future__ import annotations

import pytest

from coder.nlp import lemma_key, load
from coder.nlp.lemmas import LemmaFixer

DOMAIN = [
    ("Det var politikerne som bestemte det.", "politikerne", "politiker"),
    ("Vi fikk svar fra rådmannens kontor.", "rådmannens", "rådmann"),
    ("Hun møter virksomhetslederne hver uke.", "virksomhetslederne", "virksomhetsleder"),
    ("Vi har styrket stabsfunksjonene i år.", "stabsfunksjonene", "stabsfunksjon"),
    ("Saken gikk til kommunalsjefene først.", "kommunalsjefene", "kommunalsjef"),
    ("Han sitter i rådmannsledelsen nå.", "rådmannsledelsen", "rådmannsledelse"),
]


@pytest.mark.parametrize(("sentence", "word", "lemma"), DOMAIN)
def test_domain_lemmas(shipped: None, sentence: str, word: str, lemma: str) -> None:
    doc = load("tagging")(sentence)
    [token] = [t for t in doc if t.text == word]
    assert lemma_key(token) == lemma


def test_compound_head_rule() -> None:
    fixer = LemmaFixer()
    fixer.set_table(
        {"lederne": "leder", "mannens": "mann", "ledelsen": "ledelse", "sjef": "sjef"},
        endings=["", "en", "ene", "s"],
    )
    assert fixer.noun_lemma("kommunalsjefene", "kommunalsjefene") == "kommunalsjef"
    assert fixer.noun_lemma("avdelingslederne", "avdelingslederne") == "avdelingsleder"
    assert fixer.noun_lemma("rådmannens", "rådmannens") == "rådmann"
    assert fixer.noun_lemma("lederne", "ledern") == "leder"  # a known form wins
    assert fixer.noun_lemma("leder", "leder") == "leder"  # a known lemma is kept
    assert fixer.noun_lemma("xyz", "xyz") == "xyz"  # nothing known: the model's answer


def test_lemmas_are_lowercase_except_proper_nouns(shipped: None) -> None:
    doc = load("tagging")("Rådmannen i Bodø svarte.")
    assert doc[0].lemma_ == "rådmann"
    assert [t.lemma_ for t in doc if t.text == "Bodø"] == ["Bodø"]
