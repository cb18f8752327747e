"""The help screen: every key of every screen, read from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tabletop.tui.screens.modals import OnceModal

#: Keys that belong to widgets rather than to a screen's BINDINGS.
_COMMON = [
    ("tab / shift+tab", "move between panels (the key bar names the focused one)"),
    ("arrows", "move in the map and in lists"),
    ("enter", "choose / take the highlighted action (in a message box: a new line)"),
    ("ctrl+p", "command palette: every action and facilitator command by name"),
    ("escape", "close a dialog, cancel a message, back from the filter to the list"),
    ("ctrl+q", "quit"),
]


#: How key names read on screen.
_KEY_NAMES = {
    "question_mark": "?",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "full_stop": ".",
    "slash": "/",
    "escape": "esc",
}


def key_display(keys: str) -> str:
    """`question_mark,f1` → `? / f1`."""
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def _keys(bindings: list[BindingType]) -> list[tuple[str, str]]:
    out = []
    for b in bindings:
        if isinstance(b, Binding):
            out.append((key_display(b.key), b.description))
        elif isinstance(b, tuple) and len(b) >= 3:
            out.append((key_display(str(b[0])), str(b[2])))
    return out


def keys_table(sections: list[tuple[str, list[BindingType]]]) -> Table:
    """A table of every key by screen (also used by the tests to check completeness)."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for key, desc in _keys(bindings):
            table.add_row(key, desc)
    table.add_row(Text("everywhere", style="bold underline"), "")
    for key, desc in _COMMON:
        table.add_row(key, desc)
    return table


class HelpScreen(OnceModal[None]):
    """Lists every key; any of escape, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help")
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__(classes="modal")
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys (escape closes)", style="bold"))
            yield Static(keys_table(self._sections), id="help-keys")

    def action_close(self) -> None:
        self.close(None)
