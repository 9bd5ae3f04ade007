"""Encoding detection and normalisation: every offset refers to the normalised text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from coder.errors import InputError
from coder.ingest import encoding, read_transcript
from coder.ingest.encoding import decode_bytes

NORWEGIAN = "Ordfører: Blåbærsyltetøy på Ærø, Øst og Åsgård.\n\nRådmann: Ja, så klart.\n"


@pytest.mark.parametrize(
    ("data", "expected_encoding"),
    [
        (NORWEGIAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + NORWEGIAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + NORWEGIAN.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + NORWEGIAN.encode("utf-16-be"), "utf-16-be"),
        (NORWEGIAN.encode("utf-16-le"), "utf-16-le"),
        (NORWEGIAN.encode("utf-16-be"), "utf-16-be"),
        (NORWEGIAN.encode("cp1252"), "cp1252"),
        (NORWEGIAN.encode("latin-1"), "cp1252"),  # identical bytes for æøå; cp1252 preferred
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "cp1252",
        "latin1",
    ],
)
def test_encodings_decode_norwegian_letters(data: bytes, expected_encoding: str) -> None:
    text, enc = decode_bytes(data, "x.txt")
    assert text == NORWEGIAN
    assert enc == expected_encoding


def test_cp1252_specific_characters() -> None:
    text, enc = decode_bytes("«Økonomi» – “stab” … æøå €".encode("cp1252"), "x.txt")
    assert (text, enc) == ("«Økonomi» – “stab” … æøå €", "cp1252")


def test_latin1_bytes_undefined_in_cp1252_fall_back_to_a_codepage() -> None:
    data = ("Blåbær og rødgrøt på Ærø. " * 10).encode("latin-1") + b"\x81"
    text, enc = decode_bytes(data, "x.txt")
    assert text.startswith("Blåbær og rødgrøt på Ærø")
    assert enc in ("latin-1", "latin_1", "iso8859_15", "cp850", "cp865", "mac_roman")


def test_dos_codepage_865() -> None:
    sample = "Ordfører: Vi må få økonomien på plass før året er omme. Æ Ø Å æ ø å.\n" * 5
    text, _ = decode_bytes(sample.encode("cp865"), "x.txt")
    assert "økonomien" in text and "Æ Ø Å" in text


def test_crlf_and_cr_become_lf_and_offsets_follow(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Kari: En\r\nto\r\n\r\nOla: Tre\rfire\r\n")
    draft = read_transcript(path)
    assert "\r" not in draft.text
    assert [draft.text[s.start : s.end] for s in draft.segments] == ["En\nto", "Tre\nfire"]


def test_nfc_normalisation() -> None:
    decomposed = "Kari: Bla\u030aba\u030ar og sma\u030a ting\n"
    text, _ = decode_bytes(decomposed.encode("utf-8"), "x.txt")
    assert text == "Kari: Blåbår og små ting\n"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n \n"])
def test_empty(data: bytes) -> None:
    with pytest.raises(InputError, match="empty file"):
        decode_bytes(data, "tom.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        b"Kari: hei\x00 og hopp",
        bytes(range(1, 32)) * 50,
    ],
)
def test_binary(data: bytes) -> None:
    with pytest.raises(InputError, match="binary file, not a transcript") as info:
        decode_bytes(data, "bilde.txt")
    assert "bilde.txt" in str(info.value)


def test_undecodable_c1_garbage() -> None:
    data = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40 + b" tekst"
    with pytest.raises(InputError, match="undecodable|binary") as info:
        decode_bytes(data, "rot.txt")
    assert "rot.txt" in str(info.value)


def test_broken_utf16_after_bom() -> None:
    with pytest.raises(InputError, match="undecodable"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "x.txt")


def test_oversized(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(encoding, "MAX_FILE_BYTES", 100)
    path = tmp_path / "stor.txt"
    path.write_text("Kari: " + "ord " * 100, encoding="utf-8")
    with pytest.raises(InputError, match="too large") as info:
        read_transcript(path)
    assert "stor.txt" in str(info.value)
    with pytest.raises(InputError, match="too large"):
        decode_bytes(b"x" * 101, "stor.txt")


def test_default_limit_is_50_mb() -> None:
    assert encoding.MAX_FILE_BYTES == 50 * 1024 * 1024


def test_read_transcript_reports_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gammel.txt"
    path.write_bytes(NORWEGIAN.encode("cp1252"))
    draft = read_transcript(path)
    assert draft.encoding == "cp1252"
    assert draft.text == NORWEGIAN
    assert "Blåbærsyltetøy" in draft.text[draft.segments[0].start : draft.segments[0].end]
