"""The Coding screen's background writes, side panel, mouse spans and the 80x24 workflow.

Driven through the Pilot; every decision is checked in the database afterwards.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual import events

from coder.domain import CodingInfo, CodingStatus, Relation
from coder.services import catalog, coding
from coder.store.codings import CodingRepo
from coder.tui.screens.coding import CodingScreen
from tests.tui.helpers import SIZE, make_app, open_coding, settle
from tests.tui.project import CODER, Project

pytestmark = pytest.mark.asyncio

SMALL = (80, 24)


def codings(project: Project, segment_id: int) -> list[CodingInfo]:
    return catalog.segment_codings(project.store, segment_id)


def status(project: Project, coding_id: int) -> CodingStatus:
    for seg_ids in project.segments.values():
        for seg in seg_ids:
            for c in codings(project, seg):
                if c.id == coding_id:
                    return c.status
    raise AssertionError(coding_id)


def held(monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[threading.Event, Callable[..., Any]]:
    """Make the service `coding.<name>` wait until the returned event is set."""
    release = threading.Event()
    real = getattr(coding, name)

    def wait_then_write(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(10), "the test never released the write"
        return real(*args, **kwargs)

    monkeypatch.setattr(coding, name, wait_then_write)
    return release, real


def coding_screen(app: object) -> CodingScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, CodingScreen)
    return screen


async def test_a_decision_is_shown_at_once_and_committed_in_the_background(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, _ = held(monkeypatch, "accept_suggestion")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        screen = coding_screen(app)
        await pilot.press("a")
        await pilot.pause()
        # On screen already, while the write waits in the writer thread.
        assert screen.view.current is not None
        assert [b[0] for b in screen.view.current.badges] == ["B5a"]
        assert "Codes (1)" in screen.panel.plain
        assert app.writer.pending == 1
        assert status(project, project.suggestions["b5a"]) is CodingStatus.SUGGESTED
        release.set()
        await settle(pilot)
        assert status(project, project.suggestions["b5a"]) is CodingStatus.ACCEPTED
        assert [b[0] for b in screen.view.current.badges] == ["B5a"]


async def test_a_decision_that_cannot_be_saved_is_taken_back_and_reported(
    project: Project,
) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        screen = coding_screen(app)
        # Meanwhile the same coder rejects B5a elsewhere (the CLI): the screen's copy is stale.
        coding.reject_suggestion(project.store, project.suggestions["b5a"], CODER)
        await pilot.press("a")
        await settle(pilot)
        assert status(project, project.suggestions["b5a"]) is CodingStatus.REJECTED
        assert screen.view.current is not None
        assert screen.view.current.badges == []  # the optimistic accept is gone
        assert screen.view.current.pending == 1  # B5 is still to decide
        messages = [n.message for n in app._notifications]
        assert any("changed by someone else" in m for m in messages), messages


async def test_accept_then_undo_keep_their_order(project: Project) -> None:
    app = make_app(project)
    cid = project.suggestions["b5a"]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("a", "u")  # no pause: both are queued before the first is written
        await settle(pilot)
        assert status(project, cid) is CodingStatus.SUGGESTED
        assert coding_screen(app).view.rows[1].pending == 2
        await pilot.press("U")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.ACCEPTED


async def test_quit_waits_for_queued_decisions(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, _ = held(monkeypatch, "reject_suggestion")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("x")
        await pilot.pause()
        threading.Timer(0.3, release.set).start()  # the write finishes after q was pressed
        await pilot.press("q")
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
    assert status(project, project.suggestions["b5a"]) is CodingStatus.REJECTED


async def test_remove_a_code_before_its_accept_is_saved(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accepting another coder's suggestion creates an own coding (a placeholder id until its
    write has run); removing it right away still removes the right row."""
    seg = project.segments[project.flora][3]
    with project.store.session() as s:
        CodingRepo(s).upsert_suggestion(
            seg, "C14", "kari", score=0.5, evidence=["hjelp"], relation=None
        )
    release, _ = held(monkeypatch, "accept_suggestion")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora, seg)
        screen = coding_screen(app)
        await pilot.press("a")
        await pilot.pause()
        selected = screen.selected()
        assert selected is not None and selected[0] == "applied" and selected[1].id < 0
        await pilot.press("d")
        release.set()
        await settle(pilot)
        assert screen.view.current is not None
        assert screen.view.current.badges == []
        assert screen.view.current.pending == 1  # kari's suggestion is open again
    mine = [c for c in codings(project, seg) if c.coder == CODER]
    assert mine == []
    assert [(c.coder, c.status) for c in codings(project, seg)] == [
        ("kari", CodingStatus.SUGGESTED)
    ]


def many_suggestions(project: Project) -> int:
    """Suggestions of every code on the Rektor turn: taller than the side panel at 80x24."""
    seg = project.segments[project.flora][3]
    with project.store.session() as s:
        repo = CodingRepo(s)
        for n, code in enumerate(["A", "A1", "B", "B5", "B5a", "C", "C13", "C14"]):
            repo.upsert_suggestion(
                seg, code, CODER, score=0.9 - n / 20, evidence=["hjelp", "stab"], relation=None
            )
    return seg


