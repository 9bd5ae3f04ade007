"""The Word report: one chapter per relation with a summary table, a chart, terms and quotes.

The report is built from plain data (`ReportData`) the synthesis service prepares; charts are
PNG images drawn with matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from coder.analysis.quotes import Quote
from coder.analysis.summary import RelationSummary
from coder.analysis.terms import TermScore
from coder.export.files import write_with
from coder.export.quotes import RELATION_TITLES, add_quotes_to_document


@dataclass(frozen=True, slots=True)
class Chapter:
    relation: str
    summary: RelationSummary  # totals per code
    by_case: RelationSummary  # the same with a breakdown by municipality
    cases: tuple[str, ...]
    terms: tuple[TermScore, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportData:
    title: str
    level: str
    status: str
    coder: str | None
    pseudonymised: bool
    chapters: tuple[Chapter, ...]
    generated: datetime = field(default_factory=datetime.now)


def chart_png(chapter: Chapter, *, max_codes: int = 14) -> bytes:
    """Grouped bars: coded segments per code (x) and municipality (bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    codes = sorted(chapter.by_case.codes, key=lambda c: -c.total.segments)[:max_codes]
    codes = sorted(
        codes, key=lambda c: [cc.code_id for cc in chapter.by_case.codes].index(c.code_id)
    )
    cases = [c for c in chapter.cases if any(c in code.breakdown for code in codes)] or list(
        chapter.cases
    )
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    width = 0.8 / max(1, len(cases))
    for k, case in enumerate(cases):
        xs = [i + k * width for i in range(len(codes))]
        ys = [code.breakdown.get(case).segments if case in code.breakdown else 0 for code in codes]
        ax.bar(xs, ys, width=width, label=case)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(codes))])
    ax.set_xticklabels([c.code_id for c in codes], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("kodede segmenter")
    ax.set_title(f"{RELATION_TITLES.get(chapter.relation, chapter.relation)}: koder etter kommune")
    if cases:
        ax.legend(fontsize=7, ncol=min(5, len(cases)), loc="upper right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _summary_table(doc: object, chapter: Chapter) -> None:
    rows = chapter.summary.codes
    table = doc.add_table(rows=1, cols=6)  # type: ignore[attr-defined]
    table.style = "Light Grid Accent 1" if _has_table_style(doc) else None
    head = ("Kode", "Tekst", "Segmenter", "Intervjuer", "Kommuner", "Informanter")
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for c in rows:
        cells = table.add_row().cells
        values = (
            c.code_id,
            c.label,
            c.total.segments,
            c.total.transcripts,
            c.total.municipalities,
            c.total.speakers,
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)


def _has_table_style(doc: object) -> bool:
    try:
        doc.styles["Light Grid Accent 1"]  # type: ignore[attr-defined]
    except KeyError:
        return False
    return True


def _terms(doc: object, terms: Sequence[TermScore]) -> None:
    if not terms:
        doc.add_paragraph("Ingen tydelig særegne ord (for lite tekst).")  # type: ignore[attr-defined]
        return
    table = doc.add_table(rows=1, cols=4)  # type: ignore[attr-defined]
    for cell, text in zip(
        table.rows[0].cells, ("Ord", "z", "Antall her", "Antall ellers"), strict=True
    ):
        cell.text = text
    for t in terms:
        cells = table.add_row().cells
        for cell, value in zip(cells, (t.term, f"{t.z:.2f}", t.count, t.rest), strict=True):
            cell.text = str(value)


def write_report(data: ReportData, path: Path | str, *, force: bool = False) -> Path:
    """Write the report as .docx through the atomic writer."""
    charts = {ch.relation: chart_png(ch) for ch in data.chapters}

    def write(fh: BinaryIO) -> None:
        from docx import Document
        from docx.shared import Cm

        doc = Document()
        doc.add_heading(data.title, level=0)
        status = (
            "aksepterte kodinger"
            if data.status == "accepted"
            else "aksepterte og foreslåtte kodinger"
        )
        meta = f"Grunnlag: {status}, nivå {data.level}"
        if data.coder:
            meta += f", koder {data.coder}"
        meta += f". Laget {data.generated:%Y-%m-%d %H:%M}."
        if data.pseudonymised:
            meta += " Navn er pseudonymisert."
        doc.add_paragraph(meta)
        for ch in data.chapters:
            doc.add_heading(RELATION_TITLES.get(ch.relation, ch.relation), level=1)
            total = ch.summary.total
            doc.add_paragraph(
                f"{total.segments} kodede segmenter fra {total.transcripts} intervjuer i "
                f"{total.municipalities} kommuner, {total.speakers} informanter."
            )
            doc.add_heading("Oversikt", level=2)
            _summary_table(doc, ch)
            doc.add_heading("Koder etter kommune", level=2)
            doc.add_picture(io.BytesIO(charts[ch.relation]), width=Cm(16))
            doc.add_heading("Særegne ord", level=2)
            doc.add_paragraph(
                "Vektet log-odds med informativ Dirichlet-prior (Monroe, Colaresi og Quinn 2008): "
                "ord som skiller denne relasjonen fra de andre; z over 2 er tydelig."
            )
            _terms(doc, ch.terms)
            doc.add_heading("Sitater", level=2)
            if ch.quotes:
                add_quotes_to_document(doc, ch.quotes, level=3)
            else:
                doc.add_paragraph("Ingen sitater.")
        doc.save(fh)

    return write_with(path, write, force=force)
