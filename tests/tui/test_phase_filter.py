"""The phase filter: `p` and a click both filter the actions list (PhaseFilter.Changed)."""

from __future__ import annotations

from collections.abc import Callable

from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.widgets.actions import ActionList, PhaseFilter


def _phases(app: TabletopApp, session: Session) -> set[str]:
    index = session.scenario.action_index
    ids = [o.id for o in app.screen.query_one(ActionList).options]
    return {index[i].phase for i in ids if i is not None}


async def test_p_and_a_click_filter_the_list_by_phase(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(_phases(app, session)) > 1  # all phases to begin with
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one(PhaseFilter).phase == "assess"
        assert _phases(app, session) == {"assess"}
        await pilot.click(PhaseFilter)  # through the message: the panel filters again
        await pilot.pause()
        phase = app.screen.query_one(PhaseFilter).phase
        assert phase == PhaseFilter.PHASES[2]
        assert _phases(app, session) == {phase}
