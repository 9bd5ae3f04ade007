"""Opening the coding workspace: the TUI on a terminal, a plain summary otherwise."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coder.cli.app import State


def open_workspace(st: State) -> None:
    """Open the TUI when stdin and stdout are a terminal; print a summary of the project otherwise."""
    store = st.store()
    if sys.stdin.isatty() and sys.stdout.isatty():
        try:
            from coder.tui.app import run_tui
        except ImportError:
            pass
        else:
            run_tui(store, coder=st.coder)
            return
    print_project_summary(store)


def print_project_summary(store) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from coder.cli.app import console
    from coder.domain import CodingStatus
    from coder.services import catalog
    from coder.store.db import redact_url

    cases = catalog.list_cases(store)
    transcripts = catalog.list_transcripts(store)
    accepted = sum(catalog.code_counts(store, CodingStatus.ACCEPTED).values())
    suggested = sum(catalog.code_counts(store, CodingStatus.SUGGESTED).values())
    n_codes = len(catalog.list_codes(store))
    console.print(f"[bold]coder[/] project at {redact_url(store.url)} (no terminal: summary only)")
    table = Table("case", "transcripts", "words", "segments")
    for c in cases:
        ts = [t for t in transcripts if t.case_id == c.id]
        table.add_row(
            c.name,
            str(len(ts)),
            str(sum(t.word_count for t in ts)),
            str(sum(t.segment_count for t in ts)),
        )
    console.print(table)
    console.print(
        f"{len(transcripts)} transcripts, {n_codes} codes, {accepted} accepted codings, "
        f"{suggested} pending suggestions. Open a terminal and run `coder` for the workspace."
    )
