"""The drill room under load: SEATS seats, RATE decisions a second for SECONDS seconds.

A real hub process (`tabletop host`) and real WebSocket seats (aiohttp) in this process. The
facilitator's seat decides (actions in turn: taken, or refused while running; both are
journalled decisions) and every seat checks that it gets every event it may see, in order,
with no gap. Latency: from the moment the hub has the event fsynced in its journal
(`TABLETOP_HUB_TIMING`) to the moment the last seat has received it, p50/p95/p99 (goal: p95
≤ 50 ms on loopback). Also the hub's resident memory after the seats joined and at the end.
Baseline in the same run: the same load with one seat.

The issue asks for 60 s; the default here is 20 s, so that `python -m benchmarks room` stays
short. TABLETOP_BENCH_ROOM_SECONDS=60 runs the full length.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

SEATS = 20
RATE = 10.0
SECONDS = float(os.environ.get("TABLETOP_BENCH_ROOM_SECONDS", "20"))
SCENARIO = "office-isp-loss"
ROLES = ("commander", "comms", "responder", "observer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Seat:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, role: str) -> None:
        self.ws, self.role = ws, role
        self.seqs: list[int] = []
        self.arrived: dict[int, float] = {}

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                return
            now = time.monotonic()
            frame = json.loads(msg.data)
            events = (
                frame["events"]
                if frame["type"] == "welcome"
                else [frame["event"]]
                if frame["type"] == "event"
                else []
            )
            for ev in events:
                self.seqs.append(ev["seq"])
                self.arrived[ev["seq"]] = now


async def _room(seats: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = _free_port()
        timing = folder / "durable.txt"
        env = {
            **os.environ,
            "TABLETOP_HUB_TIMING": str(timing),
            "TABLETOP_DB": str(folder / "h.sqlite3"),
            "XDG_DATA_HOME": str(folder),
        }
        out = (folder / "hub.out").open("wb")
        hub = subprocess.Popen(
            [
                sys.executable, "-m", "tabletop.cli", "host", SCENARIO,
                "--journal", str(folder / "room.jsonl"), "--codes", str(folder / "codes.json"),
                "--port", str(port), "--max-browsers", "0", "--max-seats", str(seats + 1),
            ],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        try:
            while "listening on" not in (folder / "hub.out").read_text():
                if hub.poll() is not None:
                    raise RuntimeError((folder / "hub.out").read_text())
                await asyncio.sleep(0.05)
            codes = json.loads((folder / "codes.json").read_text())
            return await _drive(hub.pid, port, codes, seats, seconds, folder, timing)
        finally:
            hub.terminate()
            hub.wait(10)
            out.close()


async def _drive(
    pid: int,
    port: int,
    codes: dict[str, str],
    seats: int,
    seconds: float,
    folder: Path,
    timing: Path,
) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{port}/hub"
    async with aiohttp.ClientSession() as http:
        room: list[_Seat] = []
        for k in range(seats):
            role = "facilitator" if k == 0 else ROLES[k % len(ROLES)]
            ws = await http.ws_connect(url, max_msg_size=8 * 1024 * 1024)
            await ws.send_str(json.dumps({"type": "hello", "code": codes[role], "name": f"s{k}"}))
            room.append(_Seat(ws, role))
        readers = [asyncio.create_task(s.read()) for s in room]
        await asyncio.sleep(1.0)
        rss_start = _rss_kib(pid)
        actions = [
            "assess-site-link", "walk-the-site", "call-isp", "call-mobile-carrier",
            "divert-calls", "manual-picking-lists", "reset-site-firewall", "inspect-cut-cable",
        ]  # fmt: skip
        decider = room[0]
        # The clock runs (a minute a second): actions finish and injects come, as in a drill.
        await decider.ws.send_str(json.dumps({"type": "clock", "running": True, "pace": 1}))
        start = time.monotonic()
        n = int(seconds * RATE)
        for k in range(n):
            await asyncio.sleep(max(0.0, start + k / RATE - time.monotonic()))
            await decider.ws.send_str(json.dumps({"type": "decide", "action": actions[k % 8]}))
        await asyncio.sleep(1.5)  # the last events reach every seat
        rss_end = _rss_kib(pid)
        for s in room:
            await s.ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    journal = [json.loads(x) for x in (folder / "room.jsonl").read_text().splitlines()]
    durable = {int(a): float(b) for a, b in (x.split() for x in timing.read_text().splitlines())}
    return _figures(room, journal, durable, start, rss_start, rss_end, n)


def _figures(
    room: list[_Seat],
    journal: list[dict[str, Any]],
    durable: dict[int, float],
    start: float,
    rss_start: int,
    rss_end: int,
    sent: int,
) -> dict[str, Any]:
    everyone = [e["seq"] for e in journal]
    team = [e["seq"] for e in journal if e.get("audience") != "facilitator"]
    for s in room:
        expected = everyone if s.role == "facilitator" else team
        if s.seqs != expected:
            missing = sorted(set(expected) - set(s.seqs))[:5]
            raise AssertionError(f"a {s.role} seat got {len(s.seqs)} of {len(expected)}: {missing}")
    measured = [q for q in team if q in durable and durable[q] >= start]
    latencies = sorted(max(s.arrived[q] for s in room) - durable[q] for q in measured)
    decisions = sum(1 for e in journal if e["kind"] in ("decision", "refusal"))
    return {
        "events": len(measured),
        "decisions": decisions,
        "sent": sent,
        "p50": _pct(latencies, 50),
        "p95": _pct(latencies, 95),
        "p99": _pct(latencies, 99),
        "mean": statistics.fmean(latencies),
        "rss_start": rss_start,
        "rss_end": rss_end,
    }


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    """Run the room and its one-seat baseline; print the figures."""
    print(f"   {SEATS} seats, {RATE:g} decisions/s for {SECONDS:g} s (baseline: 1 seat)")
    base = asyncio.run(_room(1, SECONDS))
    full = asyncio.run(_room(SEATS, SECONDS))
    for label, r in (("1 seat", base), (f"{SEATS} seats", full)):
        print(
            f"   {label:>8}: {r['events']} events ({r['decisions']} decisions journalled of "
            f"{r['sent']} sent), every seat all of them in order; fsync -> last seat "
            f"p50 {r['p50'] * 1000:.1f} ms, p95 {r['p95'] * 1000:.1f} ms, "
            f"p99 {r['p99'] * 1000:.1f} ms; hub RSS {r['rss_start'] / 1024:.1f} -> "
            f"{r['rss_end'] / 1024:.1f} MiB"
        )
    print(
        f"   p95 ratio {SEATS} seats / 1 seat: {full['p95'] / base['p95']:.2f}x "
        f"(goal p95 <= 50 ms: {'met' if full['p95'] <= 0.050 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
