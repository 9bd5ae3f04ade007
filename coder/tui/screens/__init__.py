"""The registry of workspace screens: name -> title, key and factory (the App builds its modes from it).

Adding a screen is one `register(...)` line here (the Themes screen will be `themes`, key 5).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class ScreenEntry:
    name: str
    title: str
    key: str
    factory: Callable[[], Screen[None]]


SCREENS: dict[str, ScreenEntry] = {}


def register(name: str, title: str, key: str, factory: Callable[[], Screen[None]]) -> None:
    SCREENS[name] = ScreenEntry(name, title, key, factory)


def _register_builtin() -> None:
    from coder.tui.screens.agreement import AgreementScreen
    from coder.tui.screens.codebook import CodebookScreen
    from coder.tui.screens.coding import CodingScreen
    from coder.tui.screens.library import LibraryScreen
    from coder.tui.screens.search import SearchScreen

    register("library", "Library", "1", LibraryScreen)
    register("coding", "Coding", "2", CodingScreen)
    register("codebook", "Codebook", "3", CodebookScreen)
    register("search", "Search", "4", SearchScreen)
    # The analysis engineer's relation x code matrix, once its module exists.
    if importlib.util.find_spec("coder.tui.screens.themes") is not None:
        from coder.tui.screens.themes import ThemesScreen  # type: ignore[import-not-found]

        register("themes", "Themes", "5", ThemesScreen)
    register("agreement", "Agreement", "6", AgreementScreen)


_register_builtin()
