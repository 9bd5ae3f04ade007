"""Agreement between coders in a project, disagreements, and settling them, on both backends."""

from __future__ import annotations

import pytest

from coder.domain import CodingStatus
from coder.errors import NotFoundError, UsageError
from coder.services import agreement, coding
from coder.services.catalog import segment_codings
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.team.conftest import TURNS, add_transcript


def _segment(store: Store, seg_id: int):  # type: ignore[no-untyped-def]
    with store.session() as s:
        return TranscriptRepo(s).segment(seg_id)


@pytest.fixture
def coded(team_store: Store) -> tuple[Store, list[int]]:
    """Anna and Bjørn code the same six segments; Anna alone codes a second transcript."""
    store = team_store
    segs = add_transcript(store)
    s4 = _segment(store, segs[4])
    for seg, code in [(1, "A1a"), (2, "A1b"), (3, "B5a"), (5, "REL.ceo")]:
        coding.code_segment(store, segs[seg], code, "anna")
    coding.code_segment(store, segs[4], "B5b", "anna", span=(s4.start, s4.start + 10))
    for seg, code in [(1, "A1a"), (2, "A1a"), (3, "B5a"), (4, "B5b"), (0, "A2")]:
        coding.code_segment(store, segs[seg], code, "bjorn")
    other = add_transcript(store, name="stord-1.txt", turns=TURNS[:3])
    coding.code_segment(store, other[1], "A1a", "anna")
    return store, segs


def test_question_level_matches_hand_computation(coded) -> None:  # type: ignore[no-untyped-def]
    store, segs = coded
    report = agreement.agreement(store, ["anna", "bjorn"], level="question")
    # Only the shared transcript counts: Bjørn never touched stord-1.
    assert [t.source_name for t in report.transcripts] == ["flora-1.txt"]
    by = {c.category: c for c in report.result.categories}
    assert sorted(by) == ["A1", "A2", "B5", "REL.ceo"]
    # A1: both code segments 1 and 2 (A1a/A1b roll up to A1): 6/6 agree, kappa 1.
    assert by["A1"].percent == 1.0 and by["A1"].kappa == pytest.approx(1.0)
    # A2: only Bjørn, on segment 0: p_o = 5/6, p_e = 0*(1/6) + 1*(5/6) = 5/6, kappa = 0.
    assert by["A2"].percent == pytest.approx(5 / 6) and by["A2"].kappa == pytest.approx(0.0)
    assert by["REL.ceo"].present == (1, 0)
    # Pooled over 4 categories x 6 segments = 24: both 4, only one 2, neither 18.
    # p_o = 22/24; p_e = (5/24)^2 + (19/24)^2 = 386/576; kappa = (528-386)/(576-386) = 142/190
    overall = report.result.overall
    assert overall.units == 24 and overall.agreed == 22
    assert overall.kappa == pytest.approx(142 / 190)
    # B5 spans: segment 3 whole by both; segment 4 whole (Bjørn) vs its first 10 chars (Anna).
    s3, s4 = _segment(store, segs[3]), _segment(store, segs[4])
    len3, len4 = s3.end - s3.start, s4.end - s4.start
    assert (by["B5"].chars_both, by["B5"].chars_any) == (len3 + 10, len3 + len4)
    assert report.labels["B5"] == "Samspill"


def test_item_level_and_code_filter(coded) -> None:  # type: ignore[no-untyped-def]
    store, _segs = coded
    items = agreement.agreement(store, ["anna", "bjorn"], level="item")
    by = {c.category: c for c in items.result.categories}
    # A1a: Anna {1}, Bjørn {1, 2}; A1b: Anna {2} only.
    assert by["A1a"].present == (1, 2) and by["A1b"].present == (1, 0)
    # --code B: only the B items are compared.
    only_b = agreement.agreement(store, ["anna", "bjorn"], level="item", code="B")
    assert [c.category for c in only_b.result.categories] == ["B5a", "B5b"]
    # --code B5a at question level: the code itself is the one category.
    one = agreement.agreement(store, ["anna", "bjorn"], level="question", code="B5a")
    assert [c.category for c in one.result.categories] == ["B5a"]
    assert one.result.categories[0].percent == 1.0
    # A code nobody used still gets a row (no agreement figures are invented).
    none = agreement.agreement(store, ["anna", "bjorn"], level="item", code="A1b")
    assert none.result.categories[0].present == (1, 0)


def test_bad_requests_are_user_errors(coded) -> None:  # type: ignore[no-untyped-def]
    store, _segs = coded
    with pytest.raises(UsageError):
        agreement.agreement(store, ["anna"])
    with pytest.raises(UsageError):
        agreement.agreement(store, ["anna", "anna"])
    with pytest.raises(UsageError):
        agreement.agreement(store, ["anna", "bjorn"], level="chapter")
    with pytest.raises(NotFoundError, match="B5A"):
        agreement.agreement(store, ["anna", "bjorn"], code="B5A")
    with pytest.raises(NotFoundError):
        agreement.agreement(store, ["anna", "bjorn"], transcript="nowhere")


def test_disagreements_and_settling_with_undo(coded) -> None:  # type: ignore[no-untyped-def]
    store, segs = coded
    found = agreement.list_disagreements(store, ["anna", "bjorn"], level="item")
    assert [d.segment.id for d in found] == [segs[0], segs[2], segs[5]]
    d2 = found[1]
    assert d2.categories == {"anna": ("A1b",), "bjorn": ("A1a",)}
    assert [c.code_id for c in d2.codings["bjorn"]] == ["A1a"]
    assert d2.segment.text.startswith("Før var det spredt")
    # Anna accepts Bjørn's side on segment 2: she gets A1a, her A1b is rejected, in one action.
    assert agreement.settle(store, segs[2], "bjorn", "anna", level="item") == 2
    mine = {c.code_id: c.status for c in segment_codings(store, segs[2], coder="anna")}
    assert mine == {"A1a": CodingStatus.ACCEPTED, "A1b": CodingStatus.REJECTED}
    after = agreement.list_disagreements(store, ["anna", "bjorn"], level="item")
    assert segs[2] not in [d.segment.id for d in after]
    assert agreement.settle(store, segs[2], "bjorn", "anna", level="item") == 0
    assert coding.undo(store, "anna") == "settle"
    mine = {c.code_id: c.status for c in segment_codings(store, segs[2], coder="anna")}
    assert mine == {"A1b": CodingStatus.ACCEPTED}
    # A third person can settle too: their codings become the agreed version.
    agreement.settle(store, segs[0], "bjorn", "consensus", level="item")
    assert [c.code_id for c in segment_codings(store, segs[0], coder="consensus")] == ["A2"]
