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

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tabletop.hub.client import RoomState, SeatClient, SeatNode
from tabletop.hub.protocol import may_send
from tabletop.scenario.models import MESSAGE_PHASES
from tabletop.tui.screens.modals import ChooseOne, Confirm, TextPrompt
from tabletop.tui.seat.view import (
    action_prompt,
    can_do,
    connection_line,
    feed_lines,
    identity_line,
    impact_text,
    map_layers,
    node_view,
    proposals_text,
    room_text,
)
from tabletop.tui.view import PACE_LEVELS, nearest_pace_index
from tabletop.tui.widgets.depmap import DependencyMap, MapNode
from tabletop.tui.widgets.nodeinfo import NodeDetail

#: Real seconds between repaints (the clock counts on locally; frames mark the state dirty).
REPAINT_SECONDS = 0.2
#: Feed lines kept on screen.
FEED_LINES = 400


#: The frame each key's action sends: the key is offered to the roles that may send it.
_ACTION_FRAMES = {
    "approve": "approve",
    "note": "note",
    "toggle_clock": "clock",
    "pace": "clock",
    "step": "advance",
    "fire_inject": "fire",
    "end_drill": "end",
}


class SeatApp(App[None]):
    """One seat of a drill room."""

    TITLE = "tabletop seat"
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
    DEFAULT_CSS = """
    #seat-identity { height: 1; background: $panel; }
    #seat-connection { height: 1; }
    #seat-powers { height: 1; color: $text-muted; }
    #seat-body { height: 1fr; }
    #seat-left { width: 30%; }
    #seat-map-box { height: 3fr; border: round $primary; }
    #seat-impact { height: auto; }
    #seat-map { height: 1fr; }
    #seat-node { height: 7; border-top: solid $primary-darken-2; padding: 0 1; }
    #seat-room-box { height: 1fr; border: round $primary; }
    #seat-feed-box { width: 1fr; border: round $primary; }
    #seat-right { width: 38%; }
    #seat-actions { height: 2fr; border: round $primary; }
    #seat-proposals { height: 1fr; border: round $primary; }
    .wall #seat-right { display: none; }
    .wall #seat-left { width: 40%; }
    .wall #seat-feed-box { text-style: bold; }
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
        Binding("w", "wall", "Wall display"),
        Binding("m", "focus_map", "Map"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        url: str,
        code: str | None,
        name: str = "",
        *,
        wall: bool = False,
        ssl: object = None,
    ) -> None:
        super().__init__()
        self.tls = ssl
        self.url, self.code, self.seat_name, self.wall = url, code, name, wall
        self.client: SeatClient | None = None
        self._dirty = True
        self._shown_feed: tuple[int, int] = (0, 0)
        self._actions_key: tuple[Any, ...] = ()
        self._action_marks: dict[str, tuple[bool, bool]] = {}
        self._texts: dict[str, Text] = {}
        self._role = ""
        self._map_nodes: dict[str, SeatNode] | None = None
        self._asked = False

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static(id="seat-identity")
        yield Static(id="seat-powers")
        yield Static(id="seat-connection")
        with Horizontal(id="seat-body"):
            with Vertical(id="seat-left"):
                with Vertical(id="seat-map-box"):
                    yield Static(id="seat-impact")
                    yield DependencyMap([], self._show_node, id="seat-map")
                    yield NodeDetail("", id="seat-node")
                with VerticalScroll(id="seat-room-box"):
                    yield Static(id="seat-room")
            with VerticalScroll(id="seat-feed-box"):
                yield Static(id="seat-feed")
            with Vertical(id="seat-right"):
                yield OptionList(id="seat-actions")
                with VerticalScroll(id="seat-proposals"):
                    yield Static(id="seat-proposal-list")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#seat-map-box": "Map · impact (m, arrows: a node)",
            "#seat-room-box": "Room",
            "#seat-feed-box": "Feed",
            "#seat-actions": "Actions · Enter takes (or proposes)",
            "#seat-proposals": "Proposals · a approves the first",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        if self.wall:
            self.screen.add_class("wall")
        self.set_interval(REPAINT_SECONDS, self._repaint)
        if self.code:
            self._connect(self.code, self.seat_name)
        else:
            self._ask_code("The code the facilitator gave you")

    def _ask_code(self, hint: str) -> None:
        self._asked = True
        self.push_screen(TextPrompt("Join code", hint), self._got_code)

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
        client = SeatClient(self.url, code, name, on_change=self._changed, ssl=self.tls)
        self.client = client

        async def run() -> None:
            await client.run()
            # Refused for good (a mistyped code, a full room): a code typed here is asked
            # for again, instead of leaving the seat stuck.
            if client.fatal and self._asked:
                self.seat_name = name
                self._ask_code(f"Refused: {client.fatal}. Try again")

        self.run_worker(run(), exclusive=True, group="hub")

    def _changed(self, state: RoomState) -> None:
        if state.role != self._role:
            self._role = state.role
            self.refresh_bindings()  # the footer shows this role's keys only
            self.call_after_refresh(self._focus_actions)
        self._dirty = True

    def _focus_actions(self) -> None:
        for actions in self.query("#seat-actions"):
            actions.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys a role may not use are not offered (nor run)."""
        needs = _ACTION_FRAMES.get(action)
        if needs is None:
            return True
        return may_send(self.state.role, needs)

    # ----------------------------------------------------------------- painting

    @property
    def state(self) -> RoomState:
        """The room as this seat knows it."""
        return self.client.state if self.client is not None else RoomState()

    def _repaint(self) -> None:
        # The timer may fire while the app is closing and its widgets are gone.
        if not self.is_running or not self.query("#seat-identity"):
            return
        state = self.state
        fatal = self.client.fatal if self.client is not None else None
        # One-line panels repaint without a layout; every panel only when its text changed
        # (a layout of the whole screen per event frame was most of a seat's repaint).
        self._show("#seat-identity", identity_line(state), layout=False)
        self._show("#seat-connection", connection_line(state, fatal), layout=False)
        if not self._dirty:
            return
        self._dirty = False
        self._show("#seat-powers", Text(can_do(state.role) if state.role else ""), layout=False)
        self._show("#seat-impact", impact_text(state))
        self._paint_map(state)
        self._show("#seat-room", room_text(state))
        self._show("#seat-proposal-list", proposals_text(state))
        self._paint_feed(state)
        self._paint_actions(state)

    def _show(self, selector: str, text: Text, *, layout: bool = True) -> None:
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text, layout=layout)

    def _paint_map(self, state: RoomState) -> None:
        dep_map = self.query_one("#seat-map", DependencyMap)
        if state.map_nodes is not self._map_nodes:  # a welcome: the nodes, once per join
            self._map_nodes = state.map_nodes
            dep_map.set_layers(
                [[MapNode(i, label) for i, label in layer] for layer in map_layers(state)]
            )
        dep_map.set_statuses(state.nodes)  # repaints only when a status changed
        self._show_node(dep_map.selected)

    def _show_node(self, node_id: str | None) -> None:
        """Show the selected node's status, why, needs and dependents, with their statuses."""
        state = self.state
        if node_id is None or node_id not in state.map_nodes or not self.is_running:
            return
        self.query_one("#seat-node", NodeDetail).show(
            node_view(state, node_id),
            lambda n: state.nodes.get(n, "up"),
            lambda n: state.node_labels.get(n, n),
        )

    def map_text(self) -> str:
        """The map's visible lines as plain text (what the seat reads)."""
        dep_map = self.query_one("#seat-map", DependencyMap)
        lines = (dep_map.render_line(y).text for y in range(dep_map.size.height))
        return "\n".join(line.rstrip() for line in lines)

    def node_text(self) -> str:
        """The selected node's detail as plain text (what the seat reads)."""
        return str(self.query_one("#seat-node", NodeDetail).render())

    def _paint_feed(self, state: RoomState) -> None:
        shown = (len(state.events), state.feedback_count)
        if shown == self._shown_feed:
            return
        self._shown_feed = shown
        lines = feed_lines(state)

        self.query_one("#seat-feed", Static).update(Text("\n").join(lines[-FEED_LINES:]))
        box = self.query_one("#seat-feed-box", VerticalScroll)
        self.call_after_refresh(box.scroll_end, animate=False)

    def feed_text(self) -> str:
        """The feed as plain text (what the seat reads)."""
        return "\n".join(line.plain for line in feed_lines(self.state))

    def _paint_actions(self, state: RoomState) -> None:
        """The action list: built once per role and list; then only the actions that started
        or finished are redrawn (rebuilding 300 options took ~30 ms a frame)."""
        marks = {a["id"]: (a["id"] in state.running, a["id"] in state.done) for a in state.actions}
        listed = (state.role, tuple(marks))
        actions = self.query_one("#seat-actions", OptionList)
        if listed != self._actions_key:
            self._actions_key = listed
            highlighted = actions.highlighted
            actions.clear_options()
            actions.add_options(Option(action_prompt(a, state), id=a["id"]) for a in state.actions)
            if state.actions:
                actions.highlighted = min(highlighted or 0, len(state.actions) - 1)
        else:
            for k, action in enumerate(state.actions):
                if marks[action["id"]] != self._action_marks.get(action["id"]):
                    actions.replace_option_prompt_at_index(k, action_prompt(action, state))
        self._action_marks = marks

    # ----------------------------------------------------------------- sending

    def _send(self, frame: dict[str, Any]) -> None:
        async def send() -> None:
            if self.client is None or not await self.client.send(frame):
                self.state.notice = "not sent: the hub is unreachable"
                self._dirty = True

        self.run_worker(send(), group="send")

    @on(OptionList.OptionSelected, "#seat-actions")
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

    def action_focus_map(self) -> None:
        """Focus the map: arrows (or a click) pick a node, whose detail shows under it."""
        self.query_one("#seat-map", DependencyMap).focus()

    def action_wall(self) -> None:
        """Switch the projector display (map, impact and feed, no action list) on or off."""
        self.wall = not self.wall
        self.screen.set_class(self.wall, "wall")

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


def run_seat(
    url: str, code: str | None, name: str, *, wall: bool = False, ssl: object = None
) -> None:
    """Run the seat app until the user quits."""
    SeatApp(url, code, name, wall=wall, ssl=ssl).run()
