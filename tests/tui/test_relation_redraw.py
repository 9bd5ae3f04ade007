"""Issue 18, finding 1: `R` stores the relation and the side panel shows it at once, with a notice."""

from __future__ import annotations

import pytest

from coder.domain import Relation
from coder.services import catalog
from coder.tui.screens.coding import CodingScreen
from tests.tui.helpers import SIZE, make_app, open_coding, settle
from tests.tui.project import Project

pytestmark = pytest.mark.asyncio


async def test_relation_change_redraws_the_panel(project: Project) -> None:
    app = make_app(project)
    seg_id = project.segments[project.flora][1]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("c", *"C14", "enter")  # a code of mine, selected in the panel
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        for key, rel, short in (("u", Relation.UNITS, "→uni"), ("p", Relation.POLITICIANS, "→pol")):
            await pilot.press("R", key)
            await settle(pilot)
            stored = [c for c in catalog.segment_codings(project.store, seg_id) if c.code_id == "C14"]
            assert stored[0].relation is rel
            chosen = [ln for ln in screen.panel.plain.splitlines() if ln.startswith("▶")]
            assert chosen and "C14" in chosen[0]
            after = screen.panel.plain.split(chosen[0], 1)[1].splitlines()[1]
            assert short in after, screen.panel.plain


async def test_relation_on_a_suggestion_accepts_it_and_keeps_it_selected(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        item = screen.selected()
        assert item is not None and item[0] == "pending"
        code = item[1].code_id
        await pilot.press("R", "c")
        await settle(pilot)
        chosen = screen.selected()
        assert chosen is not None and chosen[0] == "applied" and chosen[1].code_id == code
        assert chosen[1].relation is Relation.CEO
        line = [ln for ln in screen.panel.plain.splitlines() if ln.startswith("▶")][0]
        after = screen.panel.plain.split(line, 1)[1].splitlines()[1]
        assert "→ceo" in after, screen.panel.plain


async def test_accept_above_says_its_scope_and_count_before_acting(project: Project) -> None:
    """Issue 18, finding 3: A names the whole transcript and previews how many it accepts."""
    from textual.widgets import Label, Static

    from coder.domain import CodingStatus
    from coder.tui.widgets.dialogs import TextPrompt

    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("A")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        assert "whole transcript" in str(prompt.query_one(Label).render())
        await pilot.press(*"0.1")  # the default value is selected: typing replaces it
        await settle(pilot)
        hint = str(prompt.query_one("#prompt-hint", Static).render())
        coding_screen = app.screen_stack[-2]
        assert isinstance(coding_screen, CodingScreen)
        mine = [
            c
            for cs in coding_screen.codings.values()
            for c in cs
            if c.status is CodingStatus.SUGGESTED and c.coder == coding_screen.coder
            and c.score is not None and c.score >= 0.1
        ]
        assert f"accepts {len(mine)} suggestion(s)" in hint
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
