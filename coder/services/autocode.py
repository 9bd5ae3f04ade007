"""Tagging use cases: suggestions for a transcript, storing them (autocode), learning from decisions.

Suggestions belong to the project: they are stored as codings with status and origin `suggested`
of the reserved coder `domain.PROJECT`, whoever runs autocode, so every coder sees each one until
they decide it themselves; decided (accepted, rejected) and manual codings are never touched. Work is committed per batch
of segments, so an interrupted run keeps what it did and a rerun completes the rest; a
transcript finished under the same model and settings is skipped on the next run.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from coder.codebook.model import Codebook
from coder.domain import PROJECT, CodeKind, CodingOrigin, CodingStatus, Relation
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.models import Coding, Segment
from coder.store.transcripts import TranscriptRepo
from coder.tagging.learn import Example, LearnedModel, evidence_terms, train
from coder.tagging.lexicon import doc_words
from coder.tagging.pipeline import Pipeline, load_pipeline
from coder.tagging.relations import RELATION_COEFFICIENTS
from coder.tagging.suggest import (
    TAGGER_VERSION,
    SegmentInput,
    SegmentSuggestions,
    Suggester,
    features,
)

MODEL_KEY = "tagging.model"
DONE_KEY = "tagging.autocoded.{coder}.{transcript}"
BATCH = 50  # segments per commit
MAX_CODES = 5  # code suggestions stored per segment by default (see tagging-eval's "stored")
RELATION_MIN = 0.2  # a segment relation weaker than this is not stored on its codings
ProgressFn = Callable[[int, int, str], None]  # segments done, segments total, transcript name
Cancel = threading.Event | Callable[[], bool]


@dataclass(frozen=True, slots=True)
class AutocodeReport:
    transcripts: int = 0
    skipped_transcripts: int = 0  # already autocoded under the same model and settings
    segments: int = 0
    stored: int = 0  # suggestions added or updated
    unchanged: int = 0
    kept_decided: int = 0  # suggestions not stored because the coder already decided them
    removed: int = 0  # stale pending suggestions no longer proposed
    cancelled: bool = False
    pipeline: str = ""


@dataclass(frozen=True, slots=True)
class LearnReport:
    examples: int
    codes: int
    relations: int
    terms: int
    pipeline: str
    code_counts: dict[str, int] = field(default_factory=dict)


def _is_cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def load_model(store: Store) -> LearnedModel | None:
    """The model learned from this project's decisions, or None before `coder learn`."""
    with store.session() as s:
        raw = CodeRepo(s).setting(MODEL_KEY)
    if not raw:
        return None
    try:
        return LearnedModel.from_json(raw)
    except (ValueError, KeyError, TypeError):
        return None


def project_codebook(store: Store) -> Codebook:
    from coder.services.codebook import project_codebook as _pc

    return _pc(store)


def build_suggester(
    store: Store,
    *,
    pipeline: Pipeline | None = None,
    embeddings: bool = False,
    learned: bool = True,
) -> tuple[Suggester, Pipeline]:
    """A suggester for this project: its codebook, its learned model, the tagging pipeline."""
    pipe = pipeline or load_pipeline()
    embedder = None
    if embeddings:
        from coder.tagging.embeddings import E5Embedder

        embedder = E5Embedder()
    model = load_model(store) if learned else None
    return Suggester(project_codebook(store), pipe.nlp, model=model, embedder=embedder), pipe


def _inputs(store: Store, transcript_id: int) -> tuple[str, list[SegmentInput]]:
    with store.session() as s:
        repo = TranscriptRepo(s)
        info = repo.get(transcript_id)
        segs = repo.segments(transcript_id)
    return info.source_name, [
        SegmentInput(seg.text, seg.start, seg.end, seg.speaker, seg.role_group, seg.id)
        for seg in segs
    ]


def suggest_transcript(
    store: Store,
    transcript_id: int,
    top: int | None = None,
    *,
    suggester: Suggester | None = None,
) -> list[SegmentSuggestions]:
    """Suggestions for every segment of an imported transcript (nothing is stored)."""
    if suggester is None:
        suggester, _ = build_suggester(store)
    _, inputs = _inputs(store, transcript_id)
    return suggester.suggest(inputs, top=top)


def _fingerprint(suggester: Suggester, min_score: float, max_codes: int = MAX_CODES) -> str:
    h = hashlib.sha256()
    h.update(TAGGER_VERSION.encode())  # a new tagger re-suggests on the next run
    coef = suggester.relation_coefficients or RELATION_COEFFICIENTS
    h.update(",".join(f"{k}={v}" for k, v in sorted(coef.items())).encode())
    h.update(suggester.codebook.version.encode())
    h.update(",".join(suggester.code_ids).encode())
    h.update(f"{min_score:.4f}".encode())
    h.update(f"max{max_codes}".encode())
    h.update(b"emb" if suggester.embedder is not None else b"-")
    if suggester.model is not None:
        h.update(suggester.model.to_json().encode())
    return h.hexdigest()[:16]


