"""Events as styled lines for the drill screen's feed, its facilitator log and a drill-room
seat: the words come from `tabletop.engine.event_text`, the colours from here (no Textual)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rich.text import Text

from tabletop.engine.event_text import NodeNames, Role, line_spans
from tabletop.engine.events import Event

#: Rich style of each role a piece of an event line plays.
ROLE_STYLE: dict[Role, str] = {
    "time": "dim",
    "plain": "",
    "title": "bold",
    "inject": "bold yellow",
    "facilitator": "bold magenta",
    "started": "cyan",
    "refused": "bold red",
    "reason": "red",
    "done": "green",
    "note": "magenta",
    "quote": "italic",
    "quiet": "dim",
    "warn": "bold yellow",
    "end": "bold",
}


def styled_line(
    event: Event,
    labels: Mapping[str, str] | None = None,
    nodes: NodeNames | None = None,
    *,
    omit: Collection[Role] = (),
) -> Text | None:
    """The event's line with its styles, or None when it is no news (see `line_spans`).
    Pieces of an `omit` role are left out (the facilitator log needs no facilitator mark)."""
    spans = line_spans(event, labels, nodes)
    if spans is None:
        return None
    return Text.assemble(*((text, ROLE_STYLE[role]) for text, role in spans if role not in omit))
