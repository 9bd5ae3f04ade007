"""Coding decisions from the command line: accept, reject, code, recode, relation, memo, undo, redo."""

from __future__ import annotations

import typer

from coder.cli.app import app, console, print_json, state
from coder.domain import Relation
from coder.errors import UsageError
from coder.services import coding


def _relation(value: str | None) -> Relation | None:
    if value is None:
        return None
    try:
        return Relation(value)
    except ValueError as exc:
        raise UsageError(f"unknown relation {value!r} (politicians, ceo or units)") from exc


def _span(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        start, end = (int(x) for x in value.split(":", 1))
    except ValueError as exc:
        raise UsageError(f"a span is START:END in transcript characters, not {value!r}") from exc
    return start, end


@app.command("accept")
def accept_cmd(
    ctx: typer.Context,
    coding_ids: list[int] = typer.Argument(..., help="Coding ids (see `coder show T`)."),
    relation: str | None = typer.Option(None, "--relation", help="politicians, ceo or units."),
) -> None:
    """Accept suggestions (as your own codings); each is one undoable action."""
    st = state(ctx)
    for cid in coding_ids:
        info = coding.accept_suggestion(st.store(), cid, st.coder, relation=_relation(relation))
        console.print(f"accepted {info.code_id} on segment {info.segment_id} (coding {info.id})")


@app.command("reject")
def reject_cmd(
    ctx: typer.Context,
    coding_ids: list[int] = typer.Argument(..., help="Coding ids (see `coder show T`)."),
) -> None:
    """Reject suggestions; rejected suggestions are kept and never suggested again."""
    st = state(ctx)
    for cid in coding_ids:
        info = coding.reject_suggestion(st.store(), cid, st.coder)
        console.print(f"rejected {info.code_id} on segment {info.segment_id} (coding {info.id})")


@app.command("code")
def code_cmd(
    ctx: typer.Context,
    segment_id: int = typer.Argument(..., help="Segment id (see `coder show T --json`)."),
    code_id: str = typer.Argument(..., help="Code id, e.g. C13d or T.tillit."),
    span: str | None = typer.Option(
        None,
        "--span",
        help="START:END as transcript offsets (end exclusive), within the segment's range.",
    ),
    relation: str | None = typer.Option(None, "--relation", help="politicians, ceo or units."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Code a segment (or a span in it) by hand."""
    st = state(ctx)
    info = coding.code_segment(
        st.store(), segment_id, code_id, st.coder, span=_span(span), relation=_relation(relation)
    )
    if as_json:
        print_json({"coding": info.id, "segment": info.segment_id, "code": info.code_id})
    else:
        console.print(f"coded segment {segment_id} with {code_id} (coding {info.id})")


@app.command("recode")
def recode_cmd(
    ctx: typer.Context,
    coding_id: int = typer.Argument(...),
    code_id: str = typer.Argument(..., help="The code that should have been suggested."),
    relation: str | None = typer.Option(None, "--relation"),
) -> None:
    """Correct a suggestion: reject it and apply another code to the same text."""
    st = state(ctx)
    info = coding.recode(st.store(), coding_id, code_id, st.coder, relation=_relation(relation))
    console.print(f"recoded as {info.code_id} (coding {info.id})")


@app.command("relation")
def relation_cmd(
    ctx: typer.Context,
    coding_id: int = typer.Argument(...),
    relation: str = typer.Argument(..., help="politicians, ceo, units or none."),
) -> None:
    """Set or clear the relation of one of your codings."""
    st = state(ctx)
    rel = None if relation == "none" else _relation(relation)
    coding.set_relation(st.store(), coding_id, rel, st.coder)
    console.print(f"coding {coding_id}: relation {relation}")


@app.command("memo")
def memo_cmd(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The memo's text."),
    transcript: int | None = typer.Option(None, "--transcript"),
    segment: int | None = typer.Option(None, "--segment"),
    code: str | None = typer.Option(None, "--code"),
    coding_id: int | None = typer.Option(None, "--coding"),
) -> None:
    """Write a memo on a transcript, segment, code or coding."""
    st = state(ctx)
    info = coding.add_memo(
        st.store(),
        st.coder,
        text,
        transcript_id=transcript,
        segment_id=segment,
        code_id=code,
        coding_id=coding_id,
    )
    console.print(f"memo {info.id} written")


@app.command("undo")
def undo_cmd(ctx: typer.Context) -> None:
    """Undo your own last coding action (your history only, kept in the database).

    Refused (exit 6) when a row it would change has been changed since by someone else.
    """
    st = state(ctx)
    kind = coding.undo(st.store(), st.coder)
    console.print(f"undid {kind}" if kind else "nothing to undo")


@app.command("redo")
def redo_cmd(ctx: typer.Context) -> None:
    """Redo your own action that you undid last (your history only).

    Refused (exit 6) when a row it would write has been changed since by someone else.
    """
    st = state(ctx)
    kind = coding.redo(st.store(), st.coder)
    console.print(f"redid {kind}" if kind else "nothing to redo")
