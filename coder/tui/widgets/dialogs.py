"""Modal dialogs: code picker, relation picker, text prompt, memo editor, code form, confirm, file picker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coder.domain import CodeInfo, Relation
from coder.services.code_search import rank_codes

TOP_LEVEL = "\x00top"  # the code picker's "no parent" choice


class CodePicker(ModalScreen[str | None]):
    """Fuzzy search over code ids, labels, question text and lexicon; returns a code id."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "cursor(1)", "Next", id="picker.down", show=False),
        Binding("up", "cursor(-1)", "Previous", id="picker.up", show=False),
    ]

    def __init__(
        self,
        codes: Sequence[CodeInfo],
        *,
        title: str = "Code",
        allow_top_level: bool = False,
        exclude: Iterable[str] = (),
    ) -> None:
        super().__init__()
        skip = set(exclude)
        self.codes = [c for c in codes if c.id not in skip]
        self.title_text = title
        self.allow_top_level = allow_top_level

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="id, label, question words or lexicon…", id="picker-query")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        items: list[Option] = []
        if self.allow_top_level and not query.strip():
            items.append(Option(Text("(top level)", style="italic"), id=TOP_LEVEL))
        for code, _score in rank_codes(self.codes, query, limit=40):
            line = Text.assemble(
                ("■ ", code.color),
                (f"{code.id:<10}", "bold"),
                " ",
                code.label,
            )
            items.append(Option(line, id=code.id))
        options.add_options(items)
        if items:
            options.highlighted = 0

    @on(Input.Changed, "#picker-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-query")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = min(max(current + delta, 0), options.option_count - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RelationPicker(ModalScreen[str | None]):
    """p/c/u choose politicians/ceo/units, n clears; returns the relation value, "" or None."""

    BINDINGS = [
        Binding("p", "pick('politicians')", "Politicians", id="relation.politicians"),
        Binding("c", "pick('ceo')", "CEO level", id="relation.ceo"),
        Binding("u", "pick('units')", "Units", id="relation.units"),
        Binding("n", "pick('')", "None", id="relation.none"),
        Binding("escape", "pick(None)", "Cancel", id="relation.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label("Relation", classes="dialog-title")
            yield Static(
                "[b]p[/] politicians (politisk ledelse)\n"
                "[b]c[/] ceo (rådmannsnivået)\n"
                "[b]u[/] units (virksomhetene)\n"
                "[b]n[/] none      [dim]escape: cancel[/]"
            )

    def action_pick(self, value: str | None) -> None:
        if value:
            Relation(value)
        self.dismiss(value)


class TextPrompt(ModalScreen[str | None]):
    """One line of input (a threshold, a query); enter accepts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        placeholder: str = "",
        hint: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            if self.hint is not None:
                yield Static(self.hint(self.value), id="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """What the value would do, shown before it is submitted (e.g. how many it accepts)."""
        if self.hint is not None:
            self.query_one("#prompt-hint", Static).update(self.hint(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoEditor(ModalScreen[str | None]):
    """A memo's text; ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="memo.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="memo.cancel"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True)
            yield Static("[dim]ctrl+s save · escape cancel[/]")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodeForm(ModalScreen[dict[str, object] | None]):
    """Edit a code's label, description, colour and lexicon (or name a new theme)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        label: str = "",
        description: str = "",
        color: str = "#b07aa1",
        lemmas: Sequence[str] = (),
        phrases: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.initial = {
            "label": label,
            "description": description,
            "color": color,
            "lemmas": ", ".join(lemmas),
            "phrases": ", ".join(phrases),
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Label(self.title_text, classes="dialog-title")
            for name, caption in (
                ("label", "Label"),
                ("description", "Description"),
                ("color", "Colour (#rrggbb)"),
                ("lemmas", "Lexicon lemmas (comma-separated)"),
                ("phrases", "Lexicon phrases (comma-separated)"),
            ):
                with Horizontal(classes="form-row"):
                    yield Label(caption, classes="form-label")
                    yield Input(str(self.initial[name]), id=f"form-{name}")
            yield Static("[dim]enter/ctrl+s save · escape cancel[/]")

    def on_mount(self) -> None:
        self.query_one("#form-label", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#form-{name}", Input).value.strip()

        def terms(name: str) -> list[str]:
            return [t.strip() for t in value(name).split(",") if t.strip()]

        self.dismiss(
            {
                "label": value("label"),
                "description": value("description"),
                "color": value("color"),
                "lemmas": terms("lemmas"),
                "phrases": terms("phrases"),
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label("Confirm", classes="dialog-title")
            yield Static(self.question)
            yield Static("[b]y[/] yes   [b]n[/] no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ErrorDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="error.close")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small error"):
            yield Label("Error", classes="dialog-title")
            yield Static(Text(self.message))

    def action_close(self) -> None:
        self.dismiss(None)


class FilePicker(ModalScreen[list[Path] | None]):
    """Pick transcript files or folders: space marks, enter imports the marked (or highlighted)."""

    BINDINGS = [
        Binding("space", "mark", "Mark", id="files.mark"),
        Binding("i", "done", "Import", id="files.import"),
        Binding("backspace", "up", "Parent folder", id="files.parent"),
        Binding("escape", "cancel", "Cancel", id="files.cancel"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root.resolve()
        self.marked: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="files"):
            yield Label(f"Import from {self.root}", classes="dialog-title", id="files-title")
            yield DirectoryTree(self.root, id="files-tree")
            yield Static("", id="files-marked")
            yield Static("[dim]space mark · i import marked · enter on a file imports it[/]")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    def _highlighted(self) -> Path | None:
        node = self.query_one(DirectoryTree).cursor_node
        return node.data.path if node is not None and node.data is not None else None

    def action_mark(self) -> None:
        path = self._highlighted()
        if path is None:
            return
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        names = ", ".join(p.name for p in self.marked) or ""
        self.query_one("#files-marked", Static).update(Text(f"marked: {names}" if names else ""))

    def action_done(self) -> None:
        if self.marked:
            self.dismiss(list(self.marked))
            return
        path = self._highlighted()
        self.dismiss([path] if path is not None else None)

    def action_up(self) -> None:
        parent = self.root.parent
        if parent != self.root:
            self.root = parent
            self.query_one(DirectoryTree).path = parent
            self.query_one("#files-title", Label).update(f"Import from {parent}")

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        if not self.marked:
            self.dismiss([event.path])

    def action_cancel(self) -> None:
        self.dismiss(None)
