"""The drill screen paints each focus change in one frame and defers the collector's full
passes to a pause in the keys; the keys whose focus move changed still do what they did."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Static

from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.compat import paint_times, repaints_held
from tabletop.tui.screens.drill import GC_DEFERRED, GC_PAUSE, DrillScreen
from tabletop.tui.widgets.actions import ActionList, ActionsPanel, MessageBox, PhaseFilter
from tabletop.tui.widgets.depmap import DependencyMap
from tabletop.tui.widgets.settle import FocusSettle

SIZE = (120, 40)


async def _frames(pilot, key: str) -> int:  # type: ignore[no-untyped-def]
    """How many frames the screen painted for `key` (waiting well past a frame period)."""
    painted: list[float] = []
    with paint_times(painted, time.perf_counter):
        await pilot.press(key)
        await pilot.pause(0.12)
    return len(painted)


async def test_tab_paints_each_focus_change_in_one_frame(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        seen = []
        for _ in range(4):  # list → feed → decision log → map → filter
            frames = await _frames(pilot, "tab")
            seen.append(app.screen.focused)
            assert frames == 1, (app.screen.focused, frames)
            assert not repaints_held(app)
        assert len(set(seen)) == 4  # the focus moved every time


async def test_the_message_box_opens_and_closes_in_one_frame_each_keeping_the_action(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        screen.query_one(PhaseFilter).phase = "communicate"
        await pilot.pause()
        listing = screen.query_one(ActionList)
        listing.highlighted = 1
        await pilot.pause(0.1)  # painted: the frames counted below are the key's alone
        chosen = listing.highlighted_option
        assert chosen is not None
        box = screen.query_one(MessageBox)
        assert await _frames(pilot, "enter") == 1
        assert screen.focused is box and screen.query_one(ActionsPanel).asking == chosen.id
        await pilot.press(*"Draft")
        assert await _frames(pilot, "escape") == 1
        assert screen.focused is listing and listing.highlighted_option is chosen
        assert not repaints_held(app)
        await pilot.press("enter")  # the draft is back, the focus in the box
        await pilot.pause()
        assert screen.focused is box and box.text == "Draft"


async def test_the_focus_keys_move_the_focus_at_once(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.action_focus_map()
        assert screen.focused is screen.query_one(DependencyMap)  # before any message ran
        screen.action_filter()
        assert screen.focused is screen.query_one("#action-filter")
        screen.action_focus_actions()
        assert screen.focused is screen.query_one(ActionList)
        await pilot.pause(0.1)
        assert not repaints_held(app)


async def test_full_collections_wait_for_a_pause_in_the_keys(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    before = gc.get_threshold()
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert gc.get_threshold() == (*before[:2], GC_DEFERRED)
        gc.collect(1)  # a young pass: the full one now has something to do
        await pilot.press("down")
        assert not screen.collect_if_idle()  # a key just came
        await pilot.pause(GC_PAUSE + 0.1)  # the screen's own timer may run it here
        gc.collect(1)
        assert gc.get_count()[2] > 0
        assert screen.collect_if_idle()
        assert gc.get_count()[2] == 0
        assert not screen.collect_if_idle()  # nothing new since
    assert gc.get_threshold() == before  # put back when the drill screen goes


class _Two(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("a", id="a")
        yield Static("b", id="b")


async def test_the_hold_ends_once_the_widgets_have_reported_or_at_the_backstop() -> None:
    app = _Two()
    async with app.run_test() as pilot:
        await pilot.pause()
        a, b = app.query_one("#a"), app.query_one("#b")
        settle = FocusSettle(app.screen, backstop=5.0)
        settle.hold()
        assert settle.settling and repaints_held(app)
        settle.release_after([a, b])
        assert settle.settling  # until each has run the callback queued behind its messages
        await pilot.pause()
        assert not settle.settling and not repaints_held(app)

        short = FocusSettle(app.screen, backstop=0.02)
        short.hold()
        await a.remove()
        short.release_after([b], [a])  # a is gone: only b is waited for
        await pilot.pause()
        assert not short.settling
        short.hold()  # nothing to wait for but never released: the backstop ends it
        await pilot.pause(0.1)
        assert not short.settling and not repaints_held(app)


async def test_a_phase_with_no_action_empties_the_list_in_one_frame_and_all_brings_it_back(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(mini)  # no workaround or prevent action
    app = TabletopApp(session, loaded=mini)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        listing = screen.query_one(ActionList)
        used = {a.phase for a in session.scenario.actions}
        empty = next(p for p in PhaseFilter.PHASES[1:] if p not in used)
        listing.highlighted = 2
        await pilot.pause(0.1)
        steps = PhaseFilter.PHASES.index(empty)
        for _ in range(steps - 1):
            await pilot.press("p")
        await pilot.pause(0.1)
        assert await _frames(pilot, "p") == 1  # to the phase no action has
        assert screen.query_one(PhaseFilter).phase == empty
        assert listing.option_count == 0 and listing.virtual_size.height == 0
        detail = str(screen.query_one("#action-detail").render())
        assert "no action matches the filter" in detail
        for _ in range(len(PhaseFilter.PHASES) - steps - 1):  # to the last phase
            await pilot.press("p")
        await pilot.pause()
        kept = listing.highlighted_option
        assert kept is not None
        await pilot.press("p")  # round to "all" again: the chosen action stays chosen
        await pilot.pause()
        assert listing.option_count == len(session.scenario.actions)
        assert listing.highlighted_option is not None
        assert listing.highlighted_option.id == kept.id
        assert session.scenario.action_index[str(kept.id)].label in str(
            screen.query_one("#action-detail").render()
        )
