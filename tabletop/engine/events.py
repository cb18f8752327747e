"""Session events: one typed payload per kind with its JSON form, and the value types clients
read (docs/journal.md).

A journal line is `{"seq": N, "t": MINUTE, "kind": KIND, ...fields}`. Each kind's fields are
one frozen dataclass below (a facilitator command's are one per command); its field order is
the order of the keys in the journal, a field that is None is absent from it, and keys a later
version adds are kept in `extra`. `payload_of` parses the fields from JSON (the journal reader,
the hub's seats), `to_json` writes them back, unchanged.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import (
    Any,
    ClassVar,
    Literal,
    NamedTuple,
    TypeAlias,
    get_args,
    get_origin,
    get_type_hints,
)

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


class PayloadError(ValueError):
    """Fields that do not fit their event kind: a one-line reason naming the field."""


class Change(NamedTuple):
    """One node whose effective status changed (JSON: `[node, old, new]`)."""

    node: str
    old: str
    new: str


class SetStatus(NamedTuple):
    """One effect of an inject or action: a node's own status set (JSON: `{node, status}`)."""

    node: str
    status: str


@dataclass(frozen=True, kw_only=True)
class _Fields:
    """What every payload shares: the keys this version does not know, kept in their order
    after the known ones (so a later version's journal reads and writes back whole)."""

    kind: ClassVar[EventKind]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The event's fields as the journal writes them (without seq, t and kind)."""
        out: dict[str, Any] = {}
        for name, dump in _dumpers(type(self)):
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
    """A proposal's outcome: `approved` or `refused`."""

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
            got = _short(command)
            raise PayloadError(f"a facilitator event needs 'command' as text, got {got}")
        cls = COMMAND_TYPES.get(command, Command)
    if cls is None:
        raise PayloadError(f"unknown event kind {_short(kind)}")
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
        raise PayloadError(f"'seq' must be a whole number, got {_short(seq)}")
    if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t) or t < 0:
        raise PayloadError(f"'t' must be an exercise minute (a number >= 0), got {_short(t)}")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise PayloadError(f"unknown event kind {_short(kind)}")
    ev = Event.from_json(obj)
    ev.__dict__["payload"] = payload_of(kind, ev.data)
    return ev


# ------------------------------------------------------------------ the codec


_KINDS: frozenset[str] = frozenset(get_args(EventKind))


@dataclass(frozen=True)
class _Codec:
    """How one field is read from and written to JSON."""

    name: str
    required: bool
    load: Callable[[object], object]  # raises _Wrong with what the value must be
    dump: Callable[[Any], object]


class _Wrong(Exception):
    """A value of the wrong type: what it must be."""


def _text(v: object) -> str:
    if not isinstance(v, str):
        raise _Wrong("text")
    return v


def _number(v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise _Wrong("a number")
    return v  # kept as read (an int stays an int): the JSON form is unchanged


def _whole(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Wrong("a whole number")
    return v


def _texts(v: object) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _Wrong("a list of texts")
    return tuple(v)


def _changes(v: object) -> tuple[Change, ...]:
    if not isinstance(v, list) or not all(
        isinstance(c, list) and len(c) == 3 and all(isinstance(x, str) for x in c) for c in v
    ):
        raise _Wrong("a list of [node, old, new]")
    return tuple(Change(*c) for c in v)


def _effects(v: object) -> tuple[SetStatus, ...]:
    if not isinstance(v, list) or not all(
        isinstance(e, dict)
        and set(e) == {"node", "status"}
        and isinstance(e["node"], str)
        and isinstance(e["status"], str)
        for e in v
    ):
        raise _Wrong("a list of {node, status}")
    return tuple(SetStatus(e["node"], e["status"]) for e in v)


def _text_map(v: object) -> dict[str, str]:
    if not isinstance(v, dict) or not all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()
    ):
        raise _Wrong("a mapping of text to text")
    return dict(v)


def _same(v: Any) -> object:
    return v


#: Field type (as annotated, None removed) → how to read it and write it back.
_TYPES: dict[object, tuple[Callable[[object], object], Callable[[Any], object]]] = {
    str: (_text, _same),
    float: (_number, _same),
    int: (_whole, _same),
    tuple[str, ...]: (_texts, list),
    tuple[Change, ...]: (_changes, lambda cs: [list(c) for c in cs]),
    tuple[SetStatus, ...]: (_effects, lambda es: [e._asdict() for e in es]),
    dict[str, str]: (_text_map, dict),
}

_CODECS: dict[type[_Fields], tuple[_Codec, ...]] = {}
_DUMPERS: dict[type[_Fields], tuple[tuple[str, Callable[[Any], object] | None], ...]] = {}


def _dumpers(cls: type[_Fields]) -> tuple[tuple[str, Callable[[Any], object] | None], ...]:
    """(field, how to write it; None: as it is) per field: every event goes through these."""
    found = _DUMPERS.get(cls)
    if found is None:
        found = _DUMPERS[cls] = tuple(
            (c.name, None if c.dump is _same else c.dump) for c in _codec(cls)
        )
    return found


def _codec(cls: type[_Fields]) -> tuple[_Codec, ...]:
    """The codecs of a payload class's fields, in order (built once per class)."""
    found = _CODECS.get(cls)
    if found is None:
        hints = get_type_hints(cls)
        made = []
        for f in fields(cls):
            if f.name == "extra":
                continue
            hint = hints[f.name]
            optional = get_origin(hint) in (types.UnionType,) and type(None) in get_args(hint)
            base = next(a for a in get_args(hint) if a is not type(None)) if optional else hint
            load, dump = _TYPES[base]
            made.append(_Codec(f.name, not optional, load, dump))
        found = _CODECS[cls] = tuple(made)
    return found


def _parse(cls: type[_Fields], kind: str, obj: Mapping[str, Any]) -> _Fields:
    values: dict[str, object] = {}
    for c in _codec(cls):
        value = obj.get(c.name)
        if value is None and not c.required:  # absent, or null: null counts as absent
            continue
        try:
            values[c.name] = c.load(value)
        except _Wrong as wrong:
            what, got = _what(cls, kind), _short(value)
            raise PayloadError(
                f"{_a(what)} needs {c.name!r} as {wrong}, got {got}"
                if c.required
                else f"{c.name!r} of {_a(what)} must be {wrong}, got {got}"
            ) from None
    known = {c.name for c in _codec(cls)} | {"seq", "t", "kind"}
    extra = {k: v for k, v in obj.items() if k not in known}
    return cls(**values, extra=extra)


def _a(what: str) -> str:
    return f"{'an' if what[0] in 'aeiou' else 'a'} {what}"


def _what(cls: type[_Fields], kind: str) -> str:
    command = getattr(cls, "command", None)
    return f"{command} command" if kind == "facilitator" and command else f"{kind} event"


def _short(value: object) -> str:
    """A value for a message: its repr, shortened (a line may be a megabyte)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
