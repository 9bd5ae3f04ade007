"""The Word report: one chapter per relation with table, chart image, terms and quotes."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from coder.analysis.terms import simple_analyzer
from coder.services import synthesis
from tests.analysis.analysis_project import project_store as _built_project

project_store = _built_project  # the hand-built project on both backends


def test_report_has_chapters_tables_images(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = synthesis.export_report(
        project_store, tmp_path / "r.docx", analyzer=simple_analyzer, use_ner=False
    )
    doc = Document(str(out.path))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["Politisk ledelse", "Rådmannsnivået", "Virksomhetene"]
    assert len(doc.inline_shapes) == 3  # one chart per chapter
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[blob].content_type == "image/png"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Enhetene trenger hjelp med rekruttering" in text
    assert "Hamar, Per (unit_leader)" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"C13", "C14", "C15", "saksframlegg"} <= cells
    assert out.quotes > 0


def test_report_pseudonymised(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = synthesis.export_report(
        project_store,
        tmp_path / "r.docx",
        pseudonymise=True,
        key_path=tmp_path / "key.json",
        analyzer=simple_analyzer,
        use_ner=False,
    )
    doc = Document(str(out.path))
    words = " ".join(p.text for p in doc.paragraphs)
    words += " " + " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for name in ("Kari", "Nordmann", "Ola", "Hansen", "Per", "Berg", "berg"):
        assert name not in words.replace("[", " ").replace("]", " ").split(), name
    assert "Navn er pseudonymisert" in words
    assert (tmp_path / "key.json").exists()
