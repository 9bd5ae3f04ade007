"""Shared by the .docx and .odt readers: archive checks, bold-run labels, table rows.

Both readers reduce a document to lines of text, one per paragraph or table row, and
hand them to the plain-text turn builder; what they share is decided here once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coder.errors import InputError
from coder.ingest import encoding as enc
from coder.ingest.archive import BoundedArchive
from coder.ingest.speakers import MAX_LABEL_CHARS, MAX_LABEL_TOKENS, speaker_key

HEADING_STYLE_RE = re.compile(r"(heading|overskrift|title|tittel)", re.IGNORECASE)
_TIME_CELL_RE = re.compile(r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?")
_TABLE_HEADER_WORDS = frozenset(
    {"taler", "speaker", "navn", "name", "tekst", "text", "tid", "time", "person", "utsagn"}
)
_LABEL_FORBIDDEN = re.compile(r"[.!?;:]\s|[.!?]$|\d{3,}")


def open_archive(data: bytes, path: object, what: str) -> BoundedArchive:
    """Open a zip-based document through the bounded reader, refusing bombs before parsing."""
    archive = BoundedArchive(data, path, what)
    archive.check_all()
    return archive


def looks_like_label(text: str) -> bool:
    """A short cell or bold run that can be a speaker label (no sentence punctuation)."""
    text = text.strip().rstrip(":").strip()
    return (
        0 < len(text) <= MAX_LABEL_CHARS
        and len(text.split()) <= MAX_LABEL_TOKENS + 2
        and not _LABEL_FORBIDDEN.search(text)
        and "\n" not in text
    )


def label_keys(label: str) -> set[str]:
    """Keys under which a trusted label is known: "Kari (ordfører)" -> the whole and "kari"."""
    keys = {speaker_key(label)}
    if "(" in label:
        keys.add(speaker_key(label.split("(", 1)[0]))
    return keys


def bold_label_line(text: str, runs: Sequence[tuple[str, bool]], known: set[str]) -> str:
    """If the paragraph opens with bold text that is a label, return `Label: rest`."""
    bold_parts: list[str] = []
    for run_text, bold in runs:
        if run_text and (bold or (bold_parts and not run_text.strip())):
            bold_parts.append(run_text)
        elif run_text:
            break
    bold = "".join(bold_parts)
    if not bold.strip() or not text.startswith(bold):
        return text
    rest = text[len(bold) :]
    label = bold.strip().rstrip(":").strip()
    ends_with_colon = bold.rstrip().endswith(":") or rest.lstrip().startswith(":")
    rest = rest.lstrip().removeprefix(":").lstrip()
    if (rest or ends_with_colon) and looks_like_label(label):
        known.update(label_keys(label))
        return f"{label}: {rest}"
    return text


def table_row_line(cells: Sequence[str], first_row: bool, known: set[str]) -> str | None:
    """One table row as a line: `Label: text` when the first cell is a label; None to skip."""
    texts = [" ".join(c.split()) for c in cells]
    texts = [t for t in texts if t and not _TIME_CELL_RE.fullmatch(t)]
    if not texts:
        return None
    if first_row and all(t.casefold() in _TABLE_HEADER_WORDS for t in texts):
        return None
    if len(texts) >= 2 and looks_like_label(texts[0]):
        label = texts[0].rstrip(":").strip()
        known.update(label_keys(label))
        return f"{label}: " + " ".join(texts[1:])
    return " ".join(texts)


def join_lines(lines: Sequence[str], path: object) -> str:
    """Paragraph lines -> stored text, one blank line between paragraphs."""
    text = enc.normalise_text("\n\n".join(s for s in (line.strip() for line in lines) if s))
    if not text.strip():
        raise InputError("empty file", path=str(path))
    return text
