"""Lexicon matching: lemmas, Norwegian compounds, phrases, typos, and the stemmer behind them."""

from __future__ import annotations

from typing import Any

import pytest

from coder.codebook.model import Codebook
from coder.tagging.lexicon import LexiconIndex
from coder.tagging.normalise import candidates, token_forms


@pytest.fixture(scope="module")
def index(codebook: Codebook) -> LexiconIndex:
    return LexiconIndex(codebook)


def _hits(index: LexiconIndex, nlp: Any, text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {h.surface or h.term: (h.kind, h.codes) for h in index.match(nlp(text))}


@pytest.mark.parametrize(
    ("word", "lemma", "code"),
    [
        ("rådmannsledelsen", "rådmannsledelse", "REL.ceo"),
        ("stabsfunksjonene", "stabsfunksjon", "B"),
        ("virksomhetslederne", "virksomhetsleder", "REL.units"),
        ("kommunalsjefene", "kommunalsjef", "REL.ceo"),
        ("enhetslederne", "enhetsleder", "REL.units"),
        ("formannskapet", "formannskap", "REL.politicians"),
        ("skolene", "skole", "REL.units"),
        ("ledergruppene", "ledergruppe", "REL.ceo"),
        ("sykehjemmet", "sykehjem", "REL.units"),
    ],
)
def test_inflected_domain_words_match_their_lemma(
    index: LexiconIndex, blank_nlp: Any, word: str, lemma: str, code: str
) -> None:
    hits = index.match(blank_nlp(f"Vi snakker med {word} hver uke."))
    assert [(h.kind, h.term) for h in hits] == [("lemma", lemma)]
    assert code in hits[0].codes


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("formannskapsmøtet", "formannskap"),  # first part, with the linking s
        ("skolelederne", "skole"),
        ("lønnsrådgiveren", "rådgiver"),  # head of the compound
        ("ikt-rådgiveren", "rådgiver"),
    ],
)
def test_compounds_match_with_lower_weight(
    index: LexiconIndex, blank_nlp: Any, word: str, term: str
) -> None:
    hits = index.match(blank_nlp(f"Det var {word} som sa det."))
    kinds = {h.term: h.kind for h in hits}
    assert term in kinds
    compound = [h for h in hits if h.term == term][0]
    if compound.kind == "compound":
        assert compound.weight < 1.0
        assert compound.evidence().startswith("compound:")


def test_typos_and_variants_match_fuzzily(index: LexiconIndex, blank_nlp: Any) -> None:
    hits = {h.term: h for h in index.match(blank_nlp("Formanskapet og økonomisjeffen var enige."))}
    assert hits["formannskap"].kind == "fuzzy"
    assert hits["formannskap"].evidence() == "fuzzy:formanskapet~formannskap"
    assert hits["økonomisjef"].kind in ("lemma", "fuzzy", "compound")  # doubled consonant
    assert hits["formannskap"].weight < index.specificity["formannskap"]


def test_short_words_and_fillers_do_not_match_fuzzily(index: LexiconIndex, blank_nlp: Any) -> None:
    assert index.match(blank_nlp("altså, eh, ja, nei, sånn")) == []


def test_phrases_match_across_inflection(index: LexiconIndex, blank_nlp: Any) -> None:
    hits = index.match(blank_nlp("Alt går via rådmannen, og vi har direkte kontakt av og til."))
    phrases = {h.term: h.codes for h in hits if h.kind == "phrase"}
    assert "C13c" in phrases["via rådmannen"]
    assert "direkte kontakt" in phrases
    # words inside a phrase are not counted again as single lemmas
    assert not any(h.kind == "lemma" and h.term == "rådmann" for h in hits)


def test_pipeline_lemma_is_used_when_given() -> None:
    forms = token_forms("gikk", "gå")
    assert forms[0] == "gikk" and "gå" in forms


def test_stemmer_candidates() -> None:
    assert "virksomhet" in candidates("virksomhetene")
    assert "gruppe" in candidates("gruppa")
    assert "trenge" in candidates("trenger")
    assert candidates("og") == ("og",)
