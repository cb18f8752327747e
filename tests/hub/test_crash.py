"""A hub killed with SIGKILL at random moments and resumed: no acknowledged decision is lost,
every seat reconnects by itself (the real seat client) and misses nothing.

One journal through every trial: each resume replays all that came before. The number of
trials is TABLETOP_HUB_TRIALS (default 20); the whole test is bounded to about a minute."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from tabletop.engine.events import Event
from tabletop.hub.client import SeatClient
from tabletop.hub.proposals import rebuild
from tests.hub.conftest import HubProcess, Zygote

TRIALS = int(os.environ.get("TABLETOP_HUB_TRIALS", "20"))
ACTIONS = [
    "assess-site-link", "walk-the-site", "call-isp", "call-mobile-carrier", "notify-customers",
    "brief-site-staff", "enable-backup-link", "divert-calls", "manual-picking-lists",
    "reset-site-firewall", "inspect-cut-cable", "order-diverse-circuit", "send-follow-up",
]  # fmt: skip


async def _acknowledged(
    seat: SeatClient, frame: dict[str, Any], match: Any
) -> dict[str, Any] | None:
    """Send a frame and wait for the journal event that answers it: the acknowledgement."""
    start = seat.state.last_seq
    if not await seat.send(frame):
        return None
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        for ev in seat.state.events:
            if ev["seq"] > start and match(ev):
                return ev
        await asyncio.sleep(0.005)
    return None


async def _play_until_killed(
    hub: HubProcess, seats: dict[str, SeatClient], rng: random.Random, acked: list[dict[str, Any]]
) -> None:
    """Play the room (decisions, notes, proposals, the clock) and SIGKILL the hub at a random
    moment."""
    for seat in seats.values():
        await asyncio.wait_for(_connected(seat), 15)
    await seats["facilitator"].send({"type": "clock", "running": True, "pace": 0.05})
    kill_at = time.monotonic() + rng.uniform(0.05, 0.6)
    n = 0
    while time.monotonic() < kill_at:
        n += 1
        roll = rng.random()
        open_ = sorted(
            (i, p) for i, p in seats["commander"].state.proposals.items() if p["status"] == "open"
        )
        if roll < 0.1:
            action = rng.choice(ACTIONS)
            ev = await _acknowledged(
                seats["responder"],
                {"type": "propose", "action": action},
                lambda e, a=action: e.get("command") == "propose" and e["action"] == a,
            )
        elif roll < 0.2 and open_:
            pid, proposal = open_[0]
            ev = await _acknowledged(
                seats["commander"],
                {"type": "approve", "proposal": pid},
                lambda e, a=proposal["action"]: (
                    e["kind"] in ("decision", "refusal") and e["action"] == a
                ),
            )
        elif roll < 0.8:
            action = rng.choice(ACTIONS)
            ev = await _acknowledged(
                seats["commander"],
                {"type": "decide", "action": action},
                lambda e, a=action: e["kind"] in ("decision", "refusal") and e["action"] == a,
            )
        else:
            text = f"note {rng.random():.6f}"
            ev = await _acknowledged(
                seats["observer"],
                {"type": "note", "text": text},
                lambda e, t=text: e["kind"] == "note" and e["text"] == t,
            )
        if ev is not None:
            acked.append(ev)
    await asyncio.to_thread(hub.kill)


async def _connected(seat: SeatClient) -> None:
    while not (seat.state.connected and seat._ws is not None):
        await asyncio.sleep(0.01)


async def test_sigkill_at_random_moments_loses_no_acknowledged_decision(
    tmp_path: Path, zygote: Zygote
) -> None:
    rng = random.Random(1234)
    hub = await asyncio.to_thread(HubProcess, tmp_path, zygote=zygote)
    codes = dict(hub.codes)
    seats = {
        role: SeatClient(hub.url, hub.codes[role], role.title())
        for role in ("facilitator", "commander", "observer", "responder")
    }
    tasks = [asyncio.create_task(s.run()) for s in seats.values()]
    acked: list[dict[str, Any]] = []
    seat_numbers: dict[str, int] = {}
    started = time.monotonic()
    trials = 0
    try:
        for _ in range(TRIALS):
            await _play_until_killed(hub, seats, rng, acked)
            trials += 1
            journal = {e["seq"]: e for e in _journal(hub.journal)}
            for ev in acked:
                assert journal.get(ev["seq"]) == ev, f"lost after a SIGKILL: {ev}"
            hub = await asyncio.to_thread(
                HubProcess, tmp_path, resume=True, port=hub.port, zygote=zygote
            )
            assert hub.codes == codes  # the same codes after a resume
            if time.monotonic() - started > 60:
                break
        for seat in seats.values():
            await asyncio.wait_for(_connected(seat), 45)
        for role, seat in seats.items():
            seat_numbers.setdefault(role, seat.state.seat)
        await seats["facilitator"].send({"type": "end"})
        # Generous: scoring, storing and the run-out to the duration share a loaded 2-core
        # machine with the rest of the suite; the bound only stops a hung hub.
        deadline = time.monotonic() + 60
        while not all(s.state.ended and s.state.score for s in seats.values()):
            assert time.monotonic() < deadline, "a seat never heard of the end"
            await asyncio.sleep(0.05)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        hub.stop()
    assert trials >= min(TRIALS, 10)
    journal = _journal(hub.journal)
    for ev in acked:
        assert ev in journal
    assert any(e["kind"] == "decision" for e in acked)
    # Every seat reconnected after every kill, kept its seat number, and its events are the
    # journal's (the team's share of it), in order, with no gap and nothing twice.
    joins = [e for e in journal if e.get("command") == "join"]
    assert len(joins) == 4
    # A proposal is approved at most once through every crash: one `approve` answered by its
    # decision (or refusal) per proposal, and a closing for each.
    taken = [
        e["proposal"]
        for e, after in itertools.pairwise(journal)
        if e.get("command") == "approve" and after["kind"] in ("decision", "refusal")
    ]
    assert len(taken) == len(set(taken))
    closed = [
        e["proposal"]
        for e in journal
        if e.get("command") == "proposal-closed" and e["outcome"] != "expired"
    ]
    assert sorted(closed) == sorted(taken)
    # Whatever was still open when the drill ended is closed as expired, once.
    expired = [e["proposal"] for e in journal if e.get("outcome") == "expired"]
    assert len(expired) == len(set(expired)) and not set(expired) & set(taken)
    assert taken and any(e.get("command") == "propose" for e in acked)
    # The commander's open proposals, welcome after welcome, are the journal's.
    events = [Event(e["seq"], e["t"], e["kind"], _data(e)) for e in journal]
    still_open = {i for i, p in rebuild(events, {}).proposals.items() if p["status"] == "open"}
    held = seats["commander"].state.proposals
    assert {i for i, p in held.items() if p["status"] == "open"} == still_open
    team = [e for e in journal if e.get("audience") != "facilitator"]
    for role, seat in seats.items():
        assert seat.state.disorder == []
        expected = journal if role == "facilitator" else team
        got = seat.state.events
        assert got == expected[: len(got)]
        assert any(e["kind"] == "end" for e in got)
        assert seat.state.seat == seat_numbers[role]


def _data(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in ("seq", "t", "kind")}


def _journal(path: Path) -> list[dict[str, Any]]:
    # The last line may be torn by the kill: only whole lines count (as `resume` reads it).
    lines = path.read_bytes().split(b"\n")[:-1]
    return [json.loads(line) for line in lines if line.strip()]
