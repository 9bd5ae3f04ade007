"""OpenDocument .odt transcripts, read with zipfile + lxml (no network, no entities).

Same conventions as .docx (see docx.py): one line per paragraph, blank line between
paragraphs, `text:h` and Heading/Title-styled paragraphs become `# ...`, a leading bold
span is a speaker label, tables are read row by row. Footnotes and annotations are
skipped. Not a zip, encrypted, missing content.xml or bad XML -> InputError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

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

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


P, H = _q("text", "p"), _q("text", "h")
SPAN, S, TAB, BR = _q("text", "span"), _q("text", "s"), _q("text", "tab"), _q("text", "line-break")
LIST, LIST_ITEM, LIST_HEADER = (
    _q("text", "list"),
    _q("text", "list-item"),
    _q("text", "list-header"),
)
SECTION = _q("text", "section")
SKIP = {_q("text", "note"), _q("office", "annotation"), _q("text", "tracked-changes")}
TABLE, ROW, CELL = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell")
ROW_GROUPS = {_q("table", g) for g in ("table-header-rows", "table-rows", "table-row-group")}
STYLE_NAME, C = _q("text", "style-name"), _q("text", "c")
_BOLD_WEIGHTS = {"bold", "600", "700", "800", "900"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class _Styles:
    """Which text styles are bold and which paragraph styles are headings."""

    def __init__(self, *roots: Any) -> None:
        self.bold: set[str] = set()
        self.heading: set[str] = set()
        parents: dict[str, str] = {}
        for root in roots:
            if root is None:
                continue
            for st in root.iter(_q("style", "style")):
                name = st.get(_q("style", "name"))
                if not name:
                    continue
                parent = st.get(_q("style", "parent-style-name"))
                if parent:
                    parents[name] = parent
                props = st.find("style:text-properties", _NS)
                weight = props.get(_q("fo", "font-weight")) if props is not None else None
                if weight in _BOLD_WEIGHTS or "strong" in name.casefold():
                    self.bold.add(name)
                display = st.get(_q("style", "display-name")) or name
                if HEADING_STYLE_RE.match(display) or HEADING_STYLE_RE.match(name):
                    self.heading.add(name)
        for name, parent in parents.items():
            if parent in self.heading:
                self.heading.add(name)
            if parent in self.bold and name not in self.bold:
                self.bold.add(name)


def _runs(el: Any, bold: bool, styles: _Styles, out: list[tuple[str, bool]]) -> None:
    if el.text:
        out.append((el.text, bold))
    for child in el:
        tag = child.tag
        if tag == S:
            try:
                count = max(1, min(int(child.get(C, "1")), 1000))
            except ValueError:
                count = 1
            out.append((" " * count, bold))
        elif tag == TAB:
            out.append(("\t", bold))
        elif tag == BR:
            out.append(("\n", bold))
        elif tag in SKIP or not isinstance(tag, str):
            pass
        else:
            child_bold = bold or (tag == SPAN and child.get(STYLE_NAME) in styles.bold)
            _runs(child, child_bold, styles, out)
        if child.tail:
            out.append((child.tail, bold))


def _paragraph_line(el: Any, styles: _Styles, known: set[str]) -> str:
    runs: list[tuple[str, bool]] = []
    _runs(el, False, styles, runs)
    text = "".join(t for t, _ in runs)
    if (el.tag == H or el.get(STYLE_NAME) in styles.heading) and text.strip():
        return "# " + " ".join(text.split())
    return bold_label_line(text, runs, known)


def _cell_text(cell: Any, styles: _Styles) -> str:
    runs: list[tuple[str, bool]] = []
    for p in cell.iter(P, H):
        _runs(p, False, styles, runs)
        runs.append((" ", False))
    return "".join(t for t, _ in runs)


def _rows(table: Any) -> Iterator[Any]:
    for child in table:
        if child.tag == ROW:
            yield child
        elif child.tag in ROW_GROUPS:
            yield from _rows(child)


def _lines(container: Any, styles: _Styles, known: set[str]) -> Iterator[str]:
    for el in container:
        tag = el.tag
        if tag in (P, H):
            yield _paragraph_line(el, styles, known)
        elif tag == TABLE:
            for r, row in enumerate(_rows(table=el)):
                cells = [_cell_text(c, styles) for c in row if c.tag == CELL]
                line = table_row_line(cells, r == 0, known)
                if line is not None:
                    yield line
        elif tag in (LIST, LIST_ITEM, LIST_HEADER, SECTION):
            yield from _lines(el, styles, known)


def read_odt(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read an .odt file's bytes."""
    enc.check_size(len(data), path)
    archive = open_archive(data, path, ".odt")
    known: set[str] = set()
    try:
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            if mimetype != "application/vnd.oasis.opendocument.text":
                raise InputError(f"not a valid .odt file (mimetype {mimetype!r})", path=path)
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
            "META-INF/manifest.xml"
        ):
            raise InputError("not a valid .odt file (encrypted)", path=path)
        content = etree.fromstring(archive.read("content.xml"), _parser())
        styles_root = (
            etree.fromstring(archive.read("styles.xml"), _parser())
            if "styles.xml" in names
            else None
        )
        styles = _Styles(styles_root, content)
        body = content.find("office:body/office:text", _NS)
        if body is None:
            raise InputError("not a valid .odt file (no text body)", path=path)
        lines = list(_lines(body, styles, known))
    except InputError:
        raise
    except Exception:  # zipfile/lxml errors on damaged packages
        raise InputError("not a valid .odt file", path=path) from None
    return build_draft(
        join_lines(lines, path),
        source_path=str(path),
        source_name=path.name,
        fmt="odt",
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        case=case,
        known_labels=known,
    )
