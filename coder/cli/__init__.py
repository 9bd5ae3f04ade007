"""The command line: one Typer app, one module per command group (registered here)."""

from coder.cli import (  # noqa: F401  (registers commands)
    analysis_cmds,
    backup_cmds,
    codebook_cmds,
    core,
    decide_cmds,
    refi_cmds,
    tagging,
    team_cmds,
    tui_cmds,
)
from coder.cli import nlp as nlp_cmds
from coder.cli.app import app, main

app.add_typer(nlp_cmds.app, name="nlp")

__all__ = ["app", "main"]
