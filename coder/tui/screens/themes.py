"""The Themes screen: a heat-shaded code x relation (or x municipality) matrix, quotes, a basket.

Enter on a cell lists that cell's quotes; space puts the highlighted quote in the basket; `e`
exports the basket (docx, md, csv or xlsx, pseudonymised by default). Bars under the matrix show
the highlighted row across the columns. Slow queries run in thread workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Label, Static

from coder.errors import CoderError
from coder.services import synthesis
from coder.services.synthesis import Quote, Summary

RELATIONS = ("politicians", "ceo", "units", "none")
LEVELS = ("section", "question", "item")
BLOCKS = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 40
QUOTE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One matrix row: a code (and, by municipality, its relation) with a value per column."""

    code_id: str
    label: str
    relation: str | None
    values: tuple[int, ...]


def heat(value: int, top: int) -> Text:
    """A cell: the number on a background from dark to warm by its share of the largest value."""
    if value == 0:
        return Text("·", style="dim", justify="right")
    share = value / top if top else 0.0
    r = int(40 + 200 * share)
    g = int(40 + 90 * share)
    b = int(60 - 30 * share)
    fg = "black" if share > 0.6 else "white"
    return Text(f" {value} ", style=Style(bgcolor=f"rgb({r},{g},{b})", color=fg), justify="right")


