"""The NDT reader and converter: tags, lemmas, trees, sentences and entities."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from coder.errors import InputError
from coder.nlp.ndt import docs_from_files, guess_spaces, ndt_files, read_ndt_file
from coder.nlp.tagmap import to_morph, to_upos


def test_fixture_converts_to_gold_doc(fixtures_dir: Path) -> None:
    nlp = spacy.blank("nb")
    [doc] = list(docs_from_files(nlp.vocab, ndt_files(fixtures_dir)))
    assert doc.text.startswith("Kari Nordmann leder staben i Bodø kommune. Politikerne har")
    assert len(list(doc.sents)) == 3
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Kari Nordmann", "PER"),
        ("Bodø kommune", "GPE_ORG"),
        ("Per", "PER"),
    ]
    har, bedt = doc[9], doc[10]
    assert (har.pos_, har.tag_, har.dep_) == ("AUX", "verb", "ROOT")
    assert (bedt.pos_, bedt.head.i, bedt.dep_) == ("VERB", har.i, "INFV")
    assert doc[8].lemma_ == "politiker" and doc[8].pos_ == "NOUN"
    assert str(doc[8].morph) == "Definite=Def|Gender=Masc|Number=Plur"
    assert doc[7].lemma_ == "." and doc[7].pos_ == "PUNCT"
    assert doc[-6].pos_ == "NUM"  # "to virksomheter"


def test_upos_and_morph_rules() -> None:
    assert to_upos("subst", ["prop"], "Oslo", "Oslo", False) == "PROPN"
    assert to_upos("det", ["kvant"], "en", "en", False) == "DET"
    assert to_upos("verb", ["pres"], "har", "ha", False) == "VERB"
    assert to_upos("<komma>", [], ",", ",", False) == "PUNCT"
    assert to_morph(["kvant", "fl"], "NUM") == "NumType=Card|Number=Plur"


def test_spaces_follow_punctuation() -> None:
    assert guess_spaces(["Han", "sa", '"', "ja", '"', ",", "og", "(", "nei", ")", "."]) == [
        True, True, False, False, False, True, True, False, False, False, True,
    ]  # fmt: skip


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("1\tHei\thei\tinterj\tinterj\t_\t0\tFRAG\t_\tname=O\n2\tdu\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_ndt_file(bad)
    assert str(err.value).startswith(f"{bad}:2: ")


def test_folder_without_conll_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no .conll files"):
        ndt_files(tmp_path)
