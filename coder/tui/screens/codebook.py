"""The Codebook screen: the tree A–E with question text, colours and counts; edit, add themes, move, merge."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode

from coder.domain import CodeInfo, CodingStatus
from coder.services import catalog
from coder.services.codebook import add_theme, code_lexicon, edit_code, merge_codes, move_code
from coder.tui.screens.base import CoderScreen
from coder.tui.widgets.dialogs import TOP_LEVEL, CodeForm, CodePicker, Confirm
from coder.tui.widgets.keybar import KeyBar


class CodebookScreen(CoderScreen):
    TITLE = "Codebook"
    FOCUS_FIRST = "#codebook-tree"
    BINDINGS = [
        Binding("e", "edit", "Edit", id="codebook.edit"),
        Binding("t", "add_theme", "Add theme", id="codebook.add_theme"),
        Binding("v", "move", "Move", id="codebook.move"),
        Binding("M", "merge", "Merge into…", id="codebook.merge"),
        Binding("slash", "find", "Find code", id="codebook.find"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accepted: dict[str, int] = {}
        self.suggested: dict[str, int] = {}
        self.by_id: dict[str, CodeInfo] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-body"):
            tree: Tree[str] = Tree("Codebook", id="codebook-tree")
            tree.show_root = False
            yield tree
            with VerticalScroll(id="codebook-side"):
                yield Static(id="codebook-details")
        yield KeyBar()

    def on_mount(self) -> None:
        self.seen_version = self.coder_app.data_version
        self.refresh_data()
        self.query_one(Tree).focus()

    def refresh_data(self, select: str | None = None) -> None:
        self.coder_app.load_codes()
        codes = self.coder_app.codes
        accepted = self.call_service(catalog.code_counts, self.store, CodingStatus.ACCEPTED)
        suggested = self.call_service(catalog.code_counts, self.store, CodingStatus.SUGGESTED)
        self.accepted = accepted or {}
        self.suggested = suggested or {}
        self.by_id = {c.id: c for c in codes}
        tree = self.query_one(Tree)
        if select is None and tree.cursor_node is not None:
            select = tree.cursor_node.data
        tree.clear()
        children: dict[str | None, list[CodeInfo]] = {}
        for c in codes:
            parent = c.parent_id if c.parent_id in self.by_id else None
            children.setdefault(parent, []).append(c)
        nodes: dict[str, TreeNode[str]] = {}

        def add(parent: TreeNode[str], code: CodeInfo) -> None:
            kids = children.get(code.id, [])
            label = self._label(code)
            node = (
                parent.add(label, data=code.id, expand=code.parent_id is None)
                if kids
                else parent.add_leaf(label, data=code.id)
            )
            nodes[code.id] = node
            for kid in kids:
                add(node, kid)

        for top in children.get(None, []):
            add(tree.root, top)
        if select in nodes:
            node = nodes[select]
            parent = node.parent
            while parent is not None:
                parent.expand()
                parent = parent.parent
            self.call_after_refresh(tree.move_cursor, node)
        elif tree.root.children:
            select = tree.root.children[0].data
            self.call_after_refresh(tree.move_cursor, tree.root.children[0])
        self._show_details(select)

    def _total(self, code_id: str, table: dict[str, int]) -> int:
        return table.get(code_id, 0)

    def _label(self, code: CodeInfo) -> Text:
        acc = self.accepted.get(code.id, 0)
        sug = self.suggested.get(code.id, 0)
        label = Text.assemble(("■ ", code.color), (code.id, "bold"), " ", code.label[:50])
        if acc:
            label.append(f"  ✓{acc}", style="green")
        if sug:
            label.append(f"  ◆{sug}", style="yellow")
        return label

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self._show_details(event.node.data)

    def _current(self) -> CodeInfo | None:
        node = self.query_one(Tree).cursor_node
        return self.by_id.get(node.data) if node is not None and node.data else None

    def _show_details(self, code_id: str | None) -> None:
        details = self.query_one("#codebook-details", Static)
        code = self.by_id.get(code_id or "")
        if code is None:
            details.update(Text("No code selected.", style="dim"))
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        table.add_row(
            "code", Text.assemble((f"■ {code.id}", f"bold {code.color}"), f"  {code.kind.value}")
        )
        table.add_row("label", Text(code.label, style="bold"))
        if code.text:
            table.add_row("question", Text(code.text))
        if code.description:
            table.add_row("description", Text(code.description))
        table.add_row("colour", Text(code.color, style=code.color))
        if code.relation:
            table.add_row("relation", code.relation.value)
        if code.lexicon:
            table.add_row("lexicon", Text(", ".join(code.lexicon), style="italic"))
        table.add_row("accepted", str(self.accepted.get(code.id, 0)))
        table.add_row("pending", str(self.suggested.get(code.id, 0)))
        table.add_row("parent", code.parent_id or "—")
        details.update(table)

    # -- editing -------------------------------------------------------------------------------
    def action_edit(self) -> None:
        code = self._current()
        if code is None:
            return
        lex = self.call_service(code_lexicon, self.store, code.id) or {"lemmas": [], "phrases": []}
        form = CodeForm(
            f"Edit {code.id}",
            label=code.label,
            description=code.description,
            color=code.color,
            lemmas=lex["lemmas"],
            phrases=lex["phrases"],
        )
        self.app.push_screen(form, lambda values: self._edited(code.id, values))

    def _edited(self, code_id: str, values: dict[str, object] | None) -> None:
        if values is None:
            return
        if self.call_service(edit_code, self.store, code_id, **values) is not None:
            self.notify(f"saved {code_id}")
            self.coder_app.data_changed(reload_current=False)
            self.refresh_data(select=code_id)

    def action_add_theme(self) -> None:
        parent = self._current()
        title = f"New theme under {parent.id}" if parent else "New theme"
        self.app.push_screen(
            CodeForm(title), lambda values: self._theme(parent.id if parent else None, values)
        )

    def _theme(self, parent_id: str | None, values: dict[str, object] | None) -> None:
        if values is None:
            return
        info = self.call_service(
            add_theme,
            self.store,
            str(values["label"]),
            parent_id=parent_id,
            description=str(values["description"]),
            color=str(values["color"]) or "#b07aa1",
            lemmas=list(values["lemmas"]),  # type: ignore[call-overload]
            phrases=list(values["phrases"]),  # type: ignore[call-overload]
        )
        if info is not None:
            self.notify(f"added {info.id}")
            self.coder_app.data_changed(reload_current=False)
            self.refresh_data(select=info.id)

    def action_move(self) -> None:
        code = self._current()
        if code is None:
            return
        picker = CodePicker(
            self.coder_app.codes,
            title=f"Move {code.id} under…",
            allow_top_level=True,
            exclude=[code.id],
        )
        self.app.push_screen(picker, lambda target: self._moved(code.id, target))

    def _moved(self, code_id: str, target: str | None) -> None:
        if target is None:
            return
        parent = None if target == TOP_LEVEL else target
        if self.call_service(move_code, self.store, code_id, parent) is not None:
            self.notify(f"moved {code_id} under {parent or 'the top level'}")
            self.coder_app.data_changed(reload_current=False)
            self.refresh_data(select=code_id)

    def action_merge(self) -> None:
        code = self._current()
        if code is None:
            return
        picker = CodePicker(self.coder_app.codes, title=f"Merge {code.id} into…", exclude=[code.id])
        self.app.push_screen(picker, lambda target: self._merge_target(code.id, target))

    def _merge_target(self, source: str, target: str | None) -> None:
        if not target or target == TOP_LEVEL:
            return
        n = self.accepted.get(source, 0) + self.suggested.get(source, 0)
        self.app.push_screen(
            Confirm(
                f"Merge {source} into {target}? Its {n} coding(s), memos and children move to {target}; {source} is removed."
            ),
            lambda yes: self._merge(source, target) if yes else None,
        )

    def _merge(self, source: str, target: str) -> None:
        moved = self.call_service(merge_codes, self.store, source, target)
        if moved is not None:
            self.notify(f"merged {source} into {target} ({moved} codings)")
            self.coder_app.data_changed(reload_current=False)
            self.refresh_data(select=target)

    def action_find(self) -> None:
        self.app.push_screen(CodePicker(self.coder_app.codes, title="Find code"), self._found)

    def _found(self, code_id: str | None) -> None:
        if code_id and code_id != TOP_LEVEL:
            self.refresh_data(select=code_id)
