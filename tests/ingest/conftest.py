"""Fixtures for the ingest tests: small .docx/.odt builders and an offsets checker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# A paragraph spec: plain text, or (bold label, rest) for a bold-run speaker label,
# or ("#", text) for a heading.
Para = str | tuple[str, str]


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    def build(paras: list[Para], name: str = "t.docx", table: list[list[str]] | None = None):
        import docx

        document = docx.Document()
        for para in paras:
            if isinstance(para, tuple) and para[0] == "#":
                document.add_heading(para[1], 1)
            elif isinstance(para, tuple):
                p = document.add_paragraph()
                p.add_run(para[0]).bold = True
                p.add_run(para[1])
            else:
                document.add_paragraph(para)
        if table:
            t = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    t.cell(r, c).text = value
        path = tmp_path / name
        document.save(str(path))
        return path

    return build


@pytest.fixture
def make_odt(tmp_path: Path) -> Callable[..., Path]:
    def build(paras: list[Para], name: str = "t.odt") -> Path:
        from odf.opendocument import OpenDocumentText
        from odf.style import Style, TextProperties
        from odf.text import H, P, Span

        document = OpenDocumentText()
        bold = Style(name="Fet", family="text")
        bold.addElement(TextProperties(fontweight="bold"))
        document.automaticstyles.addElement(bold)
        for para in paras:
            if isinstance(para, tuple) and para[0] == "#":
                document.text.addElement(H(outlinelevel=1, text=para[1]))
            elif isinstance(para, tuple):
                p = P()
                p.addElement(Span(stylename=bold, text=para[0]))
                p.addText(para[1])
                document.text.addElement(p)
            else:
                document.text.addElement(P(text=para))
        path = tmp_path / name
        document.save(str(path))
        return path

    return build
