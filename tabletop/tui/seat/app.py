"""The seat app: one seat of a drill room, in a terminal (`tabletop join`) or a browser tab.

It asks for its join code when none was given, joins the hub, and shows the seat's name and
role, the clock, the map and impact, the feed, the actions this role may take (the others
listed, marked), proposals and who is in the room. When the hub cannot be reached it says so
and reconnects by itself, missing nothing. The facilitator's seat adds the clock keys and the
injects; `wall` makes an observer's seat a projector display (map, feed, impact, large).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tabletop.hub.client import RoomState, SeatClient
from tabletop.hub.protocol import may_send
from tabletop.scenario.models import MESSAGE_PHASES
from tabletop.tui.screens.modals import ChooseOne, Confirm, TextPrompt
from tabletop.tui.seat.view import (
    action_prompt,
    can_do,
    connection_line,
    event_line,
    identity_line,
    map_text,
    proposals_text,
    room_text,
)
from tabletop.tui.view import PACE_LEVELS, nearest_pace_index

#: Real seconds between repaints (the clock counts on locally; frames mark the state dirty).
REPAINT_SECONDS = 0.2
#: Feed lines kept on screen.
FEED_LINES = 400


class SeatApp(App[None]):
    """One seat of a drill room."""

    TITLE = "tabletop seat"
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
    DEFAULT_CSS = """
    #identity { height: 1; background: $panel; }
    #connection { height: 1; }
    #powers { height: 1; color: $text-muted; }
    #body { height: 1fr; }
    #left { width: 30%; }
    #map-box { height: 2fr; border: round $primary; }
    #room-box { height: 1fr; border: round $primary; }
    #feed-box { width: 1fr; border: round $primary; }
    #right { width: 38%; }
    #actions { height: 2fr; border: round $primary; }
    #proposals { height: 1fr; border: round $primary; }
    .wall #right { display: none; }
    .wall #left { width: 40%; }
    .wall #feed-box { text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve proposal"),
        Binding("o", "note", "Note"),
        Binding("space", "toggle_clock", "Run/pause"),
        Binding("plus,equals_sign", "pace(-1)", "Faster"),
        Binding("minus", "pace(1)", "Slower"),
        Binding("full_stop", "step", "+1 min"),
        Binding("i", "fire_inject", "Fire inject"),
        Binding("ctrl+e", "end_drill", "End drill"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, url: str, code: str | None, name: str = "", *, wall: bool = False) -> None:
        super().__init__()
        self.url, self.code, self.seat_name, self.wall = url, code, name, wall
        self.client: SeatClient | None = None
        self._dirty = True
        self._shown_events = 0
        self._actions_key: tuple[Any, ...] = ()

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static(id="identity")
        yield Static(id="powers")
        yield Static(id="connection")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                with VerticalScroll(id="map-box"):
                    yield Static(id="map")
                with VerticalScroll(id="room-box"):
                    yield Static(id="room")
            with VerticalScroll(id="feed-box"):
                yield Static(id="feed")
            with Vertical(id="right"):
                yield OptionList(id="actions")
                with VerticalScroll(id="proposals"):
                    yield Static(id="proposal-list")
        yield Footer()

    def on_mount(self) -> None:
        if self.wall:
            self.screen.add_class("wall")
        self.set_interval(REPAINT_SECONDS, self._repaint)
        if self.code:
            self._connect(self.code, self.seat_name)
        else:
            self.push_screen(
                TextPrompt("Join code", "The code the facilitator gave you"), self._got_code
            )

    def _got_code(self, code: str | None) -> None:
        if not code or not code.strip():
            self.exit()
            return
        self.code = code.strip()
        if self.seat_name:
            self._connect(self.code, self.seat_name)
            return
        self.push_screen(TextPrompt("Your name", "As the report will list you"), self._got_name)

    def _got_name(self, name: str | None) -> None:
        assert self.code is not None
        self._connect(self.code, (name or "").strip())

    def _connect(self, code: str, name: str) -> None:
        self.client = SeatClient(self.url, code, name, on_change=self._changed)
        self.run_worker(self.client.run(), exclusive=True, group="hub")

    def _changed(self, state: RoomState) -> None:
        self._dirty = True

    # ----------------------------------------------------------------- painting

    @property
    def state(self) -> RoomState:
        """The room as this seat knows it."""
        return self.client.state if self.client is not None else RoomState()

    def _repaint(self) -> None:
        state = self.state
        fatal = self.client.fatal if self.client is not None else None
        self.query_one("#identity", Static).update(identity_line(state))
        self.query_one("#connection", Static).update(connection_line(state, fatal))
        if not self._dirty:
            return
        self._dirty = False
        self.query_one("#powers", Static).update(can_do(state.role) if state.role else "")
        self.query_one("#map", Static).update(map_text(state))
        self.query_one("#room", Static).update(room_text(state))
        self.query_one("#proposal-list", Static).update(proposals_text(state))
        self._paint_feed(state)
        self._paint_actions(state)

    def _paint_feed(self, state: RoomState) -> None:
        if len(state.events) == self._shown_events:
            return
        self._shown_events = len(state.events)
        lines = [line for e in state.events if (line := event_line(e, state.node_labels))]
        from rich.text import Text

        self.query_one("#feed", Static).update(Text("\n").join(lines[-FEED_LINES:]))
        self.query_one("#feed-box", VerticalScroll).scroll_end(animate=False)

    def feed_text(self) -> str:
        """The feed as plain text (what the seat reads)."""
        state = self.state
        return "\n".join(
            line.plain for e in state.events if (line := event_line(e, state.node_labels))
        )

    def _paint_actions(self, state: RoomState) -> None:
        key = (
            state.role,
            tuple(sorted(state.running)),
            tuple(sorted(state.done)),
            len(state.actions),
        )
        if key == self._actions_key:
            return
        self._actions_key = key
        actions = self.query_one("#actions", OptionList)
        highlighted = actions.highlighted
        actions.clear_options()
        actions.add_options(Option(action_prompt(a, state), id=a["id"]) for a in state.actions)
        if highlighted is not None and state.actions:
            actions.highlighted = min(highlighted, len(state.actions) - 1)

    # ----------------------------------------------------------------- sending

    def _send(self, frame: dict[str, Any]) -> None:
        async def send() -> None:
            if self.client is None or not await self.client.send(frame):
                self.state.notice = "not sent: the hub is unreachable"
                self._dirty = True

        self.run_worker(send(), group="send")

    @on(OptionList.OptionSelected, "#actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        state = self.state
        action = next((a for a in state.actions if a["id"] == event.option.id), None)
        if action is None:
            return
        if action["allowed"]:
            kind = "decide"
        elif may_send(state.role, "propose"):
            kind = "propose"
        else:
            self.notify(
                f"a {state.role} may not take {action['phase']} actions", severity="warning"
            )
            return
        if action["phase"] in {str(p) for p in MESSAGE_PHASES}:

            def with_message(text: str | None) -> None:
                if text is not None:
                    self._send(
                        {
                            "type": kind,
                            "action": action["id"],
                            **({"message": text} if text else {}),
                        }
                    )

            self.push_screen(
                TextPrompt(f"Message for: {action['label']}", "What you tell them, in your words"),
                with_message,
            )
            return
        self._send({"type": kind, "action": action["id"]})

    def action_approve(self) -> None:
        """Approve the oldest open proposal (commander, facilitator)."""
        open_ = [p for p in self.state.proposals.values() if p.get("status") == "open"]
        if not may_send(self.state.role, "approve"):
            self.notify("only the commander approves proposals", severity="warning")
        elif not open_:
            self.notify("no open proposal")
        else:
            self._send({"type": "approve", "proposal": open_[0]["id"]})

    def action_note(self) -> None:
        """Write a note (facilitator, observer): the report's observations."""
        if not may_send(self.state.role, "note"):
            self.notify("notes are for the facilitator and observers", severity="warning")
            return

        def send(text: str | None) -> None:
            if text and text.strip():
                self._send({"type": "note", "text": text.strip()})

        self.push_screen(TextPrompt("Observation", "It goes into the report"), send)

    def _facilitator(self) -> bool:
        if self.state.role != "facilitator":
            self.notify("the clock and injects are the facilitator's", severity="warning")
            return False
        return True

    def action_toggle_clock(self) -> None:
        """Run or pause the exercise clock (facilitator)."""
        if self._facilitator():
            self._send({"type": "clock", "running": not self.state.clock.get("running")})

    def action_pace(self, delta: int) -> None:
        """Faster (-1) or slower (+1) pace (facilitator)."""
        if self._facilitator():
            k = nearest_pace_index(float(self.state.clock.get("pace") or 5.0))
            new = min(max(k + delta, 0), len(PACE_LEVELS) - 1)
            self._send({"type": "clock", "pace": PACE_LEVELS[new]})

    def action_step(self) -> None:
        """Move the clock on one exercise minute (facilitator)."""
        if self._facilitator():
            self._send({"type": "advance", "to": int(self.state.now()) + 1})

    def action_fire_inject(self) -> None:
        """Fire an inject now (facilitator)."""
        if not self._facilitator():
            return
        fired = {
            e.get("inject") for e in self.state.events if e["kind"] in ("inject", "inject-skipped")
        }
        choices = [(i["id"], i["title"]) for i in self.state.injects if i["id"] not in fired]

        def fire(chosen: str | None) -> None:
            if chosen:
                self._send({"type": "fire", "inject": chosen})

        self.push_screen(ChooseOne("Fire which inject now?", choices), fire)

    def action_end_drill(self) -> None:
        """End the drill for everyone (facilitator), after a confirmation."""
        if not self._facilitator():
            return

        def end(yes: bool | None) -> None:
            if yes:
                self._send({"type": "end"})

        self.push_screen(Confirm("End the drill for every seat?"), end)


def run_seat(url: str, code: str | None, name: str, *, wall: bool = False) -> None:
    """Run the seat app until the user quits."""
    SeatApp(url, code, name, wall=wall).run()
