"""The Agreement screen: lists two coders' disagreements and settles them with `a`/`b` and undo."""

from __future__ import annotations

import pytest

from coder.domain import CodingStatus
from coder.services import coding
from coder.services.catalog import segment_codings
from coder.store.db import Store
from tests.team.conftest import add_transcript

# The workspace App and its screen base come with the TUI package.
CoderApp = pytest.importorskip("coder.tui.app").CoderApp
AgreementScreen = pytest.importorskip("coder.tui.screens.agreement").AgreementScreen


@pytest.mark.asyncio
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_settle_disagreements_from_the_screen(team_store: Store) -> None:
    store = team_store
    segs = add_transcript(store)
    for seg, code in [(1, "A1a"), (2, "A1b"), (3, "B5a")]:
        coding.code_segment(store, segs[seg], code, "anna")
    for seg, code in [(1, "A1a"), (2, "A1a"), (4, "B5b")]:
        coding.code_segment(store, segs[seg], code, "bjorn")
    app = CoderApp(store, coder="anna", poll_seconds=None)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = AgreementScreen()
        await app.push_screen(screen)
        await pilot.pause()
        # Anna's default partner is the colleague with most accepted codings: Bjørn.
        assert screen.coders == ("anna", "bjorn")
        assert [d.segment.id for d in screen.rows] == [segs[2], segs[3], segs[4]]
        assert "3 to settle" in str(screen.query_one("#agree-summary").render())
        detail = str(screen.query_one("#agree-detail").render())
        assert "Før var det spredt" in detail and "A1b" in detail and "A1a" in detail
        await pilot.press("b")  # take Bjørn's side on segment 2
        await pilot.pause()
        assert [d.segment.id for d in screen.rows] == [segs[3], segs[4]]
        mine = {c.code_id: c.status for c in segment_codings(store, segs[2], coder="anna")}
        assert mine == {"A1a": CodingStatus.ACCEPTED, "A1b": CodingStatus.REJECTED}
        await pilot.press("a")  # segment 3: Anna's own side, nothing to change
        await pilot.pause()
        assert len(screen.rows) == 2
        await pilot.press("u")  # undo the settlement
        await pilot.pause()
        assert [d.segment.id for d in screen.rows] == [segs[2], segs[3], segs[4]]
        screen.compare(("anna", "bjorn"), "question")
        await pilot.pause()
        assert [d.segment.id for d in screen.rows] == [segs[3], segs[4]]
