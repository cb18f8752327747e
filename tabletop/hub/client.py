"""A seat of the drill room, without any UI: the connection to the hub (hello, reconnect with
`last_seq`) and the room as this seat knows it (events, clock, proposals, who is in).

The terminal seat, the browser seat (the same Textual app) and the benchmark build on it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tabletop.engine.events import ActionDone, DecisionTaken, Event, PayloadError, parse_event

#: The hub's close code for a connection whose seat joined again elsewhere (no retry).
REPLACED = 4001
#: Seconds between reconnection attempts: doubling from the first to the last.
RECONNECT_FIRST = 0.2
RECONNECT_LAST = 1.0
#: Largest frame a seat reads (the hub's frames stay far below; a welcome may be long).
MAX_INCOMING = 8 * 1024 * 1024
#: Feedback frames a seat keeps (the oldest go first): more than a drill's decisions.
FEEDBACK_KEPT = 200
#: How far back a feedback frame looks for the decision it comments on (the hub sends it
#: right after the decision's events: a handful at most).
FEEDBACK_LOOKBACK = 64


@dataclass(frozen=True)
class SeatNode:
    """One node of the welcome's `nodes_list`: what the seat's map and node detail show.

    `hard`, `soft` and `any_of` are its dependencies by kind (ids), as the scenario file
    writes them."""

    id: str
    label: str
    layer: int = 0
    kind: str = ""
    users: int = 0
    third_party: bool = False
    hard: tuple[str, ...] = ()
    soft: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()

    @property
    def needs(self) -> tuple[str, ...]:
        """Every id it depends on, once: hard, then soft, then the groups' members (the order
        the single-seat drill screen lists them in)."""
        members = (m for group in self.any_of for m in group)
        return tuple(dict.fromkeys((*self.hard, *self.soft, *members)))


def seat_node(entry: dict[str, Any]) -> SeatNode:
    """A `nodes_list` entry as the seat keeps it; a dependency of a shape it does not know
    (a later hub's) is left out."""
    hard: list[str] = []
    soft: list[str] = []
    groups: list[tuple[str, ...]] = []
    for dep in entry.get("depends_on") or ():
        if isinstance(dep, str):
            hard.append(dep)
        elif isinstance(dep, dict) and isinstance(dep.get("soft"), str):
            soft.append(dep["soft"])
        elif isinstance(dep, dict) and isinstance(dep.get("any_of"), list):
            groups.append(tuple(m for m in dep["any_of"] if isinstance(m, str)))
    return SeatNode(
        id=str(entry["id"]),
        label=str(entry.get("label", entry["id"])),
        layer=int(entry.get("layer", 0)),
        kind=str(entry.get("kind", "")),
        users=int(entry.get("users", 0)),
        third_party=bool(entry.get("third_party", False)),
        hard=tuple(hard),
        soft=tuple(soft),
        any_of=tuple(groups),
    )


@dataclass
class RoomState:
    """What one seat knows of the room, built from the hub's frames only."""

    seat: int = 0
    role: str = ""
    name: str = ""
    scenario: dict[str, Any] = field(default_factory=dict)
    team: str = ""
    mode: str = ""
    duration: float = 0.0
    #: The journal events heard, as the hub sent them (JSON), in seq order.
    events: list[dict[str, Any]] = field(default_factory=list)
    #: The same events parsed by kind (`tabletop.engine.events`), without any whose fields do
    #: not fit its kind (a later hub's): what the feed shows.
    feed: list[Event] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    node_labels: dict[str, str] = field(default_factory=dict)
    #: Node id → layer of the dependency map (0: the sources), from the welcome.
    node_layers: dict[str, int] = field(default_factory=dict)
    #: The welcome's nodes in map order (layer by layer), with their dependencies.
    map_nodes: dict[str, SeatNode] = field(default_factory=dict)
    #: Node id → the nodes that depend on it in any way, in map order.
    dependents: dict[str, list[str]] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)
    injects: list[dict[str, Any]] = field(default_factory=list)
    affected: float = 0.0
    clock: dict[str, Any] = field(default_factory=dict)
    clock_at: float = field(default_factory=time.monotonic)
    room: list[dict[str, Any]] = field(default_factory=list)
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    running: dict[str, float] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    score: dict[str, Any] | None = None
    #: Training-mode feedback on this seat's own decisions (the hub's `feedback` frames:
    #: `action` and `lines` of `kind` and `text`), by the seq of the decision event each
    #: comments on, oldest first: the last `FEEDBACK_KEPT`. The feed shows each under its
    #: decision. Keyed by decision, a frame heard twice for one decision is kept once.
    feedback: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: How many feedback frames arrived (a new one repaints the feed).
    feedback_count: int = 0
    #: The last refusal or error the hub sent this seat.
    notice: str = ""
    connected: bool = False
    #: Sequence numbers that arrived out of order or twice (should stay empty).
    disorder: list[int] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        """The seq of the last event received (0 before any)."""
        return int(self.events[-1]["seq"]) if self.events else 0

    @property
    def ended(self) -> bool:
        """Whether the drill has ended."""
        return bool(self.clock.get("ended")) or any(e.kind == "end" for e in self.feed)

    def now(self) -> float:
        """The exercise minute now, counted on locally between the hub's clock frames."""
        t = float(self.clock.get("now", 0.0))
        if self.clock.get("running"):
            t += (time.monotonic() - self.clock_at) / float(self.clock.get("pace") or 5.0)
        return min(t, self.duration) if self.duration else t

    def apply(self, frame: dict[str, Any]) -> None:
        """Take one frame from the hub into the state."""
        kind = frame.get("type")
        if kind == "welcome":
            self._welcome(frame)
        elif kind == "event":
            self._event(frame.get("event"))
            self._status(frame)
        elif kind == "clock":
            self._clock(frame)
        elif kind == "proposal":
            self.proposals[str(frame["id"])] = frame
        elif kind == "feedback":
            self._feedback(frame)
        elif kind in ("refused", "error"):
            self.notice = str(frame.get("reason", ""))

    def _welcome(self, frame: dict[str, Any]) -> None:
        self.notice = ""  # what the hub said before this (re)join is over
        self.seat, self.role, self.name = frame["seat"], frame["role"], frame.get("name", "")
        self.scenario = frame.get("scenario", {})
        self.team, self.mode = frame.get("team", ""), frame.get("mode", "")
        self.duration = float(frame.get("duration", 0.0))
        self.actions = frame.get("actions", [])
        self._nodes_list(frame.get("nodes_list", []))
        self.injects = frame.get("injects", [])
        self.proposals = {str(p["id"]): p for p in frame.get("proposals", [])}
        for event in frame.get("events", []):
            self._event(event)
        self._status(frame)
        if "clock" in frame:
            self._clock({"type": "clock", **frame["clock"]})

    def _nodes_list(self, entries: list[dict[str, Any]]) -> None:
        nodes = [seat_node(n) for n in entries]
        self.map_nodes = {n.id: n for n in nodes}
        self.node_labels = {n.id: n.label for n in nodes}
        self.node_layers = {n.id: n.layer for n in nodes}
        dependents: dict[str, list[str]] = {n.id: [] for n in nodes}
        for node in nodes:
            for dep in node.needs:
                dependents.setdefault(dep, []).append(node.id)
        self.dependents = dependents

    def _feedback(self, frame: dict[str, Any]) -> None:
        """Keep a feedback frame under the decision it comments on: the latest decision
        event of its action (the hub sends it right after that decision's events)."""
        action = frame.get("action")
        anchor = self.last_seq
        for event in reversed(self.events[-FEEDBACK_LOOKBACK:]):
            if event["kind"] == "decision" and event.get("action") == action:
                anchor = int(event["seq"])
                break
        self.feedback[anchor] = frame  # heard again for the same decision: kept once
        while len(self.feedback) > FEEDBACK_KEPT:
            del self.feedback[next(iter(self.feedback))]
        self.feedback_count += 1

    def _event(self, event: object) -> None:
        if not isinstance(event, dict):
            return
        seq = event.get("seq")
        if (
            isinstance(seq, bool)
            or not isinstance(seq, int)
            or not isinstance(event.get("kind"), str)
        ):
            return  # not an event at all: nothing to order it by
        if seq <= self.last_seq:
            self.disorder.append(seq)
            return
        self.events.append(event)
        try:
            parsed = parse_event(event)
        except PayloadError:
            return  # heard (its seq counts), but not shown
        self.feed.append(parsed)
        p = parsed.payload
        if isinstance(p, DecisionTaken):
            self.running[p.action] = float(p.done_at if p.done_at is not None else parsed.t)
        elif isinstance(p, ActionDone):
            self.running.pop(p.action, None)
            self.done.add(p.action)

    def _status(self, frame: dict[str, Any]) -> None:
        if "nodes" in frame and isinstance(frame["nodes"], dict):
            self.nodes = dict(frame["nodes"])
        if "affected" in frame:
            self.affected = float(frame["affected"])

    def _clock(self, frame: dict[str, Any]) -> None:
        self.clock = {k: v for k, v in frame.items() if k != "type"}
        self.clock_at = time.monotonic()
        if "room" in frame:
            self.room = frame["room"]
        if frame.get("score"):
            self.score = frame["score"]


