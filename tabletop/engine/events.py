"""Session events: one typed payload per kind with its JSON form, and the value types clients
read (docs/journal.md).

A journal line is `{"seq": N, "t": MINUTE, "kind": KIND, ...fields}`. Each kind's fields are
one frozen dataclass below (a facilitator command's are one per command); its field order is
the order of the keys in the journal, a field that is None is absent from it, and keys a later
version adds are kept in `extra`. `payload_of` parses the fields from JSON (the journal reader,
the hub's seats), `to_json` writes them back, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal, TypeAlias, get_args

from tabletop.engine.event_json import Change as Change
from tabletop.engine.event_json import PayloadError as PayloadError
from tabletop.engine.event_json import SetStatus as SetStatus
from tabletop.engine.event_json import dumpers, finite, read_fields, short
from tabletop.scenario.decisions import Decision as Decision  # the engine API takes it

EventKind = Literal[
    "start",  # the drill began: scenario, sha256, team, mode, duration, source
    "inject",  # an inject fired: inject, title, message, audience, effects, changes
    "inject-skipped",  # an inject came due but its `when` did not hold: inject, title, reason
    "decision",  # an action was taken: action, label, phase, done_at, by, note, message
    "refusal",  # an action was refused: action, reason, by, note, message
    "action-done",  # an action finished: action, label, reveals, effects, changes
    "note",  # an observer note: text, by
    "facilitator",  # a facilitator command: command (+ its fields)
    "end",  # the drill ended: reason, customer_minutes, at_risk_minutes, scored_to
]

#: Events that are inputs of a session: replaying these against the scenario reproduces it.
INPUT_KINDS: frozenset[str] = frozenset({"decision", "refusal", "note", "facilitator", "end"})


@dataclass(frozen=True, kw_only=True)
class _Fields:
    """What every payload shares: the keys this version does not know, kept in their order
    after the known ones (so a later version's journal reads and writes back whole)."""

    kind: ClassVar[EventKind]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The event's fields as the journal writes them (without seq, t and kind)."""
        out: dict[str, Any] = {}
        for name, dump in dumpers(type(self)):
            value = getattr(self, name)
            if value is not None:
                out[name] = value if dump is None else dump(value)
        if self.extra:
            out.update(self.extra)
        return out


# ----------------------------------------------------------------------- the kinds


@dataclass(frozen=True, kw_only=True)
class Start(_Fields):
    """The drill began. `source` is where the scenario file was (`tabletop.scenario.source`);
    `started_at` when the drill began on the wall clock (ISO 8601 UTC), when it is known."""

    kind: ClassVar[EventKind] = "start"
    scenario: str
    sha256: str | None = None
    team: str | None = None
    mode: str | None = None
    duration: float | None = None
    source: dict[str, str] | None = None
    started_at: str | None = None


@dataclass(frozen=True, kw_only=True)
class InjectFired(_Fields):
    """An inject fired (at its time, after an action, or by hand). `audience` is only ever
    `facilitator` (absent for the team's injects); `changes` lists at most 20 of the `changed`
    nodes; `latched` are `recovers: manual` nodes that went down and stay down."""

    kind: ClassVar[EventKind] = "inject"
    inject: str
    title: str | None = None
    message: str | None = None
    audience: str | None = None
    effects: tuple[SetStatus, ...] | None = None
    changes: tuple[Change, ...] | None = None
    changed: int | None = None
    latched: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class InjectSkipped(_Fields):
    """An inject came due but its `when` did not hold."""

    kind: ClassVar[EventKind] = "inject-skipped"
    inject: str
    title: str | None = None
    reason: str | None = None
    audience: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecisionTaken(_Fields):
    """An action was taken; it finishes at `done_at`. (A history-rebuilt journal keeps only
    the action and who.)"""

    kind: ClassVar[EventKind] = "decision"
    action: str
    label: str | None = None
    phase: str | None = None
    done_at: float | None = None
    by: str | None = None
    note: str | None = None
    message: str | None = None


@dataclass(frozen=True, kw_only=True)
class Refusal(_Fields):
    """An action was refused, with the reason in words."""

    kind: ClassVar[EventKind] = "refusal"
    action: str
    reason: str | None = None
    by: str | None = None
    note: str | None = None
    message: str | None = None


@dataclass(frozen=True, kw_only=True)
class ActionDone(_Fields):
    """An action finished: what it reveals and what its effects changed."""

    kind: ClassVar[EventKind] = "action-done"
    action: str
    label: str | None = None
    reveals: str | None = None
    effects: tuple[SetStatus, ...] | None = None
    changes: tuple[Change, ...] | None = None
    changed: int | None = None
    latched: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class Note(_Fields):
    """An observer's note."""

    kind: ClassVar[EventKind] = "note"
    text: str
    by: str | None = None


@dataclass(frozen=True, kw_only=True)
class End(_Fields):
    """The drill ended (`duration`, `facilitator`, `interrupted`). After an early end,
    `scored_to` is the duration: the outage runs on to then and is scored to then."""

    kind: ClassVar[EventKind] = "end"
    reason: str | None = None
    customer_minutes: float | None = None
    at_risk_minutes: float | None = None
    scored_to: float | None = None


# ------------------------------------------------------------ facilitator commands


@dataclass(frozen=True, kw_only=True)
class Command(_Fields):
    """A facilitator command with no fields of its own: `pause`, `resume`, `step`, `clock`
    (a checkpoint per exercise minute), `suspend`, or one a later version added."""

    kind: ClassVar[EventKind] = "facilitator"
    command: str


@dataclass(frozen=True, kw_only=True)
class Pace(Command):
    """The facilitator set the pace: real seconds per exercise minute."""

    command: str = "pace"
    seconds_per_minute: float


@dataclass(frozen=True, kw_only=True)
class Jump(Command):
    """The facilitator moved the clock on to minute `to`."""

    command: str = "jump"
    to: float


@dataclass(frozen=True, kw_only=True)
class FireInject(Command):
    """The facilitator fired an inject by hand (its `inject` event follows)."""

    command: str = "fire-inject"
    inject: str


@dataclass(frozen=True, kw_only=True)
class Join(Command):
    """A drill-room seat joined for the first time."""

    command: str = "join"
    seat: int
    name: str
    role: str


@dataclass(frozen=True, kw_only=True)
class Propose(Command):
    """A seat proposed an action to the commander (`proposal`: its id, `P1`, `P2` ...)."""

    command: str = "propose"
    proposal: str
    proposer: str
    action: str
    note: str | None = None
    message: str | None = None


@dataclass(frozen=True, kw_only=True)
class Approve(Command):
    """A proposal was approved: the decision (or refusal) it takes is the next event."""

    command: str = "approve"
    proposal: str
    approver: str


@dataclass(frozen=True, kw_only=True)
class ProposalClosed(Command):
    """A proposal's outcome: `approved`, `refused`, or `expired` (open when the drill ended)."""

    command: str = "proposal-closed"
    proposal: str
    outcome: str


Payload: TypeAlias = (
    Start | InjectFired | InjectSkipped | DecisionTaken | Refusal | ActionDone | Note | End
) | Command

_KIND_TYPES: dict[str, type[_Fields]] = {
    c.kind: c
    for c in (Start, InjectFired, InjectSkipped, DecisionTaken, Refusal, ActionDone, Note, End)
}
#: The facilitator commands with fields of their own; any other command is a `Command`.
COMMAND_TYPES: dict[str, type[Command]] = {
    c.command: c  # the class default of `command`
    for c in (Pace, Jump, FireInject, Join, Propose, Approve, ProposalClosed)
}


def payload_of(kind: str, obj: Mapping[str, Any]) -> Payload:
    """The typed fields of one event of `kind` from its JSON object (extra keys kept, `seq`,
    `t` and `kind` ignored); `PayloadError` when a field is missing or of the wrong type."""
    cls: type[_Fields] | None = _KIND_TYPES.get(kind)
    if kind == "facilitator":
        command = obj.get("command")
        if not isinstance(command, str):
            got = short(command)
            raise PayloadError(f"a facilitator event needs 'command' as text, got {got}")
        cls = COMMAND_TYPES.get(command, Command)
    if cls is None:
        raise PayloadError(f"unknown event kind {short(kind)}")
    return _parse(cls, kind, obj)  # type: ignore[return-value]


@dataclass(frozen=True)
class Event:
    """One journalled event: sequence number, exercise minute, kind and its fields.

    `data` is the JSON form of the fields, as journalled; `payload` is the same, typed."""

    seq: int
    t: float
    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, seq: int, t: float, payload: Payload) -> Event:
        """The event of a typed payload."""
        ev = cls(seq, t, payload.kind, payload.to_json())
        ev.__dict__["payload"] = payload  # what `payload` would parse back
        return ev

    @cached_property
    def payload(self) -> Payload:
        """The typed fields (`PayloadError` when `data` does not fit the kind)."""
        return payload_of(self.kind, self.data)

    def to_json(self) -> dict[str, Any]:
        """The journal line of this event, as a JSON-ready dict."""
        return {"seq": self.seq, "t": self.t, "kind": self.kind, **self.data}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Event:
        """Inverse of `to_json` (no check: see `parse_event`)."""
        data = {k: v for k, v in obj.items() if k not in ("seq", "t", "kind")}
        return cls(int(obj["seq"]), float(obj["t"]), obj["kind"], data)


