"""A virtualised transcript: segments laid out as wrapped lines, only visible lines rendered.

A 50,000-word transcript is one widget: layout is a list of word-wrap offsets per segment
(recomputed on resize), and `render_line` builds the few strips on screen, cached per line.
Keyboard: move between segments, select a span by word or sentence; mouse: click a segment,
drag over text to select a span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.domain import RoleGroup
from coder.tui.theme import role_color, role_name

GUTTER = 2
WORD_RE = re.compile(r"\S+")
SENTENCE_RE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")


@dataclass(slots=True)
class SegmentRow:
    """What the view shows of one segment: text, speaker, coded spans, badges."""

    segment_id: int
    ordinal: int
    text: str
    speaker: str
    role_group: RoleGroup | None
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # relative offsets, colour
    badges: list[tuple[str, str]] = field(default_factory=list)  # (code id, colour)
    pending: int = 0
    memos: int = 0


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of `text` to `width` cells, as (start, end) offsets; hard newlines kept.

    Cuts at the last space that fits (str.rfind), so the cost grows with lines, not words: a
    50,000-word transcript lays out in a few milliseconds.
    """
    width = max(width, 8)
    lines: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        start = pos
        end = pos + len(para)
        pos = end + 1
        while end - start > width:
            cut = text.rfind(" ", start, start + width + 1)
            if cut <= start:  # one word longer than a line: cut it
                lines.append((start, start + width))
                start += width
                continue
            lines.append((start, cut))
            start = cut + 1
            while start < end and text[start] == " ":
                start += 1
        lines.append((start, end))
    return lines


def word_bounds(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text)]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    out = []
    for m in SENTENCE_RE.finditer(text):
        s = m.group()
        lead = len(s) - len(s.lstrip())
        trail = len(s) - len(s.rstrip())
        if s.strip():
            out.append((m.start() + lead, m.end() - trail))
    return out


