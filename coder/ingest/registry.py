"""Dispatch a transcript file to the reader for its extension (one read of the bytes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coder.errors import InputError
from coder.ingest import encoding
from coder.ingest.draft import TranscriptDraft

Reader = Callable[..., TranscriptDraft]


def _readers() -> dict[str, Reader]:
    # Imported lazily so that `import coder.ingest` stays cheap for the CLI.
    from coder.ingest.docx import read_docx
    from coder.ingest.odt import read_odt
    from coder.ingest.subtitles import read_srt, read_vtt
    from coder.ingest.text import read_text_file

    return {
        ".txt": read_text_file,
        ".md": read_text_file,
        ".docx": read_docx,
        ".odt": read_odt,
        ".srt": read_srt,
        ".vtt": read_vtt,
    }


SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".odt", ".srt", ".vtt")


def read_transcript(path: Path, *, case: str | None = None) -> TranscriptDraft:
    """Read one transcript file into a draft; every failure is an InputError naming the file."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise InputError(
            f"unsupported file type {ext or '(none)'!r} (supported: "
            + ", ".join(SUPPORTED_EXTENSIONS)
            + ")",
            path=path,
        )
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("not a regular file", path=path)
        encoding.check_size(size, path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except PermissionError:
        raise InputError("permission denied", path=path) from None
    except IsADirectoryError:
        raise InputError("not a regular file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    return _readers()[ext](path, data, case=case)