def parse_event(obj: object) -> Event:
    """A JSON event (a journal line, a hub frame's `event`) as an `Event` whose payload fits
    its kind; `PayloadError` otherwise (unknown extra keys are kept, not refused)."""
    if not isinstance(obj, Mapping):
        raise PayloadError("an event is a JSON object")
    seq, t, kind = obj.get("seq"), obj.get("t"), obj.get("kind")
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise PayloadError(f"'seq' must be a whole number, got {short(seq)}")
    if isinstance(t, bool) or not isinstance(t, int | float) or not finite(t) or t < 0:
        raise PayloadError(f"'t' must be an exercise minute (a number >= 0), got {short(t)}")
    if not isinstance(kind, str) or kind not in KINDS:
        raise PayloadError(f"unknown event kind {short(kind)}")
    ev = Event.from_json(obj)
    ev.__dict__["payload"] = payload_of(kind, ev.data)
    return ev


#: Every event kind, for readers that check a line's `kind`.
KINDS: frozenset[str] = frozenset(get_args(EventKind))


def _parse(cls: type[_Fields], kind: str, obj: Mapping[str, Any]) -> _Fields:
    command = getattr(cls, "command", None)
    what = f"{command} command" if kind == "facilitator" and command else f"{kind} event"
    values, extra = read_fields(cls, what, obj)
    return cls(**values, extra=extra)


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
