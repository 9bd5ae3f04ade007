"""The command line: one Typer app, one module per command group (registered here)."""

from coder.cli import analysis_cmds, codebook_cmds, core  # noqa: F401  (registers commands)
from coder.cli.app import app, main

__all__ = ["app", "main"]
