"""Weighted log-odds with an informative Dirichlet prior, against a small example done by hand."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from coder.analysis.terms import distinctive_terms, log_odds, simple_analyzer, spacy_analyzer
from coder.services import synthesis


def test_log_odds_by_hand() -> None:
    counts = {"a": Counter({"x": 3, "y": 1}), "b": Counter({"x": 1, "y": 3})}
    out = log_odds(counts, prior_scale=4)
    # Pooled x: 4 of 8, so a_x = 4 * 4/8 = 2; n_a = n_b = 4, a0 = 4.
    # delta = log((3+2)/(4+4-3-2)) - log((1+2)/(4+4-1-2)) = log(5/3) - log(3/5)
    delta = math.log(5 / 3) - math.log(3 / 5)
    var = 1 / (3 + 2) + 1 / (1 + 2)
    x = next(t for t in out["a"] if t.term == "x")
    assert x.delta == pytest.approx(delta)
    assert x.z == pytest.approx(delta / math.sqrt(var))
    assert (x.count, x.rest) == (3, 1)
    y = next(t for t in out["a"] if t.term == "y")
    assert y.z == pytest.approx(-x.z)
    assert out["a"][0].term == "x" and out["b"][0].term == "y"


def test_prior_shrinks_rare_terms() -> None:
    counts = {"a": Counter({"rare": 1, "common": 50}), "b": Counter({"common": 50, "other": 10})}
    weak = {t.term: t for t in log_odds(counts, prior_scale=1)["a"]}
    strong = {t.term: t for t in log_odds(counts, prior_scale=10_000)["a"]}
    assert abs(strong["rare"].delta) < abs(weak["rare"].delta)


def test_simple_analyzer_drops_stop_words_and_numbers() -> None:
    (terms,) = simple_analyzer(["Vi har 12 politikere og de trenger saksframlegg."])
    assert terms == ["politikere", "trenger", "saksframlegg"]


def test_spacy_analyzer_keeps_content_lemmas() -> None:
    import spacy

    nlp = spacy.blank("nb")

    def tag(doc):  # type: ignore[no-untyped-def]
        for tok in doc:
            tok.pos_ = "NOUN" if tok.text.istitle() or len(tok.text) > 6 else "ADP"
            tok.lemma_ = tok.text.lower().rstrip("e")
        return doc

    nlp.add_pipe("sentencizer")
    analyse = spacy_analyzer(lambda texts, batch_size=64: (tag(d) for d in nlp.pipe(texts)))  # type: ignore[arg-type]

    # A plain callable is not a pipeline: wrap it in an object with .pipe
    class Pipe:
        def pipe(self, texts, batch_size=64):  # type: ignore[no-untyped-def]
            return (tag(d) for d in nlp.pipe(texts))

    analyse = spacy_analyzer(Pipe())
    (terms,) = analyse(["Politikerne trenger saksframlegg i dag ."])
    assert "politikern" in terms and "saksframlegg" in terms
    assert "i" not in terms and "." not in terms


def test_distinctive_terms_per_relation(project_store) -> None:  # type: ignore[no-untyped-def]
    store = project_store
    result = synthesis.terms(store, analyzer=simple_analyzer, prior_scale=10, top=50)
    assert set(result) == {"politicians", "ceo", "units"}
    pol = [t.term for t in result["politicians"]]
    assert "saksframlegg" in pol and "politikerne" in pol
    assert "rekruttering" in [t.term for t in result["units"]]
    assert all(t.z > 0 for items in result.values() for t in items)
    one = synthesis.terms(store, relation="ceo", analyzer=simple_analyzer, top=3)
    assert list(one) == ["ceo"] and len(one["ceo"]) <= 3


def test_distinctive_terms_drop() -> None:
    groups = {"a": ["Kari Nordmann snakker om budsjett"], "b": ["Ola snakker om drift"]}
    out = distinctive_terms(groups, analyzer=simple_analyzer, drop={"kari", "nordmann", "ola"})
    assert not any(t.term in ("kari", "nordmann", "ola") for items in out.values() for t in items)


def test_noun_chunks_leave_person_names_out() -> None:
    # Finding: chunks lower-cased names ("rådmann ola hansen"), so --pseudonymise alone kept
    # them out. Proper nouns stand as terms of their own (capitalised), never inside a chunk.
    from types import SimpleNamespace as T

    def tok(text: str, pos: str) -> T:
        return T(text=text, lemma_=text, pos_=pos, is_punct=False, is_stop=False)

    words = [tok("Rådmann", "NOUN"), tok("Ola", "PROPN"), tok("Hansen", "PROPN"),
             tok("økonomiske", "ADJ"), tok("rapporter", "NOUN")]  # fmt: skip

    class Doc(list):  # type: ignore[type-arg]
        noun_chunks = [words[0:3], words[3:5]]

        def has_annotation(self, name: str) -> bool:
            return name == "DEP"

    class Pipe:
        def pipe(self, texts, batch_size=64):  # type: ignore[no-untyped-def]
            return (Doc(words) for _ in texts)

    (terms,) = spacy_analyzer(Pipe())(["x"])
    assert "økonomiske rapporter" in terms and "Ola" in terms
    assert not [t for t in terms if " " in t and ("ola" in t or "hansen" in t)]
