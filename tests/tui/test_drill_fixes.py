"""Pilot tests of the drill fixes: facilitator injects, latched nodes, the message box,
the end of the action list, `j` after a hand-fired inject, the help of the current screen,
and the debrief after an early end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.widget import Widget

from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.compat import screen_lines
from tabletop.tui.screens.briefing import BriefingScreen
from tabletop.tui.screens.debrief import DebriefScreen
from tabletop.tui.screens.drill import DrillScreen
from tabletop.tui.screens.facilitator import FacilitatorLog
from tabletop.tui.screens.help import HelpScreen
from tabletop.tui.screens.picker import PickerScreen
from tabletop.tui.widgets.actions import MESSAGE_ROWS, ActionList, ActionsPanel, MessageBox
from tabletop.tui.widgets.feed import IncidentFeed
from tabletop.tui.widgets.keybar import KeyBar

FIXTURE = Path(__file__).parent / "fixtures" / "control-plane.yaml"
SIZE = (120, 40)
Text = Callable[[App[object]], str]
HINTS = ("Hint: their status page stays green", "Hint: nothing restarts by itself")


def _control_plane() -> tuple[LoadedScenario, Session]:
    loaded = load_scenario(FIXTURE)
    return loaded, Session(loaded.scenario, sha256=loaded.sha256, team="blue")


def _feed_text(app: App[object]) -> str:
    """Everything written to the incident feed, wrapped lines joined."""
    feed = app.screen.query_one(IncidentFeed)
    return " ".join(" ".join(strip.text for strip in feed.lines).split())


def _region_text(app: App[object], widget: Widget) -> list[str]:
    """The screen rows inside `widget`'s region, cropped to it."""
    region = widget.region
    rows = screen_lines(app.screen)
    return [row[region.x : region.right] for row in rows[region.y : region.bottom]]


def _shown(app: App[object], box: Widget) -> bool:
    """Whether the message box is over the actions panel (closed, it waits out of sight)."""
    panel = app.screen.query_one(ActionsPanel).region
    seen = panel.intersection(box.region)
    return seen.height == MESSAGE_ROWS


async def _take_by_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", "end", "ctrl+u")
    await pilot.press(*text, "enter", "enter")
    await pilot.pause()


# ------------------------------------------------------------------ audience


async def test_facilitator_injects_stay_out_of_the_team_feed_and_go_to_the_log(
    screen_text: Text,
) -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Site power lost" in _feed_text(app)
        await pilot.press("j", "j")  # T+30 power back, T+40 the second hint
        await pilot.pause()
        assert session.now == 40
        fired = [e.data["inject"] for e in session.feed if e.kind == "inject"]
        assert "status-page-hint" in fired and "restart-hint" in fired  # the engine fired them
        for hint in HINTS:
            assert hint not in _feed_text(app) and hint not in screen_text(app)
        assert "⚑ F: 2 new" in screen_text(app)  # a count, not what they say
        assert "F Facilitator log" in str(app.screen.query_one(KeyBar).render())

        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorLog)
        log = screen_text(app)
        assert all(hint in log for hint in HINTS)
        assert "Nudge them if nobody looks at it." in log
        assert log.index(HINTS[0]) < log.index(HINTS[1])
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert "⚑ F:" not in screen_text(app)  # seen


async def test_a_facilitator_inject_fired_by_hand_leaves_no_trace_in_the_team_feed(
    screen_text: Text,
) -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = _feed_text(app)
        titles = app.screen._inject_titles()  # type: ignore[attr-defined]
        assert titles["restart-hint"] == "Hint: nothing restarts by itself (facilitator only)"
        assert titles["press-call"] == "A journalist calls"  # the i dialog and the palette
        app.screen.fire_inject("restart-hint")  # type: ignore[attr-defined]
        await pilot.pause()
        assert session.feed[-1].data.get("audience") == "facilitator"
        assert _feed_text(app) == before  # not even "facilitator fired an inject"
        app.screen.fire_inject("press-call")  # type: ignore[attr-defined]
        await pilot.pause()
        assert "facilitator fired an inject" in _feed_text(app)


async def test_the_briefing_never_shows_a_facilitator_inject(screen_text: Text) -> None:
    loaded, _ = _control_plane()
    app = TabletopApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BriefingScreen(loaded, "blue", "training"))
        await pilot.pause()
        text = screen_text(app)
        assert "Site power lost" in text  # the team inject at T+0 is there
        assert "Hint" not in text and "Nudge" not in text


# -------------------------------------------------------------- latched nodes


async def test_the_feed_says_which_nodes_stay_down_until_restarted() -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert (
            "⚠ Control plane core API and Control plane core database stay down until "
            "someone restarts them" in _feed_text(app)
        )


# ---------------------------------------------------------------- message box


