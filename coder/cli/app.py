"""The Typer application, its global options, and the one place CLI errors become exit codes."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from coder import __version__
from coder.config import Settings, load_settings
from coder.errors import (
    EXIT_DATABASE,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CoderError,
)
from coder.store.db import Store

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="coder",
    help=(
        "Qualitative coding of Norwegian interview transcripts: import, NLP-assisted coding with "
        "the interview-guide codebook, synthesis per relation, quote export and REFI-QDA exchange.\n\n"
        "Run without a command to open the coding workspace (TUI)."
    ),
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What every command needs: settings and a lazily opened project database."""

    settings: Settings
    _store: Store | None = field(default=None, repr=False)

    @property
    def coder(self) -> str:
        return self.settings.coder

    def store(self) -> Store:
        if self._store is None:
            from coder.services.project import open_store

            self._store = open_store(self.settings.db_url)
        return self._store


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State(load_settings())
        ctx.find_root().obj = obj
    return obj


def _version(value: bool) -> None:
    if value:
        console.print(f"coder {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL (default: $CODER_DB_URL, else sqlite:///db/coder.sqlite).",
        show_default=False,
    ),
    coder: str | None = typer.Option(
        None,
        "--coder",
        help="Your coder name (default: $CODER_NAME, else the OS user).",
        show_default=False,
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # SQL statements carry transcript text as parameters: never log them.
    for noisy in ("sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    ctx.obj = State(load_settings(db=db, coder=coder))
    if ctx.invoked_subcommand is None:
        from coder.cli.workspace import open_workspace

        open_workspace(ctx.obj)


def print_json(data: Any) -> None:
    """JSON for scripts on stdout (UTF-8, no Rich markup)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> None:
    err_console.print(
        f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


def _click_exception_types() -> tuple[type[BaseException], ...]:
    """Click's ClickException from every Click copy present: Typer >= 0.2x bundles its own."""
    import click

    types: list[type[BaseException]] = [click.exceptions.ClickException]
    try:
        from typer._click import exceptions as bundled
    except ImportError:
        pass
    else:
        types.append(bundled.ClickException)
    return tuple(types)


def exit_code_for(exc: BaseException) -> tuple[int, str | None]:
    """The one mapping from an exception to (exit code, one-line message or None if shown)."""
    if isinstance(exc, CoderError):
        return exc.exit_code, str(exc)
    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None) or exc
        text = str(orig).strip()
        return EXIT_DATABASE, f"database error: {text.splitlines()[0] if text else type(exc).__name__}"
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted; work already committed is kept"
    if isinstance(exc, typer.Exit):
        return exc.exit_code, None
    if isinstance(exc, typer.Abort):
        return EXIT_INTERRUPTED, "aborted"
    if isinstance(exc, _click_exception_types()):
        code = getattr(exc, "exit_code", EXIT_USAGE)
        return code, None
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return EXIT_FAILURE, f"{where}{exc.strerror.lower()}"
    return EXIT_FAILURE, f"unexpected {type(exc).__name__}: {exc} (run with -v and report this)"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: one line on stderr and a meaningful exit code on any failure."""
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="coder")
    except (Exception, KeyboardInterrupt) as exc:
        code, message = exit_code_for(exc)
        if message is None and isinstance(exc, _click_exception_types()):
            exc.show()  # type: ignore[attr-defined]
        elif message is not None:
            if code == EXIT_FAILURE and message.startswith("unexpected "):
                logging.getLogger("coder").debug("unexpected error", exc_info=True)
            _print_error(message)
        sys.exit(code)
    sys.exit(rv if isinstance(rv, int) else 0)


def _print_error(message: str) -> None:
    err_console.print(
        f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True
    )


@contextmanager
def progress_bar(
    label: str, *, disabled: bool = False
) -> Iterator[Callable[[int, int, str], None]]:
    """A Rich progress bar on stderr; yields the `progress(done, total, name)` callback services take."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=disabled or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield progress
