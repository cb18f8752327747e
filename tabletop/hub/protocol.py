"""The seat protocol of the drill room: roles and what each may do, frame checks, join codes,
what a role may see of the journal, and who took part (read back from a journal).

Pure Python (no aiohttp, no Textual): the hub, the seat client, the reports and the tests
share these rules, so that a seat greys out exactly what the hub would refuse.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tabletop.engine.event_json import finite
from tabletop.engine.event_text import for_facilitator_only
from tabletop.engine.events import Event, Join, PayloadError, payload_of

#: Every role, in the order codes are printed.
ROLES: tuple[str, ...] = ("facilitator", "commander", "comms", "responder", "observer")

#: Largest frame either way, in bytes of UTF-8 text.
MAX_FRAME_BYTES = 64 * 1024
#: Longest seat name, note or message a frame may carry (characters).
MAX_NAME = 60
MAX_TEXT = 4000
MAX_ID = 200

#: Phases whose actions each deciding role may take (None: every phase).
DECIDE_PHASES: dict[str, frozenset[str] | None] = {
    "facilitator": None,
    "commander": None,
    "comms": frozenset({"communicate", "follow-up"}),
    "responder": frozenset({"assess", "escalate", "workaround", "fix", "verify", "prevent"}),
    "observer": frozenset(),
}

#: Which roles may send each frame type besides hello and decide (decide goes by phase).
FRAME_ROLES: dict[str, frozenset[str]] = {
    # A role that may decide some actions but not all proposes the others to the commander.
    "propose": frozenset({"comms", "responder"}),
    # The facilitator may decide for the team, so it may also take a proposal up.
    "approve": frozenset({"commander", "facilitator"}),
    "note": frozenset({"facilitator", "observer"}),
    "clock": frozenset({"facilitator"}),
    "advance": frozenset({"facilitator"}),
    "fire": frozenset({"facilitator"}),
    "end": frozenset({"facilitator"}),
}

FRAME_TYPES = frozenset({"hello", "decide", *FRAME_ROLES})


def may_decide(role: str, phase: str) -> bool:
    """Whether `role` may take an action of `phase` itself."""
    phases = DECIDE_PHASES.get(role, frozenset())
    return phases is None or phase in phases


def may_send(role: str, frame_type: str) -> bool:
    """Whether `role` may send a frame of this type at all (decide: some action)."""
    if frame_type == "decide":
        return DECIDE_PHASES.get(role) != frozenset()
    return role in FRAME_ROLES.get(frame_type, frozenset())


def seat_label(name: str, role: str) -> str:
    """How a seat signs its decisions and notes in the journal: `Ana (commander)`."""
    return f"{name} ({role})"


# ------------------------------------------------------------------ join codes


def new_codes() -> dict[str, str]:
    """One random join code per role: 96 bits from `secrets`, URL-safe text."""
    return {role: secrets.token_urlsafe(12) for role in ROLES}


def role_of_code(codes: Mapping[str, str], given: str) -> str | None:
    """The role whose code is `given`, or None. Every code is compared, in constant time,
    so that the time taken says nothing about which code was nearly right."""
    found = None
    for role, code in codes.items():
        if hmac.compare_digest(code.encode(), given.encode()):
            found = role
    return found


def valid_codes(obj: object) -> dict[str, str] | None:
    """A codes file's content when it names a code (text of 16+ characters) for every role."""
    if not isinstance(obj, dict):
        return None
    if not all(isinstance(obj.get(r), str) and len(obj[r]) >= 16 for r in ROLES):
        return None
    return {r: str(obj[r]) for r in ROLES}


# ---------------------------------------------------------------------- frames


class FrameError(ValueError):
    """A frame that is not a well-formed seat frame: the reason, for the `error` frame."""


