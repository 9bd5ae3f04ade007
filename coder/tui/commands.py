"""The command palette provider: every action of the current screen, every screen, every transcript."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from coder.tui.app import CoderApp


class CoderCommands(Provider):
    """Offers each binding (by its description) plus 'Go to …' and 'Open transcript …'."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: CoderApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            b = active.binding
            ident = b.id or b.action
            if ident in seen or not b.description or not active.enabled:
                continue
            seen.add(ident)
            out.append(
                (
                    b.description,
                    f"{app.get_key_display(b)} · {ident}",
                    partial(app.run_action, b.action, active.node),
                )
            )
        from coder.tui.screens import SCREENS

        for entry in SCREENS.values():
            out.append(
                (f"Go to {entry.title}", f"{entry.key}", partial(app.show_screen, entry.name))
            )
        for tid, title in getattr(app, "transcript_titles", {}).items():
            out.append(
                (f"Open transcript {title}", f"transcript {tid}", partial(app.open_transcript, tid))
            )
        return out

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
