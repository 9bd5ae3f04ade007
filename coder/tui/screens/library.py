"""The Library: municipalities and their transcripts with progress; import files, run autocoding."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Label, ProgressBar, Static, Tree
from textual.worker import get_current_worker

from coder.errors import CoderError
from coder.services.catalog import TranscriptProgress
from coder.services.workspace import (
    LibraryOverview,
    autocode_available,
    autocode_transcripts,
    library_overview,
)
from coder.tui.screens.base import CoderScreen
from coder.tui.theme import role_color, role_name
from coder.tui.widgets.keybar import KeyBar

NO_CASE = "(no municipality)"


class _Cancelled(Exception):
    """Raised from a progress callback to stop a batch between files."""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _bar(share: float, width: int = 10) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


class LibraryScreen(CoderScreen):
    TITLE = "Library"
    FOCUS_FIRST = "#library-tree"
    BINDINGS = [
        Binding("i", "import_files", "Import", id="library.import"),
        Binding("a", "autocode", "Autocode", id="library.autocode"),
        Binding("escape", "cancel_work", "Cancel work", id="library.cancel", show=False),
        Binding("r", "reload", "Reload", id="library.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: LibraryOverview | None = None
        self.by_id: dict[int, TranscriptProgress] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library-body"):
            tree: Tree[tuple[str, object]] = Tree("Project", id="library-tree")
            tree.show_root = False
            yield tree
            with VerticalScroll(id="library-side"):
                yield Static(id="library-details")
        with Horizontal(id="work-bar", classes="hidden"):
            yield Label("", id="work-label")
            yield ProgressBar(id="work-progress", show_eta=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.seen_version = self.coder_app.data_version
        self.refresh_data()
        self.query_one(Tree).focus()

    # -- data --------------------------------------------------------------------------------
    def refresh_data(self) -> None:
        overview = self.call_service(library_overview, self.store)
        if overview is None:
            return
        self.overview = overview
        self.by_id = {p.transcript.id: p for p in overview.transcripts}
        self.coder_app.transcript_titles = {
            p.transcript.id: p.transcript.title for p in overview.transcripts
        }
        tree = self.query_one(Tree)
        selected = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        groups: dict[str, list[TranscriptProgress]] = {c.name: [] for c in overview.cases}
        for p in overview.transcripts:
            groups.setdefault(p.transcript.case_name or NO_CASE, []).append(p)
        cursor_line = None
        first = None
        # Title, then a 10-cell bar, the share and the pending count: about 26 cells.
        title_width = max(16, (tree.size.width or 60) - 32)
        for name, items in groups.items():
            words = sum(p.transcript.word_count for p in items)
            label = Text.assemble(
                (name, "bold"), (f"  {len(items)} transcripts · {words:,} words", "dim")
            )
            node = tree.root.add(label, data=("case", name), expand=True)
            if selected == ("case", name):
                cursor_line = node
            for p in items:
                t = p.transcript
                leaf = node.add_leaf(
                    Text.assemble(
                        _fit(t.title, title_width),
                        (f"  {_bar(p.coded_share)} {p.coded_share:4.0%}", "green"),
                        (f"  ◆{p.pending}" if p.pending else "", "yellow"),
                    ),
                    data=("transcript", t.id),
                )
                if selected == ("transcript", t.id):
                    cursor_line = leaf
                if first is None:
                    first = leaf
        target = cursor_line or first
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)
        self._show_details()

    def action_reload(self) -> None:
        self.refresh_data()

    @on(Tree.NodeHighlighted)
    def _highlighted(self) -> None:
        self._show_details()

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[tuple[str, object]]) -> None:
        data = event.node.data
        if data is not None and data[0] == "transcript":
            self.coder_app.open_transcript(int(data[1]))  # type: ignore[call-overload]

    def _show_details(self) -> None:
        details = self.query_one("#library-details", Static)
        node = self.query_one(Tree).cursor_node
        if self.overview is None or node is None or node.data is None:
            details.update(Text("No transcripts yet: press i to import files.", style="dim"))
            return
        kind, value = node.data
        if kind == "case":
            details.update(self._case_details(str(value)))
        else:
            details.update(self._transcript_details(int(value)))  # type: ignore[call-overload]

    def _case_details(self, name: str) -> Table:
        assert self.overview is not None
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column()
        case = next((c for c in self.overview.cases if c.name == name), None)
        table.add_row("municipality", Text(name, style="bold"))
        if case is not None:
            for label, value in (
                ("county", case.county),
                ("population", f"{case.population:,}" if case.population else None),
                ("model", case.organisation_model),
                ("reform", case.reform_year),
                ("notes", case.notes),
            ):
                if value:
                    table.add_row(label, Text(str(value)))
        items = [
            p for p in self.overview.transcripts if (p.transcript.case_name or NO_CASE) == name
        ]
        table.add_row("transcripts", str(len(items)))
        table.add_row("words", f"{sum(p.transcript.word_count for p in items):,}")
        table.add_row("pending", str(sum(p.pending for p in items)))
        return table

    def _transcript_details(self, tid: int) -> Table:
        assert self.overview is not None
        p = self.by_id[tid]
        t = p.transcript
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column()
        table.add_row("transcript", Text(t.title, style="bold"))
        table.add_row("file", Text(f"{t.source_name} ({t.format}, v{t.version})"))
        table.add_row("municipality", t.case_name or "—")
        if t.interview_date:
            table.add_row("date", t.interview_date.isoformat())
        table.add_row("words", f"{t.word_count:,} in {t.segment_count} segments")
        table.add_row("coded", f"{_bar(p.coded_share, 20)} {p.coded_share:.0%}")
        table.add_row("pending", f"{p.pending} suggestions")
        parts = self.overview.participants.get(tid, [])
        for i, part in enumerate(parts):
            line = Text.assemble(
                (part.display_name, f"bold {role_color(part.role_group)}"),
                (f"  {role_name(part.role_group)}", role_color(part.role_group)),
                (f"  {part.role_title}" if part.role_title else "", "dim"),
            )
            table.add_row("participants" if i == 0 else "", line)
        table.add_row("", Text("enter: open for coding", style="dim italic"))
        return table

    def _selected_transcripts(self) -> list[int]:
        node = self.query_one(Tree).cursor_node
        if self.overview is None:
            return []
        if node is None or node.data is None:
            return [p.transcript.id for p in self.overview.transcripts]
        kind, value = node.data
        if kind == "transcript":
            return [int(value)]  # type: ignore[call-overload]
        return [
            p.transcript.id
            for p in self.overview.transcripts
            if (p.transcript.case_name or NO_CASE) == value
        ]

    # -- long work ---------------------------------------------------------------------------
    def _start_bar(self, label: str) -> None:
        self.query_one("#work-bar").remove_class("hidden")
        self.query_one("#work-label", Label).update(label)
        self.query_one(ProgressBar).update(total=None, progress=0)

    def _progress(self, done: int, total: int, name: str, label: str) -> None:
        self.query_one("#work-label", Label).update(f"{label} {name}".strip())
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _finish(self, message: str, severity: str = "information") -> None:
        self.query_one("#work-bar").add_class("hidden")
        self.notify(message, severity=severity)  # type: ignore[arg-type]
        self.coder_app.data_changed()

    def action_cancel_work(self) -> None:
        if self.workers:
            self.workers.cancel_group(self, "work")
            self.notify("cancelling after the current file…")

    def action_import_files(self) -> None:
        from coder.tui.widgets.dialogs import FilePicker

        self.app.push_screen(FilePicker(Path.cwd()), self._import_chosen)

    def _import_chosen(self, paths: list[Path] | None) -> None:
        if paths:
            self._start_bar("import")
            self.import_paths(paths)

    @work(thread=True, exclusive=True, group="work")
    def import_paths(self, paths: list[Path]) -> None:
        """Import files and folders in a thread; progress per file; cancel stops between files."""
        worker = get_current_worker()
        try:
            from coder.services.importing import import_files
        except ImportError:
            self.app.call_from_thread(
                self._finish, "importing is not available in this build", "error"
            )
            return

        def progress(done: int, total: int, name: str) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.app.call_from_thread(self._progress, done, total, name, "import")

        try:
            report = import_files(self.store, paths, progress=progress)
        except _Cancelled:
            self.app.call_from_thread(
                self._finish, "import cancelled; files done so far are kept", "warning"
            )
            return
        except CoderError as exc:
            self.app.call_from_thread(self._finish, str(exc), "error")
            return
        except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the workspace
            self.app.call_from_thread(self._finish, f"import failed: {exc}", "error")
            return
        done = report.count("imported") + report.count("new-version")
        parts = [f"imported {done} file(s)"]
        if report.count("unchanged"):
            parts.append(f"{report.count('unchanged')} unchanged")
        if report.failed:
            parts.append(
                f"{len(report.failed)} failed: " + "; ".join(o.message for o in report.failed[:3])
            )
        self.app.call_from_thread(
            self._finish, ", ".join(parts), "error" if report.failed else "information"
        )

    def action_autocode(self) -> None:
        if not autocode_available():
            self.notify("autocoding is not available in this build", severity="warning")
            return
        ids = self._selected_transcripts()
        if ids:
            self._start_bar("autocode")
            self.autocode(ids)

    @work(thread=True, exclusive=True, group="work")
    def autocode(self, ids: list[int]) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._progress, done, total, name, "autocode")

        try:
            summary = autocode_transcripts(
                self.store,
                ids,
                coder=self.coder,
                progress=progress,
                should_stop=lambda: worker.is_cancelled,
            )
        except CoderError as exc:
            self.app.call_from_thread(self._finish, str(exc), "error")
            return
        except Exception as exc:  # noqa: BLE001 - a worker must report, never crash the workspace
            self.app.call_from_thread(self._finish, f"autocoding failed: {exc}", "error")
            return
        self.app.call_from_thread(self._finish, summary)
