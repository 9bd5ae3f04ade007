"""A one-line key bar: the shown bindings of the focused chain, drawn as text.

Textual's Footer builds a widget per key and rebuilds them on every screen switch, which costs
more than opening a large transcript; this bar redraws one line of text instead.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; dock: bottom; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._text = Text()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._update)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._update()

    def _update(self) -> None:
        seen: set[str] = set()
        items: list[tuple[str, str, bool]] = []
        for active in self.screen.active_bindings.values():
            b = active.binding
            ident = b.id or b.action
            if not b.show or ident in seen or not b.description:
                continue
            seen.add(ident)
            item = (self.app.get_key_display(b), b.description, active.enabled)
            # The help key first: on a narrow terminal it must not be cut off.
            if ident == "app.help":
                items.insert(0, item)
            else:
                items.append(item)
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, description, enabled in items:
            text.append(f" {key} ", style="bold reverse" if enabled else "dim reverse")
            text.append(f" {description} ", style="" if enabled else "dim")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
