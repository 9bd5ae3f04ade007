"""One bounded reader for zip-based inputs (.docx, .odt, .qdpx members).

A zip member's declared uncompressed size bounds what zipfile will inflate (it stops at that
size and then fails the CRC check), so checking the declared sizes before anything is parsed
refuses a decompression bomb without inflating it. Limits (measured in docs/reliability.md):
- no member may unpack to more than MAX_MEMBER_BYTES (an XML parse costs up to ~20 times
  its size in memory, so this keeps any import under 1 GB peak);
- the whole archive may unpack to at most MAX_TOTAL_BYTES;
- a member above RATIO_FLOOR_BYTES may not be more than MAX_RATIO times its compressed size
  (ordinary documents compress 3 to 15 times; bombs hundreds or thousands of times).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from coder.errors import InputError

MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                NotImplementedError)


class BoundedArchive:
    """A zip archive in memory whose members are read only within the limits above."""

    def __init__(self, data: bytes, path: object, what: str) -> None:
        self.path = str(path)
        self.what = what
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zf.infolist()
        except Exception:
            raise InputError(f"not a valid {what} file (not a zip archive)", path=self.path) from None

    def refuse(self, message: str) -> InputError:
        return InputError(f"not a valid {self.what} file ({message})", path=self.path)

    def check(self, info: zipfile.ZipInfo) -> None:
        if info.file_size > MAX_MEMBER_BYTES:
            raise self.refuse(
                f"member {info.filename!r} unpacks to {info.file_size // (1024 * 1024)} MB, "
                f"limit {MAX_MEMBER_BYTES // (1024 * 1024)} MB"
            )
        if (
            info.file_size > RATIO_FLOOR_BYTES
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise self.refuse(
                f"member {info.filename!r} has compression ratio "
                f"{info.file_size // max(info.compress_size, 1)}:1, limit {MAX_RATIO}:1"
            )

    def check_all(self) -> None:
        """Refuse the archive before any library (python-docx, lxml) inflates a member."""
        total = 0
        for info in self.infos:
            self.check(info)
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise self.refuse(
                f"unpacks to {total // (1024 * 1024)} MB, limit {MAX_TOTAL_BYTES // (1024 * 1024)} MB"
            )

    def namelist(self) -> list[str]:
        return [i.filename for i in self.infos]

    def read(self, name: str | zipfile.ZipInfo, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """A member's bytes, never more than `limit` (nor the declared size) inflated."""
        info = name if isinstance(name, zipfile.ZipInfo) else self.zf.getinfo(name)
        self.check(info)
        if info.file_size > limit:
            raise self.refuse(f"member {info.filename!r} is too large")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except _READ_ERRORS:
            raise self.refuse(f"member {info.filename!r} cannot be read") from None
        if len(data) > limit:
            raise self.refuse(f"member {info.filename!r} is too large")
        return data
