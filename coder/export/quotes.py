"""Quote exports for writers: Word, Markdown, CSV and Excel, grouped by relation and code.

Every writer goes through coder.export.files (atomic, 0600, no overwrite without force). Cells
that a spreadsheet would run as a formula (=, +, -, @) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

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


def quotes_markdown(quotes: Sequence[Quote], *, title: str = "Sitater") -> str:
    lines = [f"# {title}", ""]
    relation = None
    for rel, code, items in _groups(quotes):
        if rel != relation:
            lines += [f"## {RELATION_TITLES.get(rel, rel)}", ""]
            relation = rel
        label = items[0].code_label if items[0].code_id == code else code
        lines += [f"### {code} {label}".rstrip(), ""]
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
    """Headings per relation and code, each quote in italics with its attribution below."""
    from docx.shared import Pt

    relation = None
    for rel, code, items in _groups(quotes):
        if rel != relation and level <= 2:
            doc.add_heading(RELATION_TITLES.get(rel, rel), level=level)  # type: ignore[attr-defined]
            relation = rel
        label = items[0].code_label if items[0].code_id == code else code
        doc.add_heading(f"{code} {label}".strip(), level=level + 1)  # type: ignore[attr-defined]
        for q in items:
            para = (
                doc.add_paragraph(style="Quote")
                if _has_style(doc, "Quote")
                else doc.add_paragraph()
            )  # type: ignore[attr-defined]
            run = para.add_run(f"«{q.text}»")
            run.italic = True
            attr = doc.add_paragraph()  # type: ignore[attr-defined]
            small = attr.add_run(f"— {q.attribution()}")
            small.font.size = Pt(9)


def _has_style(doc: object, name: str) -> bool:
    try:
        doc.styles[name]  # type: ignore[attr-defined]
    except KeyError:
        return False
    return True


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
