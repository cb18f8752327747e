"""The one-line key bar: the focused panel's name, the keys that work, a click runs one."""

from __future__ import annotations

from collections.abc import Callable

from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.compat import repaints_held
from tabletop.tui.screens.picker import PickerScreen
from tabletop.tui.widgets.keybar import KeyBar


def _bar(app: TabletopApp) -> str:
    return app.screen.query_one(KeyBar).render().plain  # type: ignore[union-attr]


async def test_click_on_a_key_runs_its_action(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = _bar(app)
        assert bar.startswith(" Actions ")
        due = session.next_inject()
        assert due is not None
        x = bar.index("j Next inject")
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await pilot.pause()
        assert session.now == due[0]


async def test_picker_bar_offers_enter_to_brief() -> None:
    app = TabletopApp(journal_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        bar = _bar(app)
        assert "⏎ Brief me" in bar and "q Quit" in bar


async def test_tab_highlights_the_next_panel_and_names_it(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    # The drill screen holds repaints for a moment after a focus change (one frame for the
    # whole change): the hold must end, and the change must still be visible.
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        actions, feed = app.screen.query_one("#actions"), app.screen.query_one("#feed")
        focused_border = actions.styles.border_top
        assert feed.styles.border_top != focused_border
        await pilot.press("tab")
        await pilot.pause(0.05)
        assert app.screen.focused is feed
        assert feed.styles.border_top == focused_border
        assert actions.styles.border_top != focused_border
        assert _bar(app).startswith(" Incident feed ")
        assert not repaints_held(app)


async def test_the_map_panel_takes_the_accent_border_from_the_actions_panel(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    # The map and the actions panels are marked by the screen (no `:focus-within` rule).
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        actions, map_col = app.screen.query_one("#actions"), app.screen.query_one("#map-col")
        focused_border = actions.styles.border_top
        assert map_col.styles.border_top != focused_border
        await pilot.press("m")
        await pilot.pause(0.05)
        assert map_col.styles.border_top == focused_border
        assert actions.styles.border_top != focused_border
        await pilot.press("a")
        await pilot.pause(0.05)
        assert actions.styles.border_top == focused_border
        assert map_col.styles.border_top != focused_border
