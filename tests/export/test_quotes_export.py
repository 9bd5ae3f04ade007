"""Quote exports in every format, pseudonymised exports, and safe writing (0600, no clobbering)."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from coder.errors import ConflictError, UsageError
from coder.export.quotes import quotes_csv, write_quotes
from coder.services import synthesis
from tests.analysis.analysis_project import project_store as _built_project

project_store = _built_project  # the hand-built project on both backends


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_docx(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = synthesis.export_quotes(project_store, tmp_path / "q.docx", relation="units")
    assert out.quotes == 3
    doc = Document(str(out.path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Virksomhetene" in headings
    assert any(h.startswith("C15a") for h in headings)
    text = _docx_text(out.path)
    assert "Enhetene trenger hjelp med rekruttering" in text
    assert "Hamar, Per (unit_leader), Hamar intervju H1 [h1-intervju.txt], segment 1" in text
    assert _mode(out.path) == 0o600


def test_md_csv_xlsx(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    md = synthesis.export_quotes(project_store, tmp_path / "q.md", relation="politicians")
    body = md.path.read_text(encoding="utf-8")
    assert body.startswith("# Sitater")
    assert "## Politisk ledelse" in body and "### C13a" in body
    assert "> Kommunestyret får bedre saksframlegg nå." in body

    c = synthesis.export_quotes(project_store, tmp_path / "q.csv", "csv", status="all")
    rows = list(csv.DictReader(io.StringIO(c.path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == c.quotes == 13
    assert {r["relation"] for r in rows} == {"politicians", "ceo", "units", "none"}
    suggested = [r for r in rows if r["status"] == "suggested"]
    assert {r["score"] for r in suggested} == {"0.9", "0.7"}

    x = synthesis.export_quotes(project_store, tmp_path / "q.xlsx", case="Hamar")
    ws = load_workbook(x.path).active
    values = list(ws.values)
    assert values[0][:3] == ("relation", "code", "code_label")
    assert len(values) - 1 == x.quotes
    assert all(row[4] == "Hamar" for row in values[1:])
    for p in (md.path, c.path, x.path):
        assert _mode(p) == 0o600


def test_formula_cells_are_defused(project_store) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    q = synthesis.quotes(project_store, relation="ceo")[0]
    text = quotes_csv([replace(q, text="=HYPERLINK('x')")])
    assert "'=HYPERLINK" in text


def test_refuses_to_overwrite(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "q.md"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(ConflictError):
        synthesis.export_quotes(project_store, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    synthesis.export_quotes(project_store, target, force=True)
    assert target.read_text(encoding="utf-8").startswith("# Sitater")
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["q.md"]  # no temporary files left


def test_unknown_format(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError):
        write_quotes([], tmp_path / "q.pdf")


def test_pseudonymised_export_and_key(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    key = tmp_path / "key.json"
    out = synthesis.export_quotes(
        project_store, tmp_path / "q.docx", status="all", pseudonymise=True, key_path=key
    )
    text = _docx_text(out.path)
    for name in ("Kari", "Nordmann", "Ola", "Hansen", "Berg", "Karis"):
        assert name not in text.replace("[", " ").split(), name
    assert "[Politiker 1, Flora]s parti" in text  # "Karis parti", possessive kept
    assert "[Rådmannsnivå 1, Flora] hjelper oss" in text
    assert "sier [Enhetsleder 1, Hamar]." in text
    assert "Hamar" in text and "Formannskapet" in text  # places and institutions stay
    mapping = json.loads(key.read_text(encoding="utf-8"))
    assert mapping["[Politiker 1, Flora]"] == "Kari Nordmann"
    assert _mode(key) == 0o600
    assert "Kari Nordmann" not in text


def test_key_rules(project_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError):
        synthesis.export_quotes(project_store, tmp_path / "q.md", key_path=tmp_path / "k.json")
    with pytest.raises(UsageError):
        synthesis.export_quotes(
            project_store, tmp_path / "q.md", pseudonymise=True, key_path=tmp_path / "q.md"
        )
    (tmp_path / "k.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConflictError):
        synthesis.export_quotes(
            project_store, tmp_path / "q.md", pseudonymise=True, key_path=tmp_path / "k.json"
        )
    assert not (tmp_path / "q.md").exists()  # refused before anything was written
