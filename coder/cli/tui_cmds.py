"""Commands that open the coding workspace: `coder tui` and `coder demo` (the embedded demo project)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from coder.cli.app import app, err_console, state
from coder.errors import EXIT_FAILURE

DEMO_DB = Path("db") / "demo.sqlite"
DEMO_TRANSCRIPTS = Path("transcripts")


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@app.command("tui")
def tui_cmd(
    ctx: typer.Context,
    transcript: str | None = typer.Argument(
        None, help="Open this transcript (id, file name or stem) on the Coding screen."
    ),
) -> None:
    """Open the coding workspace (the TUI) on the configured database."""
    st = state(ctx)
    store = st.store()
    from coder.services import catalog
    from coder.tui.app import run_tui

    tid = catalog.resolve_transcript(store, transcript).id if transcript else None
    run_tui(store, coder=st.coder, transcript=tid)


@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    folder: Path = typer.Option(
        DEMO_TRANSCRIPTS, "--transcripts", help="Folder with the demo transcripts and cases.yaml."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Start from an empty demo database."),
    no_tui: bool = typer.Option(False, "--no-tui", help="Set up and print the summary only."),
) -> None:
    """Set up the demo project (SQLite under db/), import the demo transcripts, autocode, open it.

    Uses --db when given, else db/demo.sqlite. Re-running is safe: unchanged files are skipped.
    Without a terminal it prints the project summary instead of opening the workspace.
    """
    st = state(ctx)
    if st.settings.db_url is None:
        from dataclasses import replace

        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
        st.settings = replace(st.settings, db_url=f"sqlite:///{DEMO_DB.as_posix()}")
    elif fresh:
        err_console.print("--fresh only applies to the default demo database; ignoring it")
    store = st.store()
    if not folder.is_dir():
        err_console.print(
            f"[bold red]error:[/] {folder}: no such folder (run from the project root)"
        )
        raise typer.Exit(EXIT_FAILURE)
    from coder.services.importing import import_files

    report = import_files(store, [folder])
    imported = report.count("imported") + report.count("new-version")
    err_console.print(
        f"demo: {imported} imported, {report.count('unchanged')} unchanged, "
        f"{report.cases_loaded} municipalities"
    )
    for o in report.failed:
        err_console.print(f"[yellow]warning:[/] {o.message or o.path}", highlight=False)
    from coder.services import catalog
    from coder.services.workspace import autocode_available, autocode_transcripts

    if autocode_available():
        ids = [t.id for t in catalog.list_transcripts(store)]
        err_console.print(f"demo: {autocode_transcripts(store, ids, coder=st.coder)}")
    else:
        err_console.print("demo: autocoding is not available in this build; skipped")
    if _interactive() and not no_tui:
        from coder.tui.app import run_tui

        run_tui(store, coder=st.coder)
    else:
        from coder.cli.workspace import print_project_summary

        print_project_summary(store)
