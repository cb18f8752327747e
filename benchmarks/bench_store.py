"""History store: drills saved per second, one writer vs 8 concurrent writer processes.

The baseline is one process saving the same number of drills in the same run, so the ratio
shows what contention costs (or parallelism gains) on this machine.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tabletop.store import list_sessions
from tabletop.store.loadtest import run_workers, write_many

WORKERS = 8
PER_WORKER = 200


def main() -> None:
    """Print sessions/s for 1 writer and for 8 concurrent writers, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        single = str(Path(tmp) / "single.sqlite3")
        started = time.perf_counter()
        write_many(single, 0, WORKERS * PER_WORKER)
        one = WORKERS * PER_WORKER / (time.perf_counter() - started)

        many = str(Path(tmp) / "many.sqlite3")
        _ids, seconds = run_workers(many, WORKERS, PER_WORKER)
        stored = len(list_sessions(many))
        rate = WORKERS * PER_WORKER / seconds
        started = time.perf_counter()
        rows = list_sessions(many)
        listing = time.perf_counter() - started
    print(f"   1 writer:   {one:8.0f} sessions/s ({WORKERS * PER_WORKER} saves)")
    print(
        f"   {WORKERS} writers:  {rate:8.0f} sessions/s ({WORKERS}x{PER_WORKER}, "
        f"{stored} stored, none lost: {stored == WORKERS * PER_WORKER})"
    )
    print(f"   ratio concurrent/single: {rate / one:.2f}")
    print(f"   listing {len(rows)} sessions: {listing * 1000:.0f} ms")


if __name__ == "__main__":
    main()