async def test_the_message_box_takes_several_lines_and_ctrl_s_sends(screen_text: Text) -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one(MessageBox)
        assert not _shown(app, box)  # nothing shown while no message is asked for
        await _take_by_filter(pilot, "status page")
        assert app.focused is box and _shown(app, box)
        assert box.content_region.height >= 5  # room for a real status update
        bar = str(app.screen.query_one(KeyBar).render())
        assert "Send message" in bar and "Cancel message" in bar
        assert "End drill" not in bar  # ctrl+e edits in a text box: not offered
        await pilot.press(*"Power is out.", "enter", *"Next update at 10:00.")
        await pilot.pause()
        assert not session.decisions  # Enter is a new line, not "send"
        shown = screen_text(app)
        assert "Power is out." in shown and "Next update at 10:00." in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert session.decisions[-1].action == "post-status"
        assert session.decisions[-1].message == "Power is out.\nNext update at 10:00."
        assert not _shown(app, box) and app.focused is app.screen.query_one(ActionList)


async def test_escape_keeps_the_draft_for_the_same_action() -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(ActionsPanel)
        await _take_by_filter(pilot, "status page")
        await pilot.press(*"Half written", "escape")
        await pilot.pause()
        assert panel.asking is None and not session.decisions
        await pilot.press("enter")
        await pilot.pause()
        box = app.screen.query_one(MessageBox)
        assert box.text == "Half written"
        await pilot.press(*" and done", "ctrl+s")
        await pilot.pause()
        assert session.decisions[-1].message == "Half written and done"


async def test_the_last_action_is_whole_at_the_end_of_the_list(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    last = dc_power.scenario.actions[-1]
    for size in ((100, 30), (120, 40), (160, 48)):
        app = TabletopApp(new_session(dc_power), loaded=dc_power)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("end")  # the list has the focus: its last action
            await pilot.pause()
            ol = app.screen.query_one(ActionList)
            assert ol.highlighted == len(dc_power.scenario.actions) - 1
            rows = _region_text(app, ol)
            listed = " ".join(" ".join(rows).split())
            # the whole label and its phase, above anything else in the panel
            assert f"{last.label} · {last.phase}" in listed.replace("▁", "").replace("▃", ""), (
                size,
                rows[-4:],
            )
            assert "message" not in rows[-1]
            # taking it opens the message box (a follow-up action) over the list: the box
            # goes where it does not hide the chosen action
            await pilot.press("enter")
            await pilot.pause()
            box = app.screen.query_one(MessageBox)
            assert app.focused is box and _shown(app, box)
            listed = " ".join(" ".join(_region_text(app, ol)).split())
            assert f"{last.label} · {last.phase}" in listed.replace("▁", "").replace("▃", "")


# -------------------------------------------------------------------- j key


async def test_j_skips_an_inject_already_fired_by_hand(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")  # fire the contractor inject (due at T+12) by hand, now
        await pilot.pause()
        assert session.pending_injects()[0] == "contractor-hurt"  # the first choice
        await pilot.press("enter")
        await pilot.pause()
        assert "contractor-hurt" not in session.pending_injects()
        await pilot.press("j")
        await pilot.pause()
        assert session.now == 25  # the next one still to come, not T+12


# --------------------------------------------------------------------- help


async def test_help_on_the_drill_lists_the_drill_keys_not_the_pickers(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for desc in ("Next inject", "Facilitator log", "Send message", "Cancel message"):
            assert desc in text
        for desc in ("Brief me", "Training/exam", "Export report", "Start the drill"):
            assert desc not in text


async def test_help_on_the_picker_lists_the_picker_keys(screen_text: Text) -> None:
    app = TabletopApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Brief me" in text and "Training/exam" in text
        assert "Next inject" not in text and "Send message" not in text


# ------------------------------------------------------------------ debrief


async def test_the_debrief_says_when_the_drill_ended_and_to_when_it_was_scored(
    screen_text: Text,
) -> None:
    loaded, session = _control_plane()
    app = TabletopApp(session, loaded=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(10):
            await pilot.press("full_stop")
        await pilot.press("ctrl+e", "y")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "ended at T+10:00; scored to T+2:00:00" in screen_text(app)


async def test_the_message_box_never_covers_the_chosen_action(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    """Whichever communicate or follow-up action is chosen, at the top, middle or end."""
    messages = [
        k
        for k, a in enumerate(dc_power.scenario.actions)
        if a.phase in ("communicate", "follow-up")
    ]
    assert len(messages) >= 4
    for size in ((100, 30), (120, 40)):
        app = TabletopApp(new_session(dc_power), loaded=dc_power)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            ol = app.screen.query_one(ActionList)
            box = app.screen.query_one(MessageBox)
            for k in messages:
                ol.highlighted = k
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                assert app.focused is box
                span = ol.highlighted_lines()
                assert span is not None
                top = ol.region.y + span[0] - round(ol.scroll_y)
                rows = set(range(top, top + span[1]))
                assert rows <= set(range(ol.region.y, ol.region.bottom)), (size, k)
                assert not rows & set(range(box.region.y, box.region.bottom)), (size, k)
                await pilot.press("escape")
                await pilot.pause()
