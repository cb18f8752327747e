"""A hub killed after its drill ended and resumed still gives every seat the score, and does
not store the drill in the history a second time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiohttp

from tests.hub.conftest import HubProcess, Zygote, join


def _stored(tmp_path: Path) -> int:
    dbs = list(tmp_path.rglob("*.sqlite3"))
    assert len(dbs) == 1, dbs
    with sqlite3.connect(dbs[0]) as conn:
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])


async def test_a_drill_resumed_after_its_end_still_reports_its_score(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            fay, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await fay.send({"type": "end"})
            first = await fay.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
            hub.kill()

            hub = HubProcess(tmp_path, resume=True, port=hub.port, zygote=zygote)
            ana, welcome = await join(http, hub.url, hub.codes["commander"], "Ana")
            frames = [welcome]
            if "score" not in welcome.get("clock", {}):
                frames.append(
                    await ana.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
                )
            scores = [f.get("score") or f.get("clock", {}).get("score") for f in frames]
            assert first["score"] in scores
    finally:
        hub.stop()
    assert _stored(tmp_path) == 1
