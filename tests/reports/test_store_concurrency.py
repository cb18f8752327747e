"""8 processes x 200 drills written at once: none is lost."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from tabletop.store import list_sessions
from tabletop.store.loadtest import EPOCH, run_workers

WORKERS = 8
PER_WORKER = 200


def test_concurrent_writers_lose_nothing(history_db: Path | str) -> None:
    """On each backend: a SQLite file, and a PostgreSQL server (many machines, one history)."""
    db = history_db
    ids, _seconds = run_workers(str(db), WORKERS, PER_WORKER)
    flat = [i for worker in ids for i in worker]
    assert len(flat) == WORKERS * PER_WORKER
    assert len(set(flat)) == len(flat), "two saves got the same id"
    rows = list_sessions(db)
    assert len(rows) == WORKERS * PER_WORKER
    per_team = Counter(r.team for r in rows)
    assert per_team == {f"w{w}": PER_WORKER for w in range(WORKERS)}
    # Each worker's drills are all there, each with its own time.
    for w in range(WORKERS):
        times = sorted(r.ended_at for r in rows if r.team == f"w{w}")
        assert times[0] == EPOCH.strftime("%Y-%m-%dT%H:%M:%SZ") and len(set(times)) == PER_WORKER
    if isinstance(db, Path):
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            _counts_match(conn, len(flat))
    else:
        import psycopg

        with psycopg.connect(db) as pg:
            _counts_match(pg, len(flat))


def _counts_match(conn: Any, drills: int) -> None:
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2 * drills
    assert conn.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 1
    # Every drill's areas became plan items once per team (the same weakness 200 times).
    items = conn.execute("SELECT team, count(*) FROM improvement_items GROUP BY team").fetchall()
    assert len(items) == WORKERS and len({n for _, n in items}) == 1
