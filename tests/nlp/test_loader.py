"""Which pipeline `coder.nlp.load` picks, how it caches, and how it fails."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import spacy

from coder.errors import CoderError
from coder.nlp import loader


def _fake_installed(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    monkeypatch.setattr(loader, "_is_package", lambda name: name in names)


def test_order_without_anything_installed(clean_loader: None) -> None:
    assert [s.kind for s in loader.candidate_sources()] == ["shipped"]


def test_installed_packages_come_first_largest_first(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_installed(monkeypatch, {"nb_core_news_sm", "nb_core_news_lg"})
    names = [s.name for s in loader.candidate_sources()]
    assert names == ["nb_core_news_lg", "nb_core_news_sm", "nb_coder_sm"]


def test_env_var_wins_as_name_or_path(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_installed(monkeypatch, {"nb_core_news_sm"})
    monkeypatch.setenv(loader.ENV_VAR, "nb_core_news_md")
    assert loader.candidate_sources() == [loader.Source("nb_core_news_md", "env")]
    monkeypatch.setenv(loader.ENV_VAR, str(tmp_path))
    assert loader.candidate_sources() == [loader.Source(str(tmp_path), "env", tmp_path)]


def test_env_var_that_does_not_load_is_a_clear_error(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loader.ENV_VAR, "nb_no_such_pipeline")
    with pytest.raises(CoderError, match="CODER_SPACY_MODEL"):
        loader.load("tagging")


def test_nothing_loads_is_a_clear_error(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "SHIPPED_PATH", Path("/nonexistent/nb_coder_sm"))
    with pytest.raises(loader.ModelNotFoundError, match="no Norwegian spaCy pipeline"):
        loader.load()


def test_installed_package_is_used_and_cached(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = spacy.blank("nb")
    fake.add_pipe("sentencizer")
    fake.to_disk(tmp_path / "fake")
    calls: list[Any] = []

    def fake_load(target: Any, **kwargs: Any) -> Any:
        calls.append(target)
        if target == "nb_core_news_md":
            return spacy.load(tmp_path / "fake", **kwargs)
        raise OSError("not installed")

    _fake_installed(monkeypatch, {"nb_core_news_md"})
    monkeypatch.setattr(loader, "_load_any", fake_load)
    nlp = loader.load("tagging")
    assert loader.loaded_source() == loader.Source("nb_core_news_md", "installed")
    assert "sentencizer" in nlp.pipe_names
    assert loader.load("tagging") is nlp
    assert set(calls) == {"nb_core_news_md"}


def test_shipped_pipeline_loads_offline_with_only_needed_components(
    clean_loader: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the pipeline must load without network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    _fake_installed(monkeypatch, {"nb_core_news_sm"})  # claims installed; spacy.load fails
    tagging = loader.load("tagging")
    assert loader.loaded_source() == loader.Source("nb_coder_sm", "shipped", loader.SHIPPED_PATH)
    assert "ner" not in tagging.pipe_names and "parser" not in tagging.pipe_names
    assert {"tok2vec", "morphologizer", "lemmatizer", "senter"} <= set(tagging.pipe_names)
    ner = loader.load("pseudonymise")
    assert ner.pipe_names == ["ner", "coder_person_names"]
    full = loader.load()
    assert "parser" in full.pipe_names and "senter" not in full.pipe_names
    doc = tagging("Vi styrker staben. Politikerne bestemmer.")
    assert len(list(doc.sents)) == 2
    assert doc[2].pos_ == "NOUN"


def test_shipped_pipeline_is_small_and_documented() -> None:
    files = [p for p in loader.SHIPPED_PATH.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 25 * 1024 * 1024
    meta = spacy.util.load_meta(loader.SHIPPED_PATH / "meta.json")
    assert meta["version"] and "CC0" in meta["license"]
    assert {"lemma_acc", "upos_acc", "las", "ents_f"} <= set(meta["performance"])


def test_unknown_capability() -> None:
    with pytest.raises(CoderError, match="unknown NLP capability"):
        loader.resolve_components(["colour"])


def test_allocator_tuning_is_applied_once_and_reports_itself() -> None:
    from coder.nlp.ops import tune_allocator

    first = tune_allocator()
    assert isinstance(first, bool)
    assert tune_allocator() is first  # idempotent: decided once per process
