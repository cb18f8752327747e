"""The seat UI (Textual, driven by Pilot) against a real hub process: who the seat is, what its
role may do, a decision taken with the keyboard, a proposal approved with one key, and
"hub unreachable — reconnecting" while the hub is down, then nothing missed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from textual.widgets import OptionList, Static

from tabletop.tui.seat.app import SeatApp
from tests.hub.conftest import HubProcess, Zygote, is_event, join


async def _until(pilot: object, cond: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


def _text(app: SeatApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_commander_seat_decides_approves_and_rides_out_a_hub_crash(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    app = SeatApp(hub.url, hub.codes["commander"], "Ana")
    try:
        async with app.run_test(size=(160, 45)) as pilot, aiohttp.ClientSession() as http:
            await _until(pilot, lambda: app.state.connected and bool(app.state.actions))
            await _until(pilot, lambda: "Ana" in _text(app, "#seat-identity"))
            identity = _text(app, "#seat-identity")
            assert "commander · seat 1" in identity and "T+0:00" in identity
            assert "may: decide, approve" in _text(app, "#seat-powers")
            # The first action, with Enter: a decision signed by this seat, in its feed.
            actions = app.query_one("#seat-actions", OptionList)
            actions.focus()
            actions.highlighted = 0
            await pilot.press("enter")
            first = app.state.actions[0]
            await _until(pilot, lambda: f"Ana (commander) took {first['label']}" in app.feed_text())
            decisions = [e for e in hub.journal_events() if e["kind"] == "decision"]
            assert [(d["action"], d["by"]) for d in decisions] == [(first["id"], "Ana (commander)")]

            # A responder proposes; the commander approves with one key.
            rui, _ = await join(http, hub.url, hub.codes["comms"], "Rui")
            await rui.send({"type": "propose", "action": "call-isp"})
            await _until(
                pilot, lambda: "P1 Report the cut to the ISP" in _text(app, "#seat-proposal-list")
            )
            await pilot.press("a")
            approved = await rui.until(is_event("decision", action="call-isp"))
            assert approved["event"]["by"] == "Ana (commander)"
            assert approved["event"]["note"] == "proposed by Rui (comms)"
            await _until(pilot, lambda: "none open" in _text(app, "#seat-proposal-list"))

            # The hub dies: the seat says so, and reconnects by itself when it is back.
            await rui.ws.close()
            await asyncio.to_thread(hub.kill)
            await _until(
                pilot, lambda: "hub unreachable — reconnecting" in _text(app, "#seat-connection")
            )
            seen = app.state.last_seq
            hub = await asyncio.to_thread(
                HubProcess, tmp_path, resume=True, port=hub.port, zygote=zygote
            )
            await _until(pilot, lambda: app.state.connected, timeout=20)
            await _until(pilot, lambda: "unreachable" not in _text(app, "#seat-connection"))
            fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await fac.send({"type": "note", "text": "back after the crash"})
            await _until(pilot, lambda: "back after the crash" in app.feed_text())
            assert app.state.seat == 1 and app.state.disorder == []
            seqs = [e["seq"] for e in app.state.events]
            assert seqs == sorted(set(seqs)) and seqs[-1] > seen
            team = [e for e in hub.journal_events() if e.get("audience") != "facilitator"]
            assert app.state.events == team[: len(app.state.events)]
            app.save_screenshot(str(tmp_path / "seat.svg"))
    finally:
        hub.stop()


async def test_a_seat_without_a_code_asks_for_it_and_marks_what_it_may_not_do(
    hub: HubProcess,
) -> None:
    app = SeatApp(hub.url, None, "")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(0.2)
        await pilot.press(*"not-a-code-at-all", "enter")
        await pilot.pause(0.2)
        await pilot.press(*"Rui", "enter")
        await _until(
            pilot, lambda: "Refused: wrong join code" in str(app.screen.query("Label")[1].render())
        )
        await pilot.press(*hub.codes["responder"], "enter")
        await _until(pilot, lambda: app.state.connected and bool(app.state.actions))
        await _until(pilot, lambda: "Rui" in _text(app, "#seat-identity"))
        assert "responder" in _text(app, "#seat-identity")
        options = app.query_one("#seat-actions", OptionList)
        shown = [str(options.get_option_at_index(k).prompt) for k in range(options.option_count)]
        comms = [s for s in shown if " communicate · " in s or " follow-up · " in s]
        others = [s for s in shown if s not in comms]
        assert comms and all(s[2:].startswith("propose ") for s in comms)
        assert others and not any("propose" in s for s in others)
        # A facilitator key on a responder's seat: not offered, nothing sent.
        assert app.check_action("toggle_clock", ()) is False
        assert app.check_action("approve", ()) is False
        before = len(hub.journal_events())
        await pilot.press("space")
        await pilot.pause(0.3)
        assert len(hub.journal_events()) == before
        assert app.state.clock.get("running") is False
        # The wall display: map, impact and feed; no action list.
        right = app.query_one("#seat-right")
        assert right.display
        await pilot.press("w")
        await pilot.pause(0.1)
        assert not right.display and app.query_one("#seat-feed-box").display


def _feedback_under(feed: list[str], took: str, frame: dict[str, Any]) -> None:
    """The feed shows the decision once, and right under it (after its message, if any)
    this feedback frame's lines, once."""
    rows = [k for k, line in enumerate(feed) if took in line]
    assert len(rows) == 1, (took, feed)
    at = rows[0] + 1
    while feed[at].startswith("  message: "):
        at += 1
    marks = {"bad": "!", "good": "✓", "info": "✓"}
    want = [f"  {marks[line['kind']]} {line['text']}" for line in frame["lines"]]
    assert want and feed[at : at + len(want)] == want
    assert all(feed.count(line) == 1 for line in want)


