"""The drill room's proposals, kept in the journal so that a hub killed and resumed reopens them.

Three facilitator commands record a proposal's life (none changes the drill's state, so a replay
re-applies them as they are):

- `propose` (`proposal`, `proposer`, `action`, and the proposer's `note`/`message` if any):
  the hub accepted a proposal; its id is `P` and the number of proposals before it plus one,
  so the same id comes back after a resume.
- `approve` (`proposal`, `approver`): written just before the decision (or refusal) the
  approval takes, which is therefore the very next event of the journal.
- `proposal-closed` (`proposal`, `outcome`: approved or refused): written after that decision;
  `expired` for a proposal still open when the drill ended (no one can approve it then).

The names are `proposer`/`approver`, not `by`: the report counts the `by` of facilitator events
as the facilitator's, and a responder who proposes is not the facilitator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tabletop.engine.events import DecisionTaken, Event, Refusal

PROPOSE, APPROVE, CLOSED = "propose", "approve", "proposal-closed"
#: The outcome of a proposal the drill's end left unanswered.
EXPIRED = "expired"


def proposal_frame(
    pid: str, proposer: str, action: str, label: str, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The `proposal` frame of an open proposal (`extra`: its note and message, if any)."""
    return {
        "type": "proposal",
        "id": pid,
        "by": proposer,
        "action": action,
        "label": label,
        "status": "open",
        **{k: extra[k] for k in ("note", "message") if extra.get(k)},
    }


@dataclass
class Rebuilt:
    """The proposals a journal records, as the hub held them when it wrote its last event."""

    #: Every proposal by id, with its status (open, approved or refused).
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: How many proposals the journal holds (the next id is one more).
    count: int = 0
    #: Proposals approved whose `proposal-closed` the crash cut off: id → outcome.
    unclosed: dict[str, str] = field(default_factory=dict)


def rebuild(feed: Sequence[Event], labels: Mapping[str, str]) -> Rebuilt:
    """The proposals of a journal's events (`labels`: action id → label)."""
    out = Rebuilt()
    for i, ev in enumerate(feed):
        if ev.kind != "facilitator":
            continue
        d = ev.data
        command, pid = d.get("command"), str(d.get("proposal", ""))
        if command == PROPOSE:
            out.count += 1
            action = str(d.get("action", ""))
            out.proposals[pid] = proposal_frame(
                pid, str(d.get("proposer", "")), action, labels.get(action, action), d
            )
        elif command == APPROVE and pid in out.proposals:
            _approved(out, pid, feed[i + 1] if i + 1 < len(feed) else None)
        elif command == CLOSED and pid in out.proposals:
            out.proposals[pid]["status"] = str(d.get("outcome", "approved"))
            out.unclosed.pop(pid, None)
    return out


def _approved(out: Rebuilt, pid: str, after: Event | None) -> None:
    """An approval's outcome is the next event: the decision or refusal it took. With no such
    event the hub died before taking it, no seat heard of it, and the proposal stays open."""
    proposal = out.proposals[pid]
    taken = after.payload if after is not None else None
    if isinstance(taken, DecisionTaken | Refusal) and taken.action == proposal["action"]:
        outcome = "approved" if isinstance(taken, DecisionTaken) else "refused"
        proposal["status"] = outcome
        out.unclosed[pid] = outcome
