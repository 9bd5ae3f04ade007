"""Loading codebook files into a project keeps what the file format cannot carry."""

from __future__ import annotations

from pathlib import Path

from coder.export.refi_codebook import write_qdc
from coder.services.codebook import load_codebook_into_store, project_codebook
from coder.store.codes import CodeRepo
from coder.store.db import Store


def test_qdc_round_trip_keeps_theme_lexicon_and_guide_text(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        CodeRepo(s).add(
            "T.tillit", "Tillit", parent_id="C", description="Om tillit", lemmas=["tillit"]
        )
    out = tmp_path / "cb.qdc"
    write_qdc(project_codebook(store), out)
    load_codebook_into_store(store, out)
    cb = project_codebook(store)
    theme = cb.get("T.tillit")
    assert theme.lexicon.lemmas == ("tillit",)
    assert "politikerne" in cb.get("C13").text
    assert cb.get("C13").lexicon.lemmas


def test_yaml_export_and_reload_changes_nothing(store: Store, tmp_path: Path) -> None:
    from coder.codebook.export import codebook_to_yaml

    path = tmp_path / "cb.yaml"
    path.write_text(codebook_to_yaml(project_codebook(store)), encoding="utf-8")
    assert load_codebook_into_store(store, path) == (0, 0)