async def _take(pilot: Any, app: SeatApp, action_id: str, message: str = "") -> None:
    ids = [a["id"] for a in app.state.actions]
    actions = app.query_one("#seat-actions", OptionList)
    await _until(pilot, lambda: actions.option_count == len(ids))  # painted
    actions.focus()
    actions.highlighted = ids.index(action_id)
    await pilot.press("enter")
    if action_id in MESSAGE_ACTIONS:
        await pilot.pause(0.2)
        await pilot.press(*message, "enter")


#: office-isp-loss's actions that ask for a message (communicate and follow-up).
MESSAGE_ACTIONS = {"notify-customers"}
#: The commander assesses first, at T+0:00: in order, done at T+10:00, target T+10:00
#: (scenarios/office-isp-loss.yaml; the same lines as tests/hub/test_feedback.py).
ASSESS = "“Establish what failed and what the site has lost”"
ASSESS_FEEDBACK = {
    "lines": [
        {"kind": "good", "text": f"In order: {ASSESS}."},
        {"kind": "good", "text": "On time: done by T+10:00, target T+10:00."},
    ]
}


async def test_every_feedback_stays_under_its_decision_across_a_reconnect(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, "--mode", "training", zygote=zygote)
    app = SeatApp(hub.url, hub.codes["commander"], "Ana")
    labels: dict[str, str] = {}
    try:
        async with app.run_test(size=(160, 48)) as pilot, aiohttp.ClientSession() as http:
            await _until(pilot, lambda: app.state.connected and bool(app.state.actions))
            labels = {a["id"]: a["label"] for a in app.state.actions}
            await _take(pilot, app, "assess-site-link")
            await _until(pilot, lambda: app.state.feedback_count == 1)
            await _take(pilot, app, "notify-customers", "We are on it.")
            await _until(pilot, lambda: app.state.feedback_count == 2)
            await _until(pilot, lambda: app.feed_text().count("  ✓ ") >= 3)
            frames = list(app.state.feedback.values())
            assert [f["action"] for f in frames] == ["assess-site-link", "notify-customers"]
            assert frames[0]["lines"] == ASSESS_FEEDBACK["lines"]
            before = app.feed_text().splitlines()
            _feedback_under(before, f"took {labels['assess-site-link']}", ASSESS_FEEDBACK)
            _feedback_under(before, f"took {labels['notify-customers']}", frames[1])

            # The hub dies and comes back: the seat reconnects with last_seq, hears what it
            # missed, and shows each feedback once, still under its decision.
            await asyncio.to_thread(hub.kill)
            await _until(pilot, lambda: not app.state.connected)
            hub = await asyncio.to_thread(
                HubProcess, tmp_path, resume=True, port=hub.port, zygote=zygote
            )
            await _until(pilot, lambda: app.state.connected, timeout=20)
            fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await fac.send({"type": "note", "text": "after the reconnect"})
            await _until(pilot, lambda: "after the reconnect" in app.feed_text())
            await _take(pilot, app, "call-isp")
            await _until(pilot, lambda: app.state.feedback_count == 3)
            await _until(pilot, lambda: app.feed_text().count("took ") == 3)
            after = app.feed_text().splitlines()
            frames = list(app.state.feedback.values())
            assert len(frames) == 3 and frames[2]["action"] == "call-isp"
            _feedback_under(after, f"took {labels['assess-site-link']}", ASSESS_FEEDBACK)
            _feedback_under(after, f"took {labels['notify-customers']}", frames[1])
            _feedback_under(after, f"took {labels['call-isp']}", frames[2])
            assert after[: len(before)] == before  # nothing before the reconnect moved
            app.save_screenshot(str(tmp_path / "seat-feedback.svg"))
    finally:
        hub.stop()


