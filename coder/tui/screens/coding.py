"""The Coding screen: a transcript's segments, the focused segment's suggestions and codes, decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Static

from coder.domain import (
    CodingInfo,
    CodingStatus,
    MemoInfo,
    Relation,
    RelationSource,
    RoleGroup,
    SegmentInfo,
)
from coder.errors import CoderError
from coder.services import coding
from coder.services.catalog import TranscriptView as TranscriptData
from coder.services.workspace import (
    SegmentState,
    applied_for,
    coding_view,
    pending_for,
    segment_state,
)
from coder.tui.screens.base import CoderScreen
from coder.tui.theme import RELATION_NAMES, RELATION_SHORT, role_color, role_name
from coder.tui.widgets.dialogs import CodePicker, MemoEditor, RelationPicker, TextPrompt
from coder.tui.widgets.keybar import KeyBar
from coder.tui.widgets.panel import SidePanel
from coder.tui.widgets.transcript import SegmentRow, TranscriptView
from coder.tui.writes import Resolve

DEFAULT_THRESHOLD = "0.70"


class CodingScreen(CoderScreen):
    TITLE = "Coding"
    FOCUS_FIRST = "#transcript"
    BINDINGS = [
        Binding("a", "accept", "Accept", id="coding.accept"),
        Binding("x,r", "reject", "Reject", id="coding.reject"),
        Binding("A", "accept_above", "Accept ≥ score", id="coding.accept_above", show=False),
        Binding("n", "next_pending(1)", "Next pending", id="coding.next_pending"),
        Binding("N", "next_pending(-1)", "Prev pending", id="coding.prev_pending", show=False),
        Binding("c", "code", "Code…", id="coding.code"),
        Binding("R", "relation", "Relation…", id="coding.relation"),
        Binding("d,delete", "remove", "Remove code", id="coding.remove", show=False),
        Binding("m", "memo_segment", "Memo", id="coding.memo"),
        Binding("M", "memo_coding", "Memo on code", id="coding.memo_coding", show=False),
        Binding(
            "right_square_bracket", "panel(1)", "Next code", id="coding.panel_next", show=False
        ),
        Binding(
            "left_square_bracket", "panel(-1)", "Prev code", id="coding.panel_prev", show=False
        ),
        Binding(
            "shift+pagedown,right_curly_bracket",
            "panel_scroll(1)",
            "Scroll side panel down",
            id="coding.panel_scroll_down",
            show=False,
        ),
        Binding(
            "shift+pageup,left_curly_bracket",
            "panel_scroll(-1)",
            "Scroll side panel up",
            id="coding.panel_scroll_up",
            show=False,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: TranscriptData | None = None
        self.segments: list[SegmentInfo] = []
        self.codings: dict[int, list[CodingInfo]] = {}
        self.memos: dict[int, list[MemoInfo]] = {}
        self.names: dict[int, str] = {}
        self.panel_index = 0
        # The transcript being loaded. (Not `loading`: that is Textual's reactive which puts a
        # loading indicator over the whole screen and costs two layout passes.)
        self.loading_id: int | None = None
        self._pending_open: tuple[int, int | None] | None = None
        self._last_index: int | None = None
        self._ready = False
        self._stale = False  # a reload was asked for while writes were queued
        self._index: dict[int, int] = {}  # segment id -> row index
        self._writing: dict[int, int] = {}  # segment id -> queued writes on it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Text("Open a transcript from the Library (key 1).", style="dim"), id="coding-title"
        )
        with Horizontal(id="coding-body"):
            yield TranscriptView(id="transcript")
            yield SidePanel(id="coding-panel")
        yield KeyBar()

    def on_mount(self) -> None:
        self.seen_version = self.coder_app.data_version
        view = self.query_one(TranscriptView)
        view.listener = self._moved
        view.focus()
        self._ready = True
        if self._pending_open is not None:
            tid, seg = self._pending_open
            self._pending_open = None
            self.open_transcript(tid, seg)

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    # -- loading -----------------------------------------------------------------------------
    def open_transcript(self, transcript_id: int, segment_id: int | None = None) -> None:
        if not self._ready:
            self._pending_open = (transcript_id, segment_id)
            return
        self.loading_id = transcript_id
        if self.data is None:
            self.query_one("#coding-title", Static).update(Text("loading…", style="dim"))
        self.load_transcript(transcript_id, segment_id, keep_position=False)

    def refresh_data(self) -> None:
        if self.data is None:
            return
        if self.coder_app.writer.pending:
            # A reload now would drop decisions still on their way to the database.
            self._stale = True
            return
        self._stale = False
        self.load_transcript(self.data.transcript.id, None, keep_position=True)

    @work(thread=True, exclusive=True, group="load")
    def load_transcript(self, tid: int, segment_id: int | None, keep_position: bool) -> None:
        try:
            data = coding_view(self.store, tid, coder=self.coder)
        except CoderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the workspace
            self.app.call_from_thread(self.coder_app.report_unexpected, exc)
            return
        self.app.call_from_thread(self._show, data, segment_id, keep_position)

    def _show(self, data: TranscriptData, segment_id: int | None, keep_position: bool) -> None:
        view = self.view
        current = view.current.segment_id if keep_position and view.current else None
        span = view.span if keep_position else None
        self.data = data
        self.segments = data.segments
        self.codings = {k: list(v) for k, v in data.codings.items()}
        self.memos = {k: list(v) for k, v in data.memos.items()}
        self.names = {p.id: p.display_name for p in data.participants}
        self._index = {seg.id: i for i, seg in enumerate(self.segments)}
        rows = [self._row(seg) for seg in self.segments]
        target = segment_id or current
        cursor = 0
        if target is not None:
            cursor = next((i for i, s in enumerate(self.segments) if s.id == target), 0)
        elif not keep_position:
            cursor = next(
                (
                    i
                    for i, s in enumerate(self.segments)
                    if s.role_group is not RoleGroup.INTERVIEWER
                ),
                0,
            )
        view.set_rows(rows, cursor)
        if span is not None and current == (view.current.segment_id if view.current else None):
            view.span = span
        if not keep_position:
            self.panel_index = 0
        self.loading_id = None
        self._update_panel()
        self._update_title()
        self.coder_app.freeze_heap()

    def _row(self, seg: SegmentInfo) -> SegmentRow:
        codings = self.codings.get(seg.id, [])
        speaker = self.names.get(seg.participant_id or -1) or seg.speaker or "?"
        if not codings:  # most segments: nothing to sort or colour
            return SegmentRow(
                segment_id=seg.id,
                ordinal=seg.ordinal,
                text=seg.text,
                speaker=speaker,
                role_group=seg.role_group,
                memos=len(self.memos.get(seg.id, ())),
            )
        applied = applied_for(codings, self.coder)
        colors = self.coder_app.code_colors
        spans = [
            (c.span_start - seg.start, c.span_end - seg.start, colors.get(c.code_id, "#888888"))
            for c in applied
            if c.span_start is not None and c.span_end is not None
        ]
        badges: list[tuple[str, str]] = []
        for c in applied:
            if all(b[0] != c.code_id for b in badges):
                badges.append((c.code_id, colors.get(c.code_id, "#888888")))
        return SegmentRow(
            segment_id=seg.id,
            ordinal=seg.ordinal,
            text=seg.text,
            speaker=speaker,
            role_group=seg.role_group,
            spans=spans,
            badges=badges,
            pending=len(pending_for(codings, self.coder)),
            memos=len(self.memos.get(seg.id, [])),
        )

    def _redraw_segment(self, index: int) -> None:
        """Show one segment's (changed) codings: its lines, the panel and the title."""
        self.view.update_row(index, self._row(self.segments[index]))
        self._update_panel()
        self._update_title()

    def _write(
        self,
        index: int,
        write: Callable[[Resolve], Any],
        then: Callable[[Any], None] | None = None,
        *,
        placeholder: int | None = None,
        optimistic: bool = False,
    ) -> None:
        """Queue a write on segment `index`; when it is done, show the segment as stored.

        The segment's state is read back after the write (also after a failed one, which so
        reverts an optimistic change), and applied once no other write on it is queued.
        """
        seg_id = self.segments[index].id
        tid = self.data.transcript.id if self.data else None
        store = self.store
        hidden = self.data.hidden if self.data else frozenset()
        self._writing[seg_id] = self._writing.get(seg_id, 0) + 1

        def done(result: Any, error: BaseException | None, state: SegmentState | None) -> None:
            left = self._writing.get(seg_id, 1) - 1
            self._writing[seg_id] = left
            if error is not None:
                self.coder_app.write_failed(error)
            showing = self.data is not None and self.data.transcript.id == tid
            if showing and left == 0 and state is not None and seg_id in self._index:
                self.codings[seg_id] = state.codings
                self.memos[seg_id] = state.memos
                self._redraw_segment(self._index[seg_id])
            if error is None and then is not None and showing:
                then(result)
            self.coder_app.data_changed(reload_current=False)
            if self._stale and not self.coder_app.writer.pending:
                self.refresh_data()

        self.coder_app.writer.submit(
            write,
            done,
            read=lambda: segment_state(store, seg_id, hidden=hidden),
            placeholder=placeholder,
            after_frame=optimistic,
        )

    # -- the side panel --------------------------------------------------------------------------
    def _items(self) -> tuple[list[CodingInfo], list[CodingInfo]]:
        cur = self.view.current
        if cur is None:
            return [], []
        codings = self.codings.get(cur.segment_id, [])
        return pending_for(codings, self.coder), applied_for(codings, self.coder)

    def selected(self) -> tuple[str, CodingInfo] | None:
        pending, applied = self._items()
        items = [("pending", c) for c in pending] + [("applied", c) for c in applied]
        if not items:
            return None
        self.panel_index = min(max(self.panel_index, 0), len(items) - 1)
        return items[self.panel_index]

    def _label(self, code_id: str) -> str:
        code = next((c for c in self.coder_app.codes if c.id == code_id), None)
        return code.label if code else code_id

    @property
    def panel(self) -> SidePanel:
        return self.query_one("#coding-panel", SidePanel)

    def _update_panel(self) -> None:
        """Rewrite the side panel; it redraws only the lines that changed, in the same frame."""
        panel = self.panel
        view = self.view
        cur = view.current
        if cur is None:
            panel.set_lines([Text("No segment.", style="dim")])
            return
        seg = self.segments[view.cursor]
        pending, applied = self._items()
        chosen = self.selected()
        color = role_color(cur.role_group)
        parts: list[Text] = [
            Text.assemble(
                (f"#{cur.ordinal + 1} ", "dim"),
                (cur.speaker, f"bold {color}"),
                (f" · {role_name(cur.role_group)}", color),
            )
        ]
        if view.span is not None:
            a, b = view.span
            snippet = cur.text[a:b]
            if len(snippet) > 60:
                snippet = snippet[:57] + "…"
            parts.append(Text.assemble(("span ", "dim"), (f"“{snippet}”", "reverse")))
        else:
            parts.append(Text("whole segment (shift+→ selects a span)", style="dim"))
        keep: tuple[int, int] | None = None
        for title, items, empty in (
            ("Suggestions", pending, "  none"),
            ("Codes", applied, "  none — c to code"),
        ):
            parts.append(Text(""))
            parts.append(Text(f"{title} ({len(items)})", style="bold"))
            if not items:
                parts.append(Text(empty, style="dim"))
            for c in items:
                is_chosen = chosen is not None and chosen[1] is c
                lines = self._coding_lines(c, is_chosen, seg)
                if is_chosen:
                    keep = (len(parts), len(parts) + len(lines))
                parts.extend(lines)
        memos = self.memos.get(cur.segment_id, [])
        if memos:
            parts.append(Text(""))
            parts.append(Text(f"Memos ({len(memos)})", style="bold"))
            for m in memos:
                where = " [on code]" if m.coding_id else ""
                parts.append(Text(f"  ✎ {m.author}{where}: {m.text}", style="#76b7b2"))
        panel.set_lines(parts, keep=keep)

    def _coding_lines(self, c: CodingInfo, chosen: bool, seg: SegmentInfo) -> list[Text]:
        color = self.coder_app.code_colors.get(c.code_id, "#888888")
        head = Text.assemble(
            ("▶ " if chosen else "  ", "bold"),
            ("■ ", color),
            (f"{c.code_id}", "bold"),
            f" {self._label(c.code_id)[:40]}",
        )
        meta = Text("    ", style="dim")
        meta.append(f"→{RELATION_SHORT.get(c.effective, '—')}")
        if c.relation_source not in (RelationSource.CODING, RelationSource.NONE):
            meta.append(f" (by {c.relation_source.value})")
        if c.score is not None:
            meta.append(f" · {c.score:.2f}")
        if c.span_start is not None and c.span_end is not None:
            meta.append(f" · span {c.span_start - seg.start}–{c.span_end - seg.start}")
        if c.coder != self.coder:
            meta.append(f" · {c.coder}")
        lines = [head, meta]
        if c.evidence:
            lines.append(Text("    evidence: " + ", ".join(c.evidence[:6]), style="italic dim"))
        return lines

    def _update_title(self) -> None:
        title = self.query_one("#coding-title", Static)
        if self.data is None:
            return
        t = self.data.transcript
        rows = self.view.rows
        informant = [r for r in rows if r.role_group is not RoleGroup.INTERVIEWER]
        coded = sum(1 for r in informant if r.badges)
        share = coded / len(informant) if informant else 0.0
        pending = sum(r.pending for r in rows)
        title.update(
            layout=False,
            content=Text.assemble(
                (t.case_name or "—", "bold"),
                " · ",
                (t.title, "bold"),
                (f"   {t.word_count:,} words · {len(rows)} segments · ", "dim"),
                (f"{share:.0%} coded", "green"),
                (" · ", "dim"),
                (f"◆{pending} pending", "yellow"),
            ),
        )

    def _moved(self, index: int) -> None:
        """The view's cursor or span changed: redraw the panel in the same frame."""
        if index != self._last_index:
            self.panel_index = 0
            self._last_index = index
        self._update_panel()

    def action_panel_scroll(self, delta: int) -> None:
        """Page the side panel without leaving the transcript (tab focuses the panel itself)."""
        self.panel.action_scroll_page(delta)

    def action_panel(self, delta: int) -> None:
        pending, applied = self._items()
        total = len(pending) + len(applied)
        if total:
            self.panel_index = (self.panel_index + delta) % total
            self._update_panel()

    # -- decisions ---------------------------------------------------------------------------
    def _need_segment(self) -> int | None:
        if self.view.current is None:
            self.notify("no transcript open", severity="warning")
            return None
        return self.view.cursor

    def action_accept(self) -> None:
        self._decide(CodingStatus.ACCEPTED, "no suggestion selected here (n: next pending)")

    def action_reject(self) -> None:
        self._decide(CodingStatus.REJECTED, "no suggestion selected here (d removes a code)")

    def _decide(self, status: CodingStatus, nothing: str) -> None:
        """Accept or reject the selected suggestion: shown at once, committed in the background.

        On another coder's suggestion the decision is a new coding of this coder's own (as the
        service does it); it has a placeholder id until its write has run.
        """
        index = self._need_segment()
        item = self.selected() if index is not None else None
        if index is None:
            return
        if item is None or item[0] != "pending":
            self.notify(nothing, severity="warning")
            return
        c = item[1]
        seg = self.segments[index]
        writer = self.coder_app.writer
        placeholder: int | None = None
        codings = self.codings.setdefault(seg.id, [])
        if c.coder == self.coder:
            decided = replace(c, status=status, version=c.version + 1)
            codings[:] = [decided if x is c else x for x in codings]
        else:
            placeholder = writer.placeholder()
            codings.append(replace(c, id=placeholder, coder=self.coder, status=status, version=1))
        self._redraw_segment(index)
        store, coder, cid = self.store, self.coder, c.id
        expected = c.version if c.coder == self.coder else None
        service = (
            coding.accept_suggestion
            if status is CodingStatus.ACCEPTED
            else coding.reject_suggestion
        )
        self._write(
            index,
            lambda r: service(store, r(cid), coder, expected_version=expected),
            placeholder=placeholder,
            optimistic=True,
        )

    def action_next_pending(self, direction: int) -> None:
        rows = self.view.rows
        if not rows:
            return
        n = len(rows)
        for step in range(1, n + 1):
            i = (self.view.cursor + direction * step) % n
            if rows[i].pending:
                self.view.go_to(i)
                self.panel_index = 0
                self._update_panel()
                return
        self.notify("no pending suggestions in this transcript")

    def action_accept_above(self) -> None:
        if self.data is None:
            return
        coder = self.coder
        everything = [c for cs in self.codings.values() for c in cs]

        def hint(value: str) -> str:
            try:
                threshold = float(value.replace(",", "."))
            except ValueError:
                return "type a score between 0 and 1"
            n, segs = coding.accepted_above(everything, coder, threshold)
            return f"→ accepts {n} suggestion(s) in {segs} segment(s); enter accepts, escape cancels"

        self.app.push_screen(
            TextPrompt(
                f"Accept your pending suggestions in the whole transcript "
                f"«{self.data.transcript.title}» scoring at least",
                DEFAULT_THRESHOLD,
                hint=hint,
            ),
            self._accept_above,
        )

    def _accept_above(self, value: str | None) -> None:
        if value is None or self.data is None:
            return
        try:
            threshold = float(value.replace(",", "."))
        except ValueError:
            self.notify(f"not a number: {value!r}", severity="error")
            return
        store, coder, tid = self.store, self.coder, self.data.transcript.id
        app = self.coder_app

        def done(n: int | None, error: BaseException | None, _state: object) -> None:
            if error is not None:
                app.write_failed(error)
            else:
                self.notify(f"accepted {n} suggestion(s) scoring ≥ {threshold:.2f}")
            app.data_changed()

        app.writer.submit(
            lambda _r: coding.accept_suggestions_above(store, tid, threshold, coder), done
        )

    def action_code(self) -> None:
        if self._need_segment() is None:
            return
        title = "Code the span" if self.view.span else "Code the segment"
        self.app.push_screen(CodePicker(self.coder_app.codes, title=title), self._code_chosen)

    def _code_chosen(self, code_id: str | None) -> None:
        index = self._need_segment()
        if not code_id or index is None:
            return
        seg = self.segments[index]
        span = self.view.span
        absolute = (seg.start + span[0], seg.start + span[1]) if span else None
        store, coder, seg_id = self.store, self.coder, seg.id
        self.view.span = None
        self.view.refresh_current()
        self._update_panel()
        self._write(
            index,
            lambda _r: coding.code_segment(store, seg_id, code_id, coder, span=absolute),
            lambda done: self._select_coding(seg_id, done),
        )

    def _select_coding(self, seg_id: int, done: CodingInfo) -> None:
        """Select a just-written coding in the panel (R, M and d act on it next): after an
        accept the suggestion has moved to Codes, and the panel must follow it there."""
        if self.view.current is None or self.view.current.segment_id != seg_id:
            return
        pending, applied = self._items()
        at = next((i for i, c in enumerate(applied) if c.id == done.id), None)
        if at is not None:
            self.panel_index = len(pending) + at
            self._update_panel()

    def action_relation(self) -> None:
        if self._need_segment() is None:
            return
        if self.selected() is None:
            self.notify("no code selected here", severity="warning")
            return
        self.app.push_screen(RelationPicker(), self._relation_chosen)

    def _relation_chosen(self, value: str | None) -> None:
        index = self._need_segment()
        item = self.selected()
        if value is None or index is None or item is None:
            return
        relation = Relation(value) if value else None
        kind, c = item
        store, coder = self.store, self.coder
        write: Callable[[Resolve], Any]
        if kind == "pending":
            if relation is None:
                self.notify("choose a relation to accept the suggestion with", severity="warning")
                return
            write = lambda r: coding.accept_suggestion(store, r(c.id), coder, relation=relation)  # noqa: E731
        elif c.coder != self.coder:
            span = (c.span_start, c.span_end) if c.span_start is not None else None
            write = lambda _r: coding.code_segment(  # noqa: E731
                store,
                c.segment_id,
                c.code_id,
                coder,
                span=span,
                relation=relation,  # type: ignore[arg-type]
            )
        else:
            write = lambda r: coding.set_relation(store, r(c.id), relation, coder)  # noqa: E731
        seg = self.segments[index]

        def confirm(done: CodingInfo) -> None:
            self._select_coding(seg.id, done)
            name = RELATION_NAMES.get(done.relation, "no relation")
            self.notify(f"{done.code_id} on segment #{seg.ordinal + 1}: {name}", timeout=3)

        self._write(index, write, confirm)

    def action_remove(self) -> None:
        index = self._need_segment()
        item = self.selected() if index is not None else None
        if index is None:
            return
        if item is None or item[0] != "applied" or item[1].coder != self.coder:
            self.notify("select one of your codes to remove (] and [ move)", severity="warning")
            return
        store, coder, cid = self.store, self.coder, item[1].id
        self._write(index, lambda r: coding.remove_coding(store, r(cid), coder))

    def action_memo_segment(self) -> None:
        cur = self.view.current
        if cur is None:
            return
        mine = [
            m
            for m in self.memos.get(cur.segment_id, [])
            if m.author == self.coder and m.coding_id is None
        ]
        existing = mine[-1] if mine else None
        self.app.push_screen(
            MemoEditor(f"Memo on segment #{cur.ordinal + 1}", existing.text if existing else ""),
            lambda text: self._save_memo(text, existing, None),
        )

    def action_memo_coding(self) -> None:
        item = self.selected()
        if item is None:
            self.notify("no code selected here", severity="warning")
            return
        c = item[1]
        mine = [
            m
            for m in self.memos.get(c.segment_id, [])
            if m.author == self.coder and m.coding_id == c.id
        ]
        existing = mine[-1] if mine else None
        self.app.push_screen(
            MemoEditor(f"Memo on {c.code_id}", existing.text if existing else ""),
            lambda text: self._save_memo(text, existing, c),
        )

    def _save_memo(self, text: str | None, existing: MemoInfo | None, c: CodingInfo | None) -> None:
        index = self._need_segment()
        if text is None or index is None:
            return
        seg_id = self.segments[index].id
        store, coder = self.store, self.coder
        write: Callable[[Resolve], Any]
        if existing is not None:
            memo_id = existing.id
            if text.strip():
                write = lambda _r: coding.edit_memo(store, memo_id, text, coder)  # noqa: E731
            else:
                write = lambda _r: coding.delete_memo(store, memo_id, coder)  # noqa: E731
        elif text.strip():
            coding_id = c.id if c is not None else None
            write = lambda r: coding.add_memo(  # noqa: E731
                store,
                coder,
                text,
                segment_id=seg_id,
                coding_id=r(coding_id) if coding_id is not None else None,
            )
        else:
            return
        self._write(index, write)
