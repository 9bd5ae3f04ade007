"""Synthesis use cases both faces call: summaries, contrasts, co-occurrence, terms, quotes, exports.

Queries run in one read session each; results are frozen dataclasses from coder.analysis. Exports
go through coder.export (atomic, 0600, no overwrite without force); with `pseudonymise` every
name in quotes, attributions and terms is replaced, and the key is written only where asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coder.analysis import facts as facts_mod
from coder.analysis.contrast import Contrast
from coder.analysis.contrast import contrast as _contrast
from coder.analysis.cooccur import CoPair
from coder.analysis.cooccur import cooccurrence as _cooccurrence
from coder.analysis.facts import RELATION_KEYS, statuses_for
from coder.analysis.quotes import Quote, relation_segments, select_quotes
from coder.analysis.summary import Summary, summarise
from coder.analysis.terms import (
    DEFAULT_PRIOR,
    DEFAULT_RUNS,
    DEFAULT_SEED,
    SHUFFLES,
    Analyzer,
    TermScore,
    TermsResult,
)
from coder.analysis.terms import term_analysis as term_analysis_core
from coder.codebook.model import Codebook
from coder.domain import RoleGroup
from coder.errors import ConflictError, UsageError
from coder.export.files import write_text_atomic
from coder.export.pseudonymise import (
    EntityFinder,
    ParticipantRef,
    Pseudonymiser,
    ScopedText,
    default_entity_finder,
)
from coder.services.codebook import project_codebook
from coder.store.db import Store
from coder.store.models import Case, Participant, Transcript
from coder.store.transcripts import TranscriptRepo

RELATIONS = RELATION_KEYS
TWO_LEVEL = ("Arendal", "Stord", "Flora", "Kongsvinger")


def _check_relation(relation: str | None) -> None:
    if relation is not None and relation not in (*RELATIONS, "none"):
        raise UsageError(
            f"relation must be one of {', '.join(RELATIONS)} or none, not {relation!r}"
        )


def _facts(
    store: Store, status: str, coder: str | None, include_interviewer: bool = False
) -> facts_mod.CodingFacts:
    statuses = statuses_for(status)
    with store.session() as s:
        return facts_mod.load_facts(
            s, statuses=statuses, coder=coder, include_interviewer=include_interviewer
        )


def summary(
    store: Store,
    *,
    level: str = "question",
    by: str = "relation",
    status: str = "accepted",
    coder: str | None = None,
    codebook: Codebook | None = None,
    include_interviewer: bool = False,
) -> Summary:
    """Relation x code cells at `level`, by relation only, or broken down by `case` or `role`."""
    cb = codebook or project_codebook(store)
    facts = _facts(store, status, coder, include_interviewer)
    return summarise(facts, cb, level=level, by=by, status=status)


def contrast(
    store: Store,
    group_a: Sequence[str],
    group_b: Sequence[str] | None = None,
    *,
    level: str = "question",
    status: str = "accepted",
    coder: str | None = None,
    include_interviewer: bool = False,
) -> Contrast:
    """Group A against group B (default: the two-level municipalities present in the project)."""
    with store.session() as s:
        repo = TranscriptRepo(s)
        for name in (*group_a, *(group_b or ())):
            repo.get_case(name)  # NotFoundError naming the known municipalities, as in quotes
    cb = project_codebook(store)
    facts = _facts(store, status, coder, include_interviewer)
    if group_b is None:
        known = {c.casefold() for c in facts.dims.cases}
        taken = {a.casefold() for a in group_a}
        group_b = [c for c in TWO_LEVEL if c.casefold() in known and c.casefold() not in taken]
        if not group_b:
            group_b = [c for c in facts.dims.cases if c.casefold() not in taken and c != "unknown"]
    return _contrast(facts, cb, tuple(group_a), tuple(group_b), level=level)


def cooccurrence(
    store: Store,
    *,
    level: str = "question",
    window: int = 0,
    relation: str | None = None,
    status: str = "accepted",
    coder: str | None = None,
    min_count: int = 1,
    include_interviewer: bool = False,
) -> list[CoPair]:
    _check_relation(relation)
    cb = project_codebook(store)
    return _cooccurrence(
        _facts(store, status, coder, include_interviewer),
        cb,
        level=level,
        window=window,
        relation=relation,
        min_count=min_count,
    )


def term_analysis(
    store: Store,
    *,
    relation: str | None = None,
    top: int = 20,
    status: str = "accepted",
    coder: str | None = None,
    analyzer: Analyzer | None = None,
    prior_scale: float | None = DEFAULT_PRIOR,
    pseudonymiser: Pseudonymiser | None = None,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    shuffle: str = "segments",
    min_interviews: int = 1,
    include_interviewer: bool = False,
) -> TermsResult:
    """Distinctive terms of each relation against the other two, with the shuffle threshold and
    where each term comes from (see coder.analysis.terms)."""
    _check_relation(relation)
    if shuffle not in SHUFFLES:
        raise UsageError(f"shuffle must be one of {', '.join(SHUFFLES)}, not {shuffle!r}")
    if runs < 0 or min_interviews < 1:
        raise UsageError("runs must be 0 or more and min-interviews 1 or more")
    cb = project_codebook(store)
    with store.session() as s:
        segments = relation_segments(
            s, cb, statuses=statuses_for(status), coder=coder,
            include_interviewer=include_interviewer,
        )  # fmt: skip
    segments = [x for x in segments if x.relation in RELATIONS]
    drop: set[str] = set()
    if pseudonymiser is not None:
        drop = {
            w.strip(".,;:!?«»\"'()")
            for x in segments
            for w in x.text.split()
            if w[:1].isupper() and pseudonymiser.is_name(w.strip(".,;:!?«»\"'()"))
        }
    result = term_analysis_core(
        segments, RELATIONS, analyzer=analyzer, top=top, prior_scale=prior_scale, drop=drop,
        runs=runs, seed=seed, shuffle=shuffle, min_interviews=min_interviews,
    )  # fmt: skip
    words = result.terms
    if pseudonymiser is not None:
        words = {
            g: [t for t in items if not any(pseudonymiser.is_name(w) for w in t.term.split())]
            for g, items in words.items()
        }
    if relation:
        words = {relation: words.get(relation, [])}
    return replace(result, terms=words)


def terms(store: Store, **kwargs: Any) -> dict[str, list[TermScore]]:
    """`term_analysis(store, **kwargs).terms`: the terms per relation, without the shuffle's
    description."""
    return term_analysis(store, **kwargs).terms


def quotes(
    store: Store,
    *,
    relation: str | None = None,
    code: str | None = None,
    case: str | None = None,
    role: str | None = None,
    status: str = "accepted",
    coder: str | None = None,
    per_code: int | None = None,
    limit: int | None = None,
    level: str | None = None,
    include_interviewer: bool = False,
    balance: bool = True,
) -> list[Quote]:
    """Ranked quotes grouped by (relation, code); `level` groups codes by their roll-up."""
    _check_relation(relation)
    if role is not None and role not in {g.value for g in RoleGroup}:
        known = ", ".join(g.value for g in RoleGroup)
        raise UsageError(f"unknown role group {role!r} (one of {known})")
    if case is not None:
        with store.session() as s:
            TranscriptRepo(s).get_case(case)  # NotFoundError naming the known municipalities
    cb = project_codebook(store)
    with store.session() as s:
        return select_quotes(
            s,
            cb,
            statuses=statuses_for(status),
            coder=coder,
            relation=relation,
            code=code,
            case=case,
            role=role,
            per_code=per_code,
            limit=limit,
            group_level=level,
            include_interviewer=include_interviewer,
            balance=balance,
        )


# -- pseudonymisation -----------------------------------------------------------------------
def build_pseudonymiser(
    store: Store,
    *,
    ner_texts: Sequence[str | ScopedText] = (),
    entities: EntityFinder | None = None,
    use_ner: bool = True,
) -> Pseudonymiser:
    """A pseudonymiser over the whole project: all participants and all current transcripts,
    each with its transcript and municipality, so that names resolve in their own scope.

    PER entities come from the Norwegian pipeline (over `ner_texts`, the texts being exported)
    unless `use_ner` is off or no pipeline is installed; the name rules run over every transcript.
    """
    with store.session() as s:
        current = select(Transcript.id).where(Transcript.retired_at.is_(None))
        parts = s.execute(
            select(
                Participant.id,
                Participant.label,
                Participant.display_name,
                Participant.role_group,
                Case.name,
                Participant.transcript_id,
            )
            .join(Transcript, Transcript.id == Participant.transcript_id)
            .outerjoin(Case, Case.id == Transcript.case_id)
            .where(Participant.transcript_id.in_(current))
        ).all()
        corpus = [
            ScopedText(f"{title}\n{text}", tid, case)
            for tid, title, text, case in s.execute(
                select(Transcript.id, Transcript.title, Transcript.text, Case.name)
                .outerjoin(Case, Case.id == Transcript.case_id)
                .where(Transcript.retired_at.is_(None))
            ).all()
        ]
    finder = entities if entities is not None else (default_entity_finder() if use_ner else None)
    refs = [
        ParticipantRef(pid, label, name, group, case, tid)
        for pid, label, name, group, case, tid in parts
    ]
    return Pseudonymiser(refs, corpus, entities=finder, ner_texts=list(ner_texts))


def quote_scope(q: Quote) -> ScopedText:
    """A quote's text in its scope (transcript and municipality), for the NER pass."""
    return ScopedText(q.text, q.transcript_id, q.case)


