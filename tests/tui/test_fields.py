"""Issue 18, finding 4: Escape leaves a text field, so the screen keys work again."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from coder.tui.screens.agreement import AgreementScreen
from coder.tui.screens.library import LibraryScreen
from coder.tui.screens.search import SearchScreen
from tests.tui.helpers import SIZE, make_app
from tests.tui.project import Project

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(("key", "screen_type"), [("4", SearchScreen), ("6", AgreementScreen)])
async def test_escape_leaves_the_field_and_digits_switch_screens(
    project: Project, key: str, screen_type: type
) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, screen_type)
        field = app.screen.query(Input).first()
        field.focus()
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert not isinstance(app.focused, Input)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert field.value.endswith("x") and not field.value.endswith("1")