class SeatClient:
    """A seat's connection to the hub: joins, keeps the state, reconnects when the hub goes
    away (sending `last_seq`, so nothing is missed), and sends the seat's frames."""

    def __init__(
        self,
        url: str,
        code: str,
        name: str = "",
        *,
        on_change: Callable[[RoomState], None] | None = None,
        ssl: Any = None,
    ) -> None:
        self.url, self.code, self.name = url, code, name
        self.state = RoomState()
        self.on_change = on_change
        self.ssl = ssl
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        #: Why the hub closed the door for good (a wrong code, a full room): no more retries.
        self.fatal: str | None = None
        self.welcomed = asyncio.Event()

    async def run(self) -> None:
        """Stay connected until cancelled or refused for good; reconnect with backoff."""
        delay = RECONNECT_FIRST
        async with aiohttp.ClientSession() as http:
            while self.fatal is None:
                try:
                    await self._session(http)
                    delay = RECONNECT_FIRST
                except (aiohttp.ClientError, OSError, TimeoutError):
                    pass
                self._set_connected(False)
                if self.fatal is not None:
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_LAST)

    async def _session(self, http: aiohttp.ClientSession) -> None:
        tls = {} if self.ssl is None else {"ssl": self.ssl}
        async with http.ws_connect(self.url, max_msg_size=MAX_INCOMING, heartbeat=20, **tls) as ws:
            hello: dict[str, Any] = {"type": "hello", "code": self.code}
            if self.name:
                hello["name"] = self.name
            if self.state.last_seq:
                hello["last_seq"] = self.state.last_seq
            await ws.send_str(json.dumps(hello))
            self._ws = ws
            try:
                async for msg in ws:
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        break
                    frame = json.loads(msg.data)
                    if frame.get("type") == "error" and not self.state.connected:
                        self.fatal = str(frame.get("reason"))
                    if frame.get("type") == "welcome":
                        self.state.connected = True
                        self.welcomed.set()
                    self.state.apply(frame)
                    self._changed()
            finally:
                self._ws = None
            if ws.close_code == REPLACED:
                self.fatal = "this seat joined again from elsewhere"

    def _set_connected(self, connected: bool) -> None:
        if self.state.connected != connected:
            self.state.connected = connected
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.state)

    async def send(self, frame: dict[str, Any]) -> bool:
        """Send one frame; False when not connected (the seat says so)."""
        ws = self._ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError, aiohttp.ClientError):
            return False
        return True
