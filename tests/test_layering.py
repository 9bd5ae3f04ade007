"""The layering rules, checked on the source: Textual only in coder/tui/, no SQLAlchemy in the faces."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "coder"

# The one allowed exception: the CLI's entry point maps any stray SQLAlchemyError to a one-line
# message and the database exit code (it catches the class; it opens no sessions).
SQLALCHEMY_ALLOWED = {("coder/cli/app.py", "sqlalchemy.exc")}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, full module name) for every import in a file, including ones inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(module: str, where: Callable[[Path], bool]) -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent)
        if not where(rel):
            continue
        for line, name in _imports(path):
            if not (name == module or name.startswith(module + ".")):
                continue
            if (rel.as_posix(), name) in SQLALCHEMY_ALLOWED:
                continue
            out.append(f"{rel}:{line}: {name}")
    return out


def _in(rel: Path, package: str) -> bool:
    return rel.parts[:2] == ("coder", package)


def test_textual_is_imported_only_in_the_tui() -> None:
    assert _violations("textual", lambda rel: not _in(rel, "tui")) == []


def test_the_tui_and_cli_do_not_import_sqlalchemy() -> None:
    assert _violations("sqlalchemy", lambda rel: _in(rel, "tui") or _in(rel, "cli")) == []


def test_the_tui_does_not_import_the_store() -> None:
    assert _violations("coder.store", lambda rel: _in(rel, "tui")) == []


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from textual.app import App\n    import sqlalchemy.orm\n")
    assert [name for _, name in _imports(f)] == ["textual.app", "sqlalchemy.orm"]
