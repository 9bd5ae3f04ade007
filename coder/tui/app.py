"""The coding workspace App: screens from the registry, undo/redo, help, palette, change polling."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from coder.domain import CodeInfo
from coder.errors import CoderError
from coder.services import catalog, coding
from coder.services.changes import ChangeWatcher
from coder.services.project import Store
from coder.tui.commands import CoderCommands
from coder.tui.screens import SCREENS
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.help import HelpScreen
from coder.tui.writes import Writer

POLL_SECONDS = 3.0
log = logging.getLogger(__name__)


class CoderApp(App[None]):
    """The workspace over one project database, as one coder."""

    CSS_PATH = "app.tcss"
    TITLE = "coder"
    COMMANDS = App.COMMANDS | {CoderCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("ctrl+z", "undo", "Undo", id="app.undo", show=False),
        Binding("ctrl+y", "redo", "Redo", id="app.redo", show=False),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("escape", "leave_field", "Leave field", id="app.leave_field", show=False),
    ] + [
        Binding(e.key, f"show('{e.name}')", e.title, id=f"screen.{e.name}", show=False)
        for e in SCREENS.values()
    ]

    def __init__(
        self,
        store: Store,
        *,
        coder: str,
        start: str = "library",
        transcript: int | None = None,
        poll_seconds: float | None = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.start = start
        self.start_transcript = transcript
        self.poll_seconds = poll_seconds
        self.data_version = 0
        self.codes: list[CodeInfo] = []
        self.code_colors: dict[str, str] = {}
        # Other coders' changes: LISTEN/NOTIFY on PostgreSQL, a cheap aggregate query on SQLite.
        self.watcher = ChangeWatcher(store)
        self.transcript_titles: dict[int, str] = {}
        # Decisions are committed in order on one thread; the Coding screen shows them at once.
        self.writer = Writer(self)
        for entry in SCREENS.values():
            self.add_mode(entry.name, self._fresh_screen(entry.factory))

    def _fresh_screen(self, factory: Callable[[], Screen[None]]) -> Callable[[], Screen[None]]:
        """A mode's screen marked as styled with the current stylesheet.

        Textual re-parses every stylesheet and restyles every screen twice when a mode's screen
        is first created (its CSS counter starts behind the App's), ~100 ms on the first visit
        of the Coding screen. A new screen is styled from the current stylesheet as it mounts,
        so it is up to date; later changes (a theme switch) still restyle it.
        """

        def make() -> Screen[None]:
            screen = factory()
            screen._css_update_count = self._css_update_count
            return screen

        return make

    # -- start -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.sub_title = f"{self.coder}"
        self.load_codes()
        self.freeze_heap()
        if self.start_transcript is not None:
            self.open_transcript(self.start_transcript)
        else:
            self.switch_mode(self.start)
        if self.poll_seconds:
            try:
                self.watcher.start()
            except Exception as exc:  # noqa: BLE001 - no listener: poll() queries instead
                log.info("no change listener (%s); polling", type(exc).__name__)
            self.set_interval(self.poll_seconds, self.poll_changes)
            self.absorb_own_changes()

    def on_unmount(self) -> None:
        self.writer.close()
        self.watcher.close()

    async def action_quit(self) -> None:
        """Quit once every queued decision is committed."""
        if self.writer.pending:
            self.notify(f"saving {self.writer.pending} decision(s)…")
            await asyncio.to_thread(self.writer.flush, 60.0)
        self.exit()

    @staticmethod
    def freeze_heap() -> None:
        """Move everything alive now out of the garbage collector's sight (gc.freeze).

        A loaded 50,000-word transcript is a few hundred thousand long-lived objects; a full
        collection over them takes 100-200 ms and lands on some random keystroke. Frozen
        objects are still freed by reference counting; only cycles among them wait.
        """
        gc.freeze()

    def load_codes(self) -> None:
        try:
            self.codes = catalog.list_codes(self.store)
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        self.code_colors = {c.id: c.color for c in self.codes}

    # -- navigation --------------------------------------------------------------------------
    def action_show(self, name: str) -> None:
        if name in SCREENS:
            self.show_screen(name)

    def show_screen(self, name: str) -> None:
        """Switch to a registered screen and make sure its main widget has focus."""
        self.switch_mode(name)
        screen = self.screen
        if isinstance(screen, CoderScreen):
            self.call_after_refresh(screen.focus_main)

    def open_transcript(self, transcript_id: int, segment_id: int | None = None) -> None:
        """Switch to the Coding screen on a transcript (at a segment)."""
        self.show_screen("coding")
        screen = self.screen
        if hasattr(screen, "open_transcript"):
            screen.open_transcript(transcript_id, segment_id)

    def action_leave_field(self) -> None:
        """Escape in a text field gives the keys back to the screen (1-6 switch screens, q
        quits); without it a field that has focus swallows them as typed text."""
        from textual.widgets import Input

        if isinstance(self.focused, Input):
            self.screen.set_focus(None)

    def action_help(self) -> None:
        screen = self.screen
        rows: dict[str, tuple[str, str, str]] = {}
        for active in screen.active_bindings.values():
            b = active.binding
            ident = b.id or b.action
            display = self.get_key_display(b)
            if ident in rows:
                k, d, i = rows[ident]
                rows[ident] = (f"{k} {display}", d, i)
            else:
                rows[ident] = (display, b.description or b.action, ident)
        title = getattr(screen, "TITLE", None) or type(screen).__name__
        self.push_screen(HelpScreen(str(title), sorted(rows.values(), key=lambda r: r[2])))

    def report_unexpected(self, exc: BaseException) -> None:
        """An error that is no CoderError: a modal with one line, and the workspace stays open."""
        from coder.tui.widgets.dialogs import ErrorDialog

        log.debug("unexpected error in the workspace", exc_info=exc)
        self.push_screen(ErrorDialog(f"unexpected {type(exc).__name__}: {exc}"))

    # -- undo/redo ---------------------------------------------------------------------------
    def action_undo(self) -> None:
        self._history(coding.undo, "undid", "nothing to undo")

    def action_redo(self) -> None:
        self._history(coding.redo, "redid", "nothing to redo")

    def _history(self, fn: Any, verb: str, empty: str) -> None:
        """Undo or redo after the decisions queued before it (the writer keeps the order)."""

        def done(kind: str | None, error: BaseException | None, _state: object) -> None:
            if error is not None:
                self.write_failed(error)
                self.data_changed()
            elif kind is None:
                self.notify(empty, severity="warning")
            else:
                self.notify(f"{verb} {kind}")
                self.data_changed()

        store, coder = self.store, self.coder
        self.writer.submit(lambda _resolve: fn(store, coder), done)

    def write_failed(self, error: BaseException) -> None:
        """A queued write failed: a CoderError is a notification, anything else the error modal."""
        if isinstance(error, CoderError):
            self.notify(str(error), title="Not saved", severity="error")
        else:
            self.report_unexpected(error)

    # -- keeping up with the database ----------------------------------------------------------
    def data_changed(self, *, reload_current: bool = True) -> None:
        """The project changed: reload the current screen now, the others when shown again."""
        self.data_version += 1
        screen = self.screen
        if isinstance(screen, CoderScreen):
            screen.seen_version = self.data_version
            if reload_current:
                screen.refresh_data()
        self.absorb_own_changes()

    @work(thread=True, exclusive=True, group="poll")
    def absorb_own_changes(self) -> None:
        """Take our own writes off the watcher, so they do not reload the screen a second time."""
        with contextlib.suppress(CoderError):
            self.watcher.poll()

    @work(thread=True, exclusive=True, group="poll")
    def poll_changes(self) -> None:
        """Ask the watcher whether the project changed; reload the current screen when it did."""
        try:
            changed = self.watcher.poll()
        except CoderError:
            return
        if changed and not get_current_worker().is_cancelled:
            self.call_from_thread(self._changed_elsewhere, True)

    def _changed_elsewhere(self, codes_changed: bool) -> None:
        if codes_changed:
            self.load_codes()
        self.data_version += 1
        screen = self.screen
        if isinstance(screen, CoderScreen):
            screen.seen_version = self.data_version
            screen.refresh_data()


def run_tui(store: Store, *, coder: str, transcript: int | None = None) -> None:
    """Open the workspace on `store` as `coder` (blocks until the user quits)."""
    app = CoderApp(store, coder=coder, transcript=transcript)
    try:
        app.run()
    finally:
        app.writer.close()  # however the app ended, queued decisions are committed
