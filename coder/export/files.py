"""The one place files are written: atomically (temp file, fsync, rename), owner-only, no clobbering."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from coder.errors import CoderError, ConflictError, UsageError

FILE_MODE = 0o600


@contextmanager
def atomic_output(path: Path | str, *, force: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces `path` in one rename, on error nothing is left.

    Refuses to overwrite an existing file unless `force`; the result is readable by its owner only.
    """
    target = Path(path)
    if target.exists() and not force:
        raise ConflictError("exists already (use --force to overwrite)", path=target)
    if target.exists() and target.is_dir():
        raise UsageError("is a directory", path=target)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoderError(f"cannot create folder: {exc.strerror}", path=parent) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
    except OSError as exc:
        raise CoderError(f"cannot write: {exc.strerror}", path=target) from exc
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    with atomic_output(path, force=force) as fh:
        fh.write(data)
    return Path(path)


def write_text_atomic(path: Path | str, text: str, *, force: bool = False) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)


def write_with(
    path: Path | str, writer: Callable[[BinaryIO], None], *, force: bool = False
) -> Path:
    """Let a library (python-docx, openpyxl, zipfile) write into the atomic temporary file."""
    with atomic_output(path, force=force) as fh:
        writer(fh)
    return Path(path)


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(name: str, *, default: str = "file", max_len: int = 120) -> str:
    """A file name taken from data made safe: no folders, no '..', no control characters."""
    norm = unicodedata.normalize("NFC", name).replace("/", "_").replace("\\", "_")
    norm = _UNSAFE.sub("_", norm).strip(" ._")
    norm = re.sub(r"_+", "_", norm)
    return norm[:max_len] or default


def safe_join(base: Path, name: str) -> Path:
    """`base / name` for a name taken from data, guaranteed to stay inside `base`."""
    candidate = (base / safe_filename(name)).resolve()
    if not candidate.is_relative_to(base.resolve()):
        raise UsageError(f"unsafe file name {name!r}")
    return candidate
