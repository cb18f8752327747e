"""A drill room's ended drill goes into the history the way a played or run drill does:
through the drill service, with its counterfactuals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import aiohttp

from tests.hub.conftest import HubProcess, Zygote, join


async def test_the_stored_room_drill_has_its_what_ifs(tmp_path: Path, zygote: Zygote) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            fay, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            # Ended at once: every playbook step is missing, so the what-ifs have work to do.
            await fay.send({"type": "end"})
            clock = await fay.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
    finally:
        hub.stop()
    dbs = list(tmp_path.rglob("*.sqlite3"))
    assert len(dbs) == 1, dbs
    with sqlite3.connect(dbs[0]) as conn:
        total, doc = conn.execute("SELECT total, score_json FROM sessions").fetchone()
    assert round(total, 2) == clock["score"]["total"]
    what_ifs = json.loads(doc)["counterfactuals"]
    assert what_ifs, "the room's drill is stored with its counterfactuals"
    assert all(cf["customer_minutes_saved"] > 0 for cf in what_ifs)
