"""Training-mode feedback in the drill room, against a real hub process: the deciding seat
alone hears how the score sees its decision, worded as the single-seat drill screen words it;
an exam room says nothing; the seat UI shows it in its feed, under the layered map."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from textual.widgets import OptionList

from tabletop.scenario.graph_render import layers
from tabletop.scenario.loader import load_scenario
from tabletop.tui.seat.app import SeatApp
from tabletop.tui.view import STATUS_SYMBOL
from tests.hub.conftest import SCENARIO, HubProcess, Zygote, is_event, join

ROOT = Path(__file__).resolve().parents[2]
ASSESS = "“Establish what failed and what the site has lost”"
#: Comms tells customers at T+0:00, before anyone assessed: the step takes 5 minutes and its
#: target is minute 30 (scenarios/office-isp-loss.yaml), and the playbook puts `assess` first.
NOTIFY_LINES = [
    {"kind": "bad", "text": f"Out of order: {ASSESS} should come first."},
    {"kind": "good", "text": "On time: done by T+5:00, target T+30:00."},
]
#: The commander then assesses: in order, done at T+10:00, target T+10:00.
ASSESS_LINES = [
    {"kind": "good", "text": f"In order: {ASSESS}."},
    {"kind": "good", "text": "On time: done by T+10:00, target T+10:00."},
]


def _feedback(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "feedback"]


async def test_training_room_tells_the_deciding_seat_alone(tmp_path: Path, zygote: Zygote) -> None:
    hub = HubProcess(tmp_path, "--mode", "training", zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            ana, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
            rui, _ = await join(http, hub.url, hub.codes["comms"], "Rui")
            await rui.send({"type": "decide", "action": "notify-customers"})
            fb = await rui.until(lambda f: f["type"] == "feedback")
            assert fb == {"type": "feedback", "action": "notify-customers", "lines": NOTIFY_LINES}
            # The decision's event reached the seat before the feedback on it.
            assert any(is_event("decision", action="notify-customers")(f) for f in rui.frames)
            # The commander decides too: its own feedback is the first feedback it hears, and
            # the frames before it carry Rui's decision but none of Rui's feedback.
            await ana.send({"type": "decide", "action": "assess-site-link"})
            own = await ana.until(lambda f: f["type"] == "feedback")
            assert own["action"] == "assess-site-link" and own["lines"] == ASSESS_LINES
            assert any(is_event("decision", action="notify-customers")(f) for f in ana.frames)
            assert _feedback(ana.frames) == [own]
            # And Rui hears nothing of the commander's decision but its event.
            await rui.until(is_event("decision", action="assess-site-link"))
            await rui.send("not json")
            await rui.until(lambda f: f["type"] == "error")
            assert _feedback(rui.frames) == [fb]
    finally:
        hub.stop()


async def test_exam_room_sends_no_feedback(tmp_path: Path, zygote: Zygote) -> None:
    hub = HubProcess(tmp_path, "--mode", "exam", zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            rui, welcome = await join(http, hub.url, hub.codes["comms"], "Rui")
            assert welcome["mode"] == "exam"
            await rui.send({"type": "decide", "action": "notify-customers"})
            await rui.until(is_event("decision", action="notify-customers"))
            # A malformed frame's error comes after anything queued for the decision.
            await rui.send("not json")
            await rui.until(lambda f: f["type"] == "error")
            assert _feedback(rui.frames) == []
    finally:
        hub.stop()


async def _until(pilot: object, cond: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_seat_ui_shows_feedback_and_the_layered_map(tmp_path: Path, zygote: Zygote) -> None:
    hub = HubProcess(tmp_path, "--mode", "training", zygote=zygote)
    scenario = load_scenario(ROOT / "scenarios" / f"{SCENARIO}.yaml").scenario
    by_layer = layers(scenario)
    app = SeatApp(hub.url, hub.codes["comms"], "Rui")
    try:
        # Tall enough for one column of nodes: every label shown whole.
        async with app.run_test(size=(160, 70)) as pilot:
            await _until(pilot, lambda: app.state.connected and bool(app.state.actions))
            await pilot.pause(0.3)
            shown = app.map_text() + "\n"
            # The drill screen's headings, in order, with each layer's node count.
            headings = [f"─ sources · {len(by_layer[0])}"] + [
                f"─ layer {k} · {len(nodes)}" for k, nodes in enumerate(by_layer) if k
            ]
            assert len(headings) >= 2
            at = [shown.index(h) for h in headings]
            assert at == sorted(at)
            # Every node with the symbol of its status as the drill screen shows it: the cut
            # fibre down, the 4G backup not started yet on standby.
            for node_id, status in app.state.nodes.items():
                assert f"{STATUS_SYMBOL[status]} {scenario.node(node_id).label}\n" in shown
            assert "✖ Primary ISP fibre circuit" in shown
            standby = [n.label for n in scenario.nodes if n.standby]
            assert standby and all(f"○ {label}" in shown for label in standby)
            # Tell customers with Enter and an empty message: the feedback follows the decision.
            ids = [a["id"] for a in app.state.actions]
            actions = app.query_one("#seat-actions", OptionList)
            actions.focus()
            actions.highlighted = ids.index("notify-customers")
            await pilot.press("enter")
            await pilot.pause(0.2)
            await pilot.press("enter")  # the message prompt, left empty
            await _until(pilot, lambda: "On time: done by T+5:00" in app.feed_text())
            feed = app.feed_text().splitlines()
            took = next(i for i, line in enumerate(feed) if "Rui (comms) took" in line)
            assert feed[took + 1 : took + 3] == [
                f"  ! {NOTIFY_LINES[0]['text']}",
                f"  ✓ {NOTIFY_LINES[1]['text']}",
            ]
    finally:
        hub.stop()