def bar(value: int, top: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of block characters, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(value / top * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def matrix_rows(summary: Summary, columns: str) -> tuple[list[str], list[MatrixRow]]:
    """Column names and rows: codes x relations, or (relation, code) x municipalities."""
    if columns == "relations":
        rows = [
            MatrixRow(
                code_id,
                summary.label(code_id),
                None,
                tuple(summary.cell(r, code_id).segments for r in RELATIONS),
            )
            for code_id in summary.code_ids()
        ]
        return list(RELATIONS), rows
    cases = list(summary.columns)
    out: list[MatrixRow] = []
    for rel in RELATIONS:
        for code in summary.relations[rel].codes:
            out.append(
                MatrixRow(
                    code.code_id,
                    code.label,
                    rel,
                    tuple(code.breakdown[c].segments if c in code.breakdown else 0 for c in cases),
                )
            )
    return cases, out


class ExportBasket(ModalScreen[tuple[str, bool] | None]):
    """Ask where to write the basket and whether to pseudonymise it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="themes.export.cancel")]

    def __init__(self, count: int, default: str = "sitater.docx") -> None:
        super().__init__()
        self.count = count
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="themes-export"):
            yield Label(f"Export {self.count} quotes (.docx, .md, .csv or .xlsx):")
            yield Input(self.default, id="themes-export-path")
            yield Checkbox("pseudonymise names", True, id="themes-export-pseudo")
            with Horizontal():
                yield Button("Export", variant="primary", id="themes-export-ok")
                yield Button("Cancel", id="themes-export-cancel")

    @on(Button.Pressed, "#themes-export-ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        path = self.query_one("#themes-export-path", Input).value.strip()
        if path:
            self.dismiss((path, self.query_one("#themes-export-pseudo", Checkbox).value))

    @on(Button.Pressed, "#themes-export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ThemesScreen(Screen[None]):
    """What the interviews say per relation: strong codes, differences, and the quotes behind."""

    TITLE = "Themes"
    DEFAULT_CSS = """
    ThemesScreen #themes-status { height: 1; padding: 0 1; }
    ThemesScreen #themes-matrix { height: 2fr; }
    ThemesScreen #themes-bars { height: auto; max-height: 7; padding: 0 1; }
    ThemesScreen #themes-quotes { height: 1fr; border: round $panel; }
    ThemesScreen #themes-basket { height: 1; padding: 0 1; }
    ExportBasket { align: center middle; }
    ExportBasket #themes-export { width: 70; height: auto; padding: 1 2; border: thick $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("enter", "drill", "Quotes", id="themes.drill"),
        Binding("m", "toggle_columns", "Relations/municipalities", id="themes.columns"),
        Binding("l", "cycle_level", "Level", id="themes.level"),
        Binding("s", "toggle_status", "Accepted/all", id="themes.status"),
        Binding("space", "basket", "Basket +/-", id="themes.basket"),
        Binding("e", "export", "Export basket", id="themes.export"),
        Binding("x", "clear_basket", "Empty basket", id="themes.clear", show=False),
        Binding("tab", "focus_next", "Matrix/quotes", id="themes.focus", show=False),
        Binding("r", "reload", "Reload", id="themes.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.columns = "relations"
        self.level = "question"
        self.status = "accepted"
        self.summary: Summary | None = None
        self.column_names: list[str] = []
        self.rows: list[MatrixRow] = []
        self.quotes: list[Quote] = []
        self.basket: dict[tuple[int, str, str], Quote] = {}
        self.seen_version = -1

    # -- the workspace around the screen -------------------------------------------------------
    @property
    def store(self) -> Any:
        return self.app.store  # type: ignore[attr-defined]

    def refresh_data(self) -> None:
        """Reload after the project changed (the workspace calls this)."""
        self.load_summary()

    def on_screen_resume(self) -> None:
        version = getattr(self.app, "data_version", 0)
        if version != self.seen_version:
            self.seen_version = version
            self.load_summary()

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="themes-status")
        matrix: DataTable[Text | str] = DataTable(id="themes-matrix", cursor_type="cell")
        yield matrix
        yield Static("", id="themes-bars")
        quotes: DataTable[Text | str] = DataTable(
            id="themes-quotes", cursor_type="row", zebra_stripes=True
        )
        yield quotes
        yield Static("", id="themes-basket")
        yield Footer()

    def on_mount(self) -> None:
        self.seen_version = getattr(self.app, "data_version", 0)
        table = self.query_one("#themes-quotes", DataTable)
        table.add_column("", key="in", width=1)
        table.add_column("case", key="case", width=11)
        table.add_column("role", key="role", width=13)
        table.add_column("st", key="status", width=3)
        table.add_column("quote", key="text")
        self._show_basket()
        self.load_summary()
        self.query_one("#themes-matrix", DataTable).focus()

    # -- loading -----------------------------------------------------------------------------
    def load_summary(self) -> None:
        self.query_one("#themes-status", Static).update(Text("loading…", style="dim"))
        self.summary_worker(
            self.level, self.status, "relation" if self.columns == "relations" else "case"
        )

    @work(thread=True, exclusive=True, group="themes-summary")
    def summary_worker(self, level: str, status: str, by: str) -> None:
        try:
            result = synthesis.summary(self.store, level=level, by=by, status=status)
        except CoderError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show_summary, result)

    def _failed(self, message: str) -> None:
        self.query_one("#themes-status", Static).update(Text(message, style="red"))
        self.notify(message, title="Not done", severity="error")

    def _show_summary(self, summary: Summary) -> None:
        self.summary = summary
        self.column_names, self.rows = matrix_rows(summary, self.columns)
        table = self.query_one("#themes-matrix", DataTable)
        table.clear(columns=True)
        table.add_column("code", key="code", width=9)
        if self.columns != "relations":
            table.add_column("relation", key="relation", width=11)
        table.add_column("label", key="label", width=30)
        for name in self.column_names:
            table.add_column(name, key=f"col:{name}", width=max(7, len(name) + 1))
        top = max((v for r in self.rows for v in r.values), default=0)
        for i, row in enumerate(self.rows):
            head: list[Text | str] = [row.code_id]
            if self.columns != "relations":
                head.append(row.relation or "")
            head.append(row.label)
            table.add_row(*head, *(heat(v, top) for v in row.values), key=str(i))
        first_value = 2 if self.columns == "relations" else 3
        if self.rows:
            table.move_cursor(row=0, column=first_value)
        what = "relations" if self.columns == "relations" else "municipalities"
        status = "accepted" if self.status == "accepted" else "accepted + suggested"
        self.query_one("#themes-status", Static).update(
            Text.assemble(
                ("codes × " + what, "bold"),
                f"  level {self.level}  ·  {status}  ·  cells: coded segments  ·  ",
                ("enter", "bold"),
                " quotes",
            )
        )
        self._show_bars()

    # -- cursor, bars, drill-down ------------------------------------------------------------
    def _cell(self) -> tuple[MatrixRow, str] | None:
        """The highlighted row and column name, when the cursor is on a value column."""
        table = self.query_one("#themes-matrix", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        first_value = 2 if self.columns == "relations" else 3
        col = table.cursor_column - first_value
        row = self.rows[table.cursor_row]
        if col < 0 or col >= len(self.column_names):
            return None
        return row, self.column_names[col]

    @on(DataTable.CellHighlighted, "#themes-matrix")
    def _highlighted(self) -> None:
        self._show_bars()

    def _show_bars(self) -> None:
        table = self.query_one("#themes-matrix", DataTable)
        bars = self.query_one("#themes-bars", Static)
        if not self.rows or table.cursor_row >= len(self.rows):
            bars.update(Text("No coded segments yet.", style="dim"))
            return
        row = self.rows[table.cursor_row]
        top = max(row.values) if row.values else 0
        lines = Text()
        lines.append(f"{row.code_id} {row.label}\n", style="bold")
        for name, value in zip(self.column_names, row.values, strict=True):
            lines.append(f"{name:>12} ")
            lines.append(bar(value, top), style="rgb(220,140,40)")
            lines.append(f" {value}\n")
        bars.update(lines)

    def action_drill(self) -> None:
        cell = self._cell()
        if cell is None:
            self.notify("Put the cursor on a number to see its quotes.", severity="warning")
            return
        row, column = cell
        if self.columns == "relations":
            relation, case = column, None
        else:
            relation, case = row.relation, column
        self.drill_worker(relation or None, row.code_id, case, self.status)

    @on(DataTable.CellSelected, "#themes-matrix")
    def _selected(self) -> None:
        self.action_drill()

    @work(thread=True, exclusive=True, group="themes-quotes")
    def drill_worker(self, relation: str | None, code: str, case: str | None, status: str) -> None:
        try:
            items = synthesis.quotes(
                self.store,
                relation=relation,
                code=code,
                case=case,
                status=status,
                limit=QUOTE_LIMIT,
            )
        except CoderError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show_quotes, items, relation, code, case)

    def _show_quotes(
        self, items: list[Quote], relation: str | None, code: str, case: str | None
    ) -> None:
        self.quotes = items
        table = self.query_one("#themes-quotes", DataTable)
        table.clear()
        for i, q in enumerate(items):
            table.add_row(*self._quote_cells(q), key=str(i))
        where = f"{code} · {relation or 'any relation'}" + (f" · {case}" if case else "")
        table.border_title = f"{len(items)} quotes: {where}"
        if items:
            table.focus()

    def _quote_cells(self, q: Quote) -> list[Text | str]:
        mark = Text("●", style="green") if self._key(q) in self.basket else Text(" ")
        status = Text(
            "✓" if q.status == "accepted" else "?",
            style="green" if q.status == "accepted" else "yellow",
        )
        return [
            mark,
            q.case or "-",
            (q.role_group or "-").replace("_", " "),
            status,
            " ".join(q.text.split()),
        ]

    # -- the basket --------------------------------------------------------------------------
    @staticmethod
    def _key(q: Quote) -> tuple[int, str, str]:
        return (q.segment_id, q.relation, q.group_code)

    def action_basket(self) -> None:
        table = self.query_one("#themes-quotes", DataTable)
        if not self.quotes or table.cursor_row >= len(self.quotes):
            self.notify("Open a cell's quotes first (enter).", severity="warning")
            return
        q = self.quotes[table.cursor_row]
        key = self._key(q)
        if key in self.basket:
            del self.basket[key]
        else:
            self.basket[key] = q
        table.update_cell(str(table.cursor_row), "in", self._quote_cells(q)[0])
        self._show_basket()

    def action_clear_basket(self) -> None:
        self.basket.clear()
        for i, q in enumerate(self.quotes):
            self.query_one("#themes-quotes", DataTable).update_cell(
                str(i), "in", self._quote_cells(q)[0]
            )
        self._show_basket()

    def _show_basket(self) -> None:
        n = len(self.basket)
        self.query_one("#themes-basket", Static).update(
            Text.assemble(
                ("basket ", "bold"),
                f"{n} quote{'s' if n != 1 else ''}",
                ("  space add/remove · e export", "dim"),
            )
        )

    def action_export(self) -> None:
        if not self.basket:
            self.notify(
                "The basket is empty: space adds the highlighted quote.", severity="warning"
            )
            return
        self.app.push_screen(ExportBasket(len(self.basket)), self._export_chosen)

    def _export_chosen(self, choice: tuple[str, bool] | None) -> None:
        if choice is None:
            return
        path, pseudonymise = choice
        self.export_worker(path, pseudonymise, list(self.basket.values()))

    @work(thread=True, exclusive=True, group="themes-export")
    def export_worker(self, path: str, pseudonymise: bool, items: list[Quote]) -> None:
        try:
            result = synthesis.export_quotes(
                self.store, path, selected=items, pseudonymise=pseudonymise
            )
        except CoderError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(
            self.notify, f"wrote {result.quotes} quotes to {result.path}", title="Exported"
        )

    # -- switches ----------------------------------------------------------------------------
    def action_toggle_columns(self) -> None:
        self.columns = "municipalities" if self.columns == "relations" else "relations"
        self.load_summary()

    def action_cycle_level(self) -> None:
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.load_summary()

    def action_toggle_status(self) -> None:
        self.status = "all" if self.status == "accepted" else "accepted"
        self.load_summary()

    def action_reload(self) -> None:
        self.load_summary()
