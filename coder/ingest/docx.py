"""Word .docx transcripts via python-docx: paragraphs and tables in document order.

Conventions (the resulting text then goes through the plain-text turn builder):
- each paragraph is one line, paragraphs are separated by a blank line in the stored
  text (so unlabelled paragraphs become one segment each, as in .txt);
- a speaker label is either written as text (`Kari: ...`) or is a bold run at the start
  of the paragraph (**Kari** Jeg mener ...); a bold label is stored as `Kari: ` and
  trusted even where the plain-text heuristic would doubt it;
- Heading/Title styles are stored as Markdown headings (`# ...`): title candidate, no
  segment;
- tables are read row by row: a row whose first non-time cell looks like a label
  becomes `Label: rest of the row`, other rows are the cells joined by spaces; a header
  row such as "Taler | Tekst" is skipped.
Any failure to open the package (not a zip, encrypted, missing parts, bad XML) is an
InputError "not a valid .docx file".
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coder.errors import InputError
from coder.ingest import encoding as enc
from coder.ingest.draft import TranscriptDraft
from coder.ingest.richtext import (
    HEADING_STYLE_RE,
    bold_label_line,
    join_lines,
    open_archive,
    table_row_line,
)
from coder.ingest.text import build_draft

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_R, W_T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
W_TAB, W_BR, W_CR, W_VAL = _w("tab"), _w("br"), _w("cr"), _w("val")
W_RPR, W_B, W_RSTYLE = _w("rPr"), _w("b"), _w("rStyle")
W_PPR, W_PSTYLE = _w("pPr"), _w("pStyle")
W_SDT, W_SDT_CONTENT = _w("sdt"), _w("sdtContent")
_RUN_CONTAINERS = {_w(t) for t in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml")}
_RUN_CONTAINERS |= {W_SDT, W_SDT_CONTENT}
_FALSE = {"0", "false", "off"}


class _Styles:
    """Heading paragraph-style ids and bold character-style ids, looked up once.

    The XML is read directly (python-docx opened and validated the package): its
    per-paragraph proxies resolve styles through the whole style sheet every time,
    which made long documents ten times slower.
    """

    def __init__(self, document: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.headings: set[str] = set()
        self.bold: set[str] = set()
        for style in document.styles:
            style_id = style.style_id or ""
            if HEADING_STYLE_RE.match(style.name or "") or HEADING_STYLE_RE.match(style_id):
                self.headings.add(style_id)
            font = getattr(style, "font", None)
            if font is not None and font.bold and style.type == WD_STYLE_TYPE.CHARACTER:
                self.bold.add(style_id)


def _run(r: Any, styles: _Styles) -> tuple[str, bool]:
    parts: list[str] = []
    for el in r:
        tag = el.tag
        if tag == W_T:
            parts.append(el.text or "")
        elif tag == W_TAB:
            parts.append("\t")
        elif tag in (W_BR, W_CR):
            parts.append("\n")
    bold = False
    rpr = r.find(W_RPR)
    if rpr is not None:
        b = rpr.find(W_B)
        if b is not None:
            bold = b.get(W_VAL, "true") not in _FALSE
        else:
            rstyle = rpr.find(W_RSTYLE)
            bold = rstyle is not None and rstyle.get(W_VAL) in styles.bold
    return "".join(parts), bold


def _runs(p: Any, styles: _Styles) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    for child in p:
        if child.tag == W_R:
            runs.append(_run(child, styles))
        elif child.tag in _RUN_CONTAINERS:
            runs.extend(_run(r, styles) for r in child.iter(W_R))
    return runs


def _paragraph_line(p: Any, styles: _Styles, known: set[str]) -> str:
    runs = _runs(p, styles)
    text = "".join(t for t, _ in runs)
    ppr = p.find(W_PPR)
    pstyle = ppr.find(W_PSTYLE) if ppr is not None else None
    if pstyle is not None and pstyle.get(W_VAL) in styles.headings and text.strip():
        return "# " + " ".join(text.split())
    return bold_label_line(text, runs, known)


def _table_lines(tbl: Any, styles: _Styles, known: set[str]) -> Iterator[str]:
    for r, row in enumerate(tbl.findall(W_TR)):
        cells = [
            " ".join("".join(t for t, _ in _runs(p, styles)) for p in tc.iter(W_P))
            for tc in row
            if tc.tag == W_TC
        ]
        line = table_row_line(cells, r == 0, known)
        if line is not None:
            yield line


def _lines(container: Any, styles: _Styles, known: set[str]) -> Iterator[str]:
    for el in container:
        if el.tag == W_P:
            yield _paragraph_line(el, styles, known)
        elif el.tag == W_TBL:
            yield from _table_lines(el, styles, known)
        elif el.tag in (W_SDT, W_SDT_CONTENT):
            yield from _lines(el, styles, known)


def read_docx(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read a .docx file's bytes."""
    enc.check_size(len(data), path)
    open_archive(data, path, ".docx")
    known: set[str] = set()
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = list(_lines(document.element.body, _Styles(document), known))
    except InputError:
        raise
    except Exception:  # python-docx/lxml/zipfile raise many types on damaged packages
        raise InputError("not a valid .docx file", path=path) from None
    return build_draft(
        join_lines(lines, path),
        source_path=str(path),
        source_name=path.name,
        fmt="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        case=case,
        known_labels=known,
    )
