"""Team commands: `coder agree` (inter-coder agreement), `coder coders`, `coder team setup`."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import typer
from rich.table import Table

from coder.analysis.agreement import CategoryAgreement
from coder.cli.app import app, console, print_json, state
from coder.errors import UsageError
from coder.services import agreement as agreement_service
from coder.services import team
from coder.store.db import redact_url, resolve_db_url
from coder.store.roles import DEFAULT_CODERS_ROLE, DEFAULT_LEADS_ROLE

team_app = typer.Typer(
    help="Team work on a shared PostgreSQL server: roles for coders and leads.",
    no_args_is_help=True,
)
app.add_typer(team_app, name="team")


def _num(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


def _category_json(c: CategoryAgreement, coders: tuple[str, ...], label: str) -> dict[str, Any]:
    d = asdict(c)
    d["label"] = label
    d["present"] = dict(zip(coders, c.present, strict=True))
    return d


@app.command("agree")
def agree_cmd(
    ctx: typer.Context,
    coders: str = typer.Option(
        ..., "--coders", help="Coders to compare, comma-separated: A,B[,C]."
    ),
    code: str | None = typer.Option(None, "--code", help="Only this code and the codes below it."),
    level: str = typer.Option(
        agreement_service.DEFAULT_LEVEL,
        "--level",
        help="Roll codes up to item, question or section before comparing.",
    ),
    transcript: str | None = typer.Option(
        None, "--transcript", help="Only this transcript (id, file name or stem)."
    ),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    show_disagreements: bool = typer.Option(
        False, "--disagreements", help="Also list the segments the coders disagree on."
    ),
) -> None:
    """Inter-coder agreement on accepted codings, per code and overall.

    Units are the segments of transcripts that at least two of the coders worked in; each code
    is present or absent per segment. Percent agreement, Cohen's kappa (two coders), Krippendorff's
    alpha (nominal) and character overlap of the coded text (intersection over union).
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format must be table or json, not {fmt!r}")
    names = [c for c in coders.split(",") if c.strip()]
    store = state(ctx).store()
    report = agreement_service.agreement(
        store, names, level=level, code=code, transcript=transcript
    )
    found = (
        agreement_service.list_disagreements(
            store, names, level=level, code=code, transcript=transcript
        )
        if show_disagreements
        else []
    )
    res = report.result
    if fmt == "json":
        data: dict[str, Any] = {
            "coders": list(report.coders),
            "level": report.level,
            "code": report.code,
            "transcripts": [asdict(t) for t in report.transcripts],
            "units": res.units,
            "categories": [
                _category_json(c, res.coders, report.labels.get(c.category, ""))
                for c in res.categories
            ],
            "overall": _category_json(res.overall, res.coders, "all codes"),
        }
        if show_disagreements:
            data["disagreements"] = [
                {
                    "segment_id": d.segment.id,
                    "transcript_id": d.segment.transcript_id,
                    "ordinal": d.segment.ordinal,
                    "speaker": d.segment.speaker,
                    "codes": {k: list(v) for k, v in d.categories.items()},
                }
                for d in found
            ]
        print_json(data)
        return
    console.print(
        f"[bold]Agreement[/] {' / '.join(report.coders)} at {report.level} level"
        + (f", code {report.code}" if report.code else "")
        + f": {len(report.transcripts)} transcript(s), {res.units} segments",
        highlight=False,
    )
    if not report.transcripts:
        console.print(
            "[yellow]no transcript has decisions from two of these coders yet[/]", highlight=False
        )
        return
    two = len(res.coders) == 2
    table = Table(
        "code", "label", *res.coders, "agree", *(["kappa"] if two else []), "alpha", "overlap"
    )
    for c in [*res.categories, res.overall]:
        is_all = c is res.overall
        table.add_row(
            "all" if is_all else c.category,
            "(pooled)" if is_all else report.labels.get(c.category, ""),
            *(str(n) for n in c.present),
            _num(c.percent, pct=True),
            *([_num(c.kappa)] if two else []),
            _num(c.alpha),
            _num(c.overlap, pct=True),
            style="bold" if is_all else None,
        )
    console.print(table)
    for d in found:
        sides = "  ".join(f"{k}: {', '.join(v) or '–'}" for k, v in d.categories.items())
        console.print(
            f"[bold]#{d.segment.ordinal}[/] {d.transcript_title} "
            f"[dim]({d.segment.speaker or '-'}, segment {d.segment.id})[/]  {sides}",
            highlight=False,
        )


@app.command("coders")
def coders_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List everyone who has coded in this project, with their codings by status."""
    stats = team.list_coders(state(ctx).store())
    if as_json:
        print_json([{**asdict(s), "codings": s.codings} for s in stats])
        return
    table = Table("coder", "accepted", "suggested", "rejected", "memos", "actions", "last active")
    for s in stats:
        table.add_row(
            s.name,
            str(s.accepted),
            str(s.suggested),
            str(s.rejected),
            str(s.memos),
            str(s.actions),
            s.last_active.strftime("%Y-%m-%d %H:%M") if s.last_active else "",
        )
    console.print(table)


@team_app.command("setup")
def team_setup_cmd(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None, "--database", help="Project database on the server (created if missing)."
    ),
    coders_role: str = typer.Option(
        DEFAULT_CODERS_ROLE, "--coders-role", help="Group role for coders."
    ),
    leads_role: str = typer.Option(
        DEFAULT_LEADS_ROLE, "--leads-role", help="Group role for leads."
    ),
    add_coder: list[str] = typer.Option(
        [], "--add-coder", help="Login to create/add as a coder (repeatable)."
    ),
    add_lead: list[str] = typer.Option(
        [], "--add-lead", help="Login to create/add as a project lead (repeatable)."
    ),
    password_from_env: str | None = typer.Option(
        None,
        "--password-from-env",
        metavar="VAR",
        help="Set the added logins' password from this environment variable.",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create PostgreSQL roles: coders write codings, memos and imports; leads only read.

    Connect (--db or CODER_DB_URL) as the database owner with the CREATEROLE privilege. Safe to
    run again, e.g. after `coder db upgrade`, to grant on new tables. PostgreSQL only.
    """
    url = resolve_db_url(state(ctx).settings.db_url)
    password = None
    if password_from_env:
        password = os.environ.get(password_from_env)
        if not password:
            raise UsageError(f"environment variable {password_from_env} is not set or empty")
    report = team.setup_team(
        url,
        database=database,
        coders_role=coders_role,
        leads_role=leads_role,
        add_coders=add_coder,
        add_leads=add_lead,
        password=password,
    )
    if as_json:
        print_json({**asdict(report), "server": redact_url(url)})
        return
    console.print(
        f"[bold]{redact_url(url)}[/]: database {report.database!r}, "
        f"coders role {report.coders_role!r}, leads role {report.leads_role!r} "
        f"({report.statements} grant statements)",
        highlight=False,
    )
    for name in report.created_roles:
        console.print(f"  created role {name}", highlight=False)
    for login, group in report.members:
        pw = " (password set)" if login in report.passwords_set else ""
        console.print(f"  {login} -> {group}{pw}", highlight=False)
