"""A drill session: the clock, injects, decisions, effects, impact (docs/scenario-format.md).

The one engine API: the UI, the headless run, scoring and the tests all drive a `Session`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from tabletop import exercise_time
from tabletop.engine.depgraph import DepGraph, initial_own
from tabletop.engine.events import (
    ActionDone,
    ActionState,
    ActionView,
    Change,
    Command,
    Decision,
    DecisionRecord,
    DecisionTaken,
    End,
    Event,
    FireInject,
    Impact,
    ImpactPoint,
    InjectFired,
    InjectSkipped,
    NodeView,
    Note,
    Payload,
    Refusal,
    RunningAction,
    SetStatus,
    Start,
    payload_of,
)
from tabletop.engine.status_codes import C_COMPROMISED, C_DEGRADED, C_DOWN, CODES, DOWN
from tabletop.engine.status_graph import Changes, StatusGraph
from tabletop.gc_pause import paused_gc
from tabletop.scenario.models import Condition, Effect, Inject, Scenario

#: Receives every event as it happens (the journal writer is one).
EventSink = Callable[[Event], None]

_MAX_CHANGES_LISTED = 20

# Priorities of work at one instant: injects first, then actions that finish.
_INJECT = 0
_FINISH = 1


class Session:
    """One drill of one scenario. Time only moves forward, through `advance`."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        sha256: str = "",
        team: str = "",
        mode: str = "training",
        sink: EventSink | None = None,
        record_feed: bool = True,
        source: dict[str, str] | None = None,
        started_at: str | None = None,
    ) -> None:
        self.scenario = scenario
        self.sha256 = sha256
        self.team = team
        self.mode = mode
        self._sink = sink
        self._record_feed = record_feed
        #: Warnings from reading the journal this session was resumed from (a torn line).
        self.journal_warnings: list[str] = []
        self.feed: list[Event] = []
        self._seq = 0
        self.now = 0.0
        self.ended = False
        self.end_reason: str | None = None
        #: When the drill was ended (by the facilitator or at the duration). After an early
        #: end the outage runs on to the duration: `now` is then the duration.
        self.ended_at: float | None = None
        self._actions = scenario.action_index
        self._injects = {i.id: i for i in scenario.injects}
        self._inject_pos = {i.id: k for k, i in enumerate(scenario.injects)}
        with paused_gc():
            self._dep = DepGraph.from_nodes(scenario.nodes)
            self._nodes = scenario.node_index
            self.status = StatusGraph(self._dep, initial_own(scenario.nodes))
            self._users = np.fromiter(
                (n.users for n in scenario.nodes), dtype=np.int64, count=len(scenario.nodes)
            )
            self._manual = np.fromiter(
                (n.recovers == "manual" for n in scenario.nodes),
                dtype=np.bool_,
                count=len(scenario.nodes),
            )
        self._any_manual = bool(self._manual.any())
        # Agenda of timed work: (t, priority, tiebreak, kind-specific id).
        self._agenda: list[tuple[float, int, int, str]] = []
        self._taken_counter = 0
        self._handled_injects: set[str] = set()
        self.running: dict[str, RunningAction] = {}
        self.started: dict[str, float] = {}
        self.done: dict[str, float] = {}
        self.times_taken: dict[str, int] = {}
        self.decisions: list[DecisionRecord] = []
        self._decisions_in_drill: int | None = None
        self.notes: list[Event] = []
        # Impact is kept as integer user counts (exact, so the same whatever the order of
        # updates); affected = down users + degraded_weight x degraded users.
        self._down_users = 0
        self._degraded_users = 0
        self._at_risk = 0
        # Integrals so far, up to `_level_since`, when the impact level last changed. They are
        # only added to when the level changes (at events), so the floats come out the same
        # however the clock was advanced in between: a replay reproduces them bit for bit.
        self._cim_done = 0.0
        self._risk_done = 0.0
        self._level_since = 0.0
        self.impact_series: list[ImpactPoint] = []
        self._recount_impact()
        for inj in scenario.injects:
            if inj.at is not None:
                self._schedule(inj.at, _INJECT, self._inject_pos[inj.id], inj.id)
        self._emit(
            Start(
                scenario=scenario.id,
                sha256=sha256,
                team=team,
                mode=mode,
                duration=scenario.duration,
                # Where the scenario file was; a live drill's start (given: no clock read here).
                source=source or None,
                started_at=started_at or None,
            )
        )
        self._record_impact_point()
        self._run_due(0.0)

    # ------------------------------------------------------------------ inputs

    def take(
        self,
        action: str,
        *,
        by: str | None = None,
        note: str | None = None,
        message: str | None = None,
    ) -> DecisionRecord:
        """Take an action now; return the record (accepted, or refused with the reason)."""
        reason = self.refusal_reason(action)
        if reason is not None:
            rec = DecisionRecord(self.now, action, False, reason, None, by, note, message)
            self.decisions.append(rec)
            self._emit(Refusal(action=action, reason=reason, by=by, note=note, message=message))
            return rec
        act = self._actions[action]
        done_at = self.now + act.minutes
        rec = DecisionRecord(self.now, action, True, None, done_at, by, note, message)
        self.decisions.append(rec)
        self.started.setdefault(action, self.now)
        self.times_taken[action] = self.times_taken.get(action, 0) + 1
        self._taken_counter += 1
        self.running[action] = RunningAction(action, self.now, done_at)
        self._emit(
            DecisionTaken(
                action=action,
                label=act.label,
                phase=str(act.phase),
                done_at=done_at,
                by=by,
                note=note,
                message=message,
            )
        )
        self._schedule(done_at, _FINISH, self._taken_counter, action)
        # A zero-minute action lands at once (after the decision, at the same instant).
        self._run_due(self.now)
        return rec

    def attach_sink(self, sink: EventSink | None) -> None:
        """Send every further event to `sink` (used when resuming from a journal)."""
        self._sink = sink

    def add_note(self, text: str, *, by: str | None = None) -> Event:
        """Add an observer note at the current time."""
        ev = self._emit(Note(text=text, by=by))
        self.notes.append(ev)
        return ev

    def facilitator(self, command: str, **data: Any) -> Event:
        """Journal a facilitator command that does not change the state (pause, pace ...)."""
        # Typed like every event: a known command with fields that do not fit it is refused.
        return self._emit(payload_of("facilitator", {"command": command, **data}))

    def command(self, payload: Command) -> Event:
        """Journal a facilitator command already typed (a replayed journal's)."""
        return self._emit(payload)

    def fire_inject(self, inject_id: str) -> bool:
        """Fire an inject now, ignoring its time and `when` (facilitator). False if unknown/used."""
        if self.ended or inject_id not in self._injects or inject_id in self._handled_injects:
            return False
        self._emit(FireInject(inject=inject_id))
        self._fire(self._injects[inject_id])
        self._run_due(self.now)
        return True

    def advance(self, to: float) -> None:
        """Move the clock to `to` (clamped to the duration), applying all that comes due.

        Does nothing once the drill has ended (the rest of the outage already ran)."""
        if self.ended:
            return
        to = min(float(to), self.scenario.duration)
        if to < self.now:
            raise ValueError(f"the clock never goes back: now {self.now:g}, asked {to:g}")
        self._run_due(to)
        self._move_clock(to)
        if to >= self.scenario.duration:
            self.end("duration")

    def end(self, reason: str = "facilitator") -> None:
        """End the drill now: no decision is taken after this.

        Ending early stops the team deciding, not the outage: the actions already running
        still finish and the injects still come, up to the duration, so that impact and score
        cover the whole drill and ending early can never raise a score. The `end` event is
        journalled at the minute the drill was ended (with `scored_to`, the duration); the
        events of the rest of the outage follow it.
        """
        if self.ended:
            return
        self.ended = True
        self.end_reason = reason
        self.ended_at = self.now
        self._decisions_in_drill = len(self.decisions)
        duration = self.scenario.duration
        self._emit(
            End(
                reason=reason,
                customer_minutes=self.customer_minutes,
                at_risk_minutes=self.at_risk_minutes,
                scored_to=duration if self.now < duration else None,
            )
        )
        if self.now < duration:
            self._run_due(duration, after_end=True)
            self._move_clock(duration)

    # ----------------------------------------------------------------- queries

    def refusal_reason(self, action: str) -> str | None:
        """Why the action would be refused now, or None when it can be taken."""
        if self.ended:
            return "the drill has ended"
        act = self._actions.get(action)
        if act is None:
            return f"unknown action {action!r}"
        if action in self.running:
            return f"already running until {exercise_time.instant(self.running[action].done_at)}"
        missing = [r for r in act.requires if r not in self.done]
        if missing:
            labels = ", ".join(self._actions[r].label for r in missing)
            return f"first needs done: {labels}"
        down = [n for n in act.needs if self.status.effective[n] == DOWN]
        if down:
            return f"needs {', '.join(self._nodes[n].label for n in down)}, which is down"
        return None

    def actions(self) -> list[ActionView]:
        """Every action with whether it can be taken now and, if not, why."""
        views = []
        for act in self.scenario.actions:
            reason = self.refusal_reason(act.id)
            state: ActionState = (
                "running" if act.id in self.running else "blocked" if reason else "available"
            )
            views.append(
                ActionView(
                    act.id,
                    act.label,
                    str(act.phase),
                    act.minutes,
                    state,
                    reason,
                    act.id in self.done,
                    self.times_taken.get(act.id, 0),
                )
            )
        return views

    def node_view(self, node_id: str) -> NodeView:
        """One node with its own and effective status and why."""
        n = self._nodes[node_id]
        deps = n.dependencies
        return NodeView(
            n.id,
            n.label,
            n.kind,
            self.status.own[n.id],
            self.status.effective[n.id],
            self.status.why(n.id),
            n.users,
            n.third_party,
            n.sensitive,
            tuple(dict.fromkeys(deps)),
            tuple(self.status.dependents(n.id)),
        )

    def nodes(self) -> list[NodeView]:
        """Every node, in file order."""
        return [self.node_view(n.id) for n in self.scenario.nodes]

    @property
    def decisions_in_drill(self) -> list[DecisionRecord]:
        """The decisions taken (or refused) before the drill ended, without those refused
        because it had ended: what the team decided while it could."""
        n = self._decisions_in_drill
        return list(self.decisions if n is None else self.decisions[:n])

    def impact(self) -> Impact:
        """Users affected and at risk now, and the integrals so far."""
        return Impact(self._affected, self._at_risk, self.customer_minutes, self.at_risk_minutes)

    def next_due(self) -> float | None:
        """Time of the next scheduled work (inject or finishing action), if any."""
        return self._agenda[0][0] if self._agenda else None

    def next_inject(self) -> tuple[float, str] | None:
        """(time, inject id) of the next inject still to come due, if any.

        An inject the facilitator fired by hand keeps its place on the agenda (it is skipped
        when it comes due), so it is left out here: the next inject is one still to happen.
        """
        pending = [
            (t, i) for t, p, _, i in self._agenda if p == _INJECT and i not in self._handled_injects
        ]
        return min(pending) if pending else None

    def pending_injects(self) -> list[str]:
        """Injects that have neither fired nor been skipped, in file order."""
        return [i.id for i in self.scenario.injects if i.id not in self._handled_injects]

    def condition_holds(self, cond: Condition) -> bool:
        """Whether a `when` condition holds now.

        `started` looks at actions taken (and not refused), `done` at finished ones; `up`
        means not effectively down, so a degraded node counts as up."""
        eff = self.status.effective
        return (
            all(a in self.done for a in cond.done)
            and not any(a in self.done for a in cond.not_done)
            and all(a in self.started for a in cond.started)
            and not any(a in self.started for a in cond.not_started)
            and all(eff[n] == DOWN for n in cond.down)
            and not any(eff[n] == DOWN for n in cond.up)
        )

    # ---------------------------------------------------------------- internals

    def _schedule(self, t: float, prio: int, tiebreak: int, key: str) -> None:
        heapq.heappush(self._agenda, (t, prio, tiebreak, key))

    def _run_due(self, to: float, *, after_end: bool = False) -> None:
        while self._agenda and self._agenda[0][0] <= to and (after_end or not self.ended):
            t, prio, _, key = heapq.heappop(self._agenda)
            self._move_clock(t)
            if prio == _INJECT:
                self._inject_due(self._injects[key])
            else:
                self._finish(key)

    def _inject_due(self, inj: Inject) -> None:
        if inj.id in self._handled_injects:
            return
        if inj.when is not None and not self.condition_holds(inj.when):
            self._handled_injects.add(inj.id)
            self._emit(
                InjectSkipped(
                    inject=inj.id,
                    title=inj.title,
                    reason="its condition did not hold",
                    audience=_audience(inj),
                )
            )
            return
        self._fire(inj)

    def _fire(self, inj: Inject) -> None:
        self._handled_injects.add(inj.id)
        changes, latched = self._apply(inj.effects)
        listed, changed = _changes_listed(changes)
        self._emit(
            InjectFired(
                inject=inj.id,
                title=inj.title,
                message=inj.message,
                audience=_audience(inj),
                effects=_effects(inj.effects),
                changes=listed,
                changed=changed,
                latched=tuple(latched) or None,
            )
        )

    def _finish(self, action: str) -> None:
        self.running.pop(action, None)
        act = self._actions[action]
        first = action not in self.done
        self.done.setdefault(action, self.now)
        changes, latched = self._apply(act.effects)
        listed, changed = _changes_listed(changes)
        self._emit(
            ActionDone(
                action=action,
                label=act.label,
                reveals=act.reveals,
                effects=_effects(act.effects),
                changes=listed,
                changed=changed,
                latched=tuple(latched) or None,
            )
        )
        if first:
            for inj in self.scenario.injects:
                if inj.after is not None and inj.after.action == action:
                    due = self.now + inj.after.minutes
                    self._schedule(due, _INJECT, self._inject_pos[inj.id], inj.id)

    @property
    def customer_minutes(self) -> float:
        """Customer-impact minutes so far: the integral of affected users over time."""
        return self._cim_done + self._affected * (self.now - self._level_since)

    @property
    def at_risk_minutes(self) -> float:
        """At-risk user-minutes so far."""
        return self._risk_done + self._at_risk * (self.now - self._level_since)

    def _close_level(self) -> None:
        """Add the current impact level's share to the integrals, before it changes."""
        if self.now > self._level_since:
            self._cim_done = self.customer_minutes
            self._risk_done = self.at_risk_minutes
            self._level_since = self.now

    @property
    def _affected(self) -> float:
        return self._down_users + self.scenario.degraded_weight * self._degraded_users

    def _apply(self, effects: Iterable[Effect]) -> tuple[list[Changes], list[str]]:
        """Apply effects one by one; return the effective changes and the nodes latched."""
        changes: list[Changes] = []
        latched: list[str] = []
        self._close_level()
        for e in effects:
            c = self._set_own(e.node, e.status)
            if c is not None and len(c):
                changes.append(c)
                if self._any_manual:
                    latched.extend(self._latch(c))
        if changes:
            self._record_impact_point()
        return changes, latched

    def _set_own(self, node: str, status: str) -> Changes | None:
        old_own = self.status.own[node]
        if old_own == status:
            return None
        c = self.status.set_own(node, status)
        self._account(c, self.status.index[node], CODES[old_own])
        return c

    def _latch(self, changes: Changes) -> list[str]:
        """`recovers: manual` nodes that just went down keep their own status down.

        Setting the own status of a node that is already effectively down to down changes no
        effective status, so the latch never cascades and needs no second pass.
        """
        idx = changes.indices
        went_down = (
            self._manual[idx] & (changes.new_codes == C_DOWN) & (changes.old_codes != C_DOWN)
        )
        found: list[str] = []
        for v in idx[went_down]:
            node = self.scenario.nodes[int(v)].id  # integer ids are in file order
            if self.status.own[node] != "down":
                self._set_own(node, "down")
                found.append(node)
        return found

    def _recount_impact(self) -> None:
        """Impact from scratch (vectorised): at the start, and as a check in tests."""
        codes = self.status.codes
        users = self._users
        self._down_users = int(users[codes == C_DOWN].sum())
        self._degraded_users = int(users[codes == C_DEGRADED].sum())
        at_risk = (self.status.own_codes == C_COMPROMISED) & (codes != C_DOWN)
        self._at_risk = int(users[at_risk].sum())

    def _account(self, changes: Changes, v: int, old_own: int) -> None:
        """Update the impact counts from one update's change list (node v's own status went
        from `old_own` to its current one): work in proportion to the changes."""
        idx, old, new = changes.indices, changes.old_codes, changes.new_codes
        users = self._users
        u = users[idx]
        self._down_users += int(u[new == C_DOWN].sum() - u[old == C_DOWN].sum())
        self._degraded_users += int(u[new == C_DEGRADED].sum() - u[old == C_DEGRADED].sum())
        # At risk: own status compromised and not effectively down. Only v's own status
        # changed; every other node's at-risk share changes only with its down status.
        own = self.status.own_codes
        others = (own[idx] == C_COMPROMISED) & (idx != v)
        self._at_risk += int(u[others & (new != C_DOWN)].sum() - u[others & (old != C_DOWN)].sum())
        at_v = np.flatnonzero(idx == v)
        eff_now = int(self.status.codes[v])
        eff_before = int(old[at_v[0]]) if at_v.size else eff_now
        before = old_own == C_COMPROMISED and eff_before != C_DOWN
        after = int(own[v]) == C_COMPROMISED and eff_now != C_DOWN
        self._at_risk += int(users[v]) * (int(after) - int(before))

    def _record_impact_point(self) -> None:
        point = ImpactPoint(self.now, self._affected, self._at_risk)
        if self.impact_series and self.impact_series[-1].t == self.now:
            self.impact_series[-1] = point
        else:
            self.impact_series.append(point)

    def _move_clock(self, t: float) -> None:
        if t > self.now:
            self.now = t

    def _emit(self, payload: Payload) -> Event:
        self._seq += 1
        ev = Event.of(self._seq, self.now, payload)
        if self._record_feed:
            self.feed.append(ev)
        if self._sink is not None:
            self._sink(ev)
        return ev