class TranscriptView(ScrollView, can_focus=True):
    """The transcript as segments; one is focused, and a span inside it may be selected."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Next", id="transcript.next", show=False),
        Binding("up,k", "move(-1)", "Previous", id="transcript.previous", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", id="transcript.page_down", show=False),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", id="transcript.page_up", show=False),
        Binding("home,g", "first", "First segment", id="transcript.first", show=False),
        Binding("end,G", "last", "Last segment", id="transcript.last", show=False),
        Binding("right,l", "word(1)", "Select next word", id="span.word_next", show=False),
        Binding("left,h", "word(-1)", "Select previous word", id="span.word_prev", show=False),
        Binding(
            "shift+right,L",
            "extend_word(1)",
            "Extend span by a word",
            id="span.extend_word",
            show=False,
        ),
        Binding(
            "shift+left,H",
            "extend_word(-1)",
            "Shrink span by a word",
            id="span.shrink_word",
            show=False,
        ),
        Binding(
            "shift+down,full_stop",
            "extend_sentence(1)",
            "Extend span by a sentence",
            id="span.extend_sentence",
            show=False,
        ),
        Binding(
            "shift+up,comma",
            "extend_sentence(-1)",
            "Shrink span by a sentence",
            id="span.shrink_sentence",
            show=False,
        ),
        Binding("escape", "clear_span", "Whole segment", id="span.clear", show=False),
    ]

    # The scrollbar is always shown: the text width stays fixed (the wrap layout is computed
    # once), and a loaded transcript needs no extra layout pass to bring the scrollbar in.
    DEFAULT_CSS = """
    TranscriptView { background: $surface; overflow-y: scroll; overflow-x: hidden; }
    """

    class Moved(Message):
        """The focused segment or the span changed (posted when no `listener` is set)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.rows: list[SegmentRow] = []
        self.cursor = 0
        self.span: tuple[int, int] | None = None  # offsets into the focused segment's text
        self._anchor: int | None = None  # mouse drag anchor (char offset)
        self._wraps: list[list[tuple[int, int]]] = []
        self._starts: list[int] = []
        self._layout_width = -1
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(2048)
        self._base_style = Style()
        self._render_width = 0
        # Called at once when the focused segment or span changes, so the owner can redraw its
        # own widgets in the same frame (a message would arrive a frame later).
        self.listener: Callable[[int], None] | None = None
        self._focus_on_show = False

    # -- data --------------------------------------------------------------------------------
    def set_rows(self, rows: list[SegmentRow], cursor: int = 0) -> None:
        self.rows = rows
        self.cursor = min(max(cursor, 0), max(len(rows) - 1, 0))
        self.span = None
        self._layout_width = -1
        self._wraps, self._starts = [], []
        self._cache.clear()
        self._relayout()
        self.scroll_to_cursor()
        self.refresh()

    def update_row(self, index: int, row: SegmentRow) -> None:
        """Replace one segment's row (after a coding action): only its lines are redrawn."""
        self.rows[index] = row
        self.refresh_segment(index)

    def refresh_segment(self, index: int) -> None:
        """Redraw one segment's lines (cheaper than the whole view)."""
        self._invalidate(index)
        if 0 <= index < len(self._starts):
            top, height = self.segment_lines(index)
            self.refresh_lines(top, height)

    def _invalidate(self, index: int) -> None:
        for key in list(self._cache.keys()):
            if key[0] == index:
                self._cache.discard(key)

    @property
    def current(self) -> SegmentRow | None:
        return self.rows[self.cursor] if self.rows else None

    # -- layout ------------------------------------------------------------------------------
    @property
    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width - GUTTER - 1, 10)

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 0:
            return  # not laid out yet: the first resize or render does it
        width = self._text_width
        if width == self._layout_width:
            return
        self._layout_width = width
        self._wraps = [wrap_offsets(r.text, width) for r in self.rows]
        starts = []
        y = 0
        for w in self._wraps:
            starts.append(y)
            y += len(w) + 2  # header line, text lines, blank separator
        self._starts = starts
        self._cache.clear()
        self.virtual_size = Size(width + GUTTER + 1, y)

    def _on_hide(self, event: events.Hide) -> None:
        # Runs before Widget._on_hide, which blurs the view.
        self._focus_on_show = self.has_focus

    def on_show(self) -> None:
        """Take the keys back after a screen switch.

        Switching back to the Coding screen can lay it out once with the view hidden; Textual
        then blurs the view (focusing the side panel or nothing), and j/k/a would no longer
        reach the transcript.
        """
        if self._focus_on_show and self.screen.is_current:
            self.focus(scroll_visible=False)
        self._focus_on_show = False

    def on_resize(self, event: events.Resize) -> None:
        if self._text_width != self._layout_width:
            self._relayout()
            self.scroll_to_cursor()

    def segment_lines(self, index: int) -> tuple[int, int]:
        """(first line, line count) of a segment in the virtual layout."""
        return self._starts[index], len(self._wraps[index]) + 1

    def scroll_to_cursor(self) -> None:
        if not self.rows or not self._starts:
            return
        top, height = self.segment_lines(self.cursor)
        view_h = self.scrollable_content_region.height or 1
        y = self.scroll_offset.y
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + height > y + view_h:
            self.scroll_to(
                y=max(top + height - view_h, 0) if height < view_h else top,
                animate=False,
                immediate=True,
            )

    # -- rendering ---------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # Style and width once per pass, not per line (rich_style walks the DOM).
        self._base_style = self.rich_style
        self._render_width = self.scrollable_content_region.width
        if self._text_width != self._layout_width:
            self._relayout()
            self.call_after_refresh(self.scroll_to_cursor)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self._render_width
        base = self._base_style
        if not self._starts or line >= self.virtual_size.height:
            return Strip.blank(width, base)
        i = bisect_right(self._starts, line) - 1
        k = line - self._starts[i]
        focused = i == self.cursor
        key = (i, k, width)
        if not focused:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        text = self._line_text(i, k, focused)
        strip = Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, base)
        if not focused:
            self._cache[key] = strip
        return strip

    def _line_text(self, i: int, k: int, focused: bool) -> Text:
        row = self.rows[i]
        wraps = self._wraps[i]
        color = role_color(row.role_group)
        gutter = Text("▌ " if focused else "  ", style=Style(color=color, bold=True))
        if k == 0:
            head = Text.assemble(
                gutter,
                (row.speaker, Style(color=color, bold=True)),
                (f" · {role_name(row.role_group)}", Style(color=color, dim=True)),
                (f"  #{row.ordinal + 1}", Style(dim=True)),
            )
            for code_id, code_color in row.badges:
                head.append("  ")
                head.append(f" {code_id} ", Style(color="#000000", bgcolor=code_color))
            if row.pending:
                head.append(f"  ◆{row.pending}", Style(color="#edc948", bold=True))
            if row.memos:
                head.append(f"  ✎{row.memos}", Style(color="#76b7b2"))
            return head
        if k > len(wraps):
            return Text("")
        a, b = wraps[k - 1]
        body = Text(row.text[a:b], style=Style(bold=focused) if focused else Style())
        for s, e, c in row.spans:
            lo, hi = max(s, a), min(e, b)
            if lo < hi:
                body.stylize(Style(underline=True, bgcolor=_dim(c)), lo - a, hi - a)
        if focused and self.span is not None:
            lo, hi = max(self.span[0], a), min(self.span[1], b)
            if lo < hi:
                body.stylize(Style(reverse=True), lo - a, hi - a)
        return Text.assemble(gutter, body)

    def refresh_current(self) -> None:
        self.refresh_segment(self.cursor)

    # -- moving ------------------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        if not self.rows:
            return
        index = min(max(index, 0), len(self.rows) - 1)
        old = self.cursor
        if index != old:
            self.cursor = index
            self.span = None
        y = self.scroll_offset.y
        self.scroll_to_cursor()
        if self.scroll_offset.y == y:
            # No scroll: only the two segments whose focus mark changed are redrawn.
            self.refresh_segment(old)
            self.refresh_segment(index)
        self._moved()

    def _moved(self) -> None:
        if self.listener is not None:
            self.listener(self.cursor)
        else:
            self.post_message(self.Moved(self.cursor))

    def action_move(self, delta: int) -> None:
        self.go_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        if not self._starts:
            return
        view_h = self.scrollable_content_region.height or 1
        target = self._starts[self.cursor] + delta * view_h
        target = min(max(target, 0), self._starts[-1])
        self.go_to(bisect_right(self._starts, target) - 1)

    def action_first(self) -> None:
        self.go_to(0)

    def action_last(self) -> None:
        self.go_to(len(self.rows) - 1)

    # -- span selection ------------------------------------------------------------------------
    def _set_span(self, span: tuple[int, int] | None) -> None:
        self.span = span
        self.refresh_current()
        self._moved()

    def action_clear_span(self) -> None:
        self._set_span(None)

    def _bounds(self, split: Callable[[str], list[tuple[int, int]]]) -> list[tuple[int, int]]:
        """Word or sentence bounds of the focused segment ([] when there is none)."""
        row = self.current
        return split(row.text) if row is not None else []

    def action_word(self, delta: int) -> None:
        """Select the next (previous) single word in the focused segment."""
        words = self._bounds(word_bounds)
        if not words:
            return
        if self.span is None:
            idx = 0 if delta > 0 else len(words) - 1
        else:
            idx = _index_at(words, self.span[0] if delta < 0 else self.span[1] - 1) + delta
        idx = min(max(idx, 0), len(words) - 1)
        self._set_span(words[idx])

    def action_extend_word(self, delta: int) -> None:
        words = self._bounds(word_bounds)
        if not words:
            return
        if self.span is None:
            self._set_span(words[0])
            return
        end_idx = _index_at(words, self.span[1] - 1) + delta
        start_idx = _index_at(words, self.span[0])
        end_idx = min(max(end_idx, start_idx), len(words) - 1)
        self._set_span((self.span[0], words[end_idx][1]))

    def action_extend_sentence(self, delta: int) -> None:
        sents = self._bounds(sentence_bounds)
        if not sents:
            return
        if self.span is None:
            self._set_span(sents[0])
            return
        start = self.span[0]
        ends = [e for _, e in sents]
        if delta > 0:
            later = [e for e in ends if e > self.span[1]]
            end = later[0] if later else ends[-1]
        else:
            earlier = [e for e in ends if start < e < self.span[1]]
            end = earlier[-1] if earlier else self.span[1]
        self._set_span((start, end))

    # -- mouse ---------------------------------------------------------------------------------
    def _hit(self, event: events.MouseEvent) -> tuple[int, int | None]:
        if not self._starts:
            return self.cursor, None
        off = event.get_content_offset_capture(self)
        line = self.scroll_offset.y + off.y
        line = min(max(line, 0), max(self.virtual_size.height - 1, 0))
        i = bisect_right(self._starts, line) - 1
        k = line - self._starts[i]
        wraps = self._wraps[i]
        if k == 0 or k > len(wraps):
            return i, None
        a, b = wraps[k - 1]
        return i, a + min(max(off.x - GUTTER, 0), b - a)

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.rows:
            return
        self.focus()
        i, char = self._hit(event)
        if i != self.cursor:
            self.go_to(i)
        self._anchor = char
        if char is not None:
            self.capture_mouse()
        elif self.span is not None:
            self._set_span(None)

    async def _on_mouse_move(self, event: events.MouseMove) -> None:
        if self._anchor is None or not event.button:
            return
        i, char = self._hit(event)
        if i != self.cursor or char is None:
            return
        lo, hi = sorted((self._anchor, char))
        if hi > lo:
            self.span = (lo, hi)
            self.refresh_current()

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        if self._anchor is None:
            return
        self.release_mouse()
        self._anchor = None
        row = self.current
        if row is not None and self.span is not None:
            self._set_span(_snap_to_words(row.text, self.span))
        elif self.span is not None:
            self._set_span(None)


def _index_at(bounds: list[tuple[int, int]], offset: int) -> int:
    starts = [s for s, _ in bounds]
    return max(bisect_right(starts, offset) - 1, 0)


def _snap_to_words(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Widen a dragged span to whole words (a drag rarely lands exactly on word edges)."""
    words = [w for w in word_bounds(text) if w[1] > span[0] and w[0] < span[1]]
    if not words:
        return None
    return words[0][0], words[-1][1]


def _dim(hex_color: str) -> str:
    """A darker shade of a code colour, as a highlight behind text."""
    try:
        r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "#444444"
    return f"#{r * 2 // 5:02x}{g * 2 // 5:02x}{b * 2 // 5:02x}"
