"""A one-line key bar: which panel has the focus, then the keys that work there.

Replaces Textual's `Footer`, which recomposes (unmounts and mounts a widget per key) each
time the focus moves or a dialog opens and closes: 90-130 ms per focus change on the drill
screen. This bar re-renders one line of text in place. A click on a key posts `KeyBar.Pressed`,
which the app runs as that key's action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, TextArea

from tabletop.tui.compat import screen_key_bindings

#: At most this many characters of the focused panel's name.
_NAME_WIDTH = 28

#: Key names whose character Textual's `key_to_character` does not know.
_CHARACTERS = {"minus": "-", "plus": "+", "slash": "/", "asterisk": "*"}


def _character(key: str) -> str | None:
    return _CHARACTERS.get(key) or key_to_character(key)


def focus_name(widget: Widget | None) -> str | None:
    """The title of the panel holding `widget`: its nearest border title, if any."""
    node: DOMNode | None = widget
    while isinstance(node, Widget):
        title = node.border_title
        if title:
            return str(title)
        node = node.parent
    return None


class KeyBar(Static):
    """The focused panel's name and every shown key binding, on one line."""

    DEFAULT_CSS: ClassVar[str] = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    @dataclass
    class Pressed(Message):
        """A key of the bar was clicked: run its action on the node that binds it (the app
        does, as a key press would)."""

        action: str
        node: DOMNode

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._targets: list[tuple[DOMNode, str]] = []
        self._text = Text()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """Re-render the bar from the screen's active bindings (cheap when unchanged)."""
        if not self.is_mounted:
            return
        screen = self.screen
        text = Text()
        where = focus_name(screen.focused)
        if where and len(where) > _NAME_WIDTH:  # a long title would push the keys off the bar
            where = where[: _NAME_WIDTH - 1] + "…"
        if where:
            text.append(f" {where} ", style="bold reverse")
            text.append(" ")
        targets: list[tuple[DOMNode, str]] = []
        seen: set[str] = set()
        palette = self.app.COMMAND_PALETTE_BINDING
        focused = screen.focused
        entries = [
            (key, ab.node, ab.binding, ab.enabled)
            for key, ab in screen.active_bindings.items()
            if ab.binding.show
            and key != palette
            # Textual keeps `-` and `+` here while an Input has the focus, though the Input
            # takes them as text: do not offer keys that would be typed instead.
            and not (focused is not None and focused.check_consume_key(key, _character(key)))
        ]
        # A screen key that a focused widget's hidden binding shadows still does the screen's
        # job when the widget passes it on (the picker's Enter on the table briefs): show it.
        # Not in a text box: its hidden keys edit (ctrl+e goes to the end of the line).
        active = screen.active_bindings
        for key, bindings in screen_key_bindings(screen).items():
            shadow = active.get(key)
            if (
                shadow is not None
                and shadow.node is not screen
                and not shadow.binding.show
                and not isinstance(shadow.node, TextArea)
            ):
                entries += [(key, screen, b, True) for b in bindings if b.show]
        if palette in screen.active_bindings and self.app.ENABLE_COMMAND_PALETTE:
            ab = screen.active_bindings[palette]
            entries.append((palette, ab.node, ab.binding, ab.enabled))
        for _key, node, binding, enabled in entries:
            if binding.action in seen:
                continue
            seen.add(binding.action)
            targets.append((node, binding.action))
            text.append_text(self._key_text(binding, enabled, len(targets) - 1))
        if text != self._text:
            self._text = text
            self._targets = targets
            self.update(text, layout=False)

    def _key_text(self, binding: Binding, enabled: bool, index: int) -> Text:
        meta = Style.from_meta({"keybar": index})
        key_style = Style(bold=True, color="yellow" if enabled else "grey50") + meta
        out = Text()
        out.append(self.app.get_key_display(binding), style=key_style)
        out.append(f" {binding.description}  ", style=Style(dim=not enabled) + meta)
        return out

    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("keybar")
        if isinstance(index, int) and 0 <= index < len(self._targets):
            node, action = self._targets[index]
            self.post_message(self.Pressed(action, node))
