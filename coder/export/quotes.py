"""Quote exports for writers: Word, Markdown, CSV and Excel, grouped by relation and code.

Every writer goes through coder.export.files (atomic, 0600, no overwrite without force). Cells
that a spreadsheet would run as a formula (=, +, -, @) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from coder.analysis.quotes import Quote
from coder.errors import UsageError
from coder.export.files import write_text_atomic, write_with

FORMATS = ("docx", "md", "csv", "xlsx")
RELATION_TITLES = {
    "politicians": "Politisk ledelse",
    "ceo": "Rådmannsnivået",
    "units": "Virksomhetene",
    "none": "Uten relasjon",
}
COLUMNS = (
    "relation",
    "code",
    "code_label",
    "group_code",
    "municipality",
    "role_group",
    "speaker",
    "transcript",
    "source",
    "segment",
    "status",
    "score",
    "coder",
    "text",
    "attribution",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def quote_row(q: Quote) -> dict[str, object]:
    return {
        "relation": q.relation,
        "code": q.code_id,
        "code_label": q.code_label,
        "group_code": q.group_code,
        "municipality": q.case or "",
        "role_group": q.role_group or "",
        "speaker": q.speaker_label or "",
        "transcript": q.transcript_title,
        "source": q.source_name,
        "segment": q.ordinal,
        "status": q.status,
        "score": "" if q.score is None else round(q.score, 4),
        "coder": q.coder,
        "text": q.text,
        "attribution": q.attribution(),
    }


def _groups(quotes: Sequence[Quote]) -> list[tuple[str, str, list[Quote]]]:
    out: list[tuple[str, str, list[Quote]]] = []
    for q in quotes:
        if out and out[-1][0] == q.relation and out[-1][1] == q.group_code:
            out[-1][2].append(q)
        else:
            out.append((q.relation, q.group_code, [q]))
    return out


def _group_label(q: Quote) -> str:
    if q.group_label:
        return q.group_label
    return q.code_label if q.code_id == q.group_code else ""


def quotes_markdown(quotes: Sequence[Quote], *, title: str = "Sitater") -> str:
    lines = [f"# {title}", ""]
    relation = None
    for rel, code, items in _groups(quotes):
        if rel != relation:
            lines += [f"## {RELATION_TITLES.get(rel, rel)}", ""]
            relation = rel
        lines += [f"### {code} {_group_label(items[0])}".rstrip(), ""]
        for q in items:
            body = "\n".join("> " + line if line else ">" for line in q.text.splitlines())
            lines += [body, ">", f"> — {q.attribution()}", ""]
    return "\n".join(lines).rstrip() + "\n"


def quotes_csv(quotes: Sequence[Quote]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for q in quotes:
        writer.writerow({k: _cell(v) for k, v in quote_row(q).items()})
    return buf.getvalue()


def _write_xlsx(quotes: Sequence[Quote]) -> Callable[[BinaryIO], None]:
    def write(fh: BinaryIO) -> None:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sitater")
        ws.append(list(COLUMNS))
        for q in quotes:
            row = quote_row(q)
            ws.append([_cell(row[c]) for c in COLUMNS])
        wb.save(fh)

    return write


def add_quotes_to_document(doc: object, quotes: Sequence[Quote], *, level: int = 2) -> None:
    """Headings per relation and code, each quote in italics with its attribution below.

    Built for tens of thousands of quotes: paragraphs go in before an anchor (python-docx's own
    append searches the body each time) and styles are set by id, looked up once (assigning a
    style by name or object scans the style sheet on every paragraph).
    """
    from docx.shared import Pt

    ids = _style_ids(doc, ("Quote", f"Heading {level}", f"Heading {level + 1}"))
    anchor = doc.add_paragraph()  # type: ignore[attr-defined]

    def paragraph(style: str | None, text: str = "") -> Any:
        para = anchor.insert_paragraph_before(text)
        if style and ids.get(style):
            para._p.style = ids[style]
        return para

    relation = None
    for rel, code, items in _groups(quotes):
        if rel != relation and level <= 2:
            paragraph(f"Heading {level}", RELATION_TITLES.get(rel, rel))
            relation = rel
        paragraph(f"Heading {level + 1}", f"{code} {_group_label(items[0])}".strip())
        for q in items:
            run = paragraph("Quote").add_run(f"«{q.text}»")
            run.italic = True
            small = paragraph(None).add_run(f"— {q.attribution()}")
            small.font.size = Pt(9)
    anchor._p.getparent().remove(anchor._p)


def _style_ids(doc: object, names: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        try:
            out[name] = doc.styles[name].style_id  # type: ignore[attr-defined]
        except KeyError:
            continue
    return out


def _write_docx(quotes: Sequence[Quote], title: str) -> Callable[[BinaryIO], None]:
    def write(fh: BinaryIO) -> None:
        from docx import Document

        doc = Document()
        doc.add_heading(title, level=0)
        add_quotes_to_document(doc, quotes, level=1)
        doc.save(fh)

    return write


def write_quotes(
    quotes: Sequence[Quote],
    path: Path | str,
    fmt: str | None = None,
    *,
    force: bool = False,
    title: str = "Sitater",
) -> Path:
    """Write quotes as docx, md, csv or xlsx (format from `fmt`, else the file's extension)."""
    target = Path(path)
    kind = (fmt or target.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise UsageError(f"unknown quote format {kind!r} (use {', '.join(FORMATS)})")
    if kind == "md":
        return write_text_atomic(target, quotes_markdown(quotes, title=title), force=force)
    if kind == "csv":
        # A byte-order mark lets Excel read the Norwegian letters right.
        return write_text_atomic(target, "\ufeff" + quotes_csv(quotes), force=force)
    if kind == "xlsx":
        return write_with(target, _write_xlsx(quotes), force=force)
    return write_with(target, _write_docx(quotes, title), force=force)
