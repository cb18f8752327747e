"""The facilitator's log of a drill: what only the facilitator saw and did, in time order.

Injects meant for the facilitator alone (`audience: facilitator`), fired or skipped, and the
facilitator's commands: the pace, pauses and jumps of the clock, injects fired by hand,
approvals, an early end. Each line's words are the drill timeline's (`tabletop run` prints the
same), so a facilitator reads the same sentence in the report as on the screen.
"""

from __future__ import annotations

from tabletop.engine.event_text import for_facilitator_only, summary
from tabletop.engine.events import Command, End, Event
from tabletop.reports.model import FacilitatorRow

#: Facilitator events that are the room's bookkeeping, not something the facilitator did: the
#: clock's checkpoint every exercise minute, a seat joining (the participants list it), a
#: proposal made and closed (the decision it led to is in the timeline).
BOOKKEEPING: frozenset[str] = frozenset({"clock", "join", "propose", "proposal-closed"})


def facilitator_log(feed: list[Event]) -> list[FacilitatorRow]:
    """The lines of the facilitator's log, in the order the journal has them."""
    return [FacilitatorRow(e.t, e.kind, _command(e), summary(e)) for e in feed if _in_log(e)]


def _command(e: Event) -> str | None:
    p = e.payload
    return p.command if isinstance(p, Command) else None


def _in_log(e: Event) -> bool:
    p = e.payload
    if for_facilitator_only(p):  # a facilitator inject, fired or skipped
        return True
    if isinstance(p, Command):
        return p.command not in BOOKKEEPING
    # The end is the facilitator's act only when they ended the drill early.
    return isinstance(p, End) and p.reason == "facilitator"
