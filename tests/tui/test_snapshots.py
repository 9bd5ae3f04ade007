"""Snapshot pictures of every screen at 100x30, and the main ones at 80x24, with the deterministic
test project (SVGs in __snapshots__)."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.helpers import SIZE, make_app, open_coding, settle
from tests.tui.project import Project


def test_library_screen(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down")  # the Flora transcript: participants and progress on the right
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


def test_coding_screen_with_a_span(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora)
        await pilot.press("a", "j", "shift+right", "shift+right")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


def test_coding_screen_at_80x24(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.arendal)

    assert snap_compare(make_app(sqlite_project), terminal_size=(80, 24), run_before=ready)


def test_code_picker(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora)
        await pilot.press("c", *"styring")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


def test_codebook_screen(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("down", "down", "down")  # B5: question text, lexicon, counts
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


def test_search_screen(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press(*"politikerne", "enter")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


def test_help_screen(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SIZE, run_before=ready)


# -- 80x24: the smallest terminal the workspace supports -----------------------------------------
SMALL = (80, 24)


def test_coding_screen_with_suggestions_and_a_span_at_80x24(
    snap_compare, sqlite_project: Project
) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora)
        await pilot.press("shift+right", "shift+right", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SMALL, run_before=ready)


def test_side_panel_scrolled_to_the_selected_code_at_80x24(
    snap_compare, sqlite_project: Project
) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.test_coding_screen import many_suggestions

    seg = many_suggestions(sqlite_project)

    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora, seg)
        await pilot.press(*["right_square_bracket"] * 7)
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SMALL, run_before=ready)


def test_code_picker_at_80x24(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await open_coding(pilot, sqlite_project.flora)
        await pilot.press("c", *"sty")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SMALL, run_before=ready)


def test_library_screen_at_80x24(snap_compare, sqlite_project: Project) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(sqlite_project), terminal_size=SMALL, run_before=ready)