def _relation_code(codebook: Codebook, rel: Relation) -> str | None:
    code = codebook.code_for_relation(rel)
    return code.id if code is not None else None


def _store_batch(
    store: Store,
    coder: str,
    suggester: Suggester,
    batch: Sequence[SegmentSuggestions],
    min_score: float,
    max_codes: int = 0,
) -> tuple[int, int, int, int]:
    """Upsert one batch in one transaction: (stored, unchanged, kept_decided, removed)."""
    stored = unchanged = kept = removed = 0
    known = set(suggester.codebook.ids())
    with store.session() as s:
        repo = CodingRepo(s)
        for sug in batch:
            if sug.segment_id is None:
                continue
            wanted: dict[str, tuple[float, tuple[str, ...], Relation | None]] = {}
            seg_rel = sug.relations[0] if sug.relations else None
            relation = seg_rel.relation if seg_rel and seg_rel.score >= RELATION_MIN else None
            for c in sug.codes[:max_codes] if max_codes else sug.codes:
                if c.score >= min_score and c.code in known:
                    wanted[c.code] = (c.score, c.evidence, relation or c.relation)
            if relation is not None and seg_rel is not None and seg_rel.score >= min_score:
                rel_code = _relation_code(suggester.codebook, relation)
                if rel_code is not None:
                    wanted[rel_code] = (seg_rel.score, seg_rel.evidence, relation)
            for code, (score, evidence, rel) in wanted.items():
                row, changed = repo.upsert_suggestion(
                    sug.segment_id, code, coder, score=score, evidence=evidence, relation=rel
                )
                if changed:
                    stored += 1
                elif (
                    row.status != CodingStatus.SUGGESTED.value
                    or row.origin != CodingOrigin.SUGGESTED.value
                ):
                    kept += 1
                else:
                    unchanged += 1
            stale = s.scalars(
                select(Coding).where(
                    Coding.segment_id == sug.segment_id,
                    Coding.coder == coder,
                    Coding.status == CodingStatus.SUGGESTED.value,
                    Coding.origin == CodingOrigin.SUGGESTED.value,
                    Coding.span_key == "",
                    Coding.code_id.not_in(list(wanted) or [""]),
                )
            ).all()
            for row in stale:
                s.delete(row)
                removed += 1
    return stored, unchanged, kept, removed


def _add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def autocode(
    store: Store,
    coder: str,
    transcript_ids: Iterable[int] | None = None,
    *,
    min_score: float = 0.3,
    max_codes: int = 0,
    progress: ProgressFn | None = None,
    cancel: Cancel | None = None,
    suggester: Suggester | None = None,
    force: bool = False,
    batch_size: int = BATCH,
) -> AutocodeReport:
    """Store suggestions for the given transcripts (all current ones when None).

    At most `max_codes` code suggestions are stored per segment (the best ones scoring at
    least `min_score`; 0 means the default, MAX_CODES): more is clutter to review.
    Idempotent; commits every `batch_size` segments; checks `cancel` between segments and
    stops cleanly (what was committed stays). Transcripts already autocoded with the same
    model and settings are skipped unless `force`.
    """
    pipe_name = ""
    if suggester is None:
        suggester, pipe = build_suggester(store)
        pipe_name = pipe.name
    if transcript_ids is None:
        with store.session() as s:
            ids = [t.id for t in TranscriptRepo(s).list_transcripts()]
    else:
        ids = list(dict.fromkeys(transcript_ids))
    max_codes = MAX_CODES if max_codes == 0 else max_codes
    fingerprint = _fingerprint(suggester, min_score, max_codes)
    todo: list[tuple[int, str, list[SegmentInput]]] = []
    skipped = 0
    with store.session() as s:
        codes = CodeRepo(s)
        for tid in ids:
            TranscriptRepo(s).get(tid)  # NotFoundError for unknown ids, before any work
            if (
                not force
                and codes.setting(DONE_KEY.format(coder=PROJECT, transcript=tid)) == fingerprint
            ):
                skipped += 1
                continue
            todo.append((tid, "", []))
    # Segments are read one transcript at a time, so memory stays flat on large projects.
    with store.session() as s:
        repo = TranscriptRepo(s)
        total = sum(repo.get(tid).segment_count for tid, _, _ in todo)
    done = 0
    counts = (0, 0, 0, 0)
    cancelled = False
    transcripts = 0
    for tid, _, _ in todo:
        name, inputs = _inputs(store, tid)
        batch: list[SegmentSuggestions] = []
        last = -1
        for sug in suggester.iter_suggest(inputs, cancelled=lambda: _is_cancelled(cancel)):
            batch.append(sug)
            last = sug.index
            done += 1
            if len(batch) >= batch_size:
                counts = _add(
                    counts, _store_batch(store, PROJECT, suggester, batch, min_score, max_codes)
                )
                batch = []
            if progress is not None:
                progress(done, total, name)
            if _is_cancelled(cancel):
                break
        if batch:
            counts = _add(
                counts, _store_batch(store, PROJECT, suggester, batch, min_score, max_codes)
            )
        if last == len(inputs) - 1:
            with store.session() as s:
                CodeRepo(s).set_setting(DONE_KEY.format(coder=PROJECT, transcript=tid), fingerprint)
            transcripts += 1
        if _is_cancelled(cancel):
            cancelled = True
            break
    stored, unchanged, kept, removed = counts
    return AutocodeReport(
        transcripts=transcripts,
        skipped_transcripts=skipped,
        segments=done,
        stored=stored,
        unchanged=unchanged,
        kept_decided=kept,
        removed=removed,
        cancelled=cancelled,
        pipeline=pipe_name,
    )


