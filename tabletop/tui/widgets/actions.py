"""The actions panel: filter by text and phase, each action's duration and state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from tabletop.engine.events import ActionView
from tabletop.scenario.models import PHASE_ORDER

_STATE_MARK = {"available": ("○", "green"), "running": ("▶", "cyan"), "blocked": ("✖", "red")}
ALL_PHASES = "all"


def action_prompt(view: ActionView) -> Text:
    """One line of the list: state mark, label, phase and duration."""
    mark, style = _STATE_MARK[view.state]
    if view.done and view.state == "available":
        mark, style = "✓", "green"
    text = Text(f"{mark} ", style=style)
    text.append(f"{view.minutes:>3g}m ", style="dim")
    text.append(view.label, style="dim" if view.state == "blocked" else "")
    text.append(f" · {view.phase}", style="dim italic")
    return text


class ActionList(OptionList):
    """The list itself; Enter takes the highlighted action."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Take action", show=True)]


class ActionsPanel(Vertical):
    """Filter row, the list and a detail line on the highlighted action."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "focus_list", "Back to list", show=False)
    ]

    @dataclass
    class Chosen(Message):
        """The user chose an action to take."""

        action_id: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._views: list[ActionView] = []
        self._by_id: dict[str, ActionView] = {}
        self._shown: tuple[tuple[str, str, bool], ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(id="action-filters"):
            yield Input(placeholder="filter actions  /", id="action-filter")
            yield Select(
                [("all phases", ALL_PHASES), *((p.value, p.value) for p in PHASE_ORDER)],
                value=ALL_PHASES,
                allow_blank=False,
                id="phase-filter",
            )
        yield ActionList(id="action-list")
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

    def cycle_phase(self) -> None:
        """Next phase filter (all → assess → … → follow-up → all)."""
        select: Select[str] = self.query_one("#phase-filter", Select)
        values = [ALL_PHASES, *(p.value for p in PHASE_ORDER)]
        current = select.value if isinstance(select.value, str) else ALL_PHASES
        select.value = values[(values.index(current) + 1) % len(values)]

    def _visible(self) -> list[ActionView]:
        text = self.query_one("#action-filter", Input).value.strip().lower()
        phase = self.query_one("#phase-filter", Select).value
        out = []
        for v in self._views:
            if phase not in (ALL_PHASES, Select.BLANK) and v.phase != phase:
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
        current = ol.highlighted_option.id if ol.highlighted_option else None
        ol.set_options([Option(action_prompt(v), id=v.id) for v in visible])
        ids = [v.id for v in visible]
        if ids:
            ol.highlighted = ids.index(current) if current in ids else 0
        self._update_detail()

    def _update_detail(self) -> None:
        ol = self.option_list
        opt = ol.highlighted_option
        detail = self.query_one("#action-detail", Static)
        if opt is None or opt.id not in self._by_id:
            detail.update(Text("no action matches the filter", style="dim"))
            return
        v = self._by_id[opt.id]
        text = Text(f"{v.label}", style="bold")
        text.append(f"\n{v.phase}, takes {v.minutes:g} min")
        if v.taken:
            text.append(f", taken {v.taken}×")
        if v.state == "blocked" and v.reason:
            text.append(f"\nblocked: {v.reason}", style="red")
        elif v.state == "running" and v.reason:
            text.append(f"\nrunning: {v.reason}", style="cyan")
        detail.update(text)

    @on(Input.Changed, "#action-filter")
    @on(Select.Changed, "#phase-filter")
    def _filter_changed(self) -> None:
        self._rebuild()

    @on(Input.Submitted, "#action-filter")
    def action_focus_list(self) -> None:
        self.option_list.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))