def parse_frame(text: str | bytes) -> dict[str, Any]:
    """One seat frame as a dict, checked: a JSON object with a known `type` and fields of
    the right types and sizes. Anything else is a `FrameError` with a one-line reason."""
    if isinstance(text, bytes):
        raise FrameError("frames are JSON text, not binary")
    if len(text.encode("utf-8", "replace")) > MAX_FRAME_BYTES:
        raise FrameError(f"frame larger than {MAX_FRAME_BYTES // 1024} KiB")
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("not JSON") from None
    if not isinstance(obj, dict):
        raise FrameError("a frame is one JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in FRAME_TYPES:
        raise FrameError(f"unknown frame type {str(kind)[:40]!r}")
    for key, check in _FIELDS.get(kind, {}).items():
        required, validate = check
        if key not in obj or obj[key] is None:
            if required:
                raise FrameError(f"a {kind} frame needs {key!r}")
            continue
        problem = validate(obj[key])
        if problem:
            article = "an" if kind[0] in "aeiou" else "a"
            raise FrameError(f"{key!r} of {article} {kind} frame {problem}")
    return obj


def _text(limit: int, *, empty: bool = False) -> Any:
    def check(v: object) -> str | None:
        if not isinstance(v, str):
            return "must be text"
        if len(v) > limit:
            return f"is longer than {limit} characters"
        if not empty and not v.strip():
            return "is empty"
        return None

    return check


def _number(low: float, *, above: bool = False) -> Any:
    def check(v: object) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int | float) or not finite(v):
            return "must be a number"
        if v < low or (above and v == low) or v > 1e9:
            return f"must be {'above' if above else 'at least'} {low:g}"
        return None

    return check


def _seq(v: object) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10**12:
        return "must be a whole number >= 0"
    return None


def _bool(v: object) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


_ACTION_FIELDS = {
    "action": (True, _text(MAX_ID)),
    "message": (False, _text(MAX_TEXT, empty=True)),
    "note": (False, _text(MAX_TEXT, empty=True)),
}
_FIELDS: dict[str, dict[str, tuple[bool, Any]]] = {
    "hello": {
        "code": (True, _text(200)),
        "name": (False, _text(MAX_NAME)),
        "last_seq": (False, _seq),
    },
    "decide": _ACTION_FIELDS,
    "propose": _ACTION_FIELDS,
    "approve": {"proposal": (True, _text(MAX_ID))},
    "note": {"text": (True, _text(MAX_TEXT))},
    "clock": {"running": (False, _bool), "pace": (False, _number(0.01))},
    "advance": {"to": (True, _number(0))},
    "fire": {"inject": (True, _text(MAX_ID))},
    "end": {},
}


# ------------------------------------------------------------- who sees what


def facilitator_only(event: Event, facilitator_injects: frozenset[str] = frozenset()) -> bool:
    """Whether a journal event is for facilitator seats alone: a facilitator inject fired or
    skipped, or the facilitator firing one by hand (that would tell the team). Read from its
    typed payload, which the session made: nothing is parsed again per event and seat."""
    return for_facilitator_only(event.payload, facilitator_injects)


def visible_to(role: str, event: Event, facilitator_injects: frozenset[str]) -> bool:
    """Whether a seat of `role` receives this journal event."""
    return role == "facilitator" or not facilitator_only(event, facilitator_injects)


# ---------------------------------------------------------------- participants


@dataclass(frozen=True)
class Participant:
    """One seat of a drill room, as the journal recorded it when it first joined."""

    seat: int
    name: str
    role: str
    joined_at: float


def participants(events: Iterable[Mapping[str, Any]]) -> list[Participant]:
    """Who took part in a drill room, in the order they first joined, from the journal's
    facilitator `join` events: `{"kind": "facilitator", "command": "join", "seat": N,
    "name": NAME, "role": ROLE}`. Empty for a single-seat drill."""
    seen: dict[int, Participant] = {}
    for ev in events:
        if ev.get("kind") != "facilitator" or ev.get("command") != "join":
            continue
        try:
            join = payload_of("facilitator", ev)
        except PayloadError:
            continue  # not a seat number, no name: not a seat
        if isinstance(join, Join):
            t = ev.get("t", 0.0)
            seen.setdefault(join.seat, Participant(join.seat, join.name, join.role, float(t)))
    return list(seen.values())
