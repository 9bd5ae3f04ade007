"""Dispatch by extension and the file-level errors every reader shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputError
from coder.ingest import SUPPORTED_EXTENSIONS, read_text_transcript, read_transcript


def test_supported_extensions() -> None:
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".md", ".docx", ".odt", ".srt", ".vtt"}
    assert ".qdpx" not in SUPPORTED_EXTENSIONS


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "STOR.TXT"
    path.write_text("Kari: Hei.\n", encoding="utf-8")
    assert read_transcript(path).format == "txt"


@pytest.mark.parametrize("name", ["notat.pdf", "prosjekt.qdpx", "uten_endelse"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Kari: Hei.\n", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported file type") as info:
        read_transcript(path)
    assert name in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as info:
        read_transcript(tmp_path / "borte.txt")
    assert "borte.txt" in str(info.value)
    folder = tmp_path / "mappe.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        read_transcript(folder)


@pytest.mark.parametrize("ext", [".txt", ".md", ".srt", ".vtt"])
def test_empty_and_binary_for_text_formats(tmp_path: Path, ext: str) -> None:
    empty = tmp_path / f"tom{ext}"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputError, match="empty file") as info:
        read_transcript(empty)
    assert empty.name in str(info.value)
    binary = tmp_path / f"bin{ext}"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    with pytest.raises(InputError, match="binary file") as info:
        read_transcript(binary)
    assert binary.name in str(info.value)


@pytest.mark.parametrize("ext", SUPPORTED_EXTENSIONS)
def test_oversized_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str):
    from coder.ingest import encoding

    monkeypatch.setattr(encoding, "MAX_FILE_BYTES", 10)
    path = tmp_path / f"stor{ext}"
    path.write_bytes(b"x" * 11)
    with pytest.raises(InputError, match="too large") as info:
        read_transcript(path)
    assert path.name in str(info.value)


def test_read_text_transcript() -> None:
    draft = read_text_transcript("Rådmann: Hei.\r\n", name="utklipp")
    assert draft.source_name == "utklipp"
    assert draft.text == "Rådmann: Hei.\n"
    assert [(s.start, s.end) for s in draft.segments] == [(9, 13)]
    with pytest.raises(InputError, match="empty"):
        read_text_transcript(" \n", name="utklipp")
