"""REFI-QDA shared pieces: namespaces, stable GUIDs, code names <-> ids, dates, text position maps.

Conventions used by both directions (documented here once):

* GUIDs are uuid5 values. Codes use a fixed namespace and their code id, so the same code has
  the same GUID in every project and in .qdc codebooks; everything else uses the project's
  namespace (a uuid stored once in the project's settings) and the object's natural key.
* A code is exported with name "<id> <label>"; on import a name that starts with an id of our
  shape (A, B5a, C13d.i, REL.ceo, T.slug) gets that id back, any other name becomes a theme.
* Positions: REFI start/end positions count characters of the source text after an optional
  leading byte-order mark (the BOM is an encoding artefact, not text). Programs disagree on what
  a character is: Unicode code points (QualCoder, coder) or UTF-16 code units (NVivo, where a
  character outside the Basic Multilingual Plane counts twice); `TextMap` takes the unit. Our
  stored text turns CRLF and lone CR into LF and is NFC-normalised; `TextMap` carries positions
  across.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from coder import __version__
from coder.domain import CodeKind, Relation

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"coder {__version__}"

# Fixed namespaces: never change them, or exported GUIDs stop being stable.
CODE_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-5b7e-9c41-2d6a0b9e7f10")
RELATION_NAMESPACE = uuid.UUID("0b7a4e9d-3c21-5f68-a1d4-97e3c5b2f806")
PROJECT_NAMESPACE_SETTING = "refi.namespace"

# Our code ids at the start of a REFI code name: guide numbering, relation codes, themes.
_ID_AT_START = re.compile(
    r"^(?P<id>"
    r"[A-E](?:\d{1,2}(?:[a-z](?:\.[ivx]{1,5}(?:\.\d{1,2})?)?)?)?"
    r"|REL\.[a-z_]+"
    r"|T\.[a-z0-9][a-z0-9_-]{0,80}"
    r")(?=\s|$)"
)
_QUESTION = re.compile(r"^[A-E]\d{1,2}$")
_SECTION = re.compile(r"^[A-E]$")
_HEX6 = re.compile(r"^#[0-9a-fA-F]{6}$")
_HEX3 = re.compile(r"^#[0-9a-fA-F]{3}$")
_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: object) -> str:
    """Text that XML 1.0 can carry: control characters become U+FFFD (lengths are kept)."""
    return _NOT_XML.sub("\ufffd", str(value))


def xml_document(root: Any) -> bytes:
    """UTF-8 XML with the declaration in double quotes, as every QDA program's parser expects."""
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def code_guid(code_id: str) -> str:
    """The GUID of a code: the same in every project and codebook export."""
    return str(uuid.uuid5(CODE_NAMESPACE, f"code:{code_id}"))


def object_guid(namespace: uuid.UUID, kind: str, *key: object) -> str:
    """A stable GUID for a project object from its kind and natural key."""
    return str(uuid.uuid5(namespace, ":".join([kind, *(str(k) for k in key)])))


def relation_marker_guid(coding_guid: str, relation: str) -> str:
    """The GUID of the extra Coding that carries a coding's relation as a REL.* code.

    The importer recomputes it to tell our relation markers from codings someone made by hand.
    """
    return str(uuid.uuid5(RELATION_NAMESPACE, f"{norm_guid(coding_guid)}:{relation}"))