async def test_the_seat_map_selects_a_node_and_shows_its_needs_and_dependents(
    hub: HubProcess,
) -> None:
    app = SeatApp(hub.url, hub.codes["observer"], "Olu")
    async with app.run_test(size=(160, 48)) as pilot, aiohttp.ClientSession() as http:
        await _until(pilot, lambda: app.state.connected and bool(app.state.map_nodes))
        order = list(app.state.map_nodes)
        await pilot.press("m")
        # With the keys: right steps through the map's nodes in order.
        await pilot.press(*["right"] * order.index("backup-lte"))
        await _until(pilot, lambda: "4G backup router" in app.node_text())
        detail = app.node_text()
        assert detail.startswith("○ standby 4G backup router  (backup-lte, network)")
        assert "why: on standby: not started" in detail
        assert "needs: ● Backup 4G SIM data plan" in detail
        assert "used by: ✖ Site internet access" in detail
        # The facilitator fires the SIM's data cap: the detail follows at once.
        fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        await fac.send({"type": "fire", "inject": "sim-cap-reached"})
        await _until(pilot, lambda: "needs: ✖ Backup 4G SIM data plan" in app.node_text())
        assert "✖ Backup 4G SIM data" in app.map_text()  # the label cut to its cell
        # Site internet access: one hard need, one soft, a redundancy group both down.
        await pilot.press(*["right"] * (order.index("wan") - order.index("backup-lte")))
        await _until(pilot, lambda: "Site internet access" in app.node_text().split("\n")[0])
        detail = app.node_text()
        assert "why: every one of isp-fibre, backup-lte is down" in detail
        assert (
            "needs: ● Site firewall and SD-WAN edge, ● Site bandwidth, "
            "✖ Primary ISP fibre circuit, ○ 4G backup router" in detail
        )
        used_by = detail.split("used by: ")[1]
        for label in ("Contact-centre agents at Northgate", "Warehouse handheld scanners"):
            assert f"✖ {label}" in used_by
        # The other way: the SIM's own detail names the router as what uses it.
        await pilot.press(*["left"] * (order.index("wan") - order.index("backup-sim")))
        await _until(pilot, lambda: "Backup 4G SIM" in app.node_text().split("\n")[0])
        assert "used by: ○ 4G backup router" in app.node_text()
        assert app.node_text().startswith("✖ down Backup 4G SIM data plan")
        app.save_screenshot(str(Path(hub.folder) / "seat-map.svg"))