async def test_the_side_panel_scrolls_to_the_selected_code_and_by_keys(
    sqlite_project: Project,
) -> None:
    seg = many_suggestions(sqlite_project)
    app = make_app(sqlite_project)
    async with app.run_test(size=SMALL) as pilot:
        await open_coding(pilot, sqlite_project.flora, seg)
        screen = coding_screen(app)
        panel = screen.panel
        height = panel.scrollable_content_region.height
        assert panel.max_scroll_y > 0, "the content should be taller than the panel"
        assert panel.scroll_offset.y == 0

        def visible() -> list[str]:
            top = panel.scroll_offset.y
            return panel.plain.splitlines()[top : top + height]

        # ] walks down the list; the selected code (▶) stays in view.
        for _ in range(7):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        assert panel.scroll_offset.y > 0
        assert any(line.startswith("▶ ■ C14") for line in visible()), visible()
        # { and } page the panel without leaving the transcript.
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        await settle(pilot)
        assert panel.scroll_offset.y == 0
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert panel.scroll_offset.y > 0
        assert app.focused is screen.view
        # tab gives the panel the keys: g to the top, j one line down; the cursor stays.
        cursor = screen.view.cursor
        await pilot.press("tab", "g", "j")
        await settle(pilot)
        assert app.focused is panel
        assert panel.scroll_offset.y == 1
        assert screen.view.cursor == cursor
        # The mouse wheel scrolls it too.
        await pilot.press("g")
        await settle(pilot)
        await pilot._post_mouse_events([events.MouseScrollDown], panel, offset=(3, 3))
        await settle(pilot)
        assert panel.scroll_offset.y > 0


async def test_drag_over_words_selects_a_span_and_codes_it(project: Project) -> None:
    app = make_app(project)
    seg_id = project.segments[project.flora][1]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        screen = coding_screen(app)
        view = screen.view
        assert view.current is not None and view.current.segment_id == seg_id
        # The segment's first text line, in the widget's coordinates (1 for the border).
        top, _ = view.segment_lines(view.cursor)
        y = top + 1 - view.scroll_offset.y + 1
        text_x = 1 + 2  # border, gutter
        line = view.current.text  # "Vi i formannskapet får gode saksframlegg fra …"
        start = line.index("formannskapet")
        inside_far = line.index("får") + 1  # the drag ends inside "får": whole words are kept
        await pilot.mouse_down(view, offset=(text_x + start + 3, y))
        await pilot._post_mouse_events(
            [events.MouseMove], view, offset=(text_x + inside_far, y), button=1
        )
        await pilot.mouse_up(view, offset=(text_x + inside_far, y))
        await settle(pilot)
        assert view.span is not None
        assert line[view.span[0] : view.span[1]] == "formannskapet får"
        assert "formannskapet får" in screen.panel.plain
        await pilot.press("c", *"C14", "enter")
        await settle(pilot)
        assert view.span is None
    coded = [c for c in codings(project, seg_id) if c.code_id == "C14"]
    assert len(coded) == 1
    c = coded[0]
    seg = next(
        s for s in catalog.transcript_view(project.store, project.flora).segments if s.id == seg_id
    )
    assert (c.status, c.coder) == (CodingStatus.ACCEPTED, CODER)
    assert seg.text[c.span_start - seg.start : c.span_end - seg.start] == "formannskapet får"  # type: ignore[operator]


async def test_the_main_workflow_at_80x24(project: Project) -> None:
    """Open from the Library, accept, reject, accept with a relation, code a span, write a memo
    and undo it, all on an 80x24 terminal."""
    app = make_app(project)
    flora = project.segments[project.flora]
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Flora's case, then its transcript
        await settle(pilot)
        await settle(pilot)
        screen = coding_screen(app)
        assert screen.data is not None and screen.data.transcript.id == project.flora
        assert app.focused is screen.view
        await pilot.press("a", "x")
        await settle(pilot)
        assert status(project, project.suggestions["b5a"]) is CodingStatus.ACCEPTED
        assert status(project, project.suggestions["b5"]) is CodingStatus.REJECTED
        await pilot.press("n", "R", "c")  # the Rådmann turn; accept C13 as about the ceo
        await settle(pilot)
        c13 = [c for c in codings(project, flora[2]) if c.code_id == "C13"]
        assert [(c.status, c.relation) for c in c13] == [(CodingStatus.ACCEPTED, Relation.CEO)]
        await pilot.press("shift+right", "shift+right", "c", *"C14", "enter")
        await settle(pilot)
        c14 = [c for c in codings(project, flora[2]) if c.code_id == "C14"]
        assert len(c14) == 1 and c14[0].span_start is not None
        assert "C14" in screen.panel.plain
        await pilot.press("m", *"Viktig", "ctrl+s")
        await settle(pilot)
        memos = catalog.transcript_view(project.store, project.flora).memos
        assert [m.text for m in memos.get(flora[2], [])] == ["Viktig"]
        await pilot.press("u")
        await settle(pilot)
        memos = catalog.transcript_view(project.store, project.flora).memos
        assert memos.get(flora[2], []) == []
        assert [b[0] for b in screen.view.rows[1].badges] == ["B5a"]
        assert sorted(b[0] for b in screen.view.rows[2].badges) == ["C13", "C14"]


async def test_the_transcript_keeps_the_keys_after_a_screen_switch_hid_it(
    sqlite_project: Project,
) -> None:
    """Switching back to the Coding screen can lay it out once with the view hidden (seen on a
    50,000-word transcript); Textual blurs a hidden widget, and j/k then reached nothing."""
    app = make_app(sqlite_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, sqlite_project.flora)
        view = coding_screen(app).view
        assert app.focused is view
        view.post_message(events.Hide())
        view.post_message(events.Show())
        await settle(pilot)
        assert app.focused is view
        before = view.cursor
        await pilot.press("j")
        await settle(pilot)
        assert view.cursor == before + 1
