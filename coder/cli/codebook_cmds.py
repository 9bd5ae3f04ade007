"""`coder codebook`: show, load and export the project's codebook."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.tree import Tree

from coder.cli.app import app, console, print_json, state
from coder.errors import UsageError
from coder.services.codebook import load_codebook_into_store, project_codebook
from coder.store.codes import CodeRepo

codebook_app = typer.Typer(
    help="The codebook: the interview guide's sections, questions and items.", no_args_is_help=True
)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("show")
def show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="A list of {id, parent, kind, label, ...}."),
    lexicon: bool = typer.Option(False, "--lexicon", help="Also show each code's lexicon."),
) -> None:
    """Show the codebook as a tree with accepted-coding counts."""
    store = state(ctx).store()
    cb = project_codebook(store)
    with store.session() as s:
        counts = CodeRepo(s).counts()
    if as_json:
        print_json(
            [
                {
                    "id": d.id,
                    "parent": d.parent,
                    "kind": d.kind.value,
                    "label": d.label,
                    "text": d.text,
                    "description": d.description,
                    "color": d.color,
                    "relation": d.relation.value if d.relation else None,
                    "lexicon": {
                        "lemmas": list(d.lexicon.lemmas),
                        "phrases": list(d.lexicon.phrases),
                    },
                    "accepted": counts.get(d.id, 0),
                }
                for d in cb.codes
            ]
        )
        return
    root = Tree(f"[bold]{cb.name}[/] {cb.version}")
    nodes = {}
    for d, _depth in cb.iter_tree():
        parent = nodes.get(d.parent, root)
        n = counts.get(d.id, 0)
        label = f"[{d.color}]■[/] [bold]{d.id}[/] {d.label}" + (f" [dim]({n})[/]" if n else "")
        node = parent.add(label)
        if lexicon and (d.lexicon.lemmas or d.lexicon.phrases):
            node.add("[dim]" + ", ".join(d.lexicon.lemmas + d.lexicon.phrases) + "[/]")
        nodes[d.id] = node
    console.print(root)


@codebook_app.command("load")
def load(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A codebook (.yaml, .json or REFI-QDA .qdc)."),
) -> None:
    """Merge a codebook file into the project (new codes added, existing updated, none deleted)."""
    added, updated = load_codebook_into_store(state(ctx).store(), file)
    console.print(f"{file}: {added} codes added, {updated} updated")


@codebook_app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("yaml", "--format", "-f", help="yaml, md or qdc."),
    output: Path | None = typer.Argument(
        None, help="Output file (default: standard output; required for qdc)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Export the project's codebook as YAML, Markdown or REFI-QDA .qdc."""
    from coder.codebook.export import codebook_to_markdown, codebook_to_yaml

    cb = project_codebook(state(ctx).store())
    if fmt == "qdc":
        if output is None:
            raise UsageError("--format qdc needs an output file")
        from coder.export.refi_codebook import write_qdc

        write_qdc(cb, output, force=force)
        console.print(f"wrote {output}")
        return
    if fmt not in ("yaml", "md"):
        raise UsageError(f"unknown format {fmt!r} (yaml, md or qdc)")
    text = codebook_to_yaml(cb) if fmt == "yaml" else codebook_to_markdown(cb)
    if output is None:
        typer.echo(text, nl=False)
        return
    from coder.export.files import write_text_atomic

    write_text_atomic(output, text, force=force)
    console.print(f"wrote {output}")
