"""Session events and the value types clients read (docs/history-db.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tabletop.scenario.decisions import Decision as Decision  # the engine API takes it

EventKind = Literal[
    "start",  # scenario id, sha256, team, mode
    "inject",  # an inject fired: inject, title, message, effects, changes
    "inject-skipped",  # an inject came due but its `when` did not hold: inject, title, reason
    "decision",  # an action was taken: action, label, phase, done_at, by, note, message
    "refusal",  # an action was refused: action, reason, by, note, message
    "action-done",  # an action finished: action, label, reveals, effects, changes
    "note",  # an observer note: text, by
    "facilitator",  # a facilitator command: command (+ its data)
    "end",  # the drill ended: reason, customer_minutes, at_risk_minutes
]

#: Events that are inputs of a session: replaying these against the scenario reproduces it.
INPUT_KINDS: frozenset[str] = frozenset({"decision", "refusal", "note", "facilitator", "end"})


@dataclass(frozen=True)
class Event:
    """One journalled event: sequence number, exercise minute, kind and its data."""

    seq: int
    t: float
    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The journal line of this event, as a JSON-ready dict."""
        return {"seq": self.seq, "t": self.t, "kind": self.kind, **self.data}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Event:
        """Inverse of `to_json`."""
        data = {k: v for k, v in obj.items() if k not in ("seq", "t", "kind")}
        return cls(int(obj["seq"]), float(obj["t"]), obj["kind"], data)


@dataclass(frozen=True)
class DecisionRecord:
    """A decision as the session saw it: accepted (with its finish time) or refused (why)."""

    t: float
    action: str
    accepted: bool
    reason: str | None = None
    done_at: float | None = None
    by: str | None = None
    note: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class NodeView:
    """A node as the UI shows it."""

    id: str
    label: str
    kind: str
    own: str
    effective: str
    why: str | None
    users: int
    third_party: bool
    sensitive: bool
    depends_on: tuple[str, ...]
    dependents: tuple[str, ...]


ActionState = Literal["available", "running", "blocked"]


@dataclass(frozen=True)
class ActionView:
    """An action as the UI lists it: whether it can be taken now, and why not."""

    id: str
    label: str
    phase: str
    minutes: float
    state: ActionState
    reason: str | None
    done: bool
    taken: int


@dataclass(frozen=True)
class RunningAction:
    """An action started and not yet finished."""

    action: str
    started: float
    done_at: float


@dataclass(frozen=True)
class Impact:
    """Impact figures now and so far."""

    affected_now: float
    at_risk_now: int
    customer_minutes: float
    at_risk_minutes: float


@dataclass(frozen=True)
class ImpactPoint:
    """From minute `t` on (until the next point), this many users affected and at risk."""

    t: float
    affected: float
    at_risk: int
