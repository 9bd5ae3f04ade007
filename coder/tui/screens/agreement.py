"""The Agreement screen: two coders' disagreements side by side, settled with one key each."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from coder.domain import CodingInfo
from coder.services import agreement as agreement_service
from coder.services import team
from coder.tui.screens.base import CoderScreen

LEVELS = [("item", "item"), ("question", "question"), ("section", "section")]


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.0f}%" if pct else f"{x:.2f}"


def _side(codings: tuple[CodingInfo, ...]) -> str:
    parts = []
    for c in codings:
        span = f" [{c.span_start}:{c.span_end}]" if c.span_start is not None else ""
        rel = f" ({c.relation.value})" if c.relation else ""
        parts.append(f"{c.code_id}{rel}{span}")
    return ", ".join(parts) or "–"


class AgreementScreen(CoderScreen):
    """Lists the segments two coders coded differently; `a`/`b` adopts one side as yours."""

    TITLE = "Agreement"
    DEFAULT_CSS = """
    AgreementScreen #agree-bar { height: 3; }
    AgreementScreen #agree-coders { width: 30; }
    AgreementScreen #agree-level { width: 20; }
    AgreementScreen #agree-summary { height: auto; padding: 0 1; }
    AgreementScreen #agree-table { height: 1fr; }
    AgreementScreen #agree-detail { height: auto; max-height: 14; padding: 0 1; border-top: solid $accent; }
    """
    BINDINGS = [
        *CoderScreen.BINDINGS,
        Binding("a", "settle(0)", "Take left side", id="agree.left"),
        Binding("b", "settle(1)", "Take right side", id="agree.right"),
        Binding("o", "open", "Open in coding", id="agree.open"),
        Binding("r", "reload", "Reload", id="agree.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.coders: tuple[str, str] | None = None
        self.level = agreement_service.DEFAULT_LEVEL
        self.rows: list[agreement_service.Disagreement] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="agree-bar"):
            yield Input(placeholder="coder A,coder B", id="agree-coders")
            yield Select(LEVELS, value=self.level, allow_blank=False, id="agree-level")
        yield Static("", id="agree-summary")
        with Vertical():
            table: DataTable[str] = DataTable(
                id="agree-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Static("", id="agree-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#agree-table", DataTable)
        table.add_columns("transcript", "#", "speaker", "left", "right")
        if self.coders is None:
            self.coders = self._default_pair()
        if self.coders:
            self.query_one("#agree-coders", Input).value = ",".join(self.coders)
            table.focus()  # keys a/b settle; the coders field is one Tab away
        self.refresh_data()

    def _default_pair(self) -> tuple[str, str] | None:
        """You and the colleague with the most accepted codings."""
        stats = self.call_service(team.list_coders, self.store) or []
        others = sorted(
            (s for s in stats if s.name != self.coder and s.accepted), key=lambda s: -s.accepted
        )
        return (self.coder, others[0].name) if others else None

    # -- choosing what to compare ------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        names = [n.strip() for n in event.value.split(",") if n.strip()]
        if len(names) != 2:
            self.notify("name two coders: A,B", severity="warning")
            return
        self.compare((names[0], names[1]), self.level)

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.level:
            self.level = event.value
            self.refresh_data()

    def compare(self, coders: tuple[str, str], level: str | None = None) -> None:
        """Compare these two coders (at `level`) and list where they differ."""
        self.coders = coders
        if level:
            self.level = level
        self.refresh_data()

    # -- showing -----------------------------------------------------------------------
    def refresh_data(self) -> None:
        summary = self.query_one("#agree-summary", Static)
        table = self.query_one("#agree-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = []
        if not self.coders:
            summary.update("Type two coders' names (A,B) and press Enter.")
            self._show_detail()
            return
        report = self.call_service(
            agreement_service.agreement, self.store, self.coders, level=self.level
        )
        rows = self.call_service(
            agreement_service.list_disagreements, self.store, self.coders, level=self.level
        )
        if report is None or rows is None:
            return
        o = report.result.overall
        summary.update(
            f"{self.coders[0]} vs {self.coders[1]} at {self.level} level: "
            f"{len(report.transcripts)} transcript(s), {report.result.units} segments, "
            f"agreement {_fmt(o.percent, pct=True)}, kappa {_fmt(o.kappa)}, "
            f"alpha {_fmt(o.alpha)}, overlap {_fmt(o.overlap, pct=True)}; "
            f"{len(rows)} to settle"
        )
        self.rows = rows
        left, right = self.coders
        for d in rows:
            table.add_row(
                d.transcript_title,
                str(d.segment.ordinal),
                d.segment.speaker or "–",
                _side(d.codings.get(left, ())),
                _side(d.codings.get(right, ())),
                key=str(d.segment.id),
            )
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        self._show_detail()

    def _current(self) -> agreement_service.Disagreement | None:
        table = self.query_one("#agree-table", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_detail(self) -> None:
        detail = self.query_one("#agree-detail", Static)
        d = self._current()
        if d is None or not self.coders:
            detail.update("No disagreements." if self.coders else "")
            return
        left, right = self.coders
        detail.update(
            f"{d.transcript_title} #{d.segment.ordinal} {d.segment.speaker or ''}\n"
            f"{d.segment.text}\n\n"
            f"[a] {left}: {_side(d.codings.get(left, ()))}\n"
            f"[b] {right}: {_side(d.codings.get(right, ()))}"
        )

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # -- settling ----------------------------------------------------------------------
    def action_settle(self, side: int) -> None:
        """Make your codings on this segment match one side's (undo with u)."""
        d = self._current()
        if d is None or not self.coders:
            return
        chosen = self.coders[side]
        changed = self.call_service(
            agreement_service.settle, self.store, d.segment.id, chosen, self.coder, level=self.level
        )
        if changed is None:
            return
        self.notify(
            f"took {chosen}'s codes for #{d.segment.ordinal} ({changed} change(s))"
            if changed
            else f"your codes already match {chosen}'s"
        )
        if changed:
            self.coder_app.data_changed()

    def action_open(self) -> None:
        d = self._current()
        if d is not None:
            self.coder_app.open_transcript(d.segment.transcript_id, d.segment.id)

    def action_reload(self) -> None:
        self.refresh_data()
