"""What a seat shows, as Rich text, from the room state alone (no Textual: testable as is)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from tabletop.engine.event_text import NodeNames
from tabletop.engine.events import Event, InjectSkipped, NodeView, PayloadError, parse_event
from tabletop.exercise_time import duration
from tabletop.hub.client import RoomState
from tabletop.hub.protocol import FRAME_ROLES, may_send
from tabletop.tui.event_lines import styled_line
from tabletop.tui.view import format_clock, format_pace


def event_line(event: Mapping[str, Any] | Event, labels: Mapping[str, str]) -> Text | None:
    """One feed line for a journal event (as the hub sent it, or parsed), or None for what is
    no news here: bookkeeping (clock checkpoints, a proposal's approval and closing), a team
    inject that did not fire, and an event whose fields do not fit its kind (a later hub's)."""
    try:
        ev = event if isinstance(event, Event) else parse_event(event)
    except PayloadError:
        return None
    return _seat_line(ev, labels, None)


def identity_line(state: RoomState) -> Text:
    """Who this seat is, the clock and the connection."""
    t = Text()
    if not state.seat:
        return Text(" not in the room yet ", style="bold reverse")
    t.append(f" {state.name} ", style="bold reverse")
    t.append(f" {state.role} · seat {state.seat} ", style="bold")
    t.append(f" {format_clock(state.now())} ", style="bold")
    if state.ended:
        t.append("■ ended", style="bold red")
    elif state.clock.get("running"):
        t.append("▶ running", style="green")
    else:
        t.append("⏸ paused", style="yellow")
    t.append(f"  pace {format_pace(float(state.clock.get('pace') or 5.0))}")
    t.append(f"  {state.scenario.get('title', '')}", style="dim")
    if state.score:
        t.append(f"  score {state.score['total']:.2f} grade {state.score['grade']}", style="bold")
    return t


def connection_line(state: RoomState, fatal: str | None) -> Text:
    """The connection as the seat shows it; the last refusal otherwise."""
    if fatal:
        return Text(f"hub refused this seat: {fatal}", style="bold red")
    if not state.connected and not state.seat:
        return Text("joining the room…", style="yellow")
    if not state.connected:
        return Text("hub unreachable — reconnecting", style="bold red reverse")
    return Text(state.notice, style="yellow") if state.notice else Text("")


def impact_text(state: RoomState) -> Text:
    """The impact line over the map; when the hub sent no map (a scenario over its node
    limit), says so."""
    t = Text(f"users affected now: {state.affected:,.0f}", style="bold")
    if not state.map_nodes and state.seat:
        t.append("\n(no map: the scenario is too large to send one)", style="dim")
    return t


def map_layers(state: RoomState) -> list[list[tuple[str, str]]]:
    """The nodes as the drill screen's map groups them: (id, label) layer by layer (layer 0:
    the sources), in the welcome's order."""
    by_layer: dict[int, list[tuple[str, str]]] = {}
    for node in state.map_nodes.values():
        by_layer.setdefault(node.layer, []).append((node.id, node.label))
    return [by_layer[depth] for depth in sorted(by_layer)]


def _is_down(status: str) -> bool:
    return status in ("down", "standby")  # a standby node not started is down


def node_why(state: RoomState, node_id: str) -> str | None:
    """Why a node is down or degraded, in the drill screen's words, from what the seat knows:
    the statuses shown and the dependencies. A node down (or degraded) that no dependency
    explains is so itself; one that is both is explained by its dependency here."""
    node = state.map_nodes[node_id]
    status = state.nodes.get(node_id, "up")
    if status == "standby":
        return "on standby: not started"
    if status == "down":
        for dep in node.hard:
            if _is_down(state.nodes.get(dep, "up")):
                return f"depends on {dep}, which is down"
        for group in node.any_of:
            if group and all(_is_down(state.nodes.get(m, "up")) for m in group):
                return f"every one of {', '.join(group)} is down"
        return "down itself"
    if status == "degraded":
        for dep in (*node.hard, *node.soft):
            shown = state.nodes.get(dep, "up")
            if shown in ("down", "standby", "degraded"):
                return f"depends on {dep}, which is {'down' if _is_down(shown) else shown}"
        return "degraded itself"
    return None


def node_view(state: RoomState, node_id: str) -> NodeView:
    """The selected node as the drill screen's node detail shows it, from the room state:
    its status, why, what it needs and what depends on it."""
    node = state.map_nodes[node_id]
    shown = state.nodes.get(node_id, "up")
    # The detail shows display_status(own, effective): standby is a standby node still down.
    own, effective = ("standby", "down") if shown == "standby" else (shown, shown)
    return NodeView(
        id=node.id,
        label=node.label,
        kind=node.kind,
        own=own,
        effective=effective,
        why=node_why(state, node_id),
        users=node.users,
        third_party=node.third_party,
        sensitive=False,
        depends_on=node.needs,
        dependents=tuple(state.dependents.get(node_id, ())),
    )


def feedback_text(frame: dict[str, Any]) -> list[Text]:
    """Training-mode feedback lines as the drill screen's feed writes them: a tick for good
    news (and information), a warning mark for bad news."""
    out = []
    for line in frame.get("lines", []):
        bad = line.get("kind") == "bad"
        mark, style = ("!", "yellow") if bad else ("✓", "green")
        out.append(Text(f"  {mark} {line.get('text', '')}", style=style))
    return out


def feed_lines(state: RoomState) -> list[Text]:
    """The feed: one line per journal event worth showing, and the feedback on each of this
    seat's own decisions right under that decision (as the drill screen writes it)."""
    lines: list[Text] = []
    pending = sorted(state.feedback.items())  # by the seq of the decision each follows
    k = 0
    labels = {str(a["id"]): str(a["label"]) for a in state.actions}
    nodes = NodeNames(state.node_labels, {})
    for event in state.feed:
        line = _seat_line(event, labels, nodes)
        if line is not None:
            lines.append(line)
        while k < len(pending) and pending[k][0] <= event.seq:
            lines += feedback_text(pending[k][1])
            k += 1
    # Feedback whose decision is not in the feed (an event this version could not read).
    for _, frame in pending[k:]:
        lines += feedback_text(frame)
    return lines


def _seat_line(event: Event, labels: Mapping[str, str], nodes: NodeNames | None) -> Text | None:
    if isinstance(event.payload, InjectSkipped) and event.payload.audience != "facilitator":
        return None
    return styled_line(event, labels, nodes)


def room_text(state: RoomState) -> Text:
    """Who is in the room: every seat that joined, connected or not."""
    t = Text()
    for seat in state.room:
        mark = "●" if seat["connected"] else "○"
        t.append(
            f"{mark} {seat['name']} ({seat['role']})\n", style="" if seat["connected"] else "dim"
        )
    return t


def can_do(role: str) -> str:
    """The seat's powers in one line, for its header."""
    powers = [k for k in ("decide", *FRAME_ROLES) if may_send(role, k)]
    return "may: " + (", ".join(powers) if powers else "read only")


def action_prompt(action: dict[str, Any], state: RoomState) -> Text:
    """An action as the seat lists it: running or done, and for an action this role may not
    take itself, marked first (so a narrow column still shows it): `propose` or `—`."""
    t = Text()
    running = action["id"] in state.running
    t.append("▶ " if running else "✓ " if action["id"] in state.done else "  ")
    if not action["allowed"]:
        t.append("propose " if may_send(state.role, "propose") else "— ", style="italic yellow")
    t.append(f"{action['label']}", style="" if action["allowed"] else "dim")
    t.append(f"  {action['phase']} · takes {duration(action['minutes'])}", style="dim")
    return t


def proposals_text(state: RoomState) -> Text:
    """Open proposals, oldest first (the commander approves the first with one key)."""
    open_ = [p for p in state.proposals.values() if p.get("status") == "open"]
    t = Text()
    if not open_:
        t.append("none open\n", style="dim")
    for p in open_:
        t.append(f"{p['id']} {p.get('label', p['action'])} — by {p['by']}\n")
    return t
