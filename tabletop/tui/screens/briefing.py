"""The briefing: the scenario's summary and what the team knows at T+0 (never the playbook)."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tabletop.engine.spof import scenario_top_lines
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui import keys
from tabletop.tui.keys import bindings
from tabletop.tui.view import format_clock, format_duration
from tabletop.tui.widgets.keybar import KeyBar


def briefing_text(loaded: LoadedScenario, team: str, mode: str) -> Text:
    """Everything the briefing shows, as one text."""
    s = loaded.scenario
    text = Text(s.title, style="bold")
    text.append(f"\n{s.kind} scenario · lasts {format_duration(s.duration)}", style="dim")
    if s.difficulty:
        text.append(f" · {s.difficulty}", style="dim")
    text.append(f"\nTeam {team} · {mode} mode", style="dim")
    if mode == "exam":
        text.append(" (no feedback or score until the debrief)", style="dim")
    else:
        text.append(" (feedback after each decision)", style="dim")
    text.append("\n\nSituation\n", style="bold underline")
    text.append(s.summary)
    # Never a facilitator inject: those are for the facilitator log alone.
    first = [i for i in s.injects if i.at == 0 and i.audience != "facilitator"]
    if first:
        text.append(f"\n\nAt {format_clock(0)}\n", style="bold underline")
        for inj in first:
            text.append(f"⚡ {inj.title}", style="bold")
            if inj.message:
                text.append(f" — {inj.message}")
            text.append("\n")
    kinds = Counter(n.kind for n in s.nodes)
    users = sum(n.users for n in s.nodes)
    text.append("\nYour estate\n", style="bold underline")
    text.append(f"{len(s.nodes)} components (")
    text.append(", ".join(f"{k} {c}" for k, c in kinds.most_common()))
    text.append(f"), {users:,} users served, {len(s.actions)} possible actions.")
    text.append(
        "\n\nThe clock starts paused: press space in the drill to run it, ? for every key.",
        style="italic",
    )
    return text


def weak_points_text(loaded: LoadedScenario, top: int = 3) -> Text:
    """The facilitator's view of the scenario's worst single points of failure."""
    text = Text("\nFor the facilitator: single points of failure\n", style="bold underline")
    lines = scenario_top_lines(loaded.scenario, top)
    if not lines:
        text.append("No single component takes down anything but itself.")
    for line in lines:
        text.append(f"• {line}\n")
    text.append("(press w again to hide)", style="dim")
    return text


class BriefingScreen(Screen[None]):
    """Enter starts the drill, Escape goes back to the picker."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.BRIEFING)

    def __init__(self, loaded: LoadedScenario, team: str, mode: str) -> None:
        super().__init__()
        self.loaded = loaded
        self.team = team
        self.mode = mode

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="briefing"):
            yield Static(briefing_text(self.loaded, self.team, self.mode), id="briefing-text")
            yield Static(id="briefing-weak-points")
        yield KeyBar()

    def on_mount(self) -> None:
        # Hidden until the facilitator asks (w): the team should find the weak points itself.
        self.query_one("#briefing-weak-points", Static).display = False

    def action_toggle_weak_points(self) -> None:
        """Show or hide the single points of failure, for the facilitator's eyes."""
        panel = self.query_one("#briefing-weak-points", Static)
        if not panel.display:
            panel.update(weak_points_text(self.loaded))
        panel.display = not panel.display
