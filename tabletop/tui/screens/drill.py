"""The live drill: clock, dependency map, incident feed, impact, actions and decision log."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import Reactive, reactive, var
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from tabletop.engine.events import Pace
from tabletop.engine.session import Session
from tabletop.gc_pause import IdleCollections
from tabletop.scenario.graph_render import layers
from tabletop.scenario.models import MESSAGE_PHASES
from tabletop.scoring.feedback import decision_feedback
from tabletop.tui import keys
from tabletop.tui.keys import PaletteCommand, bindings, palette_entries
from tabletop.tui.screens.facilitator import FacilitatorLog, facilitator_log_text
from tabletop.tui.screens.modals import ChooseOne, Confirm, TextPrompt
from tabletop.tui.view import (
    PACE_LEVELS,
    STATUS_STYLE,
    STATUS_SYMBOL,
    display_status,
    facilitator_injects,
    facilitator_log,
    feedback_lines,
    format_clock,
    format_duration,
    format_pace,
    nearest_pace_index,
)
from tabletop.tui.widgets.actions import ActionsPanel
from tabletop.tui.widgets.decisions import DecisionLog
from tabletop.tui.widgets.depmap import DependencyMap, MapNode
from tabletop.tui.widgets.feed import IncidentFeed, NodeNames
from tabletop.tui.widgets.impact import ImpactPanel
from tabletop.tui.widgets.keybar import KeyBar
from tabletop.tui.widgets.nodeinfo import NodeDetail
from tabletop.tui.widgets.settle import FocusSettle

#: The map legend: every status by symbol and colour.
LEGEND = Text.assemble(
    *(
        (f"{STATUS_SYMBOL[k]} {k}  ", STATUS_STYLE[k])
        for k in ("up", "degraded", "down", "compromised", "standby")
    )
)

#: The panels whose border shows that the focus is in them (the feed and the decision log
#: take the focus themselves: a `:focus` rule restyles only them).
FOCUS_PANELS = ("#map-col", "#actions")

#: Real seconds between clock ticks while running.
TICK_SECONDS = 0.25

#: While a drill is on screen the collector's full passes wait for a pause of this many
#: seconds without a key; after this many young-generation passes they run anyway.
GC_PAUSE = 1.0
GC_DEFERRED = 1000


class DrillScreen(Screen[None]):
    """One running session; facilitator keys drive the clock, the team takes actions."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.DRILL)

    # Textual's Screen repaints the whole screen whenever the focus moves (`focused` is a
    # repainting reactive): every panel re-composed for a change that concerns two widgets.
    # The widgets whose look depends on the focus refresh themselves (Textual's own focus
    # and blur handlers, the panel borders below), so here it is a plain `var`.
    focused: Reactive[Widget | None] = var(None)
    running: reactive[bool] = reactive(False)
    pace_index: reactive[int] = reactive(4)

    @dataclass
    class Ended(Message):
        """The drill ended (by the clock or the facilitator)."""

        session: Session

    def __init__(self, session: Session, *, pace_index: int = 4) -> None:
        super().__init__()
        self.session = session
        self.set_reactive(DrillScreen.pace_index, _journalled_pace(session, pace_index))
        scenario = session.scenario
        self._labels = {n.id: n.label for n in scenario.nodes}
        self._action_labels = {a.id: a.label for a in scenario.actions}
        self._layer_nodes = [
            [MapNode(i, self._labels[i]) for i in layer] for layer in layers(scenario)
        ]
        self._timer: Timer | None = None
        self._collections = IdleCollections(GC_PAUSE, GC_DEFERRED)
        self._ended_posted = False
        self._feed_len = -1
        self._clock_text = Text()
        self._checkpoint = int(session.now)
        self._facilitator_ids = facilitator_injects(scenario)
        # Facilitator injects so far, how many the facilitator has seen, and how far the feed
        # has been scanned for them (incrementally: the clock line shows the unseen count).
        self._facilitator_count = 0
        self._facilitator_seen = 0
        self._facilitator_scanned = 0
        # The border colours of a panel (usual, focused), read from the theme once.
        self._panel_colours: tuple[Color, Color] | None = None
        # Repaints held while a focus change settles (see `set_focus`).
        self._settle = FocusSettle(self)

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static("", id="clock")
        with Horizontal(id="drill-body"):
            with Vertical(id="map-col"):
                yield Static(LEGEND, id="legend")
                yield DependencyMap(self._layer_nodes, self._show_node, id="map")
                yield NodeDetail("", id="node-detail")
            yield ActionsPanel(id="actions")
            with Vertical(id="info-col"):
                total = sum(n.users for n in self.session.scenario.nodes)
                yield ImpactPanel(total, id="impact")
                yield IncidentFeed(
                    self._action_labels,
                    NodeNames.of(self.session.scenario),
                    self._facilitator_ids,
                    id="feed",
                )
                yield DecisionLog(self._action_labels, id="decisions")
        yield KeyBar()

    def on_mount(self) -> None:
        titles = {
            "#map-col": "Dependency map",
            "#actions": "Actions",
            "#impact": "Impact",
            "#feed": "Incident feed",
            "#decisions": "Decision log",
        }
        for sel, title in titles.items():
            self.query_one(sel).border_title = title
        self._timer = self.set_interval(TICK_SECONDS, self._tick, pause=True)
        # Full collections wait for pauses in the keys while the drill is up (undone when the
        # drill screen goes): see `IdleCollections`.
        self._collections.start()
        self.set_interval(GC_PAUSE, self.collect_if_idle)
        self.sync()
        self.query_one(ActionsPanel).option_list.focus()
        for warning in getattr(self.session, "journal_warnings", None) or ():
            self.notify(str(warning), title="journal", severity="warning", timeout=10)
        if self.session.ended:
            self._finish()

    def on_unmount(self) -> None:
        self._settle.end()
        self._collections.stop()
        # Leaving a drill that has not ended (quit, closed terminal): journal where the clock
        # stood, so that `tabletop resume` reopens it at this time.
        if not self.session.ended:
            self.session.facilitator("suspend")

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        """Move the focus, painting the whole change in one frame (see `widgets.settle`).

        The focused panel's border is set here rather than by a `:focus-within` rule, which
        restyled every widget of the old and the new panel.
        """
        blurred = self.focused
        if widget is blurred:
            return
        self._settle.hold()
        super().set_focus(widget, scroll_visible, from_app_focus)
        touched: list[Widget] = [self]
        if self.is_mounted:
            touched += self._mark_focused_panel(widget)
            # Now, not after the next refresh (where Textual tells the key bar): same frame.
            keybar = self.query_one(KeyBar)
            keybar.refresh_keys()
            touched.append(keybar)
        self._settle.release_after(touched, [w for w in (blurred, widget) if w is not None])

    @property
    def settling(self) -> bool:
        """True while repaints are held for a focus change."""
        return self._settle.settling

    def _mark_focused_panel(self, widget: Widget | None) -> list[Widget]:
        """Accent border on the panel holding `widget`, the usual one on the others.

        An inline border of the same width repaints the panel alone (no restyle, no layout).
        Returns the panels changed.
        """
        changed: list[Widget] = []
        if self._panel_colours is None:
            variables = self.app.get_css_variables()
            self._panel_colours = (
                Color.parse(variables["primary"]),
                Color.parse(variables["accent"]),
            )
        ancestors = set(widget.ancestors_with_self) if widget is not None else set()
        for selector in FOCUS_PANELS:
            panel = self.query_one(selector)
            colour = self._panel_colours[panel in ancestors]
            if panel.styles.border_top != ("round", colour):
                panel.styles.border = ("round", colour)
                changed.append(panel)
        return changed

    def on_key(self) -> None:
        self._collections.key()  # passed on: bindings and widgets still get it

    def collect_if_idle(self) -> bool:
        """Run the deferred full collection if no key came for `GC_PAUSE` seconds; True if
        it ran."""
        return self._collections.collect_if_idle()

    # ------------------------------------------------------------------- sync

    def sync(self) -> None:
        """Bring every panel up to date with the session (cheap when nothing happened)."""
        s = self.session
        self._show_clock()
        feed = self.query_one(IncidentFeed)
        changed = feed.sync(s.feed) or self._feed_len < 0
        self._feed_len = len(s.feed)
        if changed and self._facilitator_ids:
            new = s.feed[self._facilitator_scanned :]
            self._facilitator_scanned = len(s.feed)
            self._facilitator_count += len(facilitator_log(new))
            self._show_clock()
        if changed:
            own, eff = s.status.own, s.status.effective
            self.query_one(DependencyMap).set_statuses(
                {n: display_status(own[n], eff[n]) for n in eff}
            )
            self._show_node(self.query_one(DependencyMap).selected)
            self.query_one(ActionsPanel).set_views(s.actions())
        self.query_one(DecisionLog).sync(s.decisions, s.done, s.now)
        self.query_one(ImpactPanel).show(s.impact(), s.impact_series, s.now)
        if s.ended:
            self._finish()

    def _show_clock(self) -> None:
        s = self.session
        text = Text(f" {format_clock(s.now)} ", style="bold reverse")
        text.append(f" of {format_duration(s.scenario.duration)}  ")
        if s.ended:
            text.append("■ ended", style="bold red")
        elif self.running:
            text.append("▶ running", style="bold green")
        else:
            text.append("⏸ paused (space runs)", style="bold yellow")
        text.append(f"  pace {format_pace(PACE_LEVELS[self.pace_index])}")
        running = len(s.running)
        if running:
            text.append(f"  · {running} action{'s' if running > 1 else ''} running", style="cyan")
        text.append(f"  · team: {s.team or 'unnamed'} · {s.mode}", style="dim")
        unseen = self._facilitator_count - self._facilitator_seen
        if unseen > 0:  # a count only: what it says stays in the log until F opens it
            text.append(f"  ⚑ F: {unseen} new", style="bold magenta")
        if text != self._clock_text:
            self._clock_text = text
            self.query_one("#clock", Static).update(text, layout=False)

    def _show_node(self, node_id: str | None) -> None:
        if node_id is None or not self.is_mounted:
            return
        s = self.session
        own, eff = s.status.own, s.status.effective
        self.query_one(NodeDetail).show(
            s.node_view(node_id),
            lambda n: display_status(own[n], eff[n]),
            lambda n: self._labels.get(n, n),
        )

    @on(DependencyMap.NodeSelected)
    def _node_selected(self, event: DependencyMap.NodeSelected) -> None:
        self._show_node(event.node_id)

    # ------------------------------------------------------------------- time

    def watch_running(self, running: bool) -> None:
        if self._timer is not None:
            if running:
                self._timer.resume()
            else:
                self._timer.pause()
        if self.is_mounted:
            self._show_clock()

    def watch_pace_index(self) -> None:
        if self.is_mounted:
            self._show_clock()

    def _tick(self) -> None:
        s = self.session
        if not self.running or s.ended:
            return
        s.advance(s.now + TICK_SECONDS / PACE_LEVELS[self.pace_index])
        minute = int(s.now)
        if minute > self._checkpoint and not s.ended:
            # A checkpoint per exercise minute: after a crash, `resume` reopens the drill at
            # most a minute back (the clock's advance is otherwise not an event).
            self._checkpoint = minute
            s.facilitator("clock")
        self.sync()

    def action_toggle_clock(self) -> None:
        """Pause or run the exercise clock (journalled)."""
        if self.session.ended:
            return
        self.running = not self.running
        self.session.facilitator("resume" if self.running else "pause")
        self._show_clock()

    def action_pace(self, delta: int) -> None:
        """Faster (-1) or slower (+1) pace (journalled)."""
        new = min(max(self.pace_index + delta, 0), len(PACE_LEVELS) - 1)
        if new != self.pace_index and not self.session.ended:
            self.pace_index = new
            self.session.facilitator("pace", seconds_per_minute=PACE_LEVELS[new])

    def action_step(self) -> None:
        """Advance the clock to the next whole exercise minute (journalled)."""
        s = self.session
        if not s.ended:
            s.advance(int(s.now) + 1)
            if not s.ended:
                # Journalled at the new minute: a clock move is otherwise no event, and
                # `resume` after a crash would reopen the drill minutes earlier.
                self._checkpoint = max(self._checkpoint, int(s.now))
                s.facilitator("step")
            self.sync()

    def action_jump(self) -> None:
        """Jump the clock to the next scheduled inject."""
        s = self.session
        nxt = s.next_inject()
        if s.ended:
            return
        if nxt is None:
            self.notify("No more scheduled injects: end the drill with ctrl+e.")
            return
        s.facilitator("jump", to=nxt[0])
        s.advance(nxt[0])
        self.sync()

    # ----------------------------------------------------------- facilitator

    def action_facilitator_log(self) -> None:
        """Open the facilitator log: the injects only the facilitator sees."""
        s = self.session
        coming = [i for i in s.scenario.injects if i.id in self._facilitator_ids]
        pending = set(s.pending_injects())
        text = facilitator_log_text(
            facilitator_log(s.feed),
            [i for i in coming if i.id in pending],
            NodeNames.of(s.scenario),
        )
        self._facilitator_seen = self._facilitator_count
        self._show_clock()
        self.app.push_screen(FacilitatorLog(text))

    def _inject_titles(self) -> dict[str, str]:
        """Inject titles for the facilitator's choices, facilitator injects marked as such."""
        return {
            i.id: f"{i.title} (facilitator only)" if i.id in self._facilitator_ids else i.title
            for i in self.session.scenario.injects
        }

    def action_fire_inject(self) -> None:
        """Choose a pending inject and fire it now."""
        s = self.session
        titles = self._inject_titles()
        pending = [(i, titles[i]) for i in s.pending_injects()]
        if s.ended or not pending:
            self.notify("No inject left to fire.")
            return
        self.app.push_screen(ChooseOne("Fire which inject now?", pending), self.fire_inject)

    def fire_inject(self, inject_id: str | None) -> None:
        """Fire an inject now (facilitator); None does nothing."""
        if inject_id and self.session.fire_inject(inject_id):
            self.sync()

    def action_note(self) -> None:
        """Ask for an observer note."""
        if not self.session.ended:
            self.app.push_screen(
                TextPrompt("Observer note", "Journalled with the time; shown in the feed."),
                self.add_note,
            )

    def add_note(self, text: str | None) -> None:
        """Add an observer note; empty or None does nothing."""
        if text and text.strip():
            self.session.add_note(text.strip(), by="observer")
            self.sync()

    def action_end_drill(self) -> None:
        """Ask, then end the drill."""
        if self.session.ended:
            self._finish()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.end_drill()

        self.app.push_screen(Confirm("End the drill now and go to the debrief?"), answered)

    def end_drill(self) -> None:
        """End the drill now (facilitator) and go to the debrief."""
        self.running = False
        self.session.end("facilitator")
        self.sync()

    def _finish(self) -> None:
        self.running = False
        if not self._ended_posted:
            self._ended_posted = True
            self.post_message(self.Ended(self.session))

    # ----------------------------------------------------------------- team

    @on(ActionsPanel.Chosen)
    def _chosen(self, event: ActionsPanel.Chosen) -> None:
        self.take_action(event.action_id)

    def take_action(self, action_id: str) -> None:
        """Take an action; communicate and follow-up actions first ask for the message."""
        s = self.session
        if s.ended:
            return
        act = s.scenario.action_index.get(action_id)
        if act is not None and act.phase in MESSAGE_PHASES and s.refusal_reason(action_id) is None:
            self.query_one(ActionsPanel).ask_message(action_id, act.label)
            return
        self.take(action_id, None)

    @on(ActionsPanel.MessageEntered)
    def _message_entered(self, event: ActionsPanel.MessageEntered) -> None:
        if event.message is None or self.session.ended:  # cancelled, or too late
            return
        self.take(event.action_id, event.message.strip() or None)

    def take(self, action_id: str, message: str | None) -> None:
        """Take the action now with this message, show the result and training feedback."""
        s = self.session
        rec = s.take(action_id, by=s.team or None, message=message)
        label = self._action_labels.get(action_id, action_id)
        # No toasts here: a toast repaints the whole screen; the feed, the decision log and
        # the detail line under the actions say the same in place.
        self.sync()
        panel = self.query_one(ActionsPanel)
        if not rec.accepted:
            panel.show_result(Text(f"✖ refused {label}: {rec.reason}", style="bold red"))
        elif s.mode == "training":
            fb = feedback_lines(s.scenario, decision_feedback(s.scenario, s, rec))
            self.query_one(IncidentFeed).feedback(fb)
            worst = next((f for f in fb if not f.good), fb[0] if fb else None)
            if worst is not None:
                style = "green" if worst.good else "yellow"
                panel.show_result(Text(f"{'✓' if worst.good else '!'} {worst.text}", style=style))
        else:
            panel.show_result(Text(f"→ started {label}", style="cyan"))

    # ------------------------------------------------------------- focus keys

    # The focus keys move the focus at once: `Widget.focus` repaints the widget now and moves
    # the focus a message later, so that the change could start a frame before it was done.

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#action-filter", Input))

    def action_cycle_phase(self) -> None:
        self.query_one(ActionsPanel).cycle_phase()

    def action_focus_actions(self) -> None:
        self.set_focus(self.query_one(ActionsPanel).option_list)

    def action_focus_map(self) -> None:
        self.set_focus(self.query_one(DependencyMap))

    # ---------------------------------------------------------------- palette

    def palette_commands(self) -> list[PaletteCommand]:
        """Every action and facilitator command, for the command palette."""
        s = self.session
        cmds: list[PaletteCommand] = [
            (
                f"Take: {v.label}",
                f"{v.phase}, takes {format_duration(v.minutes)}, {v.state}",
                partial(self.take_action, v.id),
            )
            for v in s.actions()
        ]
        cmds += palette_entries(keys.DRILL, self.run_action)
        titles = self._inject_titles()
        cmds += [
            (f"Fire inject: {titles[i]}", "facilitator: fire it now", partial(self.fire_inject, i))
            for i in s.pending_injects()
        ]
        return cmds


def _journalled_pace(session: Session, default: int) -> int:
    """The pace last set in this session's journal (on resume), else `default`."""
    for ev in reversed(session.feed):
        if isinstance(p := ev.payload, Pace):
            return nearest_pace_index(p.seconds_per_minute)
    return default
