"""The facilitator log: injects only the facilitator sees, opened on purpose (F).

In single-seat play the keyboard holder is the facilitator. Facilitator injects (hints,
what the team cannot know yet) never go into the team's feed or the briefing; they wait
here until the facilitator opens the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tabletop.engine.event_text import NodeNames
from tabletop.engine.events import Event
from tabletop.scenario.models import Inject
from tabletop.tui import keys
from tabletop.tui.event_lines import styled_line
from tabletop.tui.keys import bindings
from tabletop.tui.screens.modals import OnceModal
from tabletop.tui.view import format_clock


def facilitator_log_text(
    events: Sequence[Event], coming: Sequence[Inject], nodes: NodeNames | None = None
) -> Text:
    """The facilitator injects so far, then those still to come, as the log shows them."""
    text = Text()
    if not events:
        text.append("No facilitator inject yet.\n", style="dim")
    for ev in events:
        # Every entry here is the facilitator's: no need to mark it so.
        line = styled_line(ev, nodes=nodes, omit=("facilitator",))
        if line is not None:
            text.append_text(line)
            text.append("\n")
    if coming:
        text.append("\nStill to come\n", style="bold underline")
        for inj in coming:
            when = format_clock(inj.at) if inj.at is not None else "after an action"
            text.append(f"{when} {inj.title}\n", style="dim")
    return text


class FacilitatorLog(OnceModal[None]):
    """The facilitator's injects; Escape or F closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.FACILITATOR_LOG)

    def __init__(self, text: Text) -> None:
        super().__init__(classes="modal")
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog facilitator-log"):
            yield Static(
                Text("Facilitator log: not shown to the team (escape closes)", style="bold")
            )
            yield Static(self._text, id="facilitator-log")

    def action_close(self) -> None:
        self.close(None)