def norm_guid(value: str | None) -> str | None:
    """A GUID in one canonical form (lower case, no braces); None when it is not a GUID."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


def code_name(code_id: str, label: str) -> str:
    return f"{code_id} {label}".strip() if label and label != code_id else code_id


def split_code_name(name: str) -> tuple[str | None, str]:
    """(our id or None, label) from a REFI code name."""
    text = " ".join(name.split())
    m = _ID_AT_START.match(text)
    if not m:
        return None, text
    code_id = m.group("id")
    label = text[m.end() :].strip()
    return code_id, label or code_id


def kind_for_id(code_id: str) -> tuple[CodeKind, Relation | None]:
    """The kind (and relation) a code id of ours implies, for codes new to the database."""
    if code_id.startswith("REL."):
        name = code_id[4:]
        return CodeKind.RELATION, Relation(name) if name in Relation._value2member_map_ else None
    if _SECTION.match(code_id):
        return CodeKind.SECTION, None
    if _QUESTION.match(code_id):
        return CodeKind.QUESTION, None
    if re.match(r"^[A-E]\d", code_id):
        return CodeKind.ITEM, None
    return CodeKind.THEME, None


def slug(text: str, *, max_len: int = 60) -> str:
    """An ASCII slug for theme ids (T.<slug>): lower case, digits and hyphens."""
    folded = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return out[:max_len].strip("-") or "code"


def color_or_none(value: str | None) -> str | None:
    """A REFI colour (#rgb or #rrggbb) as our #rrggbb, or None when it is not one."""
    if not value:
        return None
    value = value.strip()
    if _HEX6.match(value):
        return value.lower()
    if _HEX3.match(value):
        return "#" + "".join(c * 2 for c in value[1:]).lower()
    return None


def xml_datetime(value: datetime | None) -> str | None:
    """xsd:dateTime in UTC with a Z; naive values (SQLite) are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_xml_datetime(value: str | None) -> datetime | None:
    """An xsd:dateTime as an aware datetime; None for missing or unreadable values."""
    if not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- text positions ------------------------------------------------------------------------------

_BOM = "\ufeff"


def _joins_cluster(ch: str) -> bool:
    """Characters that NFC may compose with what precedes them (combining marks, Hangul V/T)."""
    return unicodedata.combining(ch) != 0 or "\u1160" <= ch <= "\u11ff"


CODEPOINT = "codepoint"
UTF16 = "utf16"
POSITION_UNITS = (CODEPOINT, UTF16)


def utf16_offsets(text: str) -> tuple[int, ...]:
    """The UTF-16 offset of each code point of `text`, or () when the two counts agree."""
    if all(ord(ch) <= 0xFFFF for ch in text):
        return ()
    out: list[int] = []
    pos = 0
    for ch in text:
        out.append(pos)
        pos += 2 if ord(ch) > 0xFFFF else 1
    return tuple(out)


def to_utf16(text: str, offset: int) -> int:
    """A code point offset into `text` as a UTF-16 offset."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def utf16_length(text: str) -> int:
    return to_utf16(text, len(text))


@dataclass(frozen=True, slots=True)
class TextMap:
    """Our normalised text and a map from REFI positions (in the raw text) to offsets in it.

    The raw text is cut into tokens (one character, a CRLF pair, or a base character with the
    marks NFC composes onto it); each token becomes zero or more characters of our text. A
    position inside a token widens outwards: a start goes to the token's start, an end to its end.
    """

    text: str
    raw_length: int  # in code points
    raw_starts: tuple[int, ...]
    out_starts: tuple[int, ...]
    units: str = CODEPOINT
    unit_starts: tuple[int, ...] = ()  # UTF-16 offset of each raw code point (utf16, non-BMP)
    unit_length: int = 0  # the raw length in `units`

    @classmethod
    def build(cls, raw: str, units: str = CODEPOINT) -> TextMap:
        if raw.startswith(_BOM):
            raw = raw[1:]
        raw = raw.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL; keeps positions
        base = cls._build(raw)
        if units != UTF16:
            return replace(base, unit_length=base.raw_length)
        starts = utf16_offsets(raw)
        length = starts[-1] + (2 if ord(raw[-1]) > 0xFFFF else 1) if starts else len(raw)
        return replace(base, units=UTF16, unit_starts=starts, unit_length=length)

    def _floor(self, pos: int) -> int:
        """A position in `units` as a raw code point index (inside a surrogate pair: before it)."""
        if not self.unit_starts:
            return pos
        if pos >= self.unit_length:
            return self.raw_length
        return bisect_right(self.unit_starts, pos) - 1

    def _ceil(self, pos: int) -> int:
        if not self.unit_starts:
            return pos
        if pos >= self.unit_length:
            return self.raw_length
        return bisect_left(self.unit_starts, pos)

    def start(self, pos: int) -> int:
        """Our offset for a start position in `units` (0 <= pos <= unit_length)."""
        return self._start(self._floor(pos))

    def end(self, pos: int) -> int:
        """Our offset for an end position in `units` (0 <= pos <= unit_length)."""
        return self._end(self._ceil(pos))

    def raw_index(self, pos: int) -> int:
        """A position in `units` as a code point index into the raw text (for boundary checks)."""
        return self._floor(pos)

    @classmethod
    def _build(cls, raw: str) -> TextMap:
        if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
            return cls(raw, len(raw), (), ())
        raw_starts: list[int] = []
        out_starts: list[int] = []
        pieces: list[str] = []
        out_len = 0
        i, n = 0, len(raw)
        while i < n:
            raw_starts.append(i)
            out_starts.append(out_len)
            ch = raw[i]
            if ch == "\r":
                j = i + 2 if i + 1 < n and raw[i + 1] == "\n" else i + 1
                piece = "\n"
            else:
                j = i + 1
                while j < n and raw[j] != "\r" and _joins_cluster(raw[j]):
                    j += 1
                piece = unicodedata.normalize("NFC", raw[i:j])
            pieces.append(piece)
            out_len += len(piece)
            i = j
        return cls("".join(pieces), n, tuple(raw_starts), tuple(out_starts))

    def _token(self, pos: int) -> int:
        return bisect_right(self.raw_starts, pos) - 1

    def _start(self, pos: int) -> int:
        """Our offset for a raw start position (0 <= pos <= raw_length)."""
        if not self.raw_starts or pos >= self.raw_length:
            return min(pos, len(self.text))
        return self.out_starts[self._token(pos)]

    def _end(self, pos: int) -> int:
        """Our offset for a raw end position (0 <= pos <= raw_length)."""
        if not self.raw_starts or pos >= self.raw_length:
            return min(pos, len(self.text))
        k = self._token(pos)
        if self.raw_starts[k] == pos:
            return self.out_starts[k]
        return self.out_starts[k + 1] if k + 1 < len(self.out_starts) else len(self.text)


# -- segmentation ----------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def block_starts(text: str) -> list[int]:
    """Where paragraph blocks start: runs of lines between blank lines, or single lines when the
    text has no blank lines at all. Whitespace-only text has no blocks."""
    starts: list[int] = []
    by_paragraph = bool(_BLANK_LINE.search(text))
    pos = 0
    previous_blank = True
    for line in text.split("\n"):
        blank = not line.strip()
        if not blank and (previous_blank or not by_paragraph):
            starts.append(pos)
        previous_blank = blank
        pos += len(line) + 1
    return starts


def tile_segments(text: str) -> list[tuple[int, int]]:
    """Segments that tile the whole text: each block with the blank lines after it.

    Tiling (no gaps) means any REFI selection, whatever characters it covers, is exactly the
    concatenation of its pieces in our segments. The first segment starts at 0; a non-empty text
    without blocks becomes one segment.
    """
    starts = block_starts(text)
    if not starts:
        return [(0, len(text))] if text else []
    starts[0] = 0
    ends = starts[1:] + [len(text)]
    return list(zip(starts, ends, strict=True))


def split_selection(
    segments: list[tuple[int, int]], start: int, end: int
) -> list[tuple[int, int, int]]:
    """The pieces of [start, end) in each segment it touches: (segment index, start, end)."""
    out: list[tuple[int, int, int]] = []
    seg_starts = [s for s, _ in segments]
    k = max(bisect_right(seg_starts, start) - 1, 0)
    while k < len(segments):
        s, e = segments[k]
        if s >= end:
            break
        lo, hi = max(s, start), min(e, end)
        if lo < hi:
            out.append((k, lo, hi))
        k += 1
    return out