def _audience(inj: Inject) -> str | None:
    # Only facilitator injects say so: journals of scenarios without the key are unchanged.
    return inj.audience if inj.audience != "team" else None


def _effects(effects: Iterable[Effect]) -> tuple[SetStatus, ...]:
    return tuple([SetStatus(e.node, e.status) for e in effects])


def _changes_listed(changes: Sequence[Changes]) -> tuple[tuple[Change, ...], int]:
    """The first changes (at most 20, in order) and how many there were in all."""
    listed: list[Change] = []
    for c in changes:
        listed.extend([Change._make(x) for x in c[: _MAX_CHANGES_LISTED - len(listed)]])
    return tuple(listed), sum(len(c) for c in changes)


def simulate(
    scenario: Scenario,
    decisions: Iterable[Decision],
    *,
    end_at: float | None = None,
    record_feed: bool = True,
    sha256: str = "",
    team: str = "",
    sink: EventSink | None = None,
    source: dict[str, str] | None = None,
) -> Session:
    """Run decisions (sorted by time, stable) headlessly and end the drill; return the session.

    `end_at` is when the facilitator ended the drill (a decision log's `end`): decisions at or
    after it are refused ("the drill has ended") and journalled, and the outage still runs on
    to the duration, so the score is the same as without `end_at` for the decisions before it.
    `sink` receives every event (a `JournalWriter` journals the run); `source` (where the
    scenario file is) goes into the start event."""
    session = Session(
        scenario, sha256=sha256, team=team, record_feed=record_feed, sink=sink, source=source
    )
    duration = scenario.duration
    stop = duration if end_at is None else min(max(end_at, 0.0), duration)
    reason = "duration" if stop >= duration else "facilitator"
    for d in sorted(decisions, key=lambda d: d.at):
        if d.at >= stop and not session.ended:
            session.advance(stop)
            session.end(reason)
        elif not session.ended:
            session.advance(d.at)
        session.take(d.action, by=d.by, note=d.note, message=d.message)
    session.advance(stop)
    session.end(reason)
    return session
