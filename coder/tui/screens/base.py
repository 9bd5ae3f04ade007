"""The base of every workspace screen: service calls that report errors instead of crashing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding
from textual.screen import Screen

from coder.errors import CoderError

if TYPE_CHECKING:
    from coder.services.project import Store
    from coder.tui.app import CoderApp

T = TypeVar("T")


class CoderScreen(Screen[None]):
    """A screen of the workspace; `refresh_data` reloads it after the project changed."""

    BINDINGS = [
        Binding("u", "app.undo", "Undo", id="edit.undo"),
        Binding("U", "app.redo", "Redo", id="edit.redo", show=False),
        Binding("j", "vim('down')", "Down", id="nav.down", show=False),
        Binding("k", "vim('up')", "Up", id="nav.up", show=False),
        Binding("g", "vim('first')", "First", id="nav.first", show=False),
        Binding("G", "vim('last')", "Last", id="nav.last", show=False),
    ]

    FOCUS_FIRST: str | None = None  # selector of the widget to focus when the screen is shown

    # vim keys for lists and trees, mapped to the focused widget's own cursor actions.
    _VIM_ACTIONS = {
        "down": ("cursor_down",),
        "up": ("cursor_up",),
        "first": ("scroll_top", "first", "scroll_home"),
        "last": ("scroll_bottom", "last", "scroll_end"),
    }

    def __init__(self) -> None:
        super().__init__()
        self.seen_version = -1

    @property
    def coder_app(self) -> CoderApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> Store:
        return self.coder_app.store

    @property
    def coder(self) -> str:
        return self.coder_app.coder

    def call_service(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a service; a CoderError becomes an error notification and None."""
        try:
            return fn(*args, **kwargs)
        except CoderError as exc:
            self.notify(str(exc), title="Not done", severity="error")
            return None

    def action_vim(self, motion: str) -> None:
        widget = self.focused
        if widget is None:
            return
        for name in self._VIM_ACTIONS.get(motion, ()):
            action = getattr(widget, f"action_{name}", None)
            if action is not None:
                action()
                return

    def focus_main(self) -> None:
        """Focus the screen's main widget when nothing on it has focus."""
        if self.focused is None and self.FOCUS_FIRST:
            for widget in self.query(self.FOCUS_FIRST):
                self.set_focus(widget)
                break

    def refresh_data(self) -> None:
        """Reload what the screen shows from the services (the project changed)."""

    def on_screen_resume(self) -> None:
        # A screen built in the background (or left with nothing focused) gets its main widget.
        self.call_after_refresh(self.focus_main)
        if self.seen_version != self.coder_app.data_version:
            self.seen_version = self.coder_app.data_version
            self.refresh_data()
