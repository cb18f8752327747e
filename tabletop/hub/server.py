"""The hub of a drill room: the one process that owns the drill's Session and its journal.

Every input (a seat's decision, note, the facilitator's clock) runs on one asyncio loop, so the
engine sees one input at a time. The session's sink writes each event to the fsynced journal
first and only then queues it for the seats: a decision is durable before any seat hears of
it. Events are queued to every seat in `seq` order from that one place, so every seat sees the
same order with no gaps (a team seat skips what is for the facilitator alone). A seat that
reconnects says the last `seq` it has and is sent everything after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from tabletop.engine.events import DecisionRecord, Event
from tabletop.engine.journal import JournalWriter
from tabletop.engine.session import Session
from tabletop.engine.status_codes import display_status
from tabletop.exercise_time import instant
from tabletop.hub.proposals import APPROVE, CLOSED, PROPOSE, proposal_frame, rebuild
from tabletop.hub.protocol import (
    MAX_FRAME_BYTES,
    FrameError,
    facilitator_only,
    may_decide,
    may_send,
    parse_frame,
    participants,
    role_of_code,
    seat_label,
)
from tabletop.scenario.graph_render import layers
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scoring.feedback import decision_feedback, feedback_text

#: Real seconds between clock ticks while the clock runs.
TICK_SECONDS = 0.1
#: Seconds a new connection has to send its hello.
HELLO_TIMEOUT = 10.0
#: Frames queued for one seat beyond which it is dropped (it reconnects with `last_seq`).
MAX_BACKLOG = 5000
#: Nodes up to which event frames carry the whole effective status map (for the seat's map).
MAX_STATUS_NODES = 400
#: Budget of events carried in the welcome frame itself; the rest follow as event frames.
WELCOME_EVENT_BYTES = 40 * 1024
#: Close code for a connection whose seat joined again elsewhere: it must not reconnect
#: (two connections of one seat would take the seat from each other in turn).
REPLACED = 4001
#: Frames a seat may send per second (sustained) and at once (burst).
DEFAULT_RATE = 20.0
DEFAULT_BURST = 40.0


@dataclass
class Seat:
    """One connected seat: who, its socket, its outgoing queue and its rate budget."""

    number: int
    name: str
    role: str
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    tokens: float = DEFAULT_BURST
    stamp: float = field(default_factory=time.monotonic)

    @property
    def label(self) -> str:
        """How this seat signs what it does."""
        return seat_label(self.name, self.role)

    def send(self, frame: str) -> bool:
        """Queue a frame; False when the seat is too far behind (it is then dropped)."""
        if self.queue.qsize() >= MAX_BACKLOG:
            return False
        self.queue.put_nowait(frame)
        return True


@dataclass
class Clock:
    """The exercise clock the hub runs: paused or running at `pace` real seconds a minute."""

    pace: float = 5.0
    running: bool = False
    base_now: float = 0.0
    base_real: float = field(default_factory=time.monotonic)

    def now(self, duration: float) -> float:
        """The exercise minute now (to a thousandth), never beyond the duration."""
        t = self.base_now
        if self.running:
            t += (time.monotonic() - self.base_real) / self.pace
        return min(int(t * 1000) / 1000, duration)

    def rebase(self, now: float) -> None:
        """Count on from exercise minute `now`, from this real instant."""
        self.base_now = now
        self.base_real = time.monotonic()


class Hub:
    """The drill room's server state: the session, its journal, the seats, the clock."""

    def __init__(
        self,
        session: Session,
        loaded: LoadedScenario,
        writer: JournalWriter,
        codes: dict[str, str],
        *,
        max_seats: int = 32,
        rate: float = DEFAULT_RATE,
        burst: float = DEFAULT_BURST,
        pace: float = 5.0,
        db_path: Path | None = None,
        store: bool = True,
        log: Callable[[str], None] = print,
    ) -> None:
        """`db_path`: the history the ended drill is stored in (None: the store's default,
        looked up only then: importing the store slows the hub's start); `store=False`: none."""
        self.session = session
        self.loaded = loaded
        self.writer = writer
        self.codes = codes
        self.max_seats = max_seats
        self.rate, self.burst = rate, burst
        self.db_path = db_path
        self.store = store
        #: Called with each event's seq once it is on disk, before any seat is sent it
        #: (the room benchmark's timestamps).
        self.on_durable: Callable[[int], None] | None = None
        self.log = log
        self.started_at = datetime.now(UTC)
        scenario = session.scenario
        self.facilitator_ids = frozenset(
            i.id for i in scenario.injects if i.audience == "facilitator"
        )
        self.seats: dict[int, Seat] = {}
        known = participants(ev.to_json() for ev in session.feed)
        self._seat_of = {(p.name, p.role): p.seat for p in known}
        self._names = {p.seat: (p.name, p.role) for p in known}
        self._next_seat = max((p.seat for p in known), default=0) + 1
        # Proposals are journalled: a resumed hub reopens the ones still open, same ids.
        kept = rebuild(session.feed, {a.id: a.label for a in scenario.actions})
        self.proposals, self._proposal_count = kept.proposals, kept.count
        self.clock = Clock(pace=_journalled_pace(session, pace))
        self.clock.rebase(session.now)
        self._minute = int(session.now)
        self.score: dict[str, Any] | None = None
        self._ticker: asyncio.Task[None] | None = None
        session.attach_sink(self._on_event)
        for pid, outcome in kept.unclosed.items():  # the crash cut these off
            session.facilitator(CLOSED, proposal=pid, outcome=outcome)

    # ------------------------------------------------------------ the journal

    def _on_event(self, event: Event) -> None:
        """The session's sink: durable first, then to every seat that may see it."""
        self.writer(event)
        if self.on_durable is not None:
            self.on_durable(event.seq)
        obj = event.to_json()
        frame: dict[str, Any] = {"type": "event", "event": obj}
        if event.data.get("changed"):
            frame.update(self._state())
        text = json.dumps(frame, ensure_ascii=False)
        only_facilitator = facilitator_only(obj, self.facilitator_ids)
        for seat in list(self.seats.values()):
            if only_facilitator and seat.role != "facilitator":
                continue
            if not seat.send(text):
                self._drop(seat, "too far behind; reconnect")

    def _state(self) -> dict[str, Any]:
        """What a seat's map and impact panel show: effective statuses and users affected."""
        s = self.session
        state: dict[str, Any] = {"affected": s.impact().affected_now}
        if len(s.scenario.nodes) <= MAX_STATUS_NODES:
            # As the drill screen's map shows them: a standby node not started is `standby`.
            own = s.status.own
            state["nodes"] = {n: display_status(own[n], e) for n, e in s.status.effective.items()}
        return state

    # ------------------------------------------------------------ the clock

    def sync_clock(self) -> None:
        """Bring the session to the clock's minute (injects and actions come due)."""
        s = self.session
        if self.clock.running and not s.ended:
            t = self.clock.now(s.scenario.duration)
            if t > s.now:
                s.advance(t)
        if s.ended and self.clock.running:
            self.clock.running = False
            self.clock.rebase(s.now)

    async def tick(self) -> None:
        """Run the clock: advance the session, a checkpoint and a clock frame each minute."""
        while True:
            # At most half an exercise minute a tick: a clock frame for every minute.
            await asyncio.sleep(min(TICK_SECONDS, self.clock.pace / 2))
            if not self.clock.running:
                continue
            try:
                self._tick_once()
            except Exception as exc:  # the clock stops; the facilitator can run it again
                self.clock.running = False
                self.log(f"the clock stopped: {type(exc).__name__}: {exc}")
                self.broadcast_clock()

    def _tick_once(self) -> None:
        """One tick of a running clock."""
        self.sync_clock()
        s = self.session
        minute = int(s.now)
        if s.ended:
            self.broadcast_clock()
            self.finish()
        elif minute > self._minute:
            self._minute = minute
            # A checkpoint per exercise minute, as in single-seat play: a resumed hub
            # reopens the drill at most a minute back.
            s.facilitator("clock")
            self.broadcast_clock()

    def clock_frame(self) -> dict[str, Any]:
        """The clock as seats show it, with who is in the room (and the score once ended)."""
        frame: dict[str, Any] = {
            "type": "clock",
            "now": self.session.now,
            "running": self.clock.running,
            "pace": self.clock.pace,
            "ended": self.session.ended,
            "room": self.room(),
        }
        if self.score is not None:
            frame["score"] = self.score
        return frame

    def broadcast_clock(self) -> None:
        """Send the clock to every seat."""
        self.broadcast(self.clock_frame())

    def broadcast(self, frame: dict[str, Any]) -> None:
        """Send one frame to every seat."""
        text = json.dumps(frame, ensure_ascii=False)
        for seat in list(self.seats.values()):
            if not seat.send(text):
                self._drop(seat, "too far behind; reconnect")

    def room(self) -> list[dict[str, Any]]:
        """Every seat that ever joined, whether it is connected now, by seat number."""
        return [
            {"seat": n, "name": name, "role": role, "connected": n in self.seats}
            for n, (name, role) in sorted(self._names.items())
        ]

    # ------------------------------------------------------------ the socket

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One seat's WebSocket: hello, welcome, then its frames until it goes."""
        # Frames a little over the limit are read and answered with an error frame (the seat
        # stays); far beyond it aiohttp closes the connection (1009) before reading them.
        ws = web.WebSocketResponse(max_msg_size=4 * MAX_FRAME_BYTES, heartbeat=20, compress=False)
        await ws.prepare(request)
        seat = await self._hello(ws)
        if seat is None:
            await ws.close()
            return ws
        sender = asyncio.create_task(self._pump(seat))
        try:
            await self._serve(seat)
        finally:
            if self.seats.get(seat.number) is seat:
                del self.seats[seat.number]
                self.broadcast_clock()
            seat.queue.put_nowait(None)
            await sender
            await ws.close()
        return ws

    async def _hello(self, ws: web.WebSocketResponse) -> Seat | None:
        try:
            msg = await asyncio.wait_for(ws.receive(), HELLO_TIMEOUT)
        except TimeoutError:
            await _error(ws, "no hello frame in time")
            return None
        if msg.type != WSMsgType.TEXT:
            await _error(ws, "the first frame must be a hello")
            return None
        try:
            frame = parse_frame(msg.data)
        except FrameError as exc:
            await _error(ws, str(exc))
            return None
        if frame["type"] != "hello":
            await _error(ws, "the first frame must be a hello")
            return None
        role = role_of_code(self.codes, frame["code"])
        if role is None:
            await _error(ws, "wrong join code")
            return None
        name = " ".join(str(frame.get("name") or role.capitalize()).split())
        if frame.get("last_seq") is None:
            # A fresh join under the name of a seat that is connected is someone else (two
            # responders who both left the name blank): they get a name of their own. Only
            # a seat that says how far it got is taken for that seat coming back.
            name = self._free_name(name, role)
        number = self._seat_of.get((name, role))
        if number is None and len(self.seats) >= self.max_seats:
            await _error(ws, f"the room is full ({self.max_seats} seats)")
            return None
        self.sync_clock()
        if number is None:
            number = self._next_seat
            self._next_seat += 1
            self._seat_of[(name, role)] = number
            self._names[number] = (name, role)
            # Journalled, so that the report lists who took part (and a resumed hub
            # gives a returning seat its number back).
            self.session.facilitator("join", seat=number, name=name, role=role)
        old = self.seats.get(number)
        if old is not None:
            self._drop(old, "this seat joined again from elsewhere", code=REPLACED)
        seat = Seat(number, name, role, ws, tokens=self.burst)
        for text in self._welcome(seat, frame.get("last_seq")):
            seat.send(text)
        self.seats[number] = seat
        self.broadcast_clock()
        return seat

    def _welcome(self, seat: Seat, last_seq: int | None) -> list[str]:
        """The welcome frame and, when the journal so far is long, event frames after it."""
        s = self.session
        after = last_seq or 0
        after_seq = (ev.to_json() for ev in s.feed if ev.seq > after)
        events = [
            obj
            for obj in after_seq
            if seat.role == "facilitator" or not facilitator_only(obj, self.facilitator_ids)
        ]
        carried: list[dict[str, Any]] = []
        size = 0
        for k, obj in enumerate(events):
            size += len(json.dumps(obj, ensure_ascii=False))
            if size > WELCOME_EVENT_BYTES:
                break
            carried = events[: k + 1]
        scenario = s.scenario
        welcome = {
            "type": "welcome",
            "seat": seat.number,
            "role": seat.role,
            "name": seat.name,
            "scenario": {"id": scenario.id, "title": scenario.title, "sha256": s.sha256},
            "events": carried,
            "team": s.team,
            "mode": s.mode,
            "duration": scenario.duration,
            "actions": [
                {
                    "id": a.id,
                    "label": a.label,
                    "phase": str(a.phase),
                    "minutes": a.minutes,
                    "allowed": may_decide(seat.role, str(a.phase)),
                }
                for a in scenario.actions
            ],
            "nodes_list": _node_entries(scenario)
            if len(scenario.nodes) <= MAX_STATUS_NODES
            else [],
            "injects": [{"id": i.id, "title": i.title} for i in scenario.injects]
            if seat.role == "facilitator"
            else [],
            "proposals": [p for p in self.proposals.values() if p["status"] == "open"],
            "clock": {k: v for k, v in self.clock_frame().items() if k != "type"},
            **self._state(),
        }
        frames = [json.dumps(welcome, ensure_ascii=False)]
        frames += [
            json.dumps({"type": "event", "event": obj}, ensure_ascii=False)
            for obj in events[len(carried) :]
        ]
        return frames

    async def _pump(self, seat: Seat) -> None:
        """Send a seat's queued frames in order until told to stop (None)."""
        while True:
            text = await seat.queue.get()
            if text is None:
                return
            try:
                await seat.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def _serve(self, seat: Seat) -> None:
        async for msg in seat.ws:
            if self.seats.get(seat.number) is not seat:
                return  # replaced by a newer connection of the same seat
            if msg.type == WSMsgType.TEXT:
                self._frame(seat, msg.data)
            elif msg.type == WSMsgType.BINARY:
                seat.send(_error_text("frames are JSON text, not binary"))
            else:
                return

    def _frame(self, seat: Seat, text: str) -> None:
        if not self._allow(seat):
            seat.send(_error_text("too many frames: slow down"))
            return
        try:
            frame = parse_frame(text)
        except FrameError as exc:
            seat.send(_error_text(str(exc)))
            return
        kind = frame["type"]
        if kind == "hello":
            seat.send(_error_text("already joined"))
            return
        if not may_send(seat.role, kind):
            self._refuse(seat, f"a {seat.role} may not {kind}", frame)
            return
        if self.session.ended and kind not in ("note",):
            self._refuse(seat, "the drill has ended", frame)
            return
        try:
            self.sync_clock()
            getattr(self, f"_on_{kind}")(seat, frame)
        except Exception as exc:  # one seat's frame must never take the room down
            self.log(f"seat {seat.number}: {kind} failed: {type(exc).__name__}: {exc}")
            seat.send(_error_text(f"the hub could not do that ({type(exc).__name__})"))

    def _allow(self, seat: Seat) -> bool:
        """Token bucket: `rate` frames a second, `burst` at once."""
        now = time.monotonic()
        seat.tokens = min(self.burst, seat.tokens + (now - seat.stamp) * self.rate)
        seat.stamp = now
        if seat.tokens < 1:
            return False
        seat.tokens -= 1
        return True

    def _refuse(self, seat: Seat, reason: str, frame: dict[str, Any]) -> None:
        seat.send(
            json.dumps({"type": "refused", "reason": reason, "request": frame}, ensure_ascii=False)
        )

    def _free_name(self, name: str, role: str) -> str:
        """`name`, or `name 2`, `name 3` ... the first not in use by a connected seat."""
        candidate, k = name, 1
        while (number := self._seat_of.get((candidate, role))) is not None and number in self.seats:
            k += 1
            candidate = f"{name} {k}"
        return candidate

    def _drop(self, seat: Seat, reason: str, *, code: int = 1000) -> None:
        """Disconnect a seat (it may reconnect with its last seq; not after `REPLACED`)."""
        if self.seats.get(seat.number) is seat:
            del self.seats[seat.number]
        while not seat.queue.empty():
            seat.queue.get_nowait()
        seat.queue.put_nowait(_error_text(reason))
        seat.queue.put_nowait(None)
        asyncio.get_running_loop().create_task(seat.ws.close(code=code, message=reason.encode()))

    # ------------------------------------------------------------ the frames

    def _take(self, seat: Seat, frame: dict[str, Any], *, by: str, note: str | None) -> bool:
        action = frame["action"]
        rec = self.session.take(action, by=by, note=note or None, message=frame.get("message"))
        if not rec.accepted:
            self._refuse(seat, rec.reason or "refused", frame)
        elif self.session.mode == "training":
            self._feedback(seat, rec)
        return rec.accepted

    def _feedback(self, seat: Seat, rec: DecisionRecord) -> None:
        """Training mode: tell the deciding seat alone how the score sees its decision (queued
        after the decision's event frames, so the seat hears of the decision first)."""
        scenario = self.session.scenario
        lines = feedback_text(scenario, decision_feedback(scenario, self.session, rec))
        frame = {
            "type": "feedback",
            "action": rec.action,
            "lines": [{"kind": line.kind, "text": line.text} for line in lines],
        }
        if not seat.send(json.dumps(frame, ensure_ascii=False)):
            self._drop(seat, "too far behind; reconnect")

    def _on_decide(self, seat: Seat, frame: dict[str, Any]) -> None:
        act = self.session.scenario.action_index.get(frame["action"])
        if act is not None and not may_decide(seat.role, str(act.phase)):
            self._refuse(
                seat,
                f"a {seat.role} may not take {act.phase} actions: propose it to the commander",
                frame,
            )
            return
        self._take(seat, frame, by=seat.label, note=frame.get("note"))

    def _on_propose(self, seat: Seat, frame: dict[str, Any]) -> None:
        act = self.session.scenario.action_index.get(frame["action"])
        if act is None:
            self._refuse(seat, f"unknown action {frame['action']!r}", frame)
            return
        self._proposal_count += 1
        pid = f"P{self._proposal_count}"
        extra = {k: frame[k] for k in ("note", "message") if frame.get(k)}
        # In the journal before any seat hears of it, as a decision is.
        self.session.facilitator(PROPOSE, proposal=pid, proposer=seat.label, action=act.id, **extra)
        proposal = proposal_frame(pid, seat.label, act.id, act.label, extra)
        self.proposals[pid] = proposal
        self.broadcast(proposal)

    def _on_approve(self, seat: Seat, frame: dict[str, Any]) -> None:
        proposal = self.proposals.get(frame["proposal"])
        if proposal is None or proposal["status"] != "open":
            self._refuse(seat, f"no open proposal {frame['proposal']!r}", frame)
            return
        note = f"proposed by {proposal['by']}"
        if proposal.get("note"):
            note += f": {proposal['note']}"
        # The approval, then at once the decision it takes: a resumed hub reads the decision
        # (or refusal) right after an `approve` as its outcome, so it is never taken twice.
        self.session.facilitator(APPROVE, proposal=proposal["id"], approver=seat.label)
        accepted = self._take(seat, proposal, by=seat.label, note=note)
        proposal["status"] = "approved" if accepted else "refused"
        self.session.facilitator(CLOSED, proposal=proposal["id"], outcome=proposal["status"])
        self.broadcast(proposal)

    def _on_note(self, seat: Seat, frame: dict[str, Any]) -> None:
        self.session.add_note(frame["text"], by=seat.label)

    def _on_clock(self, seat: Seat, frame: dict[str, Any]) -> None:
        s = self.session
        running = frame.get("running")
        pace = frame.get("pace")
        if pace is not None and float(pace) != self.clock.pace:
            self.clock.pace = float(pace)
            s.facilitator("pace", seconds_per_minute=self.clock.pace)
        if running is not None and running != self.clock.running:
            self.clock.running = bool(running)
            s.facilitator("resume" if running else "pause")
        self.clock.rebase(s.now)
        self.broadcast_clock()

    def _on_advance(self, seat: Seat, frame: dict[str, Any]) -> None:
        s = self.session
        to = min(float(frame["to"]), s.scenario.duration)
        if to < s.now:
            self._refuse(seat, f"the clock never goes back (now {instant(s.now)})", frame)
            return
        s.facilitator("jump", to=to)
        s.advance(to)
        self._minute = int(s.now)
        self.clock.rebase(s.now)
        self.broadcast_clock()
        if s.ended:
            self.finish()

    def _on_fire(self, seat: Seat, frame: dict[str, Any]) -> None:
        if not self.session.fire_inject(frame["inject"]):
            self._refuse(seat, f"no inject {frame['inject']!r} left to fire", frame)

    def _on_end(self, seat: Seat, frame: dict[str, Any]) -> None:
        self.session.end("facilitator")
        self.clock.running = False
        self.clock.rebase(self.session.now)
        self.finish()

    # ------------------------------------------------------------ the end

    def finish(self) -> None:
        """Once the drill has ended: score it, store it in the history, tell the seats."""
        if self.score is not None or not self.session.ended:
            return
        from tabletop.scoring.scorer import score

        s = self.session
        result = score(s.scenario, s, team=s.team or None, counterfactuals=False)
        self.score = {"total": round(result.total, 2), "grade": result.grade}
        self.log(f"drill ended: score {result.total:.2f}, grade {result.grade}")
        if self.store:
            try:
                from tabletop.store import default_db_path, save_session
                from tabletop.store.sessions import find_stored

                db_path = self.db_path or Path(default_db_path())
                # A hub killed after storing and resumed must not store the drill twice.
                try:
                    sid = find_stored(db_path, self.loaded, s)
                except Exception:  # a history it cannot read: storing will say why
                    sid = None
                if sid is None:
                    sid = save_session(db_path, self.loaded, s, result, started_at=self.started_at)
                self.log(f"stored in the history as drill {sid} ({db_path})")
            except Exception as exc:  # the room goes on; the facilitator is told why
                self.log(f"not stored in the history: {exc}")
        self.log(f"report: tabletop report {self.writer.path}")
        self.broadcast_clock()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the clock's ticker (on the running loop). A drill resumed after its end (the
        hub was killed between the end and the score) is scored now, or no seat would ever
        hear its score."""
        self._ticker = asyncio.get_running_loop().create_task(self.tick())
        self.finish()

    async def stop(self) -> None:
        """Stop the ticker and close every seat and the journal."""
        if self._ticker is not None:
            self._ticker.cancel()
        for seat in list(self.seats.values()):
            self._drop(seat, "the hub is shutting down")
        self.writer.close()


def _node_entries(scenario: Scenario) -> list[dict[str, Any]]:
    """The welcome's nodes, layer by layer as the drill screen's map draws them (layer 0:
    the sources), each with its layer index so the seat draws the same layered map."""
    return [
        {"id": i, "label": scenario.node(i).label, "layer": depth}
        for depth, layer in enumerate(layers(scenario))
        for i in layer
    ]


async def _error(ws: web.WebSocketResponse, reason: str) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_str(_error_text(reason))


def _error_text(reason: str) -> str:
    return json.dumps({"type": "error", "reason": reason}, ensure_ascii=False)


def _journalled_pace(session: Session, default: float) -> float:
    """The pace last set in the journal (a resumed hub keeps it), else `default`."""
    for ev in reversed(session.feed):
        if ev.kind == "facilitator" and ev.data.get("command") == "pace":
            value = ev.data.get("seconds_per_minute")
            if isinstance(value, int | float) and value > 0:
                return float(value)
    return default


def build_app(
    hub: Hub, *, policy_hosts: frozenset[str], extra_routes: Any = None
) -> web.Application:
    """The hub's web application: `/hub` behind the Host/Origin guard and security headers.
    `extra_routes(app)` adds the browser seat's routes (textual-serve) when available."""
    from tabletop.web_guard import Policy, guard_middleware

    policy = Policy(policy_hosts, getattr(extra_routes, "script_hashes", ()))
    app = web.Application(middlewares=[guard_middleware(policy)])  # type: ignore[list-item]
    app.add_routes([web.get("/hub", hub.handle)])
    if extra_routes is not None:
        extra_routes(app)
    return app


async def run_hub(
    hub: Hub,
    app: web.Application,
    *,
    host: str,
    port: int,
    ssl_context: Any = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then close every seat and the journal."""
    import signal

    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    hub.start()
    if ready is not None:
        ready()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await hub.stop()
        await runner.cleanup()
