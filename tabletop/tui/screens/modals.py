"""Small modal dialogs: a line of text, a choice from a list, a yes/no confirmation."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from tabletop.tui import keys
from tabletop.tui.keys import bindings

T = TypeVar("T")


class OnceModal(ModalScreen[T]):
    """A modal that closes once: a second Enter or Escape typed before it has gone (fast
    typing, key repeat) must not dismiss the screen below it (that emptied the app)."""

    _once_closed = False

    def close(self, result: T) -> None:
        """Dismiss with `result`, only the first time and only while this is the top screen."""
        if self._once_closed or self.app.screen is not self:
            return
        self._once_closed = True
        self.dismiss(result)


class TextPrompt(OnceModal[str | None]):
    """Ask for one line of text; Enter confirms, Escape cancels (returns None)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.CANCEL)

    def __init__(self, title: str, hint: str = "", placeholder: str = "") -> None:
        super().__init__(classes="modal")
        self._title = title
        self._hint = hint
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            if self._hint:
                yield Label(self._hint, classes="dialog-hint")
            yield Input(placeholder=self._placeholder, id="prompt-input")
            yield Label("Enter to confirm · Escape to cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.close(event.value)

    def action_cancel(self) -> None:
        self.close(None)


class ChooseOne(OnceModal[str | None]):
    """Choose one of (id, label) pairs; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.CANCEL)

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield OptionList(*(Option(label, id=cid) for cid, label in self._choices))
            yield Label("Enter to choose · Escape to cancel", classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.close(event.option.id)

    def action_cancel(self) -> None:
        self.close(None)


class Confirm(OnceModal[bool]):
    """A yes/no question: y/Enter on Yes confirms, n/Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.CONFIRM)

    def __init__(self, question: str) -> None:
        super().__init__(classes="modal")
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="yes", variant="error")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.close(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.close(yes)
