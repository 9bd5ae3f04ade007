"""The command line: one Typer app, one module per command group (registered here)."""

from coder.cli import codebook_cmds, core, refi_cmds, tagging  # noqa: F401  (registers commands)
from coder.cli.app import app, main

__all__ = ["app", "main"]
