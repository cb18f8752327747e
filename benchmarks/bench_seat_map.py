"""A drill-room seat's navigable map on a 400-node scenario (the largest map a hub sends).

The seat app runs headless (Pilot) with the room state a hub would send: the welcome (every
node with its dependencies) and then event frames. Per frame: the state takes it, the seat
repaints (map statuses, the selected node's detail, feed, actions) and one screen frame is
drawn; timed p50/p95 in ms, with this process's CPU time. Two kinds of frame:
- `status`: an action done that changes nodes, carrying the whole status map (400 nodes);
- `note` (the baseline, same run): a note, which changes no node.
The ratio is what a status change costs the seat over any other event. Also the welcome's
size and the time the state takes to read it.

Recorded 2026-12-02 on the 2-core shared machine (load ~2), CPU ms per frame, note / status:
before (the map a 400-line styled text, the action list rebuilt and every panel relayouted
on every frame) 95.3 / 135.3; after (the navigable map, which draws only its visible lines;
one action's line redrawn; a panel updated only when its text changed) 25.2 / 48.3. The
welcome grew from 51.8 to 94.5 KiB (each node's dependencies) and reads in ~2 ms.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

from tabletop.engine.events import Event
from tabletop.engine.session import Session
from tabletop.engine.synthetic import generate_scenario_data
from tabletop.hub.frames import map_state, node_entries
from tabletop.scenario.models import Scenario
from tabletop.tui.seat.app import SeatApp

NODES = 400
FRAMES = 60


def _frames(
    scenario: Scenario,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The welcome, then event frames that change nodes, then note frames."""
    events: list[Event] = []
    session = Session(scenario, sink=events.append)
    welcome = {
        "type": "welcome",
        "seat": 1,
        "role": "commander",
        "name": "Ana",
        "mode": "training",
        "duration": scenario.duration,
        "actions": [
            {"id": a.id, "label": a.label, "phase": str(a.phase), "minutes": a.minutes,
             "allowed": True}
            for a in scenario.actions
        ],
        "nodes_list": node_entries(scenario),
        "events": [],
        **map_state(session),
    }  # fmt: skip
    status: list[dict[str, Any]] = []
    for action in scenario.actions:
        if len(status) >= FRAMES:
            break
        before = len(events)
        session.take(action.id, by="Ana (commander)")
        session.advance(session.now + 11)  # it is done: its effects change nodes
        for ev in events[before:]:
            p = ev.payload
            if getattr(p, "changed", 0):
                status.append({"type": "event", "event": ev.to_json(), **map_state(session)})
    seq = events[-1].seq if events else 0
    notes = [
        {"type": "event", "event": {"seq": seq + k + 1, "t": 0, "kind": "note", "text": "n"}}
        for k in range(FRAMES)
    ]
    return welcome, status[:FRAMES], notes


async def _measure() -> dict[str, Any]:
    scenario = Scenario.model_validate(generate_scenario_data(NODES, actions=300))
    welcome, status, notes = _frames(scenario)
    # A hub nobody listens on: the seat keeps trying; its state is fed here instead.
    app = SeatApp("ws://127.0.0.1:9/hub", "unused", "Ana")
    out: dict[str, Any] = {"welcome_kib": len(json.dumps(welcome)) / 1024}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        assert app.client is not None
        state = app.client.state
        started = time.perf_counter()
        state.apply(welcome)
        out["welcome_ms"] = (time.perf_counter() - started) * 1000
        app._changed(state)
        app._repaint()
        await pilot.press("m", "right", "right")  # a node selected: its detail is kept up
        await pilot.pause(0.2)
        # Notes first, so their seqs come before the status frames' (the state keeps order).
        for name, frames in (("note", notes), ("status", status)):
            if name == "status":  # renumber after the notes
                base = state.last_seq
                for k, f in enumerate(frames):
                    f["event"] = {**f["event"], "seq": base + k + 1}
            walls, cpus = [], []
            for frame in frames:
                w0, c0 = time.perf_counter(), time.process_time()
                state.apply(frame)
                app._changed(state)
                app._repaint()
                await pilot.pause()
                walls.append((time.perf_counter() - w0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
            out[name] = {
                "n": len(frames),
                "p50": statistics.median(walls),
                "p95": sorted(walls)[int(0.95 * (len(walls) - 1))],
                "cpu": statistics.mean(cpus),
            }
        out["detail"] = app.node_text().split("\n")[0]
    return out


def main() -> None:
    """Print the figures."""
    r = asyncio.run(_measure())
    print(f"   {NODES} nodes: welcome {r['welcome_kib']:.1f} KiB, read in {r['welcome_ms']:.1f} ms")
    for name in ("note", "status"):
        f = r[name]
        print(
            f"   {name:6} frames: {f['n']}, repaint+frame p50 {f['p50']:.1f} ms, "
            f"p95 {f['p95']:.1f} ms, cpu {f['cpu']:.1f} ms"
        )
    print(
        f"   status / note: p50 {r['status']['p50'] / r['note']['p50']:.2f}x, "
        f"cpu {r['status']['cpu'] / r['note']['cpu']:.2f}x  (selected: {r['detail']})"
    )


if __name__ == "__main__":
    main()
