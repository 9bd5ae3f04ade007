"""Synthesis commands: summary, contrast, cooccur, terms, quotes and the Word report."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from coder.cli.app import app, console, err_console, print_json, state
from coder.errors import UsageError

if TYPE_CHECKING:
    from coder.analysis.contrast import Contrast
    from coder.analysis.summary import Summary

# The synthesis service (numpy, exports) is imported inside each command, so that other
# commands start without it.

RELATION_COLUMNS = ("politicians", "ceo", "units", "none")

_STATUS_HELP = "accepted: accepted codings; all: accepted and suggested (never rejected)."
_LEVEL_HELP = "Roll codes up to section, question or item level."


_FORMAT_HELP = "table or json."
_UNIT_HELP = "Count interviewer turns too (default: informant segments only)."
_JSON_ALIAS = typer.Option(False, "--json", hidden=True, help="The same as --format json.")


def _format(fmt: str, as_json: bool, allowed: tuple[str, ...] = ("table", "json")) -> str:
    """The output format: --format, with the older --json kept as an alias of --format json."""
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r} ({', '.join(allowed[:-1])} or {allowed[-1]})")
    return "json" if as_json else fmt


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _summary_markdown(result: Summary) -> str:
    lines: list[str] = []
    if result.by == "relation":
        lines.append("| code | label | " + " | ".join(RELATION_COLUMNS) + " |")
        lines.append("|---|---|" + "---:|" * len(RELATION_COLUMNS))
        for code_id in result.code_ids():
            label = result.label(code_id)
            cells = [
                f"{result.cell(r, code_id).segments} ({result.cell(r, code_id).transcripts})"
                for r in RELATION_COLUMNS
            ]
            lines.append(f"| {code_id} | {label} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append("Cells: coded segments (transcripts).")
        return "\n".join(lines) + "\n"
    for rel in RELATION_COLUMNS:
        table = result.relations[rel]
        if not table.codes:
            continue
        lines += [f"## {rel}", ""]
        lines.append("| code | label | total | " + " | ".join(result.columns) + " |")
        lines.append("|---|---|---:|" + "---:|" * len(result.columns))
        for c in table.codes:
            cells = [
                str(c.breakdown[k].segments) if k in c.breakdown else "0" for k in result.columns
            ]
            lines.append(
                f"| {c.code_id} | {c.label} | {c.total.segments} | " + " | ".join(cells) + " |"
            )
        lines.append("")
    lines.append("Cells: coded segments.")
    return "\n".join(lines) + "\n"


def _print_summary(result: Summary) -> None:
    if result.by == "relation":
        table = Table(
            "code",
            "label",
            *RELATION_COLUMNS,
            title=f"Coded segments (transcripts) by relation, {result.level} level, {result.status}",
        )
        for code_id in result.code_ids():
            label = result.label(code_id)
            cells = []
            for r in RELATION_COLUMNS:
                cell = result.cell(r, code_id)
                cells.append(f"{cell.segments} ({cell.transcripts})" if cell.segments else "")
            table.add_row(code_id, label, *cells)
        totals = [
            f"{result.relations[r].total.segments} ({result.relations[r].total.transcripts})"
            for r in RELATION_COLUMNS
        ]
        table.add_row("[bold]all[/]", "", *totals)
        console.print(table)
        return
    for rel in RELATION_COLUMNS:
        rs = result.relations[rel]
        if not rs.codes:
            continue
        table = Table(
            "code", "label", "total", *result.columns,
            title=f"{rel}: coded segments by {'municipality' if result.by == 'case' else 'role group'}",
        )  # fmt: skip
        for c in rs.codes:
            cells = [
                str(c.breakdown[k].segments) if k in c.breakdown else "" for k in result.columns
            ]
            table.add_row(c.code_id, c.label, str(c.total.segments), *cells)
        console.print(table)


@app.command("summary")
def summary_cmd(
    ctx: typer.Context,
    by: str = typer.Option("relation", "--by", help="relation, case (municipality) or role."),
    level: str = typer.Option("question", "--level", help=_LEVEL_HELP),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or md."),
    as_json: bool = _JSON_ALIAS,
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
) -> None:
    """What the interviews say per relation: coded segments, codings, transcripts,
    municipalities and speakers behind each code.

    Unit: informant segments (interviewer turns left out unless --include-interviewer); a
    segment counts once per code, "codings" counts every coding (all coders pooled unless
    --coder). A coding counts for the one code at --level it sits under (an item for its
    question at question level, for its section at section level); a coding made directly on a
    code above the level counts for that code. Its relation is its own, else its code's (C13
    politicians, C14 ceo, C15 units), else the segment's accepted relation, else the speaker's
    role-group default, else "none". JSON has one key per relation and `_meta`.
    """
    from coder.services import synthesis

    fmt = _format(fmt, as_json, ("table", "json", "md"))
    result = synthesis.summary(
        state(ctx).store(), level=level, by=by, status=status, coder=coder,
        include_interviewer=include_interviewer,
    )  # fmt: skip
    if fmt == "json":
        print_json(result.to_json())
    elif fmt == "md":
        typer.echo(_summary_markdown(result), nl=False)
    else:
        _print_summary(result)


@app.command("contrast")
def contrast_cmd(
    ctx: typer.Context,
    group_a: str = typer.Option("Hamar", "--group-a", help="Municipalities, comma-separated."),
    group_b: str | None = typer.Option(
        None,
        "--group-b",
        help="Municipalities, comma-separated (default: the two-level ones present, "
        "Arendal, Stord, Flora, Kongsvinger).",
    ),
    level: str = typer.Option("question", "--level", help=_LEVEL_HELP),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    fmt: str = typer.Option("table", "--format", "-f", help=_FORMAT_HELP),
    as_json: bool = _JSON_ALIAS,
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
) -> None:
    """Compare two groups of municipalities (default: Hamar's sector model against the four
    two-level municipalities) per relation and code, with the interview as the unit.

    share = mean over the group's interviews of (coded informant segments / informant segments);
    int = interviews with the code, k of n; diff = share A - share B. p = two-sided permutation
    test over whole transcripts: the group labels of the interviews are reassigned in all
    C(n_a + n_b, n_a) ways (exactly up to 20,000 arrangements, else 9,999 seeded random ones);
    the smallest p the design allows is printed below the table. p Holm = Holm's correction over
    all rows. who = share of each group's informant segments spoken by the relation's role group
    (politician, ceo_level, unit_leader): a possible confounder. Flags mark rows resting on one
    interview or on fewer than 5 coded segments. JSON also holds the per-interview shares and the
    segment counts with a segment-level z, which is descriptive, not a test.
    """
    from coder.services import synthesis

    fmt = _format(fmt, as_json)
    result = synthesis.contrast(
        state(ctx).store(),
        _split(group_a),
        _split(group_b) or None,
        level=level,
        status=status,
        coder=coder,
        include_interviewer=include_interviewer,
    )
    if fmt == "json":
        print_json(_contrast_json(result))
        return
    a, b = "+".join(result.group_a), "+".join(result.group_b)
    table = Table(
        "relation", "code", "label", f"{a} share (int)", f"{b} share (int)", "diff", "p",
        "p Holm", "who A/B", "flags",
        title=f"{a} ({_n(result.a_interviews, 'interview')}, {result.a_base} informant segments)"
        f" vs {b} ({_n(result.b_interviews, 'interview')}, {result.b_base} informant segments)",
    )  # fmt: skip
    for r in result.rows:
        who = (
            f"{r.a_role_share:.0%}/{r.b_role_share:.0%}"
            if r.a_role_share is not None and r.b_role_share is not None
            else ""
        )
        table.add_row(
            r.relation,
            r.code_id,
            r.label,
            f"{r.a_share:.1%} ({r.a_transcripts}/{result.a_interviews})",
            f"{r.b_share:.1%} ({r.b_transcripts}/{result.b_interviews})",
            f"{r.difference:+.1%}",
            f"{r.p:.3f}",
            f"{r.p_holm:.3f}",
            who,
            ", ".join(r.flags),
        )
    console.print(table)
    console.print(f"[dim]{result.design.describe()}[/]", highlight=False)
    console.print(f"[dim]{result.note}[/]", highlight=False)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _contrast_json(result: Contrast) -> dict[str, object]:
    d = result.design
    return {
        "group_a": list(result.group_a),
        "group_b": list(result.group_b),
        "a_segments_total": result.a_base,
        "b_segments_total": result.b_base,
        "a_interviews": result.a_interviews,
        "b_interviews": result.b_interviews,
        "a_roles": result.a_roles,
        "b_roles": result.b_roles,
        "permutation": {**asdict(d), "description": d.describe()},
        "note": result.note,
        "rows": [asdict(r) for r in result.rows],
    }


@app.command("cooccur")
def cooccur_cmd(
    ctx: typer.Context,
    level: str = typer.Option("question", "--level", help=_LEVEL_HELP),
    window: int = typer.Option(
        0, "--window", "-k", help="0 = same segment; k = within +-k segments."
    ),
    relation: str | None = typer.Option(None, "--relation", help="Only codings of this relation."),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    min_count: int = typer.Option(1, "--min", help="Leave out pairs seen fewer times."),
    top: int = typer.Option(30, "--top", help="Show at most this many pairs."),
    fmt: str = typer.Option("table", "--format", "-f", help=_FORMAT_HELP),
    as_json: bool = _JSON_ALIAS,
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
) -> None:
    """Which codes occur together: in the same segment, or within +-k segments of a transcript.

    count = segments coded with either code whose window holds both; jaccard = count divided by
    the segments coded with either.
    """
    from coder.services import synthesis

    fmt = _format(fmt, as_json)
    pairs = synthesis.cooccurrence(
        state(ctx).store(),
        level=level,
        window=window,
        relation=relation,
        status=status,
        coder=coder,
        min_count=min_count,
        include_interviewer=include_interviewer,
    )[:top]
    if fmt == "json":
        print_json([asdict(p) for p in pairs])
        return
    table = Table("code A", "code B", "count", "jaccard", "A segments", "B segments",
                  title=f"Co-occurrence, {level} level, window {window}")  # fmt: skip
    for p in pairs:
        table.add_row(
            p.a, p.b, str(p.count), f"{p.jaccard:.2f}", str(p.a_segments), str(p.b_segments)
        )
    console.print(table)


@app.command("terms")
def terms_cmd(
    ctx: typer.Context,
    relation: str | None = typer.Option(None, "--relation", help="politicians, ceo or units."),
    top: int = typer.Option(20, "--top", help="Terms per relation."),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    prior: float = typer.Option(
        1000.0, "--prior", help="alpha0: the prior's weight in pseudo-counts."
    ),
    simple: bool = typer.Option(
        False, "--simple", help="Word forms instead of the spaCy pipeline's lemmas."
    ),
    pseudonymise: bool = typer.Option(
        False, "--pseudonymise", help="Leave out terms that are person names."
    ),
    runs: int = typer.Option(
        200, "--runs", help="Shuffles of the relation labels for the threshold (0 = none)."
    ),
    seed: int = typer.Option(22, "--seed", help="Seed of the shuffles."),
    shuffle: str = typer.Option(
        "segments", "--shuffle", help="segments: across all segments; within: inside each interview."
    ),
    min_interviews: int = typer.Option(
        1, "--min-interviews", help="Leave out terms used in fewer interviews."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help=_FORMAT_HELP),
    as_json: bool = _JSON_ALIAS,
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
) -> None:
    """Distinctive terms per relation: weighted log-odds with an informative Dirichlet prior
    (Monroe, Colaresi and Quinn 2008, "Fightin' Words").

    For each relation, the informant segments coded with it are set against the segments of the
    other two relations. For a term w with counts y (this relation) and y' (the others), group
    sizes n and n', and prior a_w = alpha0 x (share of w in all coded text):
    delta = log((y + a_w)/(n + alpha0 - y - a_w)) - log((y' + a_w)/(n' + alpha0 - y' - a_w)),
    var = 1/(y + a_w) + 1/(y' + a_w), z = delta / sqrt(var). The prior pulls rare words towards
    zero. With many terms some pass any fixed z by chance, so the threshold comes from the data:
    the relation labels are shuffled (--runs times, seeded) and the 95th percentile of each
    run's largest z is the relation's threshold; "clears" marks the terms above it. int and
    speakers count the interviews and speakers a term's uses come from; a flag names the one
    speaker, interview or municipality that gave at least 75 % of them. Terms are lemmas of
    nouns, proper nouns, adjectives and verbs from the Norwegian pipeline (stop words and
    punctuation dropped) plus multi-word noun chunks when the pipeline parses.
    """
    from coder.analysis.terms import simple_analyzer
    from coder.services import synthesis

    fmt = _format(fmt, as_json)
    store = state(ctx).store()
    result = synthesis.term_analysis(
        store,
        relation=relation,
        top=top,
        status=status,
        coder=coder,
        prior_scale=prior,
        analyzer=simple_analyzer if simple else None,
        pseudonymiser=synthesis.build_pseudonymiser(store, use_ner=False) if pseudonymise else None,
        runs=runs,
        seed=seed,
        shuffle=shuffle,
        min_interviews=min_interviews,
        include_interviewer=include_interviewer,
    )
    null = result.null
    if fmt == "json":
        print_json(
            {
                **{rel: [asdict(t) for t in items] for rel, items in result.terms.items()},
                "_meta": {
                    "segments": result.segments,
                    "null": None if null is None else {**asdict(null), "description": null.describe()},
                },
            }
        )
        return
    for rel, items in result.terms.items():
        limit = f", threshold z > {null.thresholds[rel]:.2f}" if null is not None else ""
        table = Table(
            "term", "z", "clears", "delta", "here", "elsewhere", "int", "speakers", "mostly one",
            title=f"Distinctive terms: {rel} ({result.segments.get(rel, 0)} segments{limit})",
        )  # fmt: skip
        for t in items:
            flag = f"{t.concentrated} {t.top_share:.0%}" if t.concentrated else ""
            table.add_row(
                t.term, f"{t.z:.2f}", "yes" if t.clears else "", f"{t.delta:.3f}", str(t.count),
                str(t.rest), str(t.interviews), str(t.speakers), flag,
            )  # fmt: skip
        console.print(table)
    if null is not None:
        console.print(f"[dim]{null.describe()}[/]", highlight=False)


@app.command("quotes")
def quotes_cmd(
    ctx: typer.Context,
    relation: str | None = typer.Option(
        None, "--relation", help="politicians, ceo, units or none."
    ),
    code: str | None = typer.Option(None, "--code", help="A code and everything below it."),
    case: str | None = typer.Option(None, "--case", help="Only this municipality."),
    role: str | None = typer.Option(None, "--role", help="Only this role group."),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    level: str | None = typer.Option(
        None, "--level", help="Group quotes by section/question/item instead of their own code."
    ),
    per_code: int | None = typer.Option(None, "--per-code", help="At most n quotes per code."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="docx, md, csv or xlsx (default: the output's extension)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Output file (md and csv may go to standard output)."
    ),
    pseudonymise: bool = typer.Option(
        False, "--pseudonymise", help="Replace person names by role labels or [Person n]."
    ),
    key: Path | None = typer.Option(
        None, "--key", help="Also write the pseudonym key (JSON, 0600) to this separate file."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    no_ner: bool = typer.Option(
        False, "--no-ner", help="Pseudonymise by participant lists and name rules only."
    ),
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
    balance: bool = typer.Option(
        True, "--balance/--no-balance", help="Spread quotes over municipalities, interviews, speakers."
    ),
) -> None:
    """Export ranked quotes grouped by relation and code, with municipality, role group,
    transcript, segment position and segment id.

    Ranking: accepted first, then by score (hand-made codings count as 1.0), then readable length
    (80-600 characters), then document order. Balance (default): within each code every
    municipality gives its best quote before any gives a second, within a municipality every
    interview, within an interview every speaker; --no-balance keeps the plain ranking.
    Interviewer turns are left out unless --include-interviewer."""
    from coder.services import synthesis

    store = state(ctx).store()
    kind = (fmt or (output.suffix.lstrip(".") if output else "md")).lower()
    if output is None:
        if kind not in ("md", "csv"):
            raise UsageError(f"--format {kind} needs --output")
        if key is not None:
            raise UsageError("--key needs --output")
        from coder.export.quotes import quotes_csv, quotes_markdown

        items = synthesis.quotes(
            store, relation=relation, code=code, case=case, role=role, status=status,
            coder=coder, per_code=per_code, level=level, include_interviewer=include_interviewer,
            balance=balance,
        )  # fmt: skip
        if pseudonymise:
            ps = synthesis.build_pseudonymiser(
                store, ner_texts=[synthesis.quote_scope(q) for q in items], use_ner=not no_ner
            )
            items = [synthesis.pseudonymise_quote(q, ps) for q in items]
        typer.echo(quotes_markdown(items) if kind == "md" else quotes_csv(items), nl=False)
        return
    with err_console.status("exporting quotes", spinner="dots"):
        result = synthesis.export_quotes(
            store, output, kind, relation=relation, code=code, case=case, role=role,
            status=status, coder=coder, per_code=per_code, level=level,
            pseudonymise=pseudonymise, key_path=key, force=force, use_ner=not no_ner,
            include_interviewer=include_interviewer, balance=balance,
        )  # fmt: skip
    console.print(f"wrote {result.quotes} quotes to {result.path}", highlight=False)
    if result.key_path:
        console.print(f"wrote the pseudonym key ({result.pseudonyms} names) to {result.key_path}")


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help="The .docx file to write."),
    pseudonymise: bool = typer.Option(
        False, "--pseudonymise", help="Replace person names by role labels or [Person n]."
    ),
    key: Path | None = typer.Option(None, "--key", help="Write the pseudonym key here (0600)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    level: str = typer.Option("question", "--level", help=_LEVEL_HELP),
    status: str = typer.Option("accepted", "--status", help=_STATUS_HELP),
    coder: str | None = typer.Option(None, "--coder", help="Only this coder's codings."),
    quotes_per_code: int = typer.Option(3, "--quotes-per-code", help="Quotes per code."),
    top_terms: int = typer.Option(15, "--top-terms", help="Distinctive terms per relation."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Pseudonymise without the NER."),
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help=_UNIT_HELP),
) -> None:
    """A Word report with one chapter per relation: summary table, chart of codes by
    municipality, distinctive terms, and quotes with attribution."""
    from coder.services import synthesis

    with err_console.status("building the report", spinner="dots"):
        result = synthesis.export_report(
            state(ctx).store(), output, pseudonymise=pseudonymise, key_path=key, force=force,
            level=level, status=status, coder=coder, quotes_per_code=quotes_per_code,
            top_terms=top_terms, use_ner=not no_ner, include_interviewer=include_interviewer,
        )  # fmt: skip
    console.print(f"wrote the report ({result.quotes} quotes) to {result.path}", highlight=False)
    if result.key_path:
        console.print(f"wrote the pseudonym key ({result.pseudonyms} names) to {result.key_path}")


def _register_under_export() -> None:
    """`coder export quotes` and `coder export report` are the same commands as the top-level ones."""
    from coder.cli.export_group import export_app

    export_app.command("quotes")(quotes_cmd)
    export_app.command("report")(report_cmd)


_register_under_export()
