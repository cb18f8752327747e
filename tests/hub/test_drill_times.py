"""A drill room's drill is stored with its real start and end: the hub journals when the drill
began, a hub killed and resumed keeps that first start, and the history row says both."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from tabletop.engine.journal import iso_utc
from tests.hub.conftest import HubProcess, Zygote, join


def _now() -> str:
    return iso_utc(datetime.now(UTC))


async def test_a_resumed_room_is_stored_from_its_first_start_to_its_end(
    tmp_path: Path, zygote: Zygote
) -> None:
    before = _now()
    hub = HubProcess(tmp_path, zygote=zygote)
    began = hub.journal_events()[0].get("started_at")
    assert isinstance(began, str), "the hub journals when its drill began"
    assert before <= began <= _now()
    # The second changes before the hub comes back: a start taken at resume would differ.
    time.sleep(1.1)
    hub.kill()
    resumed_at = _now()
    hub = HubProcess(tmp_path, resume=True, port=hub.port, zygote=zygote)
    try:
        assert hub.journal_events()[0].get("started_at") == began
        async with aiohttp.ClientSession() as http:
            fay, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await fay.send({"type": "end"})
            await fay.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
    finally:
        hub.stop()
    with sqlite3.connect(tmp_path / "history.sqlite3") as conn:
        rows = conn.execute("SELECT started_at, ended_at FROM sessions").fetchall()
    assert len(rows) == 1
    started_at, ended_at = rows[0]
    assert started_at == began
    assert started_at < resumed_at <= ended_at <= _now()
