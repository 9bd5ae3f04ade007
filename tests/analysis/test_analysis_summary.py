"""Summary counts on a small hand-built project, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from coder.errors import UsageError
from coder.services import synthesis
from tests.analysis.analysis_project import build_project


def _cell(summary, relation: str, code: str) -> tuple[int, int, int, int, int]:  # type: ignore[no-untyped-def]
    c = summary.cell(relation, code)
    return (c.codings, c.segments, c.transcripts, c.municipalities, c.speakers)


def test_question_level_accepted(project_store) -> None:  # type: ignore[no-untyped-def]
    s = synthesis.summary(project_store, level="question")
    # C13: F1#1 (C13a, C13b), F1#3 (C13a), A1#2 (C13c): 4 codings on 3 segments, Flora + Arendal,
    # two speakers (Kari in F1, Ordfører in A1).
    assert _cell(s, "politicians", "C13") == (4, 3, 2, 2, 2)
    # A1 on A1#1 carries its own relation (politicians).
    assert _cell(s, "politicians", "A1") == (1, 1, 1, 1, 1)
    assert _cell(s, "ceo", "C14") == (2, 2, 2, 2, 2)
    # C15: H1#1 (C15a, C15e.i.1) and H1#3 (C15a by anna and by bjorn): 4 codings, 2 segments.
    assert _cell(s, "units", "C15") == (4, 2, 1, 1, 1)
    # B5a has no relation anywhere: "none", rolled up to B5.
    assert _cell(s, "none", "B5") == (1, 1, 1, 1, 1)
    assert s.relations["politicians"].total.segments == 4
    assert s.relations["politicians"].total.speakers == 3
    # The rejected C13a suggestion on H1#1 counts nowhere.
    assert s.cell("units", "C13").segments == 0


def test_section_and_item_levels(project_store) -> None:  # type: ignore[no-untyped-def]
    sec = synthesis.summary(project_store, level="section")
    assert _cell(sec, "politicians", "C") == (4, 3, 2, 2, 2)
    assert _cell(sec, "politicians", "A") == (1, 1, 1, 1, 1)
    assert _cell(sec, "none", "B") == (1, 1, 1, 1, 1)
    item = synthesis.summary(project_store, level="item")
    assert _cell(item, "politicians", "C13a") == (2, 2, 1, 1, 1)
    assert _cell(item, "politicians", "C13b") == (1, 1, 1, 1, 1)
    # C15e.i.1 counts for its outermost item ancestor, C15e.
    assert _cell(item, "units", "C15e") == (1, 1, 1, 1, 1)
    assert _cell(item, "units", "C15a") == (3, 2, 1, 1, 1)


def test_status_all_adds_suggestions_not_rejections(project_store) -> None:  # type: ignore[no-untyped-def]
    s = synthesis.summary(project_store, status="all")
    # + the C14a suggestion on F1#1 (Kari): ceo gets a third segment and speaker.
    assert _cell(s, "ceo", "C14") == (3, 3, 2, 2, 3)
    # + the C13a suggestion on A1#2, a segment already coded C13c.
    assert _cell(s, "politicians", "C13") == (5, 3, 2, 2, 2)
    assert s.cell("units", "C13").segments == 0


def test_coder_filter(project_store) -> None:  # type: ignore[no-untyped-def]
    s = synthesis.summary(project_store, coder="bjorn")
    assert _cell(s, "units", "C15") == (1, 1, 1, 1, 1)
    assert s.relations["politicians"].codes == ()


def test_breakdown_by_case_and_role(project_store) -> None:  # type: ignore[no-untyped-def]
    s = synthesis.summary(project_store, by="case")
    assert s.columns == ("Arendal", "Flora", "Hamar")
    c13 = s.relations["politicians"].code("C13")
    assert c13 is not None
    assert c13.breakdown["Flora"].segments == 2 and c13.breakdown["Flora"].codings == 3
    assert c13.breakdown["Arendal"].segments == 1
    assert "Hamar" not in c13.breakdown
    r = synthesis.summary(project_store, by="role")
    c14 = r.relations["ceo"].code("C14")
    assert c14 is not None and c14.breakdown["ceo_level"].segments == 2
    a1 = r.relations["politicians"].code("A1")
    assert a1 is not None and set(a1.breakdown) == {"staff_support"}


def test_json_shape(project_store) -> None:  # type: ignore[no-untyped-def]
    data = synthesis.summary(project_store, by="case").to_json()
    for key in ("politicians", "ceo", "units"):
        assert key in data
        assert set(data[key]) == {"total", "codes"}
    assert data["politicians"]["codes"]["C13"]["segments"] == 3
    assert data["politicians"]["codes"]["C13"]["case"]["Flora"]["segments"] == 2
    assert data["_meta"]["level"] == "question"


def test_retired_transcripts_are_left_out(store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from coder.store.models import Case, Transcript, utcnow

    build_project(store)
    project_store = store
    with project_store.session() as s:
        hamar = s.query(Case).filter_by(name="Hamar").one()
        s.execute(
            update(Transcript).where(Transcript.case_id == hamar.id).values(retired_at=utcnow())
        )
    s2 = synthesis.summary(project_store)
    assert s2.cell("units", "C15").segments == 0
    assert _cell(s2, "ceo", "C14") == (1, 1, 1, 1, 1)


def test_bad_options(project_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError):
        synthesis.summary(project_store, level="chapter")
    with pytest.raises(UsageError):
        synthesis.summary(project_store, by="speaker")
    with pytest.raises(UsageError):
        synthesis.summary(project_store, status="rejected")


def test_empty_project(store) -> None:  # type: ignore[no-untyped-def]
    s = synthesis.summary(store)
    assert all(not r.codes for r in s.relations.values())
    assert s.relations["ceo"].total.segments == 0
