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


def _paragraph_line(par: Any, known: set[str]) -> str:
    text: str = par.text
    style = par.style.name if par.style is not None else ""
    if style and HEADING_STYLE_RE.match(style) and text.strip():
        return "# " + " ".join(text.split())
    return bold_label_line(text, [(r.text, bool(r.bold)) for r in par.runs], known)


def _table_lines(table: Any, known: set[str]) -> Iterator[str]:
    for r, row in enumerate(table.rows):
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # a merged cell is repeated for each grid column
            seen.add(id(cell._tc))
            cells.append(cell.text)
        line = table_row_line(cells, r == 0, known)
        if line is not None:
            yield line


def _lines(document: Any, known: set[str]) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block, known)
        else:
            yield _paragraph_line(block, known)


def read_docx(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read a .docx file's bytes."""
    enc.check_size(len(data), path)
    open_archive(data, path, ".docx")
    known: set[str] = set()
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = list(_lines(document, known))
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