def pseudonymise_quote(q: Quote, ps: Pseudonymiser) -> Quote:
    """The quote with names replaced in its own transcript's and municipality's scope."""
    scope = {"transcript": q.transcript_id, "case": q.case}
    return replace(
        q,
        text=ps.text(q.text, **scope),
        speaker_label=ps.participant(q.participant_id)
        or (ps.text(q.speaker_label, **scope) if q.speaker_label else None),
        speaker_name=None,
        transcript_title=ps.text(q.transcript_title, **scope),
        source_name=ps.filename(q.source_name),
    )


def write_key(ps: Pseudonymiser, key_path: Path | str, *, force: bool = False) -> Path:
    """The key (pseudonym -> real name) as JSON, owner-only, never inside an export."""
    return write_text_atomic(
        key_path, json.dumps(ps.key(), ensure_ascii=False, indent=2) + "\n", force=force
    )


def _check_key_path(
    output: Path | str, key_path: Path | str | None, pseudonymise: bool, force: bool
) -> None:
    """Refuse a bad key path before anything is written, so no export is left without its key."""
    if not force and Path(output).exists():
        raise ConflictError("exists already (use --force to overwrite)", path=output)
    if key_path is None:
        return
    if not pseudonymise:
        raise UsageError("--key needs --pseudonymise")
    if Path(key_path).resolve() == Path(output).resolve():
        raise UsageError("the key must be written to another file than the export")
    if not force and Path(key_path).exists():
        raise ConflictError("exists already (use --force to overwrite)", path=key_path)


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    quotes: int
    key_path: Path | None = None
    pseudonyms: int = 0


