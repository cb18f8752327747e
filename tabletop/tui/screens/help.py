"""The help screen: every key of the current screen, read from the key tables."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tabletop.tui.keys import EVERYWHERE, HELP_SCREEN, Key, bindings
from tabletop.tui.screens.modals import OnceModal

#: A section of the help: its title and its keys.
HelpSection = tuple[str, tuple[Key, ...]]


def keys_table(sections: list[HelpSection]) -> Table:
    """A table of every key by section, then the keys that work everywhere."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for title, keys in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for key in keys:
            table.add_row(key.display, key.description)
    table.add_row(Text("everywhere", style="bold underline"), "")
    for display, desc in EVERYWHERE:
        table.add_row(display, desc)
    return table


class HelpScreen(OnceModal[None]):
    """Lists every key; any of escape, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(HELP_SCREEN)

    def __init__(self, sections: list[HelpSection]) -> None:
        super().__init__(classes="modal")
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys (escape closes)", style="bold"))
            yield Static(keys_table(self._sections), id="help-keys")

    def action_close(self) -> None:
        self.close(None)
