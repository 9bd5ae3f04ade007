"""`coder db backup` and `coder db restore`: copies of the project database and their return."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from coder.cli.app import console, print_json, state
from coder.cli.core import db_app
from coder.services import backup as backup_service


@db_app.command("backup")
def backup_cmd(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Backup file to write (owner-only)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing backup file."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Copy the database to PATH while it stays in use (SQLite backup API, or pg_dump -Fc)."""
    result = backup_service.backup(state(ctx).settings.db_url, path, force=force)
    if as_json:
        print_json(asdict(result))
        return
    console.print(
        f"{result.path}: {result.dialect} backup, {result.bytes:,} bytes, "
        f"schema revision {result.revision or '?'}",
        highlight=False,
    )


@db_app.command("restore")
def restore_cmd(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A backup made by `coder db backup`."),
    force: bool = typer.Option(
        False, "--force", help="Replace a database that already holds transcripts or codings."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Replace the database with a verified backup (SQLite keeps the old file as <db>.before-restore)."""
    result = backup_service.restore(state(ctx).settings.db_url, path, force=force)
    if as_json:
        print_json(asdict(result))
        return
    kept = f"; previous content kept in {result.previous}" if result.previous else ""
    console.print(
        f"{result.target}: restored from {path} (schema revision {result.revision}){kept}",
        highlight=False,
    )
