"""User-facing errors: one line, naming the file and place, mapped to meaningful exit codes."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1  # some inputs failed (batch continued)
EXIT_USAGE = 2  # bad arguments
EXIT_INPUT = 3  # bad input file
EXIT_DATABASE = 4  # database unreachable or inconsistent
EXIT_NOT_FOUND = 5  # unknown transcript/code/case id
EXIT_CONFLICT = 6  # concurrent change, changed file on re-import, output exists
EXIT_INTERRUPTED = 130


class CoderError(Exception):
    """An error meant for the user: rendered as a single line, never a traceback."""

    exit_code = EXIT_FAILURE

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}: "
            if self.line:
                col = f":{self.column}" if self.column else ""
                where = f"{self.path}:{self.line}{col}: "
        return f"{where}{self.message}"


class InputError(CoderError):
    """A file could not be read or parsed (encoding, format, header, corrupt archive)."""

    exit_code = EXIT_INPUT


class DatabaseError(CoderError):
    exit_code = EXIT_DATABASE


class DatabaseUnreachable(DatabaseError):
    """The database server cannot be reached (refused, dropped, timed out): nothing was stored."""


class NotFoundError(CoderError):
    exit_code = EXIT_NOT_FOUND


class ConflictError(CoderError):
    exit_code = EXIT_CONFLICT


class UsageError(CoderError):
    exit_code = EXIT_USAGE
