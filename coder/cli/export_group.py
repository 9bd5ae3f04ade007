"""The `coder export ...` command group, shared by every module that adds an export command."""

from __future__ import annotations

import typer

from coder.cli.app import app

export_app = typer.Typer(
    help="Export the project: REFI-QDA projects for other QDA programs, quotes, reports.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")