def export_quotes(
    store: Store,
    output: Path | str,
    fmt: str | None = None,
    *,
    relation: str | None = None,
    code: str | None = None,
    case: str | None = None,
    role: str | None = None,
    status: str = "accepted",
    coder: str | None = None,
    per_code: int | None = None,
    level: str | None = None,
    pseudonymise: bool = False,
    key_path: Path | str | None = None,
    force: bool = False,
    selected: Sequence[Quote] | None = None,
    entities: EntityFinder | None = None,
    use_ner: bool = True,
    include_interviewer: bool = False,
    balance: bool = True,
) -> ExportResult:
    """Select (or take `selected`, e.g. a TUI basket), optionally pseudonymise, and write quotes."""
    from coder.export.quotes import write_quotes

    _check_key_path(output, key_path, pseudonymise, force)
    items = (
        list(selected)
        if selected is not None
        else quotes(
            store,
            relation=relation,
            code=code,
            case=case,
            role=role,
            status=status,
            coder=coder,
            per_code=per_code,
            level=level,
            include_interviewer=include_interviewer,
            balance=balance,
        )
    )
    ps = None
    if pseudonymise:
        ps = build_pseudonymiser(
            store, ner_texts=[quote_scope(q) for q in items], entities=entities, use_ner=use_ner
        )
        items = [pseudonymise_quote(q, ps) for q in items]
    path = write_quotes(items, output, fmt, force=force)
    key_written = write_key(ps, key_path, force=force) if ps is not None and key_path else None
    return ExportResult(path, len(items), key_written, len(ps.key()) if ps else 0)


def export_report(
    store: Store,
    output: Path | str,
    *,
    pseudonymise: bool = False,
    key_path: Path | str | None = None,
    force: bool = False,
    level: str = "question",
    status: str = "accepted",
    coder: str | None = None,
    quotes_per_code: int = 3,
    top_terms: int = 15,
    analyzer: Analyzer | None = None,
    entities: EntityFinder | None = None,
    use_ner: bool = True,
    title: str = "Stab og støtte: funn per relasjon",
    include_interviewer: bool = False,
) -> ExportResult:
    """The Word report: per relation a summary table, a chart, distinctive terms and quotes."""
    from coder.export.report import Chapter, ReportData, write_report

    _check_key_path(output, key_path, pseudonymise, force)
    cb = project_codebook(store)
    facts = _facts(store, status, coder, include_interviewer)
    totals = summarise(facts, cb, level=level, by="relation", status=status)
    by_case = summarise(facts, cb, level=level, by="case", status=status)
    picked = quotes(
        store, status=status, coder=coder, per_code=quotes_per_code, level=level,
        include_interviewer=include_interviewer,
    )  # fmt: skip
    ps = None
    if pseudonymise:
        ps = build_pseudonymiser(
            store, ner_texts=[quote_scope(q) for q in picked], entities=entities, use_ner=use_ner
        )
        picked = [pseudonymise_quote(q, ps) for q in picked]
    words = terms(
        store, top=top_terms, status=status, coder=coder, analyzer=analyzer, pseudonymiser=ps,
        include_interviewer=include_interviewer,
    )  # fmt: skip
    chapters = tuple(
        Chapter(
            relation=rel,
            summary=totals.relations[rel],
            by_case=by_case.relations[rel],
            cases=by_case.columns,
            terms=tuple(words.get(rel, [])),
            quotes=tuple(q for q in picked if q.relation == rel),
        )
        for rel in RELATIONS
    )
    data = ReportData(
        title=title,
        level=level,
        status=status,
        coder=coder,
        pseudonymised=pseudonymise,
        chapters=chapters,
    )
    path = write_report(data, output, force=force)
    key_written = write_key(ps, key_path, force=force) if ps is not None and key_path else None
    return ExportResult(
        path, sum(len(c.quotes) for c in chapters), key_written, len(ps.key()) if ps else 0
    )
