"""The Textual application: picker → briefing → drill → debrief.

The app is a client of the engine (`Session`) and scoring APIs; it re-implements neither.
With a session it opens straight on the drill screen (`play SCENARIO`, `resume`, tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import BindingType

from tabletop.drills import live_session
from tabletop.engine.events import Event
from tabletop.engine.journal import JournalWriter, create_journal
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.source import scenario_source
from tabletop.tui import keys
from tabletop.tui.keys import bindings
from tabletop.tui.provider import ScreenCommands
from tabletop.tui.screens.briefing import BriefingScreen
from tabletop.tui.screens.debrief import DebriefScreen
from tabletop.tui.screens.drill import DrillScreen
from tabletop.tui.screens.help import HelpScreen, HelpSection
from tabletop.tui.screens.picker import PickerScreen
from tabletop.tui.view import nearest_pace_index
from tabletop.tui.widgets.keybar import KeyBar

Sink = Callable[[Event], None]


def open_journal(path: Path) -> Sink:
    """The engine's journal writer for `path` (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return JournalWriter(path)


def help_sections(screen: object) -> list[HelpSection]:
    """The keys of `screen` and of the panels on it, by section, for the help."""
    screens: list[tuple[type[object], str]] = [
        (DrillScreen, "drill"),
        (PickerScreen, "picker"),
        (BriefingScreen, "briefing"),
        (DebriefScreen, "debrief"),
    ]
    for kind, name in screens:
        if isinstance(screen, kind):
            return keys.HELP_SECTIONS[name]
    return []


class TabletopApp(App[None]):
    """The drill UI."""

    CSS_PATH = "app.tcss"
    TITLE = "tabletop"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.APP)

    def __init__(
        self,
        session: Session | None = None,
        *,
        scenario_folders: Iterable[Path] = (),
        loaded: LoadedScenario | None = None,
        team: str = "",
        mode: str = "training",
        pace: float = 5.0,
        journal_path: Path | None = None,
        journal_dir: Path | None = None,
        export_dir: Path | None = None,
        db_path: Path | None = None,
    ) -> None:
        super().__init__()
        self._initial = session
        self.scenario_folders = tuple(Path(f) for f in scenario_folders)
        self.loaded = loaded
        self.team = team
        self.mode = mode
        self.pace_index = nearest_pace_index(pace)
        self.journal_path = journal_path
        self.journal_dir = journal_dir
        self.export_dir = export_dir
        self.db_path = db_path
        self.session: Session | None = session
        self._sinks: list[Any] = []

    def on_mount(self) -> None:
        if self._initial is not None:
            self.push_screen(DrillScreen(self._initial, pace_index=self.pace_index))
        else:
            self.push_screen(PickerScreen(self.scenario_folders, self.team, self.mode))

    # -------------------------------------------------------------- flow

    def on_picker_screen_picked(self, event: PickerScreen.Picked) -> None:
        self.push_screen(BriefingScreen(event.loaded, event.team, event.mode))

    def action_start_drill(self) -> None:
        """From the briefing: start a new session and open the drill screen."""
        screen = self.screen
        if not isinstance(screen, BriefingScreen):
            return
        self.loaded = screen.loaded
        self.session = self.new_session(screen.loaded, screen.team, screen.mode)
        self.switch_screen(DrillScreen(self.session, pace_index=self.pace_index))

    def new_session(self, loaded: LoadedScenario, team: str, mode: str) -> Session:
        """A session journalled to `journal_path`, or a new file in `journal_dir`."""
        path = self.journal_path
        sink: JournalWriter | None = None
        if path is not None:
            try:
                sink = JournalWriter(path)
            except FileExistsError:
                # A second drill with the same --journal: its own file beside the first, never
                # appended to it (two drills in one journal could not be replayed).
                sink = create_journal(path.parent, loaded.scenario.id)
        elif self.journal_dir is not None:
            # Unique even for two drills started in the same second (two browser tabs).
            sink = create_journal(self.journal_dir, loaded.scenario.id)
        path = sink.path if sink is not None else None
        self.journal_path = path
        if sink is not None:
            self._sinks.append(sink)
        source = scenario_source(loaded.path, loaded.path)
        return live_session(loaded, team=team, mode=mode, sink=sink, source=source)

    def on_drill_screen_ended(self, event: DrillScreen.Ended) -> None:
        self.switch_screen(
            DebriefScreen(
                event.session,
                loaded=self.loaded,
                export_dir=self.export_dir,
                journal_path=self.journal_path,
                db_path=self.db_path,
            )
        )

    def action_new_drill(self) -> None:
        """From the debrief: back to the picker for another drill."""
        self.journal_path = None if self.journal_dir is not None else self.journal_path
        if any(isinstance(s, PickerScreen) for s in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(PickerScreen(self.scenario_folders, self.team, self.mode))

    async def on_key_bar_pressed(self, event: KeyBar.Pressed) -> None:
        """A key clicked in a screen's key bar: its action, on the node that binds it."""
        await self.run_action(event.action, event.node)

    def action_help(self) -> None:
        """Every key of the current screen (and its panels)."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_sections(self.screen)))

    def on_unmount(self) -> None:
        for sink in self._sinks:
            close = getattr(sink, "close", None)
            if callable(close):
                close()
