"""The scenario picker: built-ins and folders from the command line, team name and mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from tabletop.scenario.loader import LoadedScenario
from tabletop.tui import keys
from tabletop.tui.keys import bindings
from tabletop.tui.view import CatalogEntry, catalog, format_duration
from tabletop.tui.widgets.keybar import KeyBar


class PickerScreen(Screen[None]):
    """Pick a scenario (Enter), name the team and choose training or exam."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.PICKER)

    @dataclass
    class Picked(Message):
        """A valid scenario was chosen with a team name and mode."""

        loaded: LoadedScenario
        team: str
        mode: str

    def __init__(self, folders: tuple[Path, ...], team: str = "", mode: str = "training") -> None:
        super().__init__()
        self._folders = folders
        self._team = team
        self._mode = mode
        self._entries: list[CatalogEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(
                Text.assemble(
                    ("tabletop — pick a scenario", "bold"),
                    ("   ↑↓ choose · enter: briefing · t: team name · m: training/exam", "dim"),
                ),
                id="picker-title",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="scenarios")
            yield Static("", id="scenario-summary")
            with Horizontal(id="picker-options"):
                yield Label("Team ")
                yield Input(value=self._team, placeholder="team name", id="team")
                yield Label(" Mode ")
                yield Select(
                    [
                        ("training: feedback after each decision", "training"),
                        ("exam: score only at the debrief", "exam"),
                    ],
                    value=self._mode,
                    allow_blank=False,
                    id="mode",
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self._entries = catalog(self._folders)
        table: DataTable[Text | str] = self.query_one("#scenarios", DataTable)
        table.add_columns("kind", "title", "length", "nodes", "file")
        for e in self._entries:
            if e.loaded is not None:
                s = e.loaded.scenario
                table.add_row(
                    s.kind, s.title, format_duration(s.duration), str(len(s.nodes)), e.path.name
                )
            else:
                table.add_row(
                    Text("invalid", style="red"),
                    Text(e.problem or "", style="red"),
                    "",
                    "",
                    e.path.name,
                )
        if not self._entries:
            self.query_one("#scenario-summary", Static).update(
                "No scenarios found: give a folder or file on the command line."
            )
        table.focus()
        self._show_summary(0)

    def _show_summary(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        e = self._entries[row]
        summary = self.query_one("#scenario-summary", Static)
        if e.loaded is None:
            summary.update(Text(f"Invalid scenario file: {e.problem}", style="red"))
            return
        s = e.loaded.scenario
        text = Text(s.title, style="bold")
        extra = [
            s.kind,
            f"lasts {format_duration(s.duration)}",
            f"{len(s.nodes)} nodes",
            f"{len(s.actions)} actions",
        ]
        if s.difficulty:
            extra.append(s.difficulty)
        text.append(f"  ({', '.join(extra)})\n", style="dim")
        text.append(s.summary)
        summary.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_summary(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._pick(event.cursor_row)

    def action_choose(self) -> None:
        self._pick(self.query_one("#scenarios", DataTable).cursor_row)

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        e = self._entries[row]
        if e.loaded is None:
            self.notify(f"Cannot play an invalid scenario: {e.problem}", severity="error")
            return
        team = self.query_one("#team", Input).value.strip() or "team"
        mode = self.query_one("#mode", Select).value
        self.post_message(self.Picked(e.loaded, team, str(mode)))

    def action_focus_team(self) -> None:
        self.query_one("#team", Input).focus()

    def action_toggle_mode(self) -> None:
        select: Select[str] = self.query_one("#mode", Select)
        select.value = "exam" if select.value == "training" else "training"

    @on(Input.Submitted, "#team")
    def _team_done(self) -> None:
        self.query_one("#scenarios", DataTable).focus()
