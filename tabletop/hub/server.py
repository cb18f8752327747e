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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tabletop.engine.events import ActionDone, DecisionRecord, Event, InjectFired
from tabletop.engine.journal import JournalWriter
from tabletop.engine.session import Session
from tabletop.exercise_time import instant
from tabletop.hub.clock import TICK_SECONDS, Clock, journalled_pace
from tabletop.hub.frames import (
    feedback_frame,
    map_state,
    refused_text,
    text,
    welcome_frames,
)
from tabletop.hub.proposals import (
    APPROVE,
    CLOSED,
    EXPIRED,
    PROPOSE,
    proposal_frame,
    rebuild,
)
from tabletop.hub.protocol import (
    FrameError,
    facilitator_only,
    may_decide,
    may_send,
    parse_frame,
    participants,
    role_of_code,
)
from tabletop.hub.seats import DEFAULT_BURST, DEFAULT_RATE, Seat, Seats, error_text
from tabletop.hub.sockets import build_app, run_hub
from tabletop.scenario.loader import LoadedScenario

if TYPE_CHECKING:
    # Imported when a drill ends: scoring and the history slow the hub's start.
    from tabletop.drills import Drill

__all__ = ["Hub", "build_app", "run_hub"]


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
        scenario = session.scenario
        self.facilitator_ids = frozenset(
            i.id for i in scenario.injects if i.audience == "facilitator"
        )
        self.seats = Seats(participants(ev.to_json() for ev in session.feed))
        # Proposals are journalled: a resumed hub reopens the ones still open, same ids.
        kept = rebuild(session.feed, {a.id: a.label for a in scenario.actions})
        self.proposals, self._proposal_count = kept.proposals, kept.count
        self.clock = Clock(pace=journalled_pace(session, pace))
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
        frame: dict[str, Any] = {"type": "event", "event": event.to_json()}
        if isinstance(p := event.payload, InjectFired | ActionDone) and p.changed:
            frame.update(map_state(self.session))
        self.seats.broadcast(
            text(frame), facilitators_only=facilitator_only(event, self.facilitator_ids)
        )

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
            "room": self.seats.room(),
        }
        if self.score is not None:
            frame["score"] = self.score
        return frame

    def broadcast_clock(self) -> None:
        """Send the clock to every seat."""
        self.broadcast(self.clock_frame())

    def broadcast(self, frame: dict[str, Any]) -> None:
        """Send one frame to every seat."""
        self.seats.broadcast(text(frame))

    # ------------------------------------------------------------ the seats

    def join(self, ws: web.WebSocketResponse, hello: dict[str, Any]) -> Seat | str:
        """The seat a hello frame joins (welcomed, connected), or why it joins none."""
        role = role_of_code(self.codes, hello["code"])
        if role is None:
            return "wrong join code"
        name = " ".join(str(hello.get("name") or role.capitalize()).split())
        if hello.get("last_seq") is None:
            # A fresh join under the name of a seat that is connected is someone else (two
            # responders who both left the name blank): they get a name of their own. Only
            # a seat that says how far it got is taken for that seat coming back.
            name = self.seats.free_name(name, role)
        number = self.seats.number_of(name, role)
        if number is None and len(self.seats) >= self.max_seats:
            return f"the room is full ({self.max_seats} seats)"
        self.sync_clock()
        if number is None:
            number = self.seats.new_number(name, role)
            # Journalled, so that the report lists who took part (and a resumed hub
            # gives a returning seat its number back).
            self.session.facilitator("join", seat=number, name=name, role=role)
        self.seats.close_older(number)
        seat = Seat(number, name, role, ws, tokens=self.burst)
        open_proposals = [p for p in self.proposals.values() if p["status"] == "open"]
        for frame in welcome_frames(
            self.session,
            seat,
            hello.get("last_seq"),
            self.facilitator_ids,
            proposals=open_proposals,
            clock=self.clock_frame(),
        ):
            seat.send(frame)
        self.seats.connect(seat)
        self.broadcast_clock()
        return seat

    def leave(self, seat: Seat) -> None:
        """A seat's connection closed: the others see it gone from the room."""
        if self.seats.leave(seat):
            self.broadcast_clock()

    def on_frame(self, seat: Seat, data: str) -> None:
        """One frame from a joined seat: checked, then done by its `_on_KIND` method."""
        if not seat.allow(self.rate, self.burst):
            seat.send(error_text("too many frames: slow down"))
            return
        try:
            frame = parse_frame(data)
        except FrameError as exc:
            seat.send(error_text(str(exc)))
            return
        kind = frame["type"]
        if kind == "hello":
            seat.send(error_text("already joined"))
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
            seat.send(error_text(f"the hub could not do that ({type(exc).__name__})"))

    def _refuse(self, seat: Seat, reason: str, frame: dict[str, Any]) -> None:
        seat.send(refused_text(reason, frame))

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
        self.seats.send(seat, text(feedback_frame(self.session, rec)))

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
        self._expire_open_proposals()
        from tabletop.drills import counterfactuals_of, finished

        drill = finished(self.loaded, self.session, counterfactuals=False)
        result = drill.score
        self.score = {"total": round(result.total, 2), "grade": result.grade}
        self.log(f"drill ended: score {result.total:.2f}, grade {result.grade}")
        # The seats hear the score first; the what-ifs (a simulation per step) come after.
        self.broadcast_clock()
        if self.store:
            self._store(drill.with_counterfactuals(counterfactuals_of(drill)))
        self.log(f"report: tabletop report {self.writer.path}")

    def _expire_open_proposals(self) -> None:
        """A proposal still open when the drill ends can no longer be approved: it is closed
        (`expired`) in the journal and every seat is told, so no one waits on it."""
        for proposal in self.proposals.values():
            if proposal["status"] == "open":
                proposal["status"] = EXPIRED
                self.session.facilitator(CLOSED, proposal=proposal["id"], outcome=EXPIRED)
                self.broadcast(proposal)

    def _store(self, drill: Drill) -> None:
        """Keep the ended drill in the history, once: a hub killed after storing it and
        resumed finds it there. Its start is the journal's `started_at` (a resumed hub keeps
        the first)."""
        from tabletop.drills import save_drill

        try:
            from tabletop.store import default_db_path

            db_path = self.db_path or Path(default_db_path())
            saved = save_drill(db_path, drill, once=True)
            self.log(f"stored in the history as drill {saved.session_id} ({db_path})")
        except Exception as exc:  # the room goes on; the facilitator is told why
            self.log(f"not stored in the history: {exc}")

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
        self.seats.drop_all("the hub is shutting down")
        self.writer.close()
