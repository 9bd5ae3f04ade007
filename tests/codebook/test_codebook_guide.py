"""The packaged interview guide: every code of the instrument, its tree, texts and lexicons."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from coder.codebook import Codebook, default_codebook
from coder.domain import CodeKind, Relation

SECTIONS = ["A", "B", "C", "D", "E"]
QUESTIONS = [f"A{n}" for n in range(1, 4)] + [f"B{n}" for n in range(4, 13)]
QUESTIONS += ["C13", "C14", "C15"]
B5_ITEMS = ["B5a", "B5b", "B5c", "B5d"]
C13_ITEMS = [f"C13{x}" for x in "abcdef"]
C13_ITEMS += ["C13d.i", "C13d.ii", "C13d.iii", "C13e.i", "C13e.ii", "C13e.iii"]
C14_ITEMS = [f"C14{x}" for x in "abcdef"]
C14_ITEMS += ["C14d.i", "C14d.ii", "C14d.iii", "C14d.iv", "C14e.i", "C14e.ii"]
C15_ITEMS = [f"C15{x}" for x in "abcdef"]
C15_ITEMS += ["C15d.i", "C15d.ii", "C15d.iii", "C15d.iv", "C15e.i", "C15e.ii"]
C15_ITEMS += ["C15e.i.1", "C15e.i.2", "C15e.i.3", "C15e.i.4"]
ITEMS = B5_ITEMS + C13_ITEMS + C14_ITEMS + C15_ITEMS
RELATIONS = ["REL.politicians", "REL.ceo", "REL.units"]
REQUIRED_IDS = SECTIONS + QUESTIONS + ITEMS + RELATIONS


@pytest.fixture(scope="module")
def cb() -> Codebook:
    return default_codebook()


def test_the_guide_loads_with_its_metadata(cb: Codebook) -> None:
    assert cb.language == "nb"
    assert cb.name and cb.version
    assert cb.source.startswith("Vedlegg 3: Intervjuguider brukt i casekommunene")
    assert "Koordinering og strategisk utvikling i tonivåkommuner" in cb.source


def test_default_codebook_is_cached(cb: Codebook) -> None:
    assert default_codebook() is cb


def test_every_required_id_exists_and_nothing_else(cb: Codebook) -> None:
    assert len(REQUIRED_IDS) == len(set(REQUIRED_IDS)) == 67
    missing = [i for i in REQUIRED_IDS if i not in cb]
    assert missing == []
    assert sorted(cb.ids()) == sorted(REQUIRED_IDS)


@pytest.mark.parametrize("code_id", REQUIRED_IDS)
def test_each_required_id_resolves(cb: Codebook, code_id: str) -> None:
    assert cb.get(code_id).id == code_id


def test_kinds(cb: Codebook) -> None:
    assert [c.id for c in cb.sections()] == SECTIONS
    assert [c.id for c in cb.questions()] == QUESTIONS
    assert {c.id for c in cb.codes if c.kind is CodeKind.ITEM} == set(ITEMS)
    assert [c.id for c in cb.relations()] == RELATIONS


def test_questions_sit_under_their_sections(cb: Codebook) -> None:
    assert [c.id for c in cb.children("A")] == ["A1", "A2", "A3"]
    assert [c.id for c in cb.children("B")] == [f"B{n}" for n in range(4, 13)]
    assert [c.id for c in cb.children("C")] == ["C13", "C14", "C15"]
    assert cb.children("D") == () and cb.children("E") == ()


def test_items_sit_under_their_questions(cb: Codebook) -> None:
    assert [c.id for c in cb.children("B5")] == B5_ITEMS
    assert [c.id for c in cb.children("C13")] == [f"C13{x}" for x in "abcdef"]
    assert [c.id for c in cb.children("C13d")] == ["C13d.i", "C13d.ii", "C13d.iii"]
    assert [c.id for c in cb.children("C14d")] == ["C14d.i", "C14d.ii", "C14d.iii", "C14d.iv"]
    assert [c.id for c in cb.children("C14e")] == ["C14e.i", "C14e.ii"]
    assert [c.id for c in cb.children("C15e")] == ["C15e.i", "C15e.ii"]
    assert [c.id for c in cb.children("C15e.i")] == [f"C15e.i.{n}" for n in range(1, 5)]
    assert cb.get("C15e.i.3").parent == "C15e.i"


def test_roots_are_sections_then_relations(cb: Codebook) -> None:
    assert [c.id for c in cb.roots()] == SECTIONS + RELATIONS


def test_question_13_text(cb: Codebook) -> None:
    assert cb.get("C13").text == "Hvordan fungerer samspillet mellom politikerne og stab/støtte?"
    assert cb.get("C13f").text == (
        "Hvordan reguleres forholdet mellom politikerne som brukere og stab/støtte som "
        "tilbydere – er det stab/støtte eller politikerne som setter premissene for samspillet?"
    )
    assert cb.get("C14e.i").text == (
        "Understøtter stab/støtte arbeidet med å utvikle organisasjonen "
        "(”fingeren på snøret”- funksjon)?"
    )


def test_sections_carry_their_heading_question(cb: Codebook) -> None:
    assert cb.get("D").text.startswith("Hva er de viktigste sterke og svake sider")
    assert cb.get("E").text == (
        "På hvilken måte kan den valgte stab/støtte organisasjonsmodellen videreutvikles?"
    )
    assert cb.get("D").label.startswith("Oppsummert")
    assert cb.get("E").label == "Videreutvikling av organisasjonsmodellen"


def test_texts_are_verbatim_from_the_guide(cb: Codebook, shared_dir: Path) -> None:
    raw = (shared_dir / "seed" / "interview-guide.md").read_text(encoding="utf-8")
    joined = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", raw)  # undo line-break hyphenation
    guide = " ".join(joined.split())
    for code in cb.codes:
        if code.kind is not CodeKind.RELATION:
            assert code.text and code.text in guide, code.id


def test_relations_follow_the_question(cb: Codebook) -> None:
    expected = {"C13": Relation.POLITICIANS, "C14": Relation.CEO, "C15": Relation.UNITS}
    for code in cb.codes:
        if code.kind is CodeKind.RELATION:
            continue
        want = expected.get(code.id[:3])
        assert code.relation is want, code.id
    assert cb.get("REL.politicians").label == "Politisk ledelse"
    assert cb.get("REL.ceo").label == "Rådmannsnivået"
    assert cb.get("REL.units").label == "Virksomhetene"
    assert cb.code_for_relation(Relation.CEO) == cb.get("REL.ceo")


def test_every_code_has_label_description_and_colour(cb: Codebook) -> None:
    for code in cb.codes:
        assert code.label and code.description, code.id
        assert re.fullmatch(r"#[0-9a-f]{6}", code.color), code.id
    assert len({c.color for c in cb.codes}) == len(cb.codes)


def test_every_question_and_item_has_a_lexicon(cb: Codebook) -> None:
    for code in cb.codes:
        if code.kind in (CodeKind.QUESTION, CodeKind.ITEM):
            assert len(code.lexicon.lemmas) >= 5, code.id
            assert code.lexicon.phrases, code.id
            assert 8 <= len(code.lexicon) <= 30, code.id


def test_relation_lexicons_are_rich(cb: Codebook) -> None:
    for code in cb.relations():
        assert len(code.lexicon.lemmas) >= 15, code.id
    assert {"politiker", "ordfører", "formannskap", "folkevalgt"} <= set(
        cb.get("REL.politicians").lexicon.lemmas
    )
    assert {"rådmann", "ledergruppe", "kommunalsjef", "kommunedirektør"} <= set(
        cb.get("REL.ceo").lexicon.lemmas
    )
    assert {"virksomhetsleder", "resultatenhet", "skole", "barnehage"} <= set(
        cb.get("REL.units").lexicon.lemmas
    )


def test_lemmas_are_lowercase_single_words_without_duplicates(cb: Codebook) -> None:
    for code in cb.codes:
        lemmas = code.lexicon.lemmas
        assert len(lemmas) == len(set(lemmas)), code.id
        for lemma in lemmas:
            assert lemma == lemma.lower() and re.fullmatch(r"[^\s-]+", lemma), (code.id, lemma)


def test_domain_vocabulary_is_covered(cb: Codebook) -> None:
    lemmas = {lemma for c in cb.codes for lemma in c.lexicon.lemmas}
    phrases = {p for c in cb.codes for p in c.lexicon.phrases}
    for word in [
        "stabsfunksjon",
        "støttefunksjon",
        "rådmannsledelse",
        "virksomhetsleder",
        "resultatenhet",
        "enhetsleder",
        "kommunalsjef",
        "styringsinformasjon",
        "årsverk",
        "resultatavtale",
        "lederavtale",
        "hospitering",
        "opplæring",
        "lederutvikling",
        "generalist",
        "spesialist",
        "sentralisert",
        "desentralisert",
        "prosjektgruppe",
        "arbeidslag",
        "fullmakt",
        "samfunnsutvikling",
        "arbeidsgiveransvar",
        "kompetanseutvikling",
        "kulturbygging",
        "ikt",
        "lønn",
        "regnskap",
        "etatsmodell",
        "tonivåmodell",
        "sektor",
    ]:
        assert word in lemmas, word
    for phrase in (
        "på vegne av rådmannen",
        "direkte kontakt",
        "via rådmannen",
        "felles mal",
        "fingeren på snøret",
        "herre i eget hus",
        "sterke sider",
        "svake sider",
        "videreutvikle modellen",
    ):
        assert phrase in phrases, phrase


@pytest.mark.parametrize(
    ("code_id", "term"),
    [
        ("C13", "formannskap"),
        ("C13", "gruppeleder"),
        ("C13c", "via rådmannen"),
        ("B6", "årsverk"),
        ("B9", "hospitering"),
        ("B10", "felles mal"),
        ("B12", "på vegne av rådmannen"),
        ("C14d.iv", "arbeidsgiveransvar"),
        ("C14e.i", "fingeren på snøret"),
        ("C15e.i.2", "kompetanseutvikling"),
        ("C15e.i.4", "kulturbygging"),
        ("D", "sterke sider"),
        ("E", "videreutvikle modellen"),
    ],
)
def test_distinctive_terms_sit_on_the_right_code(cb: Codebook, code_id: str, term: str) -> None:
    lexicon = cb.get(code_id).lexicon
    assert term in lexicon.lemmas + lexicon.phrases


def test_generic_words_are_not_spread_over_questions(cb: Codebook) -> None:
    counts = Counter(
        lemma
        for c in cb.codes
        if c.kind in (CodeKind.QUESTION, CodeKind.ITEM)
        for lemma in c.lexicon.lemmas
    )
    assert "stab" not in counts and "støtte" not in counts
    assert max(counts.values()) <= 5
