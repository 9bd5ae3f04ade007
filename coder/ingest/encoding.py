"""Bytes to normalised text: detect the encoding (UTF-8/16, cp1252, latin-1), refuse binary files.

Detection order, so that a decision is explained rather than guessed:
1. a BOM (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. BOM-less UTF-16 is recognised by NUL bytes in every other position;
3. any other NUL byte means binary;
4. strict UTF-8;
5. strict cp1252 when the result contains Norwegian letters (æ ø å Æ Ø Å);
6. charset-normalizer restricted to West-European code pages (cp865/cp850 DOS files, Mac Roman);
7. strict cp1252, then latin-1, provided the result is not full of control characters.
All offsets elsewhere refer to the text returned here: BOM removed, LF line ends, NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from coder.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024  # refuse larger inputs; tests monkeypatch this

NORWEGIAN_LETTERS = frozenset("æøåÆØÅ")
# C0 controls except TAB, LF, VT, FF, CR, plus DEL: a sign of binary data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# C1 controls: what a wrong single-byte decoding (or a binary file) leaves behind.
_C1_RE = re.compile(r"[\x80-\x9f]")
_NEWLINE_RE = re.compile(r"\r\n?")
_MAX_CONTROL_SHARE = 0.01
_FALLBACK_CODEPAGES = ["cp1252", "cp865", "cp850", "mac_roman", "iso8859_15"]

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)


def check_size(size: int, path: str | Path) -> None:
    """Refuse oversized input before it is read into memory."""
    if size > MAX_FILE_BYTES:
        mb, limit = size / 1_048_576, MAX_FILE_BYTES / 1_048_576
        raise InputError(f"file too large ({mb:.1f} MB; limit {limit:.0f} MB)", path=path)


def normalise_text(text: str) -> str:
    """Strip a BOM, turn CRLF/CR into LF and compose to NFC (the form all offsets refer to)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = _NEWLINE_RE.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _too_many_controls(text: str, pattern: re.Pattern[str] = _CONTROL_RE) -> bool:
    if not text:
        return False
    count = len(pattern.findall(text))
    return count > 0 and count / len(text) > _MAX_CONTROL_SHARE


def _bomless_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without BOM from where the NUL bytes sit (ASCII-heavy text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes, path: str | Path) -> tuple[str, str]:
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                message = f"undecodable text: invalid {name} after its byte-order mark"
                raise InputError(message, path=path)
            return text, name
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        text = _strict(data, utf16)
        if text is not None and not _too_many_controls(text):
            return text, utf16
    if b"\x00" in data:
        raise InputError("binary file, not a transcript", path=path)
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    cp1252 = _strict(data, "cp1252")
    if cp1252 is not None and not NORWEGIAN_LETTERS.isdisjoint(cp1252):
        return cp1252, "cp1252"
    guessed = _charset_normalizer_guess(data)
    if guessed is not None:
        return guessed
    if cp1252 is not None:
        return cp1252, "cp1252"
    return data.decode("latin-1"), "latin-1"


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    """Ask charset-normalizer, but only among code pages a Norwegian file plausibly uses."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=_FALLBACK_CODEPAGES).best()
    except Exception:  # a detector failure is not the user's problem; fall back
        return None
    if best is None or best.encoding is None:
        return None
    text = _strict(data, best.encoding)
    if text is None or NORWEGIAN_LETTERS.isdisjoint(text):
        return None
    return text, best.encoding


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode a transcript file's bytes; returns (normalised text, encoding name).

    Raises InputError for oversized, empty, binary or undecodable input.
    """
    check_size(len(data), path)
    if not data.strip():
        raise InputError("empty file", path=path)
    text, encoding = _detect(data, path)
    if _too_many_controls(text):
        raise InputError("binary file, not a transcript", path=path)
    if _too_many_controls(text, _C1_RE):
        raise InputError(
            f"undecodable text: not UTF-8, UTF-16 or Windows-1252/Latin-1 (tried {encoding})",
            path=path,
        )
    text = normalise_text(text)
    if not text.strip():
        raise InputError("empty file", path=path)
    return text, encoding
