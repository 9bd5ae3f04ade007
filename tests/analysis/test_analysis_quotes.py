"""Which quotes are picked, and in what order."""

from __future__ import annotations

from coder.analysis.quotes import length_penalty
from coder.services import synthesis


def test_quotes_ranked_and_grouped(project_store) -> None:  # type: ignore[no-untyped-def]
    qs = synthesis.quotes(project_store, status="all", code="C14")
    # Both C14 quotes and the C14a suggestion, grouped under C14; accepted ones first.
    assert [q.group_code for q in qs] == ["C14", "C14", "C14"]
    assert [q.status for q in qs] == ["accepted", "accepted", "suggested"]
    assert qs[-1].score == 0.9
    assert all(q.relation == "ceo" for q in qs)


def test_quote_filters(project_store) -> None:  # type: ignore[no-untyped-def]
    units = synthesis.quotes(project_store, relation="units")
    assert {q.case for q in units} == {"Hamar"}
    # A segment appears once per code even when two coders coded it.
    assert len([q for q in units if q.code_id == "C15a"]) == 2
    flora = synthesis.quotes(project_store, case="flora")
    assert {q.case for q in flora} == {"Flora"}
    ceo_role = synthesis.quotes(project_store, role="ceo_level")
    assert {q.role_group for q in ceo_role} == {"ceo_level"}
    rolled = synthesis.quotes(project_store, relation="units", level="question")
    assert {q.group_code for q in rolled} == {"C15"}
    assert len(rolled) == 2  # H1#1 and H1#3, once each
    assert len(synthesis.quotes(project_store, per_code=1, level="question")) == 5
    assert synthesis.quotes(project_store, status="all", relation="units", code="C13") == []


def test_interviewer_turns_are_never_quoted(project_store) -> None:  # type: ignore[no-untyped-def]
    assert all(q.role_group != "interviewer" for q in synthesis.quotes(project_store, status="all"))


def test_attribution_names_place_role_transcript_segment(project_store) -> None:  # type: ignore[no-untyped-def]
    q = synthesis.quotes(project_store, relation="ceo")[0]
    line = q.attribution()
    assert q.case in line and q.role_group in line and q.transcript_title in line
    assert f"segment {q.ordinal}" in line
    # The id `coder code` and `coder accept` take, beside the position in the transcript.
    assert f"segment {q.ordinal} (id {q.segment_id})" in line


def test_length_penalty() -> None:
    assert length_penalty(100) == 0
    assert length_penalty(30) == 50
    assert length_penalty(700) == 100


def test_unknown_filters_are_errors(project_store) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from coder.errors import NotFoundError, UsageError

    with pytest.raises(NotFoundError, match="Hamar"):
        synthesis.quotes(project_store, case="Bergen")
    with pytest.raises(UsageError):
        synthesis.quotes(project_store, role="mayor")
    with pytest.raises(UsageError):
        synthesis.quotes(project_store, relation="council")


def test_quotes_balanced_across_municipalities_interviews_and_speakers(store) -> None:  # type: ignore[no-untyped-def]
    # Finding: one interview supplied a third of all top quotes. Hamar's two interviews each
    # carry C13a on five turns and rank first; Arendal and Flora carry it once.
    from tests.analysis.test_analysis_contrast_inference import build

    build(store, {"H1": 5, "H2": 5, "Arendal1": 1, "Flora1": 1}, {})
    ranked = synthesis.quotes(store, code="C13a", per_code=3, balance=False)
    assert [q.transcript_title for q in ranked] == ["H1", "H1", "H1"]
    balanced = synthesis.quotes(store, code="C13a", per_code=4)
    # Each municipality before any twice; then a second Hamar interview, not H1 again.
    assert [q.transcript_title for q in balanced] == ["H1", "Arendal1", "Flora1", "H2"]
    everything = synthesis.quotes(store, code="C13a")
    assert len(everything) == 12 and everything[:3] == balanced[:3]
