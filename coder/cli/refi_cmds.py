"""`coder export qdpx`: the project as a REFI-QDA archive for NVivo, ATLAS.ti, MAXQDA, QualCoder."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from coder.cli.app import console, print_json, state
from coder.cli.export_group import export_app
from coder.errors import InputError
from coder.export.refi_common import POSITION_UNITS
from coder.export.refi_export import export_qdpx


@export_app.command("qdpx")
def export_qdpx_cmd(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="The .qdpx file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    positions: str = typer.Option(
        "codepoint",
        "--positions",
        help="How selection positions count: codepoint (QualCoder) or utf16 (NVivo).",
    ),
) -> None:
    """Export codebook, transcripts, accepted codings, cases and memos as REFI-QDA (.qdpx).

    Import the result in another QDA program; `coder import FILE.qdpx` reads it back.
    """
    if positions not in POSITION_UNITS:
        raise InputError(f"--positions must be one of: {', '.join(POSITION_UNITS)}")
    st = state(ctx)
    summary = export_qdpx(st.store(), path, force=force, coder=st.coder, positions=positions)
    if as_json:
        print_json(asdict(summary))
        return
    console.print(
        f"wrote {summary.path}: {summary.sources} transcripts, {summary.codes} codes, "
        f"{summary.codings} codings in {summary.selections} selections "
        f"({summary.coding_elements} Coding elements with the REL.* codings that carry "
        f"relations), {summary.cases} cases, "
        f"{summary.notes} memos",
        highlight=False,
    )
