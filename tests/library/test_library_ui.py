"""Each built-in scenario plays start to finish in the UI: drill screen, the model answer
taken, the clock to the end, the debrief (issue 7: "each plays start to finish in the UI")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tabletop.engine.session import Session
from tabletop.tui.app import TabletopApp
from tabletop.tui.screens.debrief import DebriefScreen
from tabletop.tui.screens.drill import DrillScreen

if TYPE_CHECKING:
    from conftest import Library


async def test_plays_start_to_finish(lib: Library, scenario_id: str) -> None:
    loaded = lib.loaded(scenario_id)
    scenario = loaded.scenario
    assert scenario.reference is not None
    session = Session(scenario, sha256=loaded.sha256, team="library", mode="training")
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        for ref in scenario.reference:
            session.advance(ref.at)
            assert session.take(ref.action, message=ref.message).accepted
        session.advance(scenario.duration)
        app.screen.sync()  # type: ignore[attr-defined]
        await pilot.pause()
        assert session.ended
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
