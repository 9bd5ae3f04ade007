"""Core commands: import, cases, transcripts, show, and database maintenance."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from coder.cli.app import app, console, err_console, print_json, progress_bar, state
from coder.errors import EXIT_CONFLICT, EXIT_DATABASE, EXIT_FAILURE
from coder.services import catalog
from coder.services.importing import import_files
from coder.store.db import Store, current_revision, head_revision, redact_url, upgrade_database

db_app = typer.Typer(
    help="Database maintenance: migrations, checks, backups.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., help="Files or folders (.txt .md .docx .odt .srt .vtt .qdpx; cases.yaml)."
    ),
    case: str | None = typer.Option(
        None, "--case", help="Municipality for files whose header names none."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Read and check everything, write nothing."
    ),
    new_version: bool = typer.Option(
        False, "--new-version", help="Store a changed file as a new version instead of refusing it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file."),
) -> None:
    """Import transcripts. Unchanged files are skipped; bad files are reported and the batch goes on.

    Case: the file's header, else --case, else the file name's start or folder (arendal-1.txt).
    Role groups come from the header or are inferred from speaker labels (reported).
    """
    st = state(ctx)
    store = st.store()
    with progress_bar("import", disabled=as_json) as progress:
        report = import_files(
            store,
            paths,
            case=case,
            dry_run=dry_run,
            on_change="new-version" if new_version else "refuse",
            progress=progress,
        )
    if as_json:
        print_json(
            {"cases_loaded": report.cases_loaded, "files": [asdict(o) for o in report.outcomes]}
        )
    else:
        for o in report.outcomes:
            if o.status in ("failed", "refused"):
                msg = o.message if o.message.startswith(o.path) else f"{o.path}: {o.message}"
                err_console.print(f"[bold red]error:[/] {msg}", highlight=False, soft_wrap=True)
            elif o.status == "skipped":
                console.print(f"{o.status:>12}  {o.path}  ({o.message})", highlight=False)
            else:
                detail = f"{o.segments} segments, {o.participants} participants, {o.words} words"
                console.print(
                    f"{o.status:>12}  {Path(o.path).name}  ({o.message}; {detail})", highlight=False
                )
                for note in o.inferred_roles:
                    console.print(f"{'':>14}{note}", style="dim", highlight=False)
        summary = ", ".join(
            f"{report.count(s)} {s}"
            for s in (
                "imported",
                "new-version",
                "unchanged",
                "would-import",
                "skipped",
                "refused",
                "failed",
            )
            if report.count(s)
        )
        if report.cases_loaded:
            summary += f"; {report.cases_loaded} case facts loaded"
        console.print(f"[bold]{summary or 'nothing to import'}[/]")
    if any(o.status == "failed" for o in report.outcomes):
        raise typer.Exit(EXIT_FAILURE)
    if any(o.status == "refused" for o in report.outcomes):
        raise typer.Exit(EXIT_CONFLICT)


@app.command("cases")
def cases_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List the case municipalities with their facts and number of transcripts."""
    cases = catalog.list_cases(state(ctx).store())
    if as_json:
        print_json([asdict(c) for c in cases])
        return
    table = Table("name", "county", "population", "model", "reform", "transcripts", title="Cases")
    for c in cases:
        table.add_row(
            c.name,
            c.county or "",
            f"{c.population:,}".replace(",", " ") if c.population else "",
            c.organisation_model or "",
            str(c.reform_year or ""),
            str(c.transcript_count),
        )
    console.print(table)


