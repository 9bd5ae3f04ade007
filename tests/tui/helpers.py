"""Driving the workspace in tests: start the app, wait for workers, open a transcript."""

from __future__ import annotations

from textual.pilot import Pilot

from coder.tui.app import CoderApp
from tests.tui.project import CODER, Project

SIZE = (100, 30)


def make_app(project: Project, **kwargs: object) -> CoderApp:
    """The workspace as the test coder, without the change poll (tests trigger it by hand)."""
    return CoderApp(project.store, coder=CODER, poll_seconds=None, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Let thread workers and queued writes finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await writes_done(pilot)


async def writes_done(pilot: Pilot[None]) -> None:
    """Wait until the writer thread has committed and reported every queued decision."""
    app = pilot.app
    assert isinstance(app, CoderApp)
    for _ in range(1000):
        if not app.writer.pending:
            break
        await pilot.pause(0.01)
    assert not app.writer.pending, "queued writes did not finish"
    await pilot.pause()


async def open_coding(
    pilot: Pilot[None], transcript_id: int, segment_id: int | None = None
) -> None:
    app = pilot.app
    assert isinstance(app, CoderApp)
    app.open_transcript(transcript_id, segment_id)
    await settle(pilot)
    await settle(pilot)
