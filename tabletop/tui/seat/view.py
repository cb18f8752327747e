"""What a seat shows, as Rich text, from the room state alone (no Textual: testable as is)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tabletop.exercise_time import duration
from tabletop.hub.client import RoomState
from tabletop.hub.protocol import FRAME_ROLES, may_send
from tabletop.tui.view import STATUS_STYLE, STATUS_SYMBOL, format_clock, format_pace

#: Facilitator commands that are bookkeeping, not news for the feed (an approval shows as the
#: decision it takes).
_QUIET = frozenset({"clock", "approve", "proposal-closed"})


def event_line(event: dict[str, Any], labels: dict[str, str]) -> Text | None:
    """One feed line for a journal event, or None for bookkeeping (clock checkpoints)."""
    t = Text(f"{format_clock(float(event['t']))}  ", style="dim")
    kind = event["kind"]
    if kind == "inject":
        if event.get("audience") == "facilitator":
            t.append("[facilitator only] ", style="bold magenta")
        t.append(str(event.get("title", "")), style="bold")
        if event.get("message"):
            t.append(f" — {event['message']}")
    elif kind == "inject-skipped":
        if event.get("audience") != "facilitator":
            return None
        t.append(f"[facilitator only] skipped: {event.get('title', '')}", style="magenta")
    elif kind == "decision":
        t.append(f"{event.get('by') or 'the team'} took ", style="cyan")
        t.append(str(event.get("label", event["action"])), style="bold cyan")
        if event.get("message"):
            t.append(f' — "{event["message"]}"')
    elif kind == "refusal":
        t.append(f"refused {event['action']}: {event.get('reason', '')}", style="yellow")
    elif kind == "action-done":
        t.append(f"done: {event.get('label', event['action'])}", style="green")
        if event.get("reveals"):
            t.append(f" — {event['reveals']}")
    elif kind == "note":
        t.append(
            f"note by {event.get('by') or 'observer'}: {event.get('text', '')}", style="italic"
        )
    elif kind == "facilitator":
        command = event.get("command")
        if command in _QUIET:
            return None
        if command == "join":
            t.append(f"{event.get('name')} joined as {event.get('role')}", style="dim")
        elif command == "propose":
            action = str(event.get("action", ""))
            t.append(f"{event.get('proposer')} proposes {labels.get(action, action)}", style="dim")
        elif command == "fire-inject":
            t.append(
                f"facilitator fired {labels.get(event.get('inject', ''), event.get('inject'))}"
            )
        else:
            pace, to = event.get("seconds_per_minute"), event.get("to")
            extra = (
                f" {format_pace(pace)}"
                if isinstance(pace, int | float)
                else f" to {format_clock(to)}"
                if isinstance(to, int | float)
                else ""
            )
            t.append(f"facilitator: {command}{extra}", style="dim")
    elif kind == "end":
        t.append(f"the drill has ended ({event.get('reason', '')})", style="bold reverse")
    else:
        return None
    return t


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


def map_text(state: RoomState) -> Text:
    """The impact, then the dependency map as the drill screen draws it: nodes by layer
    (`sources`, then `layer 1`, … by dependency depth), each with its status symbol and
    colour, so it reads without colour too."""
    t = Text()
    t.append(f"users affected now: {state.affected:,.0f}\n", style="bold")
    by_layer: dict[int, list[str]] = {}
    for node_id in state.node_labels:
        by_layer.setdefault(state.node_layers.get(node_id, 0), []).append(node_id)
    for depth in sorted(by_layer):
        ids = by_layer[depth]
        title = "sources" if depth == 0 else f"layer {depth}"
        t.append(f"─ {title} · {len(ids)}\n", style="bold")
        for node_id in ids:
            status = state.nodes.get(node_id, "up")
            t.append(f"  {STATUS_SYMBOL.get(status, '?')} ", style=STATUS_STYLE.get(status, ""))
            t.append(f"{state.node_labels[node_id]}\n", style=STATUS_STYLE.get(status, ""))
    return t


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
    """The feed: one line per journal event worth showing, and the last feedback on this
    seat's own decision right after the event it followed."""
    lines: list[Text] = []
    pending = feedback_text(state.feedback) if state.feedback else []
    for event in state.events:
        line = event_line(event, state.node_labels)
        if line is not None:
            lines.append(line)
        if pending and int(event["seq"]) >= state.feedback_after:
            lines += pending
            pending = []
    return lines + pending


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
