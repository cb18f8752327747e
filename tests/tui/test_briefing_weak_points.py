"""Pilot test: the briefing hides the single points of failure until the facilitator asks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable

from tabletop.engine.spof import scenario_spof
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.screens.briefing import BriefingScreen
from tabletop.tui.screens.picker import PickerScreen

SIZE = (120, 40)
Text = Callable[[App[object]], str]


async def test_w_shows_and_hides_the_weak_points(
    tmp_path: Path, dc_power: LoadedScenario, screen_text: Text
) -> None:
    worst = scenario_spof(dc_power.scenario, detail=0).entries[:3]
    app = TabletopApp(journal_dir=None, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        table = app.screen.query_one("#scenarios", DataTable)
        row = next(i for i, e in enumerate(app.screen._entries) if e.path.stem == "dc-power-loss")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert "single points of failure" not in screen_text(app)  # not for the team's eyes
        await pilot.press("w")
        await pilot.pause()
        shown = screen_text(app)
        assert "For the facilitator: single points of failure" in shown
        for e in worst:
            assert f"{e.node}: takes down {e.nodes_lost} nodes, {e.users_lost:,} users" in shown
        await pilot.press("w")
        await pilot.pause()
        assert "single points of failure" not in screen_text(app)
