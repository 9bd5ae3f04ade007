"""Autocode on both backends: idempotent, never touches decided codings, resumable after cancel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from coder.codebook.model import Codebook
from coder.domain import PROJECT, CodingOrigin, CodingStatus
from coder.services.autocode import (
    autocode,
    load_model,
    project_codebook,
    retrain,
    suggest_transcript,
)
from coder.services.coding import accept_suggestion, code_segment, reject_suggestion
from coder.store.db import Store
from coder.store.models import Coding
from coder.store.transcripts import TranscriptRepo
from coder.tagging.suggest import Suggester
from tests.factories import make_draft

TURNS = [
    ("Intervjuer", "Hvordan fungerer samspillet mellom politikerne og stab/støtte?"),
    ("Ordfører", "Vi i formannskapet får gode saksframlegg fra økonomiavdelingen."),
    ("Ordfører", "Men vi ringer ofte økonomisjefen direkte, ikke via rådmannen."),
    ("Intervjuer", "Hvor mange årsverk er det i stab og støtte?"),
    ("Økonomisjef", "Rundt førti årsverk, og det ble kuttet i fjor."),
    ("Rådmann", "Ledergruppa trenger styringsinformasjon fra økonomisjefen hver måned."),
    ("Rektor", "Som virksomhetsleder savner jeg hjelp fra personalavdelingen med lønn."),
]


@pytest.fixture
def project(store: Store, blank_nlp: Any) -> tuple[Store, int, Suggester]:
    with store.session() as s:
        repo = TranscriptRepo(s)
        row = repo.add_draft(make_draft(TURNS), repo.ensure_case("Flora").id)
        tid = row.id
    return store, tid, Suggester(project_codebook(store), blank_nlp)


def _codings(store: Store) -> list[Coding]:
    with store.session() as s:
        return list(s.scalars(select(Coding).order_by(Coding.id)).all())


def test_autocode_stores_suggestions_and_is_idempotent(
    project: tuple[Store, int, Suggester],
) -> None:
    store, tid, sugg = project
    first = autocode(store, "anna", [tid], suggester=sugg, min_score=0.3)
    assert first.stored > 0 and first.segments == len(TURNS) and not first.cancelled
    rows = _codings(store)
    assert rows and all(
        r.status == CodingStatus.SUGGESTED.value
        and r.origin == CodingOrigin.SUGGESTED.value
        and r.coder == PROJECT  # suggestions belong to the project, not to who ran autocode
        and r.score >= 0.3
        and r.evidence
        for r in rows
    )
    again = autocode(store, "anna", [tid], suggester=sugg, min_score=0.3)
    assert again.skipped_transcripts == 1 and again.stored == 0
    forced = autocode(store, "anna", [tid], suggester=sugg, min_score=0.3, force=True)
    assert forced.stored == 0 and forced.removed == 0 and forced.unchanged == len(rows)
    assert [(r.id, r.version) for r in _codings(store)] == [(r.id, r.version) for r in rows]


def test_interviewer_turns_get_only_the_guide_question_they_ask(
    project: tuple[Store, int, Suggester],
) -> None:
    """An interviewer turn is offered the guide question it asks (a structural code, its
    evidence the fuzzy match) and never a content code from lexicon words."""
    store, tid, sugg = project
    autocode(store, "anna", [tid], suggester=sugg)
    with store.session() as s:
        segs = TranscriptRepo(s).segments(tid)
    interviewer = {seg.id for seg in segs if seg.speaker == "Intervjuer"}
    rows = [r for r in _codings(store) if r.segment_id in interviewer]
    assert rows, "no interviewer turn was offered its guide question"
    for r in rows:
        assert r.evidence and all(e.startswith("question:") for e in r.evidence), (
            r.code_id,
            r.evidence,
        )


def test_decided_and_manual_codings_are_never_touched(
    project: tuple[Store, int, Suggester],
) -> None:
    store, tid, sugg = project
    autocode(store, "anna", [tid], suggester=sugg, min_score=0.2)
    rows = _codings(store)
    accepted, rejected = rows[0], rows[1]
    accept_suggestion(store, accepted.id, "anna")
    reject_suggestion(store, rejected.id, "anna")
    with store.session() as s:
        seg_id = TranscriptRepo(s).segments(tid)[4].id
    manual = code_segment(store, seg_id, "B6", "anna")
    before = {r.id: (r.status, r.origin, r.score, r.evidence, r.version) for r in _codings(store)}
    report = autocode(store, "anna", [tid], suggester=sugg, min_score=0.2, force=True)
    after = {r.id: (r.status, r.origin, r.score, r.evidence, r.version) for r in _codings(store)}
    for cid in (accepted.id, rejected.id, manual.id):
        assert after[cid] == before[cid]
    # Decisions are the coder's own rows beside the project's suggestions: both stay as they were.
    anna = {r.id: r.status for r in _codings(store) if r.coder == "anna"}
    assert sorted(anna.values()) == ["accepted", "accepted", "rejected"]
    assert report.removed == 0
    # a stricter threshold removes only pending suggestions
    autocode(store, "anna", [tid], suggester=sugg, min_score=0.95, force=True)
    left = {r.id: r for r in _codings(store)}
    assert {accepted.id, rejected.id, manual.id} <= set(left)
    assert all(r.status != CodingStatus.SUGGESTED.value or r.score >= 0.95 for r in left.values())


def test_cancel_keeps_work_and_rerun_completes(project: tuple[Store, int, Suggester]) -> None:
    store, tid, sugg = project
    seen: list[int] = []

    def progress(done: int, total: int, _name: str) -> None:
        seen.append(done)

    first = autocode(
        store,
        "anna",
        [tid],
        suggester=sugg,
        progress=progress,
        cancel=lambda: len(seen) >= 3,
        batch_size=2,
        min_score=0.2,
    )
    assert first.cancelled and first.segments == 3 and first.transcripts == 0
    partial = {r.segment_id for r in _codings(store)}
    assert partial  # committed before the stop
    full_run = autocode(store, "anna", [tid], suggester=sugg, min_score=0.2)
    assert not full_run.cancelled and full_run.transcripts == 1
    with store.session() as s:
        segs = TranscriptRepo(s).segments(tid)
    informants = {seg.id for seg in segs if seg.speaker != "Intervjuer"}
    rows = _codings(store)
    assert {r.segment_id for r in rows if r.segment_id in informants} == informants
    asked = [r for r in rows if r.segment_id not in informants]  # the guide question only
    assert all(e.startswith("question:") for r in asked for e in r.evidence)


def test_suggest_transcript_matches_file_suggestions(project: tuple[Store, int, Suggester]) -> None:
    store, tid, sugg = project
    out = suggest_transcript(store, tid, top=2, suggester=sugg)
    assert len(out) == len(TURNS)
    assert all(len(s.codes) <= 2 for s in out)
    assert out[0].question is not None and out[1].relation is not None
    assert all(s.segment_id is not None for s in out)


def test_learning_from_decisions_in_the_database(project: tuple[Store, int, Suggester]) -> None:
    store, tid, sugg = project
    assert load_model(store) is None
    autocode(store, "anna", [tid], suggester=sugg, min_score=0.2)
    rows = _codings(store)
    accept_suggestion(store, rows[0].id, "anna")
    reject_suggestion(store, rows[1].id, "anna")
    report = retrain(store)
    model = load_model(store)
    assert model is not None and report.examples >= 1 and model.examples == report.examples
    assert rows[0].code_id in model.codes and model.codes[rows[0].code_id].n >= 1


def test_autocode_stores_at_most_max_codes_per_segment(
    project: tuple[Store, int, Suggester],
) -> None:
    store, tid, sugg = project
    autocode(store, "anna", [tid], suggester=sugg, min_score=0.0, max_codes=2)
    rel_codes = {c.id for c in sugg.codebook if c.kind.value == "relation"}
    per_segment: dict[int, int] = {}
    for r in _codings(store):
        if r.code_id not in rel_codes:
            per_segment[r.segment_id] = per_segment.get(r.segment_id, 0) + 1
    assert per_segment and max(per_segment.values()) == 2
    # a wider cap is a different setting: the transcript is redone, not skipped
    wider = autocode(store, "anna", [tid], suggester=sugg, min_score=0.0, max_codes=4)
    assert wider.skipped_transcripts == 0 and wider.stored > 0
    counts: dict[int, int] = {}
    for r in _codings(store):
        if r.code_id not in rel_codes:
            counts[r.segment_id] = counts.get(r.segment_id, 0) + 1
    assert max(counts.values()) <= 4 and sum(counts.values()) > sum(per_segment.values())


def test_fingerprint_follows_the_tagger_and_its_relation_coefficients(
    codebook: Codebook, blank_nlp: Any
) -> None:
    """A new tagger or refitted coefficients must make autocode suggest again."""
    from coder.services.autocode import _fingerprint
    from coder.tagging.relations import RELATION_COEFFICIENTS

    plain = Suggester(codebook, blank_nlp)
    same = Suggester(codebook, blank_nlp, relation_coefficients=dict(RELATION_COEFFICIENTS))
    other = Suggester(
        codebook, blank_nlp, relation_coefficients={**RELATION_COEFFICIENTS, "speaker": 0.5}
    )
    assert _fingerprint(plain, 0.3) == _fingerprint(same, 0.3)
    assert _fingerprint(plain, 0.3) != _fingerprint(other, 0.3)
