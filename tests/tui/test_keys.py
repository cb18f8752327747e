"""One key table drives the bindings, the command palette and the help screen."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.dom import DOMNode

from tabletop.tui import keys
from tabletop.tui.app import TabletopApp
from tabletop.tui.screens.briefing import BriefingScreen
from tabletop.tui.screens.debrief import DebriefScreen
from tabletop.tui.screens.drill import DrillScreen
from tabletop.tui.screens.facilitator import FacilitatorLog
from tabletop.tui.screens.help import HelpScreen, keys_table
from tabletop.tui.screens.modals import ChooseOne, Confirm, TextPrompt
from tabletop.tui.screens.picker import PickerScreen
from tabletop.tui.widgets.actions import ActionList, ActionsPanel, MessageBox
from tabletop.tui.widgets.decisions import DecisionLog
from tabletop.tui.widgets.depmap import DependencyMap

OWNERS: list[tuple[type[DOMNode], tuple[keys.Key, ...]]] = [
    (PickerScreen, keys.PICKER),
    (BriefingScreen, keys.BRIEFING),
    (DrillScreen, keys.DRILL),
    (DebriefScreen, keys.DEBRIEF),
    (ActionList, keys.ACTION_LIST),
    (ActionsPanel, keys.ACTIONS_PANEL),
    (MessageBox, keys.MESSAGE_BOX),
    (DependencyMap, keys.DEPENDENCY_MAP),
    (DecisionLog, keys.DECISION_LOG),
    (TabletopApp, keys.APP),
    (HelpScreen, keys.HELP_SCREEN),
    (FacilitatorLog, keys.FACILITATOR_LOG),
    (TextPrompt, keys.CANCEL),
    (ChooseOne, keys.CANCEL),
    (Confirm, keys.CONFIRM),
]


@pytest.mark.parametrize(("owner", "table"), OWNERS, ids=lambda x: getattr(x, "__name__", ""))
def test_bindings_are_the_table(owner: type[DOMNode], table: tuple[keys.Key, ...]) -> None:
    got = [(b.key, b.action, b.description, b.show) for b in owner.BINDINGS]  # type: ignore[union-attr]
    assert got == [(k.keys, k.action, k.description, k.show) for k in table]


@pytest.mark.parametrize(("owner", "table"), OWNERS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_action_exists_on_its_owner(
    owner: type[DOMNode], table: tuple[keys.Key, ...]
) -> None:
    for key in table:
        namespace, _, action = key.action.rpartition(".")
        target = TabletopApp if namespace == "app" else owner
        name = action.split("(")[0]
        assert hasattr(target, f"action_{name}"), f"{target.__name__} has no action_{name}"


def test_key_display_reads_as_typed() -> None:
    assert keys.key_display("question_mark,f1") == "? / f1"
    assert keys.key_display("plus,equals_sign") == "+ / ="
    assert keys.Key("full_stop", "step", "+1 min").display == "."


def test_palette_entries_name_the_key_and_run_the_action() -> None:
    ran: list[str] = []

    async def run(action: str) -> None:
        ran.append(action)

    entries = keys.palette_entries(keys.DRILL, run)
    by_title = {title: (help_text, callback) for title, help_text, callback in entries}
    assert by_title["Clock: faster"][0] == "+ / ="
    assert by_title["End the drill"][0] == "ctrl+e"
    assert "Filter" not in by_title  # keys without a palette title are not offered
    coroutine = by_title["Clock: slower"][1]()
    with pytest.raises(StopIteration):
        coroutine.send(None)  # type: ignore[attr-defined]
    assert ran == ["pace(1)"]


def test_help_lists_every_key_of_each_section() -> None:
    for sections in keys.HELP_SECTIONS.values():
        console = Console(width=200, record=True)
        console.print(keys_table(sections))
        text = console.export_text()
        for _title, table in sections:
            for key in table:
                assert key.display in text and key.description in text, key


def test_a_binding_is_built_with_its_options() -> None:
    binding = keys.Key("x", "go", "Go", show=False, priority=True).binding()
    assert isinstance(binding, Binding)
    assert (binding.show, binding.priority) == (False, True)
