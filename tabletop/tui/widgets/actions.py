"""The actions panel: filter by text and phase, each action's duration and state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tabletop.engine.events import ActionView
from tabletop.scenario.models import PHASE_ORDER
from tabletop.tui import keys
from tabletop.tui.compat import ClickHighlightsOptionList, SteadyScrollbars, option_lines
from tabletop.tui.keys import bindings
from tabletop.tui.view import format_duration
from tabletop.tui.widgets.noreflow import quiet_virtual_size, relayout_if_scrollbars_change

_STATE_MARK = {"available": ("○", "green"), "running": ("▶", "cyan"), "blocked": ("✖", "red")}
ALL_PHASES = "all"
#: Rows of the message box (its frame and 7 lines of text).
MESSAGE_ROWS = 9
#: Where the message box waits while closed: this many rows down, out of the panel. Moved
#: rather than resized or hidden, it never changes size, so opening and closing it rewraps
#: and repaints nothing but the rows it leaves and covers.
MESSAGE_HIDDEN = 1000
#: The keys of the message box, as its frame and the detail line say them.
MESSAGE_KEYS = "ctrl+s send · enter new line · esc cancel"


def action_prompt(view: ActionView) -> Text:
    """One line of the list: state mark, label, phase and duration."""
    mark, style = _STATE_MARK[view.state]
    if view.done and view.state == "available":
        mark, style = "✓", "green"
    text = Text(f"{mark} ", style=style)
    text.append(f"{format_duration(view.minutes):>5} ", style="dim")
    text.append(view.label, style="dim" if view.state == "blocked" else "")
    text.append(f" · {view.phase}", style="dim italic")
    return text


class ActionList(SteadyScrollbars, ClickHighlightsOptionList):
    """The list itself; Enter or a double click takes the highlighted action.

    A single click only highlights: taking an action by a stray click would cost the team
    points.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.ACTION_LIST)

    # Filtering changes the number of lines; the list's size is fixed by the stylesheet, so
    # that must not relayout the screen (30-40 ms on a phase filter); see noreflow.
    virtual_size = quiet_virtual_size()

    def __init__(self, on_highlight: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_highlight = on_highlight

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        relayout_if_scrollbars_change(self, old, new)

    def highlighted_lines(self) -> tuple[int, int] | None:
        """(first line, number of lines) of the highlighted action in the list's content."""
        if self.highlighted is None:
            return None
        return option_lines(self, self.highlighted)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        # Called directly rather than through a message, so that the list and the detail
        # line are repainted in the same frame.
        self._on_highlight()


class MessageBox(TextArea):
    """The message of a communicate or follow-up action: several lines, as a status update is.

    Enter starts a new line, as in any text box; ctrl+s (or ctrl+enter where the terminal
    tells it apart) sends, Escape cancels.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.MESSAGE_BOX)

    @dataclass
    class Send(Message):
        """Send the text as the action's message."""

        text: str

    class Cancel(Message):
        """Close the box without taking the action."""

    def action_send(self) -> None:
        self.post_message(self.Send(self.text))

    def action_cancel(self) -> None:
        self.post_message(self.Cancel())


class PhaseFilter(Static):
    """The phase the list is filtered by; `p` or a click cycles it (a Select is heavier)."""

    PHASES: ClassVar[tuple[str, ...]] = (ALL_PHASES, *(p.value for p in PHASE_ORDER))
    phase: reactive[str] = reactive(ALL_PHASES)

    def cycle(self, step: int = 1) -> None:
        """Move to the next phase (or previous with step=-1)."""
        k = self.PHASES.index(self.phase)
        self.phase = self.PHASES[(k + step) % len(self.PHASES)]

    def render(self) -> Text:
        label = "all" if self.phase == ALL_PHASES else self.phase
        return Text.assemble((label, "bold"), (" ▸p", "dim"))

    @dataclass
    class Changed(Message):
        """The phase filtered by changed (the actions panel filters its list again)."""

        phase: str

    def watch_phase(self, phase: str) -> None:
        self.post_message(self.Changed(phase))

    def on_click(self) -> None:
        self.cycle()


class ActionsPanel(Vertical):
    """Filter row, the list and a detail line on the highlighted action."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.ACTIONS_PANEL)

    @dataclass
    class Chosen(Message):
        """The user chose an action to take."""

        action_id: str

    @dataclass
    class MessageEntered(Message):
        """The message for an action was entered (None: the user cancelled)."""

        action_id: str
        message: str | None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._views: list[ActionView] = []
        self._by_id: dict[str, ActionView] = {}
        self._shown: tuple[tuple[str, str, bool], ...] = ()
        self._asking: str | None = None
        # Text of a message cancelled before it was sent, by action: opening it again goes on.
        self._drafts: dict[str, str] = {}
        # The phase the list was last filtered by.
        self._phase_shown = ALL_PHASES

    def compose(self) -> ComposeResult:
        with Horizontal(id="action-filters"):
            yield Input(placeholder="filter actions  /", id="action-filter")
            yield PhaseFilter(id="phase-filter")
        yield ActionList(self._update_detail, id="action-list")
        # The message box of communicate and follow-up actions: in the panel rather than in
        # a dialog, which cost 70-140 ms to open and close (a screen push and pop). Hidden
        # while no message is asked for, so that it never covers the end of the list.
        message = MessageBox(
            id="action-message",
            soft_wrap=True,
            placeholder="What customers or staff will read (may be empty)",
        )
        message.border_subtitle = MESSAGE_KEYS
        message.styles.offset = (0, MESSAGE_HIDDEN)
        message.can_focus = False  # until a message is asked for (tab must not land on it)
        yield message
        yield Static("", id="action-detail")

    @property
    def option_list(self) -> ActionList:
        """The list of actions."""
        return self.query_one(ActionList)

    def set_views(self, views: list[ActionView]) -> None:
        """Show these actions (rebuilds the list only when something visible changed)."""
        self._views = views
        self._by_id = {v.id: v for v in views}
        self._rebuild()

    def cycle_phase(self, step: int = 1) -> None:
        """Next (or previous) phase filter: all → assess → … → follow-up → all."""
        self.query_one(PhaseFilter).cycle(step)
        # Filtered now rather than when `PhaseFilter.Changed` arrives: the list and the
        # filter's label then repaint in the same frame (the message would cost a second).
        self._refilter()

    def _visible(self) -> list[ActionView]:
        text = self.query_one("#action-filter", Input).value.strip().lower()
        phase = self._phase_shown = self.query_one(PhaseFilter).phase
        out = []
        for v in self._views:
            if phase != ALL_PHASES and v.phase != phase:
                continue
            if text and text not in v.label.lower() and text not in v.id:
                continue
            out.append(v)
        return out

    def _rebuild(self) -> None:
        visible = self._visible()
        key = tuple((v.id, v.state, v.done) for v in visible)
        if key == self._shown:
            self._update_detail()
            return
        self._shown = key
        ol = self.option_list
        ids = [v.id for v in visible]
        if [o.id for o in ol.options] == ids:
            # Same rows: only re-draw the prompts whose state changed (cheaper than a rebuild).
            for opt, v in zip(ol.options, visible, strict=True):
                prompt = action_prompt(v)
                if prompt != opt.prompt:
                    ol.replace_option_prompt(v.id, prompt)
            self._update_detail()
            return
        current = ol.highlighted_option.id if ol.highlighted_option else None
        if visible:
            ol.set_options([Option(action_prompt(v), id=v.id) for v in visible])
        else:
            # `set_options([])` leaves the list's size to be found while painting, which
            # then repaints it a frame later (17-33 ms): a phase with no action did that.
            ol.clear_options()
        if ids:
            ol.highlighted = ids.index(current) if current in ids else 0
        self._update_detail()

    def show_result(self, text: Text) -> None:
        """Show the outcome of the last decision on the detail line (until the next move)."""
        self.query_one("#action-detail", Static).update(text, layout=False)

    def _update_detail(self) -> None:
        if not self.is_mounted:
            return
        ol = self.option_list
        opt = ol.highlighted_option
        detail = self.query_one("#action-detail", Static)
        if opt is None or opt.id not in self._by_id:
            detail.update(Text("no action matches the filter", style="dim"), layout=False)
            return
        v = self._by_id[opt.id]
        text = Text(f"{v.label}", style="bold")
        text.append(f"\n{v.phase}, takes {format_duration(v.minutes)}")
        if v.taken:
            text.append(f", taken {v.taken}×")
        if v.state == "blocked" and v.reason:
            text.append(f"\nblocked: {v.reason}", style="red")
        elif v.state == "running" and v.reason:
            text.append(f"\nrunning: {v.reason}", style="cyan")
        detail.update(text, layout=False)  # fixed height: no relayout needed

    @on(Input.Changed, "#action-filter")
    def _filter_changed(self) -> None:
        self._rebuild()

    @on(PhaseFilter.Changed)
    def _phase_changed(self, event: PhaseFilter.Changed) -> None:
        event.stop()
        if event.phase != self._phase_shown:  # not filtered yet (a click, not cycle_phase)
            self._refilter()

    def _refilter(self) -> None:
        if self.is_mounted:
            self._rebuild()

    @on(Input.Submitted, "#action-filter")
    def action_focus_list(self) -> None:
        """Escape: back to the list (cancelling a message being written)."""
        if self._asking is not None:
            self._close_message(None)
            return
        self.screen.set_focus(self.option_list)

    @property
    def asking(self) -> str | None:
        """The action whose message is being written, if any."""
        return self._asking

    def ask_message(self, action_id: str, label: str) -> None:
        """Open the message box for this action; ctrl+s takes it, Escape cancels."""
        self._asking = action_id
        box = self.query_one(MessageBox)
        draft = self._drafts.pop(action_id, "")
        if draft:  # the box is empty while closed: only a draft needs loading
            box.load_text(draft)
            box.move_cursor(box.document.end)
        box.border_title = f"✉ {label}"
        self._place_message_box(box)
        box.styles.offset = (0, 0)
        box.can_focus = True
        # At once rather than `box.focus()` (a message later): the box opening and taking the
        # focus then paint in one frame (the drill screen holds repaints while focus settles).
        self.screen.set_focus(box)
        # The keys are on the box's frame and in the key bar: the line below gives the advice.
        self.show_result(Text("Say what you know and what you will do, not which part is weak."))

    def _place_message_box(self, box: MessageBox) -> None:
        """Put the box over the bottom or the top of the list, the chosen action in sight.

        The box lies over the list (see the stylesheet): at the bottom unless the chosen
        action would be under it, then at the top; the list scrolls when neither is enough.
        """
        ol = self.option_list
        span = ol.highlighted_lines()
        height = ol.scrollable_content_region.height
        at_top = False
        if span is not None:
            line, lines = span
            top = line - round(ol.scroll_y)
            if top + lines > height - MESSAGE_ROWS:  # it would be under a box at the bottom
                if top >= MESSAGE_ROWS:
                    at_top = True
                else:  # scroll it just above a box at the bottom, or just below one at the top
                    above = line + lines - (height - MESSAGE_ROWS)
                    at_top = above > ol.max_scroll_y
                    target = max(line - MESSAGE_ROWS, 0) if at_top else max(above, 0)
                    ol.scroll_to(y=target, animate=False, immediate=True)
        box.styles.dock = "top" if at_top else "bottom"
        # Below the filter row, or above the detail lines; beside the list's scrollbar.
        box.styles.margin = (3, 1, 0, 0) if at_top else (0, 1, 4, 0)

    @on(MessageBox.Send)
    def _message_sent(self, event: MessageBox.Send) -> None:
        event.stop()
        self._close_message(event.text)

    @on(MessageBox.Cancel)
    def _message_cancelled(self, event: MessageBox.Cancel) -> None:
        event.stop()
        self._close_message(None)

    def _close_message(self, message: str | None) -> None:
        action_id, self._asking = self._asking, None
        box = self.query_one(MessageBox)
        if message is None and action_id is not None and box.text.strip():
            self._drafts[action_id] = box.text
        if box.text:
            box.clear()
        self.screen.set_focus(self.option_list)
        box.styles.offset = (0, MESSAGE_HIDDEN)
        box.can_focus = False
        if message is None:
            kept = " (the draft is kept)" if action_id in self._drafts else ""
            self.show_result(Text(f"message cancelled: nothing taken{kept}", style="dim"))
        if action_id is not None:
            self.post_message(self.MessageEntered(action_id, message))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))
