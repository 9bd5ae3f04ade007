"""The Search screen: lemma-aware search with keyword-in-context lines, filters, and coding the hits."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Header, Input, Select, Static

from coder.domain import RoleGroup
from coder.errors import CoderError
from coder.services import catalog, coding
from coder.services.search import SearchHit, search_segments
from coder.tui.screens.base import CoderScreen
from coder.tui.theme import role_color
from coder.tui.widgets.dialogs import CodePicker
from coder.tui.widgets.keybar import KeyBar

KWIC_SIDE = 34


class SearchScreen(CoderScreen):
    TITLE = "Search"
    FOCUS_FIRST = "#search-input"
    BINDINGS = [
        Binding("slash", "focus_query", "Query", id="search.query"),
        Binding("space", "mark", "Mark hit", id="search.mark"),
        Binding("c", "code(False)", "Code segments", id="search.code"),
        Binding("C", "code(True)", "Code matches", id="search.code_span"),
        Binding("o", "open_hit", "Open in Coding", id="search.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []
        self.marked: set[int] = set()
        self.last_query = ""
        self._shown_query: str | None = None
        self.side = KWIC_SIDE

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield Input(
                placeholder="search words (politikerne finds politiker…; prefix*)",
                id="search-input",
            )
            yield Select[str]([], prompt="case", id="search-case")
            yield Select[str](
                [(g.value.replace("_", " "), g.value) for g in RoleGroup],
                prompt="role",
                id="search-role",
            )
            yield Input(placeholder="code", id="search-code")
            yield Checkbox("lemmas", True, id="search-lemma")
        yield Static(Text("Type a query and press enter.", style="dim"), id="search-status")
        table: DataTable[Text | str] = DataTable(
            id="search-results", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.seen_version = self.coder_app.data_version
        table = self.query_one(DataTable)
        table.add_column("", key="mark", width=1)
        table.add_column("case", key="case", width=11)
        table.add_column("speaker", key="speaker", width=12)
        table.add_column("keyword in context", key="kwic")
        table.add_column("codes", key="codes", width=14)
        self._load_cases()
        self.query_one("#search-input", Input).focus()

    def _load_cases(self) -> None:
        cases = self.call_service(catalog.list_cases, self.store) or []
        self.query_one("#search-case", Select).set_options([(c.name, c.name) for c in cases])

    def refresh_data(self) -> None:
        self._load_cases()
        if self.last_query:
            self.run_search()

    def action_focus_query(self) -> None:
        self.query_one("#search-input", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.run_search()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filters(self) -> None:
        if self.query_one("#search-input", Input).value.strip():
            self.run_search()

    def _params(self) -> dict[str, object]:
        def value(sel: Select[str]) -> str | None:
            v = sel.value
            return v if isinstance(v, str) else None

        return {
            "query": self.query_one("#search-input", Input).value,
            "case": value(self.query_one("#search-case", Select)),
            "role_group": value(self.query_one("#search-role", Select)),
            "code": self.query_one("#search-code", Input).value.strip() or None,
            "lemma": self.query_one("#search-lemma", Checkbox).value,
        }

    def run_search(self) -> None:
        params = self._params()
        if not str(params["query"]).strip():
            return
        self.last_query = str(params["query"])
        self.query_one("#search-status", Static).update(Text("searching…", style="dim"))
        self.search_worker(params)

    @work(thread=True, exclusive=True, group="search")
    def search_worker(self, params: dict[str, object]) -> None:
        query = str(params.pop("query"))
        try:
            hits = search_segments(self.store, query, **params)  # type: ignore[arg-type]
        except CoderError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the workspace
            self.app.call_from_thread(self.coder_app.report_unexpected, exc)
            return
        self.app.call_from_thread(self._show, hits, query)

    def _failed(self, message: str) -> None:
        self.query_one("#search-status", Static).update(Text(message, style="red"))

    def _show(self, hits: list[SearchHit], query: str) -> None:
        table = self.query_one(DataTable)
        # The same query shown again (after coding a hit, or a colleague's change) keeps the
        # cursor on the same hit and the marks on the same hits: a reset would make the next
        # Enter or c act on hit 1.
        again = query == self._shown_query
        cur = self._current()
        keep = self._hit_key(self.hits[cur]) if again and cur is not None else None
        marked = {self._hit_key(self.hits[i]) for i in self.marked} if again else set()
        self.hits = hits
        self._shown_query = query
        self.marked = {i for i, h in enumerate(hits) if self._hit_key(h) in marked}
        table.clear()
        # Left and right context share what the other columns leave of the table's width.
        fixed = 1 + 11 + 12 + 14 + 2 * 5
        self.side = max(12, (table.size.width - fixed - 14) // 2)
        for i, h in enumerate(hits):
            table.add_row(*self._cells(h, i in self.marked), key=str(i))
        if keep is not None:
            row = next((i for i, h in enumerate(hits) if self._hit_key(h) == keep), None)
            if row is not None:
                table.move_cursor(row=row)
        transcripts = len({h.transcript_id for h in hits})
        self.query_one("#search-status", Static).update(
            Text.assemble(
                (f"{len(hits)} hits", "bold"),
                (f" for “{query}” in {transcripts} transcript(s)", "dim"),
                ("  · space mark · c/C code segments/matches · enter open", "dim italic"),
            )
        )
        if hits:
            table.focus()

    @staticmethod
    def _hit_key(h: SearchHit) -> tuple[int, int, int]:
        return (h.segment_id, h.start, h.end)

    def _cells(self, h: SearchHit, marked: bool) -> list[Text | str]:
        side = self.side
        left = h.left[-side:].rjust(side)
        kwic = Text.assemble((left, "dim"), (h.match, "bold yellow"), (h.right[:side], "dim"))
        return [
            Text("●" if marked else " ", style="bold green"),
            Text(h.case_name or "—"),
            Text((h.speaker or "?")[:12], style=role_color(h.role_group)),
            kwic,
            Text(" ".join(h.code_ids)[:14], style="cyan"),
        ]

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.hits or table.cursor_row is None or table.cursor_row >= len(self.hits):
            return None
        return table.cursor_row

    def action_mark(self) -> None:
        i = self._current()
        if i is None:
            return
        table = self.query_one(DataTable)
        if i in self.marked:
            self.marked.discard(i)
        else:
            self.marked.add(i)
        table.update_cell(
            str(i), "mark", Text("●" if i in self.marked else " ", style="bold green")
        )
        if i + 1 < len(self.hits):
            table.move_cursor(row=i + 1)

    def action_code(self, span: bool) -> None:
        targets = sorted(self.marked) or ([self._current()] if self._current() is not None else [])
        if not targets:
            self.notify("no hit to code", severity="warning")
            return
        what = "matches" if span else "segments"
        self.app.push_screen(
            CodePicker(self.coder_app.codes, title=f"Code {len(targets)} {what}"),
            lambda code_id: self._code(code_id, targets, span),  # type: ignore[arg-type]
        )

    def _code(self, code_id: str | None, targets: list[int], span: bool) -> None:
        if not code_id:
            return
        done = 0
        for i in targets:
            h = self.hits[i]
            if self.call_service(
                coding.code_segment,
                self.store,
                h.segment_id,
                code_id,
                self.coder,
                span=(h.start, h.end) if span else None,
            ):
                done += 1
        self.notify(f"coded {done} {'match' if span else 'segment'}(s) with {code_id}")
        self.marked.clear()  # used: the refresh keeps the cursor, not these marks
        self.coder_app.data_changed()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_hit()

    def action_open_hit(self) -> None:
        i = self._current()
        if i is not None:
            h = self.hits[i]
            self.coder_app.open_transcript(h.transcript_id, h.segment_id)