@app.command("transcripts")
def transcripts_cmd(
    ctx: typer.Context,
    case: str | None = typer.Option(None, "--case", help="Only this municipality."),
    all_versions: bool = typer.Option(False, "--all-versions", help="Include superseded versions."),
    coder: str | None = typer.Option(
        None, "--coder", help="Add this coder's progress: coded share and pending suggestions."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List imported transcripts."""
    store = state(ctx).store()
    items = catalog.list_transcripts(store, case, include_retired=all_versions)
    progress = (
        {p.transcript.id: p for p in catalog.transcript_progress(store, coder=coder)}
        if coder
        else {}
    )
    if as_json:
        rows = [asdict(t) for t in items]
        if coder:
            for row in rows:
                p = progress.get(row["id"])
                row["coder"] = coder
                row["coded_share"] = p.coded_share if p else 0.0
                row["pending"] = p.pending if p else 0
        print_json(rows)
        return
    table = Table(
        "id",
        "case",
        "file",
        "title",
        "date",
        "format",
        "words",
        "segments",
        "people",
        *([f"coded ({coder})", "pending"] if coder else []),
        title="Transcripts",
    )
    for t in items:
        p = progress.get(t.id)
        extra = [f"{100 * p.coded_share:.0f}%", str(p.pending)] if p else ["0%", "0"]
        table.add_row(
            str(t.id),
            t.case_name or "-",
            t.source_name + (f" (v{t.version})" if t.version > 1 else ""),
            t.title,
            str(t.interview_date or ""),
            t.format,
            str(t.word_count),
            str(t.segment_count),
            str(t.participant_count),
            *(extra if coder else []),
        )
    console.print(table)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    transcript: str = typer.Argument(..., help="Transcript id, file name or file stem."),
    codings: bool = typer.Option(
        True, "--codings/--no-codings", help="Show applied codes and suggestions."
    ),
    coder: str | None = typer.Option(
        None, "--coder", help="Only this coder's codings (default: everyone's)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one transcript: participants, and segments with speakers and codes."""
    view = catalog.transcript_view(state(ctx).store(), transcript, coder=coder)
    info, participants, segments = view.transcript, view.participants, view.segments
    by_seg = view.codings if codings else {}
    if as_json:
        print_json(
            {
                "transcript": asdict(info),
                "participants": [asdict(p) for p in participants],
                "segments": [
                    {**asdict(seg), "codings": [asdict(c) for c in by_seg.get(seg.id, [])]}
                    for seg in segments
                ],
            }
        )
        return
    console.print(
        f"[bold]{info.title}[/]  (id {info.id}, {info.case_name or 'no case'}, {info.source_name}, {info.word_count} words)"
    )
    ptable = Table("label", "name", "role group", "title")
    for p in participants:
        ptable.add_row(p.label, p.display_name, p.role_group.value, p.role_title or "")
    console.print(ptable)
    for seg in segments:
        group = seg.role_group.value if seg.role_group else "-"
        head = (
            f"[bold]#{seg.ordinal} {seg.speaker or '-'}[/] [dim]({group}, segment id {seg.id})[/]"
        )
        console.print(head)
        console.print(seg.text, highlight=False, markup=False)
        for c in by_seg.get(seg.id, []):
            rel = f" {c.relation.value}" if c.relation else ""
            score = f" {c.score:.2f}" if c.score is not None else ""
            console.print(
                f"   [cyan]{c.code_id}[/]{rel} [dim]{c.status.value}{score} {c.coder} #{c.id}[/]",
                highlight=False,
            )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Apply Alembic migrations (also done automatically when coder opens a database)."""
    st = state(ctx)
    store = Store(st.settings.db_url, upgrade=False)
    before = current_revision(store.engine)
    upgrade_database(store.engine, revision)
    after = current_revision(store.engine)
    console.print(f"{redact_url(store.url)}: {before or 'empty'} -> {after}")


@db_app.command("check")
def db_check(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Check the schema revision and the database's integrity; exit 4 if anything is wrong."""
    st = state(ctx)
    store = Store(st.settings.db_url, upgrade=False)
    problems = store.check()
    info = {
        "url": redact_url(store.url),
        "dialect": store.dialect,
        "revision": current_revision(store.engine),
        "head": head_revision(store.engine),
        "ok": not problems,
        "problems": problems,
    }
    if as_json:
        print_json(info)
    else:
        console.print(
            f"{info['url']} ({info['dialect']}), revision {info['revision']} (head {info['head']})"
        )
        for p in problems:
            err_console.print(f"[red]problem:[/] {p}", highlight=False)
        console.print("[green]ok[/]" if not problems else f"[red]{len(problems)} problem(s)[/]")
    if problems:
        raise typer.Exit(EXIT_DATABASE)
