"""The seat UI (Textual, driven by Pilot) against a real hub process: who the seat is, what its
role may do, a decision taken with the keyboard, a proposal approved with one key, and
"hub unreachable — reconnecting" while the hub is down, then nothing missed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

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
