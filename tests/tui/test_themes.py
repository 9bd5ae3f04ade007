"""The Themes screen: a snapshot of the matrix, and drilling from a cell to quotes and the basket."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from coder.services.project import open_store
from coder.tui.screens.themes import ThemesScreen, bar, matrix_rows
from tests.analysis.analysis_project import build_project

SIZE = (110, 34)


class Host(App[None]):
    """A bare workspace around the screen: a store, a coder and a data version."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.store = store
        self.coder = "anna"
        self.data_version = 0

    def on_mount(self) -> None:
        self.push_screen(ThemesScreen())


@pytest.fixture(scope="module")
def themes_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('themes') / 'p.sqlite'}")
    build_project(store)
    yield store
    store.dispose()


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_bar_uses_eighths() -> None:
    assert bar(10, 10, width=4) == "████"
    assert bar(5, 10, width=3) == "█▌"
    assert bar(0, 10) == ""


def test_themes_snapshot(snap_compare, themes_store) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # C14: the ceo column
        await settle(pilot)

    assert snap_compare(Host(themes_store), terminal_size=SIZE, run_before=ready)


@pytest.mark.asyncio
async def test_drill_down_basket_and_export(themes_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = Host(themes_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        assert [r.code_id for r in screen.rows] == ["A1", "B5", "C13", "C14", "C15"]
        matrix = screen.query_one("#themes-matrix", DataTable)
        # C15 row, units column (code, label, politicians, ceo, units, none).
        matrix.move_cursor(row=4, column=4)
        await pilot.press("enter")
        await settle(pilot)
        quotes = screen.query_one("#themes-quotes", DataTable)
        assert quotes.row_count == 2
        assert {q.case for q in screen.quotes} == {"Hamar"}
        assert all(q.relation == "units" for q in screen.quotes)
        await pilot.press("space")
        await settle(pilot)
        assert len(screen.basket) == 1
        picked = next(iter(screen.basket.values()))
        target = tmp_path / "basket.md"
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one("#themes-export-path", Input)
        field.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert "Hamar" in text and "Berg" not in text  # pseudonymised by default
        assert " ".join(picked.text.split()[:3]) in text


@pytest.mark.asyncio
async def test_columns_level_and_status(themes_store) -> None:  # type: ignore[no-untyped-def]
    app = Host(themes_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        await pilot.press("m")
        await settle(pilot)
        assert screen.column_names == ["Arendal", "Flora", "Hamar"]
        c13 = next(r for r in screen.rows if r.code_id == "C13")
        assert (c13.relation, c13.values) == ("politicians", (1, 2, 0))
        await pilot.press("l")
        await settle(pilot)
        assert screen.level == "item"
        assert "C13a" in [r.code_id for r in screen.rows]
        await pilot.press("s")
        await settle(pilot)
        assert screen.summary is not None and screen.summary.status == "all"


def test_matrix_rows_by_relation(themes_store) -> None:  # type: ignore[no-untyped-def]
    from coder.services import synthesis

    cols, rows = matrix_rows(synthesis.summary(themes_store), "relations")
    assert cols == ["politicians", "ceo", "units", "none"]
    by_code = {r.code_id: r.values for r in rows}
    assert by_code["C13"] == (3, 0, 0, 0) and by_code["C15"] == (0, 0, 2, 0)
