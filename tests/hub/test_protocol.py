"""The seat protocol against a real hub process, with real WebSocket clients (aiohttp)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp

from tests.hub.conftest import HubProcess, Zygote, is_event, join


def _refused(frame: dict[str, object]) -> bool:
    return frame["type"] == "refused"


async def test_every_role_may_do_what_its_row_says_and_no_more(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        seats = {}
        for role in ("facilitator", "commander", "comms", "responder", "observer"):
            seats[role], welcome = await join(http, hub.url, hub.codes[role], role.title())
            assert welcome["type"] == "welcome" and welcome["role"] == role
            allowed = {a["id"] for a in welcome["actions"] if a["allowed"]}
            phases = {a["phase"] for a in welcome["actions"] if a["allowed"]}
            if role in ("facilitator", "commander"):
                assert len(allowed) == len(welcome["actions"])
            elif role == "comms":
                assert phases == {"communicate", "follow-up"}
            elif role == "responder":
                assert phases == {"assess", "escalate", "workaround", "fix", "verify", "prevent"}
            else:
                assert allowed == set()

        async def refused(role: str, frame: dict[str, object]) -> str:
            await seats[role].send(frame)
            got = await seats[role].until(lambda f: f["type"] in ("refused", "error"))
            assert got["type"] == "refused", got
            assert got["request"] == frame
            return str(got["reason"])

        # Outside a role's row: refused to that seat, nothing journalled.
        before = len(hub.journal_events())
        assert "may not take fix" in await refused(
            "comms", {"type": "decide", "action": "reset-site-firewall"}
        )
        assert "may not take communicate" in await refused(
            "responder", {"type": "decide", "action": "notify-customers"}
        )
        assert "observer may not decide" in await refused(
            "observer", {"type": "decide", "action": "call-isp"}
        )
        for role in ("commander", "comms", "responder", "observer"):
            for frame in (
                {"type": "clock", "running": True},
                {"type": "advance", "to": 3},
                {"type": "fire", "inject": "roadworks-report"},
                {"type": "end"},
            ):
                assert f"a {role} may not" in await refused(role, frame)
        for role in ("commander", "comms", "responder"):
            assert "may not note" in await refused(role, {"type": "note", "text": "x"})
        assert "may not propose" in await refused(
            "observer", {"type": "propose", "action": "call-isp"}
        )
        assert "may not approve" in await refused(
            "responder", {"type": "approve", "proposal": "P1"}
        )
        assert len(hub.journal_events()) == before

        # Within each row: accepted, journalled signed "NAME (role)".
        await seats["comms"].send(
            {"type": "decide", "action": "notify-customers", "message": "We are on it."}
        )
        await seats["responder"].send({"type": "decide", "action": "call-isp"})
        await seats["commander"].send({"type": "decide", "action": "reset-site-firewall"})
        await seats["facilitator"].send({"type": "decide", "action": "walk-the-site"})
        await seats["observer"].send({"type": "note", "text": "Comms spoke first."})
        await seats["facilitator"].send({"type": "note", "text": "Good start."})
        await seats["observer"].until(is_event("note", text="Good start."))
        await seats["observer"].until(is_event("note", text="Comms spoke first."))
        by = {e["action"]: e["by"] for e in hub.journal_events() if e["kind"] == "decision"}
        assert by == {
            "notify-customers": "Comms (comms)",
            "call-isp": "Responder (responder)",
            "reset-site-firewall": "Commander (commander)",
            "walk-the-site": "Facilitator (facilitator)",
        }
        notes = [(e["text"], e["by"]) for e in hub.journal_events() if e["kind"] == "note"]
        # (Two sockets: their frames may reach the hub in either order.)
        assert sorted(notes) == [
            ("Comms spoke first.", "Observer (observer)"),
            ("Good start.", "Facilitator (facilitator)"),
        ]
        message = [e for e in hub.journal_events() if e.get("action") == "notify-customers"]
        assert message[0]["message"] == "We are on it."

        # The facilitator's own powers.
        fac = seats["facilitator"]
        await fac.send({"type": "advance", "to": 4})
        clock = await fac.until(lambda f: f["type"] == "clock" and f["now"] == 4)
        assert clock["running"] is False
        await fac.send({"type": "fire", "inject": "alarm-offline"})
        await fac.until(is_event("inject", inject="alarm-offline"))
        await fac.send({"type": "clock", "pace": 1})
        await fac.until(lambda f: f["type"] == "clock" and f["pace"] == 1)
        await fac.send({"type": "end"})
        end = await seats["observer"].until(is_event("end"))
        assert end["event"]["reason"] == "facilitator"
        # Every seat took part and the journal says who, in order of joining.
        joins = [
            (e["seat"], e["name"], e["role"])
            for e in hub.journal_events()
            if e["kind"] == "facilitator" and e["command"] == "join"
        ]
        assert joins == [
            (1, "Facilitator", "facilitator"),
            (2, "Commander", "commander"),
            (3, "Comms", "comms"),
            (4, "Responder", "responder"),
            (5, "Observer", "observer"),
        ]
        # After the end, a decision is refused.
        assert "ended" in await refused("commander", {"type": "decide", "action": "divert-calls"})


async def test_a_proposal_is_approved_by_the_commander_with_one_frame(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        responder, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
        commander, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
        await responder.send(
            {"type": "propose", "action": "notify-customers", "message": "Calls are down."}
        )
        proposal = await commander.until(lambda f: f["type"] == "proposal")
        assert proposal["by"] == "Rui (responder)"
        assert proposal["action"] == "notify-customers" and proposal["status"] == "open"
        # A late seat sees the open proposal in its welcome.
        _, late = await join(http, hub.url, hub.codes["observer"], "Obi")
        assert [p["id"] for p in late["proposals"]] == [proposal["id"]]
        await commander.send({"type": "approve", "proposal": proposal["id"]})
        decision = await responder.until(is_event("decision", action="notify-customers"))
        assert decision["event"]["by"] == "Ana (commander)"
        assert decision["event"]["note"] == "proposed by Rui (responder)"
        assert decision["event"]["message"] == "Calls are down."
        done = await responder.until(lambda f: f["type"] == "proposal")
        assert done["status"] == "approved"
        # Approving it twice is refused.
        await commander.send({"type": "approve", "proposal": proposal["id"]})
        again = await commander.until(_refused)
        assert "no open proposal" in again["reason"]


async def test_facilitator_injects_reach_facilitator_seats_only(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        _, fac = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        _, team = await join(http, hub.url, hub.codes["commander"], "Ana")
        _, obs = await join(http, hub.url, hub.codes["observer"], "Obi")
    secret = "facilitator-repair-clock"
    assert secret in [e.get("inject") for e in fac["events"]]
    for welcome in (team, obs):
        assert secret not in json.dumps(welcome)
        # The team sees every other event of the journal, in order.
        shown = [e["seq"] for e in welcome["events"]]
        journal = hub.journal_events()
        expected = [e["seq"] for e in journal if e.get("audience") != "facilitator"]
        assert shown == expected[: len(shown)]
    assert fac["injects"] and not team["injects"]


async def test_all_seats_get_every_event_in_the_same_order_and_catch_up_with_last_seq(
    hub: HubProcess,
) -> None:
    async with aiohttp.ClientSession() as http:
        fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        a, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
        b, _ = await join(http, hub.url, hub.codes["observer"], "Obi")
        c, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
        await fac.send({"type": "clock", "running": True, "pace": 0.25})
        actions = ["assess-site-link", "call-isp", "walk-the-site", "divert-calls"]
        for action in actions[:2]:
            await a.send({"type": "decide", "action": action})
        await b.until(is_event("decision", action="call-isp"))
        # The responder's seat drops; the room goes on; it comes back with its last seq.
        last = c.events()[-1]["seq"]
        await c.ws.close()
        for action in actions[2:]:
            await a.send({"type": "decide", "action": action})
        await b.until(is_event("decision", action="divert-calls"))
        c2, welcome = await join(http, hub.url, hub.codes["responder"], "Rui", last_seq=last)
        assert welcome["seat"] == c.frames[0]["seat"]  # the same seat, not a new one
        assert welcome["events"][0]["seq"] == last + 1
        await fac.send({"type": "end"})
        for seat in (fac, a, b, c2):
            await seat.until(is_event("end"))
        await asyncio.sleep(0.3)  # the rest of the outage runs on after the end
        journal = hub.journal_events()
        team_view = [e for e in journal if e.get("audience") != "facilitator"]
        for seat, expected in ((fac, journal), (a, team_view), (b, team_view)):
            got = seat.events()
            assert [e["seq"] for e in got] == [e["seq"] for e in expected][: len(got)]
            assert got == expected[: len(got)]
        resumed = c.events() + c2.events()
        assert [e["seq"] for e in resumed] == [e["seq"] for e in team_view][: len(resumed)]


async def test_bad_frames_get_an_error_and_the_seat_stays(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        seat, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
        bad = [
            "not json",
            "[1, 2]",
            json.dumps({"type": "dance"}),
            json.dumps({"type": "decide"}),
            json.dumps({"type": "decide", "action": 7}),
            json.dumps({"type": "advance", "to": "soon"}),
            json.dumps({"type": "clock", "pace": -1}),
            json.dumps({"type": "decide", "action": "call-isp", "message": "x" * 5000}),
            json.dumps({"type": "hello", "code": hub.codes["commander"]}),
            # Over 64 KiB: an error frame, and the seat stays.
            json.dumps({"type": "note", "text": "x" * (70 * 1024)}),
        ]
        for text in bad:
            await seat.send(text)
            frame = await seat.until(lambda f: f["type"] in ("error", "refused"))
            assert frame["type"] == "error", (text[:40], frame)
        await seat.ws.send_bytes(b"\x00\x01")
        assert (await seat.until(lambda f: f["type"] == "error"))["reason"].startswith("frames")
        # Still a seat: a good frame works.
        await seat.send({"type": "decide", "action": "call-isp"})
        await seat.until(is_event("decision", action="call-isp"))


async def test_a_wrong_code_gets_an_error_and_the_socket_closes(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        for hello in (
            {"type": "hello", "code": "x" * 16},
            {"type": "hello", "code": hub.codes["commander"][:-1]},
            {"type": "decide", "action": "call-isp"},  # no hello first
        ):
            ws = await http.ws_connect(hub.url)
            await ws.send_str(json.dumps(hello))
            msg = await ws.receive()
            assert json.loads(msg.data)["type"] == "error"
            closing = await ws.receive()
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert not [e for e in hub.journal_events() if e.get("command") == "join"]


async def test_rate_limit_and_room_size(tmp_path: Path, zygote: Zygote) -> None:
    hub = HubProcess(tmp_path, "--max-seats", "2", zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            a, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
            b, _ = await join(http, hub.url, hub.codes["observer"], "Obi")
            assert not b.ws.closed
            ws = await http.ws_connect(hub.url)
            await ws.send_str(json.dumps({"type": "hello", "code": hub.codes["comms"]}))
            full = json.loads((await ws.receive()).data)
            assert full == {"type": "error", "reason": "the room is full (2 seats)"}
            # 100 frames at once: beyond the burst, errors; the seat stays.
            for _ in range(100):
                await a.send({"type": "decide", "action": "nope"})
            await asyncio.sleep(0.5)  # the budget refills (20 frames a second)
            await a.send({"type": "note", "text": "still here"})  # refused: not its row
            frames = []
            while (
                not frames or frames[-1]["type"] != "refused" or "note" not in frames[-1]["reason"]
            ):
                frames.append(await a.recv())
            slow = [f for f in frames if f["type"] == "error"]
            assert slow and all(f["reason"] == "too many frames: slow down" for f in slow)
            refusals = [e for e in hub.journal_events() if e["kind"] == "refusal"]
            assert 30 <= len(refusals) < 100
    finally:
        hub.stop()


async def test_a_long_journal_reaches_a_late_seat_whole_in_frames_under_64_kib(
    hub: HubProcess,
) -> None:
    async with aiohttp.ClientSession() as http:
        fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        for k in range(45):
            await fac.send({"type": "note", "text": f"{k:02d} " + "x" * 1500})
            await asyncio.sleep(0.06)  # within the seat's rate
        await fac.until(is_event("note", text="44 " + "x" * 1500))
        late, welcome = await join(http, hub.url, hub.codes["observer"], "Obi")
        team = [e for e in hub.journal_events() if e.get("audience") != "facilitator"]
        while len(late.events()) < len(team):
            await late.recv()
    sizes = [len(json.dumps(f).encode()) for f in late.frames]
    assert max(sizes) <= 64 * 1024
    assert len(welcome["events"]) < len(team)  # the rest came as event frames
    assert late.events() == team


async def test_a_running_clock_sends_a_clock_frame_every_exercise_minute(hub: HubProcess) -> None:
    async with aiohttp.ClientSession() as http:
        fac, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
        obs, _ = await join(http, hub.url, hub.codes["observer"], "Obi")
        await fac.send({"type": "clock", "running": True, "pace": 0.1})  # 10 minutes a second
        await obs.until(lambda f: f["type"] == "clock" and f["now"] >= 12, timeout=20)
        await fac.send({"type": "clock", "running": False})
        stopped = await obs.until(lambda f: f["type"] == "clock" and not f["running"])
    minutes = {int(f["now"]) for f in obs.frames if f["type"] == "clock" and f["running"]}
    assert set(range(1, 13)) <= minutes
    # Each minute is also a checkpoint in the journal, and the changes are journalled.
    journal = hub.journal_events()
    checkpoints = [e["t"] for e in journal if e.get("command") == "clock"]
    assert [int(t) for t in checkpoints][:12] == list(range(1, 13))
    commands = [e["command"] for e in journal if e["kind"] == "facilitator"]
    assert commands[2:4] == ["pace", "resume"] and commands[-1] == "pause"
    assert stopped["now"] >= 12


async def test_two_people_on_one_role_get_two_seats_and_a_returning_seat_takes_its_own(
    hub: HubProcess,
) -> None:
    async with aiohttp.ClientSession() as http:
        first, one = await join(http, hub.url, hub.codes["responder"], "")
        second, two = await join(http, hub.url, hub.codes["responder"], "")
        assert (one["name"], two["name"]) == ("Responder", "Responder 2")
        assert one["seat"] != two["seat"]
        # The first seat's connection comes back (it says how far it got): it takes its seat
        # over, and the old connection is closed for good (4001: no reconnecting).
        back, again = await join(
            http, hub.url, hub.codes["responder"], "", last_seq=first.events()[-1]["seq"]
        )
        assert again["seat"] == one["seat"] and again["name"] == "Responder"
        await first.until(lambda f: f["type"] == "error")
        closing = await first.ws.receive()
        assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4001
        await back.send({"type": "decide", "action": "call-isp"})
        ev = await second.until(is_event("decision", action="call-isp"))
        assert ev["event"]["by"] == "Responder (responder)"
    joins = [(e["seat"], e["name"]) for e in hub.journal_events() if e.get("command") == "join"]
    assert joins == [(one["seat"], "Responder"), (two["seat"], "Responder 2")]
