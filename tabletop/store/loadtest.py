"""Many processes writing drills at once: used by the concurrency test and the benchmark.

Several teams on one server finish drills at the same moment; every one must be stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scoring.model import Components, Finding, ImpactFigures, Score, grade_for

#: The moment the first load-test drill is recorded; each next one is a second later.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

_SCENARIO = {
    "format": "tabletop/v1",
    "id": "load-test",
    "title": "Load test",
    "kind": "other",
    "summary": "A tiny outage for store load tests.",
    "duration": 30,
    "nodes": [{"id": "svc", "label": "Service", "users": 100}],
    "actions": [
        {"id": "look", "label": "Look", "phase": "assess", "minutes": 1},
        {
            "id": "fix",
            "label": "Fix",
            "phase": "fix",
            "minutes": 5,
            "effects": [{"node": "svc", "status": "up"}],
        },
    ],
    "injects": [
        {"id": "down", "at": 0, "title": "Down", "effects": [{"node": "svc", "status": "down"}]}
    ],
    "playbook": [
        {"id": "assess", "phase": "assess", "title": "Assess", "any_of": ["look"]},
        {"id": "fix", "phase": "fix", "title": "Fix", "any_of": ["fix"]},
    ],
}


def load_test_drill() -> tuple[LoadedScenario, object, Score]:
    """A small played drill and a fixed score (no scoring run: the store is what is tested)."""
    text = json.dumps(_SCENARIO, sort_keys=True)
    scenario = Scenario.model_validate(_SCENARIO)
    loaded = LoadedScenario(
        scenario, Path("<load-test>"), hashlib.sha256(text.encode()).hexdigest()
    )
    session = simulate(scenario, [Decision(1, "look", by="a"), Decision(3, "fix", note="go")])
    score = Score(
        scenario="load-test",
        team="",
        total=81.0,
        grade=grade_for(81.0),
        components=Components(1.0, 1.0, 0.5, 0.8),
        weights={"order": 35, "coverage": 20, "timeliness": 15, "outcome": 30},
        penalties=0.0,
        impact=ImpactFigures(session.customer_minutes, 3000.0, 600.0, 0.0),
        findings=[Finding("improvement", "timeliness", -7.5, "Fix was late.", 8.0, "fix")],
    )
    return loaded, session, score


def write_many(db_path: str, worker: int, count: int) -> list[int]:
    """Save `count` drills for team `w<worker>`, drill k recorded at EPOCH + k seconds."""
    from tabletop.engine.session import Session
    from tabletop.store.sessions import save_session

    loaded, session, score = load_test_drill()
    assert isinstance(session, Session)
    team_score = dataclasses.replace(score, team=f"w{worker}")
    return [
        save_session(db_path, loaded, session, team_score, recorded_at=EPOCH + timedelta(seconds=k))
        for k in range(count)
    ]


def run_workers(db_path: str, workers: int, count: int) -> tuple[list[list[int]], float]:
    """Start `workers` processes at once, each saving `count` drills; (ids per worker, seconds)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        # Warm the pool up first so the timing is of the writes, not of process start-up.
        pool.map(_noop, range(workers))
        started = time.perf_counter()
        ids = pool.starmap(write_many, [(db_path, w, count) for w in range(workers)])
        return ids, time.perf_counter() - started


def _noop(_: int) -> None:
    import tabletop.store.sessions  # noqa: F401  (import cost outside the timing)
