"""A queue per coder: suggestions belong to the project, decisions to the coder (issue 23)."""

from __future__ import annotations

from coder.domain import PROJECT, CodingMode, Relation
from coder.services import coding
from coder.services.catalog import transcript_progress
from coder.services.workspace import coding_view, pending_for, set_coding_mode
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft


def _project(store: Store) -> tuple[int, list[int], list[int]]:
    with store.session() as s:
        repo = TranscriptRepo(s)
        row = repo.add_draft(make_draft(SAMPLE_TURNS), repo.ensure_case("Flora").id)
        tid = row.id
    with store.session() as s:
        segs = [seg.id for seg in TranscriptRepo(s).segments(tid)]
    ids = []
    for seg, code in ((segs[1], "C13"), (segs[2], "C14")):
        with store.session() as s:
            row, _ = CodingRepo(s).upsert_suggestion(
                seg, code, PROJECT, score=0.8, evidence=["x"], relation=Relation.CEO
            )
            s.flush()
            ids.append(row.id)
    return tid, segs, ids


def _pending(store: Store, tid: int, coder: str) -> int:
    return next(p.pending for p in transcript_progress(store, coder=coder) if p.transcript.id == tid)


def test_one_coders_decision_leaves_the_others_queue_alone(store: Store) -> None:
    tid, _segs, (s1, s2) = _project(store)
    assert _pending(store, tid, "anna") == _pending(store, tid, "bjorn") == 2
    coding.accept_suggestion(store, s1, "anna")
    coding.reject_suggestion(store, s2, "anna")
    assert _pending(store, tid, "anna") == 0
    assert _pending(store, tid, "bjorn") == 2  # he still sees both, undecided
    view = coding_view(store, tid, coder="bjorn")
    assert sum(len(pending_for(cs, "bjorn")) for cs in view.codings.values()) == 2
    # accept-above takes only what is in his own queue, as his own decisions
    assert coding.accept_suggestions_above(store, tid, 0.5, "bjorn") == 2
    assert _pending(store, tid, "bjorn") == 0
    with store.session() as s:
        rows = CodingRepo(s).for_transcript(tid)
    assert sorted((c.coder, c.status.value) for c in rows) == [
        ("", "suggested"),
        ("", "suggested"),
        ("anna", "accepted"),
        ("anna", "rejected"),
        ("bjorn", "accepted"),
        ("bjorn", "accepted"),
    ]


def test_blind_mode_hides_others_decisions_until_both_have_finished(store: Store) -> None:
    tid, _segs, (s1, s2) = _project(store)
    set_coding_mode(store, CodingMode.BLIND)
    coding.accept_suggestion(store, s1, "anna")
    coding.accept_suggestion(store, s2, "anna")
    view = coding_view(store, tid, coder="bjorn")
    assert view.hidden == frozenset({"anna"})
    assert all(c.coder != "anna" for cs in view.codings.values() for c in cs)
    coding.reject_suggestion(store, s1, "bjorn")
    assert "anna" in coding_view(store, tid, coder="bjorn").hidden  # he is not finished yet
    coding.accept_suggestion(store, s2, "bjorn")
    view = coding_view(store, tid, coder="bjorn")
    assert view.hidden == frozenset()
    assert any(c.coder == "anna" for cs in view.codings.values() for c in cs)
    # open coding shows everyone's decisions at once
    set_coding_mode(store, CodingMode.OPEN)
    coding.undo(store, "bjorn")
    assert coding_view(store, tid, coder="bjorn").hidden == frozenset()
