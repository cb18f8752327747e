"""Every key of the UI, in one table per screen or panel.

Each table drives three things, so that a key is named once: the screen's or widget's
`BINDINGS` (`bindings()`), the command palette's entries with the key as their help
(`palette_entries()`), and the help screen's list (`HELP_SECTIONS` for the screens that own the
tables).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding, BindingType

#: A palette entry: title, help text, what it does.
PaletteCommand = tuple[str, str, Callable[[], object]]


@dataclass(frozen=True)
class Key:
    """One key binding: Textual key names (comma-separated), the action and its description.

    `palette` is the command palette's title for it (None: not offered there); `show` puts it
    in the key bar.
    """

    keys: str
    action: str
    description: str
    show: bool = True
    palette: str | None = None
    priority: bool = False

    def binding(self) -> Binding:
        """The Textual binding."""
        return Binding(
            self.keys, self.action, self.description, show=self.show, priority=self.priority
        )

    @property
    def display(self) -> str:
        """How the keys read on screen: `question_mark,f1` → `? / f1`."""
        return key_display(self.keys)


#: How key names read on screen.
_KEY_NAMES = {
    "question_mark": "?",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "full_stop": ".",
    "slash": "/",
    "escape": "esc",
}


def key_display(keys: str) -> str:
    """`question_mark,f1` → `? / f1`."""
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def bindings(*tables: tuple[Key, ...]) -> list[BindingType]:
    """The Textual bindings of these tables, in order."""
    return [key.binding() for table in tables for key in table]


def palette_entries(
    table: tuple[Key, ...], run_action: Callable[[str], Awaitable[object]]
) -> list[PaletteCommand]:
    """The palette entries of a table: (title, key, runs the action), for keys that have one."""
    return [
        (key.palette, key.display, partial(run_action, key.action))
        for key in table
        if key.palette is not None
    ]


HELP = Key("question_mark,f1", "app.help", "Help")

PICKER: tuple[Key, ...] = (
    Key("enter", "choose", "Brief me"),
    Key("t", "focus_team", "Team name"),
    Key("m", "toggle_mode", "Training/exam"),
    HELP,
    Key("q", "app.quit", "Quit"),
)

BRIEFING: tuple[Key, ...] = (
    Key("enter,s", "app.start_drill", "Start the drill"),
    Key("escape", "app.pop_screen", "Back"),
    Key("w", "toggle_weak_points", "Weak points (facilitator)"),
    HELP,
)

DRILL: tuple[Key, ...] = (
    Key("space", "toggle_clock", "Run/pause", palette="Clock: run / pause"),
    Key("j", "jump", "Next inject", palette="Jump to the next inject"),
    # ctrl+e, not a letter: typing meant for the filter must never end the drill.
    Key("ctrl+e", "end_drill", "End drill", palette="End the drill"),
    Key("o", "note", "Note", palette="Add an observer note"),
    HELP,
    Key("plus,equals_sign", "pace(-1)", "Faster", palette="Clock: faster"),
    Key("minus", "pace(1)", "Slower", palette="Clock: slower"),
    Key("full_stop", "step", "+1 min", palette="Clock: step one minute"),
    Key("i", "fire_inject", "Fire inject"),
    # Upper-case F: what only the facilitator sees is opened on purpose, never by a slip.
    Key("F", "facilitator_log", "Facilitator log", palette="Open the facilitator log"),
    Key("slash", "filter", "Filter", show=False),
    Key("p", "cycle_phase", "Phase filter", show=False),
    Key("a", "focus_actions", "Actions", show=False),
    Key("m", "focus_map", "Map", show=False),
)

DEBRIEF: tuple[Key, ...] = (
    Key("x", "export", "Export report", palette="Export the report (JSON, Markdown, HTML)"),
    Key("n", "app.new_drill", "New drill", palette="New drill: back to the picker"),
    Key("q", "app.quit", "Quit", palette="Quit"),
    HELP,
)

ACTION_LIST: tuple[Key, ...] = (Key("enter", "select", "Take action"),)

ACTIONS_PANEL: tuple[Key, ...] = (Key("escape", "focus_list", "Back to list", show=False),)

MESSAGE_BOX: tuple[Key, ...] = (
    Key("ctrl+s,ctrl+enter", "send", "Send message"),
    Key("escape", "cancel", "Cancel message"),
)

DEPENDENCY_MAP: tuple[Key, ...] = (
    Key("left", "move(0, -1)", "Prev node", show=False),
    Key("right", "move(0, 1)", "Next node", show=False),
    Key("up", "move(-1, 0)", "Up", show=False),
    Key("down", "move(1, 0)", "Down", show=False),
    Key("home", "jump(0)", "First node", show=False),
    Key("end", "jump(-1)", "Last node", show=False),
)

DECISION_LOG: tuple[Key, ...] = (
    Key("up", "scroll_up", "Scroll up", show=False),
    Key("down", "scroll_down", "Scroll down", show=False),
)

APP: tuple[Key, ...] = (Key("f1", "help", "Help", show=False),)

HELP_SCREEN: tuple[Key, ...] = (Key("escape,q,question_mark,f1", "close", "Close help"),)

FACILITATOR_LOG: tuple[Key, ...] = (Key("escape,F", "close", "Close the log"),)

#: Text prompts and choices.
CANCEL: tuple[Key, ...] = (Key("escape", "cancel", "Cancel"),)

CONFIRM: tuple[Key, ...] = (
    Key("y", "answer(True)", "Yes"),
    Key("n,escape", "answer(False)", "No"),
)

#: The help's sections per screen (by the screen's name), each a title and its keys.
HELP_SECTIONS: dict[str, list[tuple[str, tuple[Key, ...]]]] = {
    "drill": [
        ("drill (facilitator and team)", DRILL),
        ("actions list", ACTION_LIST + ACTIONS_PANEL),
        ("message box (communicate and follow-up actions)", MESSAGE_BOX),
        ("dependency map", DEPENDENCY_MAP),
    ],
    "picker": [("scenario picker", PICKER)],
    "briefing": [("briefing", BRIEFING)],
    "debrief": [("debrief", DEBRIEF)],
}

#: Keys that belong to Textual's widgets rather than to a table above (the help's last section).
EVERYWHERE: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "move between panels (the key bar names the focused one)"),
    ("arrows", "move in the map and in lists"),
    ("enter", "choose / take the highlighted action (in a message box: a new line)"),
    ("ctrl+p", "command palette: every action and facilitator command by name"),
    ("escape", "close a dialog, cancel a message, back from the filter to the list"),
    ("ctrl+q", "quit"),
)
