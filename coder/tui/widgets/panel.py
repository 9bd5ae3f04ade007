"""A scrolling side panel of text lines that redraws only the lines that changed.

The Coding screen rewrites its side panel on every keystroke. A Static redraws all its lines
each time (and cannot scroll without a layout pass); this panel keeps the previous lines, marks
only the changed ones for repaint, scrolls when the content is taller than the panel (mouse
wheel, keys when focused), and keeps a chosen range of lines (the selected code) in view.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class SidePanel(ScrollView, can_focus=True):
    """Lines of rich Text, wrapped to the panel's width; only changed lines are redrawn."""

    BINDINGS = [
        Binding("down,j", "scroll_lines(1)", "Scroll down", id="panel.down", show=False),
        Binding("up,k", "scroll_lines(-1)", "Scroll up", id="panel.up", show=False),
        Binding("pagedown", "scroll_page(1)", "Page down", id="panel.page_down", show=False),
        Binding("pageup", "scroll_page(-1)", "Page up", id="panel.page_up", show=False),
        Binding("home,g", "scroll_home", "Top", id="panel.top", show=False),
        Binding("end,G", "scroll_end", "Bottom", id="panel.bottom", show=False),
    ]

    DEFAULT_CSS = """
    SidePanel { overflow-x: hidden; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._source: list[Text] = []
        self._lines: list[Text] = []  # wrapped to the width below
        self._keep: tuple[int, int] | None = None  # source lines to keep in view
        self._width = -1
        self._strips: dict[int, Strip] = {}

    # -- content -------------------------------------------------------------------------------
    def set_lines(self, lines: list[Text], keep: tuple[int, int] | None = None) -> None:
        """Show `lines`; `keep` is a range of them to scroll into view (the selected item)."""
        self._source = lines
        self._keep = keep
        self._rewrap()

    @property
    def plain(self) -> str:
        """The panel's text (tests read it)."""
        return "\n".join(line.plain for line in self._lines)

    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: the first resize does it
        new: list[Text] = []
        keep_at: tuple[int, int] | None = None
        console = self.app.console
        for i, line in enumerate(self._source):
            if self._keep is not None and i == self._keep[0]:
                keep_at = (len(new), len(new))
            wrapped = list(line.wrap(console, width)) if line.plain else [line]
            new.extend(wrapped)
            if self._keep is not None and i == self._keep[1] - 1 and keep_at is not None:
                keep_at = (keep_at[0], len(new))
        old = self._lines
        self._lines = new
        # Never shorter than the panel: a changed virtual size costs a layout pass of the
        # screen, and content that fits needs none.
        virtual = Size(width, max(len(new), self.scrollable_content_region.height))
        if width != self._width:
            self._width = width
            self._strips.clear()
            self.virtual_size = virtual
            self.refresh()
        else:
            changed = [y for y in range(max(len(old), len(new))) if _differs(old, new, y)]
            for y in changed:
                self._strips.pop(y, None)
            if virtual != self.virtual_size:
                self.virtual_size = virtual
            top = self.scroll_offset.y
            height = self.scrollable_content_region.height
            visible = [y - top for y in changed if top <= y < top + height]
            if visible:
                self.refresh_lines(min(visible), max(visible) - min(visible) + 1)
        if keep_at is not None:
            self._scroll_into_view(*keep_at)
        elif self.scroll_offset.y and len(new) <= self.scrollable_content_region.height:
            self.scroll_to(y=0, animate=False, immediate=True)

    def _scroll_into_view(self, start: int, end: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = self.scroll_offset.y
        if end - start >= height or start < top:
            target = start
        elif end > top + height:
            target = end - height
        else:
            return
        self.scroll_to(y=max(target, 0), animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._width:
            self._rewrap()

    # -- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        strip = self._strips.get(line)
        if strip is None:
            base = self.rich_style
            if line < len(self._lines):
                text = self._lines[line]
                console = self.app.console
                # The widget's colours under the line's own style (Text.render drops a plain
                # line's style, so it is applied here too).
                style = base + console.get_style(text.style) if text.style else base
                segments = Segment.apply_style(text.render(console), style)
                strip = Strip(segments, text.cell_len).crop_extend(0, width, base)
            else:
                strip = Strip.blank(width, base)
            self._strips[line] = strip
        return strip

    # -- keys ----------------------------------------------------------------------------------
    def action_scroll_lines(self, delta: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + delta, animate=False)

    def action_scroll_page(self, delta: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_to(y=self.scroll_offset.y + delta * height, animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)


def _differs(old: list[Text], new: list[Text], y: int) -> bool:
    if y >= len(old) or y >= len(new):
        return True
    a, b = old[y], new[y]
    return a.plain != b.plain or a.spans != b.spans or a.style != b.style
