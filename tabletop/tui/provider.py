"""Command palette provider: every action and facilitator command of the current screen."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tabletop.tui.keys import PaletteCommand


@runtime_checkable
class HasPaletteCommands(Protocol):
    """A screen that offers commands to the palette."""

    def palette_commands(self) -> list[PaletteCommand]:
        """(title, help, callback) for each command."""
        ...


class ScreenCommands(Provider):
    """Searches the calling screen's `palette_commands()` (drill: actions, clock, injects…)."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        return screen.palette_commands() if isinstance(screen, HasPaletteCommands) else []

    async def discover(self) -> Hits:
        """All commands, when the palette opens with an empty query."""
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands fuzzily matching the query, best first."""
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
