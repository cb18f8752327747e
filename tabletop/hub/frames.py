"""The frames the hub sends a seat about the drill: the welcome (with the journal so far), the
map's statuses, refusals and training-mode feedback."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tabletop.engine.events import DecisionRecord
from tabletop.engine.session import Session
from tabletop.engine.status_codes import display_status
from tabletop.hub.protocol import may_decide, visible_to
from tabletop.hub.seats import Seat
from tabletop.scenario.graph_render import layers
from tabletop.scenario.models import (
    AnyOfDependency,
    Dependency,
    Node,
    Scenario,
    SoftDependency,
)
from tabletop.scoring.feedback import decision_feedback, feedback_text

#: Nodes up to which event frames carry the whole effective status map (for the seat's map).
MAX_STATUS_NODES = 400
#: Budget of events carried in the welcome frame itself; the rest follow as event frames.
WELCOME_EVENT_BYTES = 40 * 1024


def text(frame: dict[str, Any]) -> str:
    """A frame as sent."""
    return json.dumps(frame, ensure_ascii=False)


def map_state(session: Session) -> dict[str, Any]:
    """What a seat's map and impact panel show: effective statuses and users affected."""
    state: dict[str, Any] = {"affected": session.impact().affected_now}
    if len(session.scenario.nodes) <= MAX_STATUS_NODES:
        # As the drill screen's map shows them: a standby node not started is `standby`.
        own = session.status.own
        state["nodes"] = {n: display_status(own[n], e) for n, e in session.status.effective.items()}
    return state


def refused_text(reason: str, frame: dict[str, Any]) -> str:
    """A `refused` frame: the request and why not."""
    return text({"type": "refused", "reason": reason, "request": frame})


def feedback_frame(session: Session, rec: DecisionRecord) -> dict[str, Any]:
    """Training mode: how the score sees a decision, for the seat that took it."""
    scenario = session.scenario
    lines = feedback_text(scenario, decision_feedback(scenario, session, rec))
    return {
        "type": "feedback",
        "action": rec.action,
        "lines": [{"kind": line.kind, "text": line.text} for line in lines],
    }


def welcome_frames(
    session: Session,
    seat: Seat,
    last_seq: int | None,
    facilitator_ids: frozenset[str],
    *,
    proposals: Iterable[dict[str, Any]],
    clock: dict[str, Any],
) -> list[str]:
    """The welcome frame and, when the journal so far is long, event frames after it.

    `proposals`: the open ones; `clock`: the clock frame now."""
    after = last_seq or 0
    events = [
        ev.to_json()
        for ev in session.feed
        if ev.seq > after and visible_to(seat.role, ev, facilitator_ids)
    ]
    carried: list[dict[str, Any]] = []
    size = 0
    for k, obj in enumerate(events):
        size += len(json.dumps(obj, ensure_ascii=False))
        if size > WELCOME_EVENT_BYTES:
            break
        carried = events[: k + 1]
    scenario = session.scenario
    welcome = {
        "type": "welcome",
        "seat": seat.number,
        "role": seat.role,
        "name": seat.name,
        "scenario": {"id": scenario.id, "title": scenario.title, "sha256": session.sha256},
        "events": carried,
        "team": session.team,
        "mode": session.mode,
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
        "nodes_list": node_entries(scenario) if len(scenario.nodes) <= MAX_STATUS_NODES else [],
        "injects": [{"id": i.id, "title": i.title} for i in scenario.injects]
        if seat.role == "facilitator"
        else [],
        "proposals": list(proposals),
        "clock": {k: v for k, v in clock.items() if k != "type"},
        **map_state(session),
    }
    frames = [text(welcome)]
    frames += [text({"type": "event", "event": obj}) for obj in events[len(carried) :]]
    return frames


def node_entries(scenario: Scenario) -> list[dict[str, Any]]:
    """The welcome's nodes, layer by layer as the drill screen's map draws them (layer 0:
    the sources), each with its layer index so the seat draws the same layered map, and what
    the map's node detail shows: kind, users, third party, and `depends_on` written as in the
    scenario file (an id, `{"any_of": [ids]}` or `{"soft": id}`)."""
    return [
        _node_entry(scenario.node(i), depth)
        for depth, layer in enumerate(layers(scenario))
        for i in layer
    ]


def _node_entry(node: Node, depth: int) -> dict[str, Any]:
    return {
        "id": node.id,
        "label": node.label,
        "layer": depth,
        "kind": node.kind,
        "users": node.users,
        "third_party": node.third_party,
        "depends_on": [_dependency(d) for d in node.depends_on],
    }


def _dependency(dep: Dependency) -> str | dict[str, Any]:
    if isinstance(dep, AnyOfDependency):
        return {"any_of": list(dep.any_of)}
    if isinstance(dep, SoftDependency):
        return {"soft": dep.soft}
    return dep
