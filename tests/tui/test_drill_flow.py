"""Pilot tests: a whole drill through the keyboard, exam mode, refusals, resume."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App
from textual.widgets import DataTable

from tabletop.engine.journal import JournalWriter, resume
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.compat import notifications
from tabletop.tui.screens.briefing import BriefingScreen
from tabletop.tui.screens.debrief import DebriefScreen
from tabletop.tui.screens.drill import DrillScreen
from tabletop.tui.screens.help import HelpScreen
from tabletop.tui.screens.picker import PickerScreen
from tabletop.tui.view import format_clock
from tabletop.tui.widgets.actions import ActionsPanel, MessageBox
from tabletop.tui.widgets.decisions import DecisionLog
from tabletop.tui.widgets.depmap import DependencyMap
from tabletop.tui.widgets.feed import IncidentFeed

SIZE = (120, 40)
Text = Callable[[App[object]], str]


async def _take_by_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Filter the actions by `text` and take the first match, all by keyboard."""
    await pilot.press("slash", "end", "ctrl+u")  # focus the filter and clear it
    await pilot.press(*text, "enter", "enter")
    await pilot.pause()


async def test_whole_drill_by_keyboard(
    tmp_path: Path, dc_power: LoadedScenario, screen_text: Text
) -> None:
    app = TabletopApp(journal_dir=None, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        table = app.screen.query_one("#scenarios", DataTable)
        row = next(i for i, e in enumerate(app.screen._entries) if e.path.stem == "dc-power-loss")
        table.move_cursor(row=row)
        assert "Power loss" in screen_text(app) or "power" in screen_text(app)
        await pilot.press("t", *"red", "enter")  # team name, back to the table
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        brief = screen_text(app)
        assert dc_power.scenario.summary.split()[0] in brief
        for step in dc_power.scenario.playbook:  # the briefing never shows the playbook
            assert step.title not in brief
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        session = app.screen.session
        assert session.team == "red" and session.scenario.id == "dc-power-loss"

        await _take_by_filter(pilot, "sweep")
        await _take_by_filter(pilot, "ss-pow")
        assert [d.action for d in session.decisions] == ["sweep-building", "assess-power"]
        feed = screen_text(app)
        # The decision in the feed, signed by the team, and the training feedback after it.
        assert "→ red took " in feed and "In order" in feed

        await pilot.press("space")  # run …
        await pilot.press("space")  # … and pause again
        commands = [e.data["command"] for e in session.feed if e.kind == "facilitator"]
        assert commands[:2] == ["resume", "pause"]
        await pilot.press("plus")
        assert [e.data for e in session.feed if e.kind == "facilitator"][-1]["command"] == "pace"

        due = session.next_inject()
        assert due is not None
        await pilot.press("j")
        await pilot.pause()
        assert session.now == due[0]
        assert "done: " in screen_text(app)  # the two actions finished on the way
        rows = app.screen.query_one(DecisionLog).rows
        assert [r[1][0] for r in rows] == ["✓", "✓"]  # both shown done in the decision log

        await pilot.press("o", *"calm", "enter")
        await pilot.pause()
        assert [e.data["text"] for e in session.notes] == ["calm"]

        # a communicate action asks for the message that goes to customers
        await _take_by_filter(pilot, "email")
        await pilot.press(*"We know", "ctrl+s")
        await pilot.pause()
        assert session.decisions[-1].message == "We know"

        await pilot.press("ctrl+e", "y")
        await pilot.pause()
        assert session.ended and session.end_reason == "facilitator"
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        debrief = app.screen
        assert debrief.score is not None and debrief.counterfactuals is not None
        text = screen_text(app)
        assert f"grade {debrief.score.grade}" in text
        assert dc_power.scenario.playbook[0].id in text  # the timeline, now shown
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        exported = json.loads(next(tmp_path.glob("*.json")).read_text())
        # the JSON rounds the total to two decimals, as every rendering shows it
        assert exported["total"] == round(debrief.score.total, 2) and exported["team"] == "red"
        assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json", ".md"]


async def test_exam_mode_shows_no_score_or_playbook_before_the_debrief(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    session = new_session(dc_power, mode="exam")
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _take_by_filter(pilot, "email")
        await pilot.press(*"hello", "ctrl+s")
        await _take_by_filter(pilot, "publish")
        await pilot.press("ctrl+s")  # follow-up: an empty message
        await pilot.press("j")
        await pilot.pause()
        assert len(session.decisions) == 2
        text = screen_text(app)
        for step in dc_power.scenario.playbook:
            assert step.title not in text
        for word in ("In order", "Out of order", "On time", "score", "grade", "Avoid"):
            assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), word
        assert all(
            "order" not in n.message and "Avoid" not in n.message for n in notifications(app)
        )


async def test_refused_action_shows_its_reason(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    session = new_session(dc_power)
    reason = session.refusal_reason("verify-services")
    assert reason is not None
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _take_by_filter(pilot, "verify-s")
        rec = session.decisions[-1]
        assert rec.action == "verify-services" and not rec.accepted
        text = " ".join(screen_text(app).split())
        assert "refused" in text
        # The whole reason, in the feed (read from its lines: the screen wraps it in a border).
        feed = " ".join(" ".join(s.text for s in app.screen.query_one(IncidentFeed).lines).split())
        assert "refused Confirm every service is healthy on generator power" in feed
        assert reason in feed


async def test_map_selection_shows_why_and_dependents(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    session = new_session(dc_power)
    down = next(n for n in session.nodes() if n.effective == "down" and n.dependents)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        dep_map = app.screen.query_one(DependencyMap)
        dep_map.select(down.id)
        await pilot.pause()
        text = screen_text(app)
        assert f"why: {down.why}"[:30] in text and "used by:" in text
        assert "✖" in text  # a symbol, not only a colour


async def test_help_lists_every_drill_key(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-keys").render()
        plain = str(text) if not hasattr(text, "columns") else ""
        for binding in DrillScreen.BINDINGS:
            desc = binding.description  # type: ignore[union-attr]
            assert desc in plain or desc in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, DrillScreen)


async def test_palette_takes_an_action(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Account for every")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert [d.action for d in session.decisions] == ["sweep-building"]


async def test_the_clock_reaching_the_duration_opens_the_debrief(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(mini)
    app = TabletopApp(session, loaded=mini)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(4):
            await pilot.press("j")
        await pilot.pause()
        session.advance(mini.scenario.duration)
        app.screen.sync()  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()


async def test_resume_reopens_the_drill_where_it_stood(
    tmp_path: Path, dc_power: LoadedScenario, screen_text: Text
) -> None:
    journal_path = tmp_path / "drill.jsonl"
    app = TabletopApp(
        Session(
            dc_power.scenario,
            sha256=dc_power.sha256,
            team="green",
            sink=JournalWriter(journal_path),
        ),
        loaded=dc_power,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _take_by_filter(pilot, "sweep")
        await pilot.press("minus", "j", "full_stop")  # slower pace, jump, one more minute
        await pilot.pause()
        first = app.screen.session  # type: ignore[attr-defined]
        now, decisions = first.now, list(first.decisions)
    # the app was closed mid-drill (as a closed terminal would): resume from the journal
    resumed = resume(dc_power, journal_path)
    assert resumed.now == now and resumed.decisions == decisions and not resumed.ended
    app2 = TabletopApp(resumed, loaded=dc_power, journal_path=journal_path)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app2.screen
        assert isinstance(screen, DrillScreen)
        assert screen.pace_index == 5  # the slower pace came back from the journal
        text = screen_text(app2)
        assert format_clock(now) in text and "→ green took " in text  # the feed is back
        await _take_by_filter(pilot, "ss-pow")
    again = resume(dc_power, journal_path)
    assert [d.action for d in again.decisions] == ["sweep-building", "assess-power"]


async def test_mouse_click_highlights_and_double_click_takes(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#action-list", offset=(4, 3))
        await pilot.pause()
        assert session.decisions == []  # one click never takes an action
        highlighted = app.screen.query_one("#action-list").highlighted  # type: ignore[attr-defined]
        assert highlighted == 1  # the second action (the first wraps over two lines at 120)
        await pilot.double_click("#action-list", offset=(4, 3))
        await pilot.pause()
        assert [d.action for d in session.decisions] == [dc_power.scenario.actions[1].id]


def _scenario_of(n: int) -> Scenario:
    """A scenario of n nodes in five layers (each node depends on one of the layer above)."""
    nodes: list[dict[str, object]] = []
    for i in range(n):
        node: dict[str, object] = {"id": f"n{i}", "label": f"System number {i}", "users": 10}
        if i >= 8:
            node["depends_on"] = [f"n{i - 8}"]
        nodes.append(node)
    return Scenario.model_validate(
        {
            "format": "tabletop/v1",
            "id": "forty",
            "title": "Forty",
            "kind": "other",
            "summary": "s",
            "duration": 60,
            "nodes": nodes,
            "actions": [{"id": "x", "label": "X", "phase": "fix"}],
            "injects": [
                {
                    "id": "drop",
                    "at": 5,
                    "title": "Drop",
                    "effects": [{"node": "n0", "status": "down"}],
                }
            ],
            "playbook": [{"id": "s", "phase": "fix", "title": "S", "any_of": ["x"]}],
        }
    )


async def test_forty_nodes_fit_the_map_at_120x40(screen_text: Text) -> None:
    scenario = _scenario_of(40)
    app = TabletopApp(Session(scenario))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dep_map = app.screen.query_one(DependencyMap)
        assert dep_map.virtual_size.height <= dep_map.scrollable_content_region.height
        text = screen_text(app)
        shown = sum(text.count(sym) for sym in "●◐✖☣○")
        assert shown >= 40


async def test_fire_inject_now_and_the_running_clock(
    mini: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    session = new_session(mini)
    app = TabletopApp(session, loaded=mini, pace=0.25)  # 1 exercise minute per 0.25 s
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert "press-call" in session.pending_injects()
        # the chooser lists pending injects in file order: press-call, then utility-back
        await pilot.press("enter")
        await pilot.pause()
        assert "press-call" not in session.pending_injects()
        assert "journalist" in screen_text(app)
        await pilot.press("space")
        await pilot.pause(0.8)
        await pilot.press("space")
        assert 1 <= session.now <= 10  # about 3 minutes ran; paused again
        clock = [e.t for e in session.feed if e.data.get("command") == "clock"]
        assert clock and int(clock[-1]) == int(session.now)  # a checkpoint per minute
        frozen = session.now
        await pilot.pause(0.5)
        assert session.now == frozen


async def test_picker_lists_an_invalid_file_without_crashing(
    tmp_path: Path, screen_text: Text
) -> None:
    (tmp_path / "zz-broken.yaml").write_text("format: tabletop/v1\nid: broken\nnodez: []\n")
    app = TabletopApp(scenario_folders=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        table = screen.query_one("#scenarios", DataTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        assert "invalid" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # not played, not crashed


async def test_every_panel_is_usable_at_100x30(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    app = TabletopApp(new_session(dc_power), loaded=dc_power)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        for sel in (
            "#clock",
            "#map",
            "#node-detail",
            "#action-list",
            "#action-detail",
            "#impact",
            "#feed",
            "#decisions",
        ):
            region = screen.query_one(sel).region
            assert region.width >= 20 and region.height >= 1, sel
            assert region.right <= 100 and region.bottom <= 30, sel
        assert screen.query_one("#action-list").region.height >= 8
        assert screen.query_one("#map").region.height >= 8


async def test_tab_moves_between_panels_in_order_and_the_key_bar_names_the_panel(
    dc_power: LoadedScenario, new_session: Callable[..., Session], screen_text: Text
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        pace = screen.pace_index

        def where() -> tuple[str | None, str]:
            focused = app.focused
            return (focused.id if focused else None, screen_text(app).splitlines()[-1])

        forward = ["feed", "decisions", "map", "action-filter", "action-list"]
        panels = ["Incident feed", "Decision log", "Dependency map", "Actions", "Actions"]
        assert where()[0] == "action-list"
        for wid, panel in zip(forward, panels, strict=True):
            await pilot.press("tab")
            got, bar = where()
            assert got == wid
            assert bar.lstrip().startswith(panel)
        for wid in reversed(forward[:-1]):
            await pilot.press("shift+tab")
            assert where()[0] == wid
        # In the filter box, - and + are typed, not pace keys: the bar does not offer them.
        await pilot.press("shift+tab", "shift+tab")
        assert where()[0] == "action-filter"
        assert "Slower" not in where()[1]
        await pilot.press("minus", "enter")
        assert where()[0] == "action-list"
        assert screen.pace_index == pace and not session.decisions
        assert "Slower" in where()[1]


async def test_message_box_opens_in_the_panel_and_escape_cancels(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await _take_by_filter(pilot, "email")
        assert app.focused is not None and app.focused.id == "action-message"
        assert len(app.screen_stack) == 2  # no dialog: the box is in the actions panel
        await pilot.press(*"oops", "escape")
        assert app.focused is not None and app.focused.id == "action-list"
        assert not session.decisions
        await pilot.press("enter")  # the cancelled draft is back
        box = screen.query_one(MessageBox)
        assert box.text == "oops" and app.focused is box
        await pilot.press("ctrl+u", *"We are on it", "ctrl+s")  # ctrl+u: clear the line
        await pilot.pause()
        assert session.decisions[-1].message == "We are on it"
        assert app.focused is not None and app.focused.id == "action-list"
        assert screen.query_one(ActionsPanel).asking is None


async def test_keys_typed_faster_than_the_screen_updates_keep_the_drill(
    dc_power: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    """A burst of keys (key repeat, a paste, tmux send-keys) queued before any is handled."""
    session = new_session(dc_power)
    app = TabletopApp(session, loaded=dc_power)

    def burst(*keys: tuple[str, str]) -> None:
        for key, char in keys:
            app.post_message(events.Key(key, char))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        drill = app.screen
        # Enter twice on a note dialog: the second one must not close the drill screen.
        burst(("o", "o"), ("x", "x"), ("enter", "\r"), ("enter", "\r"))
        await pilot.pause()
        await pilot.pause(0.2)
        assert app.screen is drill
        await pilot.press("j")  # and the drill still answers
        assert any(e.kind == "facilitator" and e.data["command"] == "jump" for e in session.feed)
        # The same for the end-of-drill question: a second `y` must not close the debrief.
        burst(("ctrl+e", "\x05"), ("y", "y"), ("y", "y"))
        await pilot.pause()
        await pilot.pause(0.2)
        assert isinstance(app.screen, DebriefScreen)


async def test_a_minute_stepped_by_hand_survives_a_crash(
    tmp_path: Path, dc_power: LoadedScenario
) -> None:
    # `.` moves the clock without any other event at minutes 1-3 of dc-power-loss: the step
    # itself must be journalled, or resume reopens the drill minutes earlier.
    journal_path = tmp_path / "drill.jsonl"
    session = Session(dc_power.scenario, sha256=dc_power.sha256, sink=JournalWriter(journal_path))
    app = TabletopApp(session, loaded=dc_power)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("full_stop", "full_stop", "full_stop")
        await pilot.pause()
        assert session.now == 3
        # Read while the app still runs, as after a SIGKILL: no goodbye event to rely on.
        crashed = tmp_path / "crashed.jsonl"
        crashed.write_bytes(journal_path.read_bytes())
    assert resume(dc_power, crashed).now == 3