def decided_examples(store: Store, suggester: Suggester) -> list[Example]:
    """Every segment someone decided on, as a learning example (all coders' decisions)."""
    rel_codes = {c.id: c.relation for c in suggester.codebook if c.kind is CodeKind.RELATION}
    with store.session() as s:
        rows = s.execute(
            select(Coding, Segment.transcript_id, Segment.start_offset, Segment.end_offset)
            .join(Segment, Coding.segment_id == Segment.id)
            .where(Coding.status.in_([CodingStatus.ACCEPTED.value, CodingStatus.REJECTED.value]))
            .order_by(Coding.segment_id, Coding.id)
        ).all()
        texts: dict[int, str] = {}
        repo = TranscriptRepo(s)
        spans: dict[int, tuple[int, int, int]] = {}
        decisions: dict[int, list[tuple[str, str, str, str | None, list[str]]]] = defaultdict(list)
        for coding, tid, start, end in rows:
            if tid not in texts:
                texts[tid] = repo.text(tid)
            spans[coding.segment_id] = (tid, start, end)
            decisions[coding.segment_id].append(
                (
                    coding.code_id,
                    coding.status,
                    coding.origin,
                    coding.relation,
                    list(coding.evidence or []),
                )
            )
    seg_ids = sorted(decisions)
    docs = suggester.nlp.pipe(
        (texts[spans[i][0]][spans[i][1] : spans[i][2]] for i in seg_ids), batch_size=64
    )
    examples: list[Example] = []
    for seg_id, doc in zip(seg_ids, docs, strict=True):
        feats = features(doc_words(doc), suggester.lexicon)
        accepted: set[str] = set()
        rejected: set[str] = set()
        relations: list[Relation] = []
        acc_terms: list[tuple[str, str]] = []
        rej_terms: list[tuple[str, str]] = []
        for code, status, origin, rel, evidence in decisions[seg_id]:
            if code in rel_codes:
                if status == CodingStatus.ACCEPTED.value and rel_codes[code] is not None:
                    relations.append(rel_codes[code])  # type: ignore[arg-type]
                continue
            terms = (
                [(code, t) for t in evidence_terms(evidence)]
                if origin == CodingOrigin.SUGGESTED.value
                else []
            )
            if status == CodingStatus.ACCEPTED.value:
                accepted.add(code)
                acc_terms.extend(terms)
                if rel:
                    relations.append(Relation(rel))
            else:
                rejected.add(code)
                rej_terms.extend(terms)
        relation = max(set(relations), key=relations.count) if relations else None
        examples.append(
            Example(
                feats,
                frozenset(accepted),
                frozenset(rejected - accepted),
                relation,
                tuple(acc_terms),
                tuple(rej_terms),
            )
        )
    return examples


def retrain(store: Store, *, pipeline: Pipeline | None = None) -> LearnReport:
    """Learn from every decision in the project and store the model in the project database."""
    suggester, pipe = build_suggester(store, pipeline=pipeline, learned=False)
    examples = decided_examples(store, suggester)
    model = train(examples)
    with store.session() as s:
        CodeRepo(s).set_setting(MODEL_KEY, model.to_json())
    return LearnReport(
        examples=model.examples,
        codes=sum(1 for p in model.codes.values() if p.n),
        relations=len(model.relations),
        terms=len(model.terms),
        pipeline=pipe.name,
        code_counts={c: p.n for c, p in sorted(model.codes.items()) if p.n},
    )


__all__ = [
    "AutocodeReport",
    "LearnReport",
    "autocode",
    "build_suggester",
    "load_model",
    "retrain",
    "suggest_transcript",
]
