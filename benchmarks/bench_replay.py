"""Headless runs at scale: a 1,000-decision log on a generated 10k-node scenario.

Figures: session construction (10k and 100k nodes), the headless run of the log (`simulate`),
the same run journalled (flush + fsync per event), reading the journal back and replaying it
(what `tabletop resume` does). Baseline in the same run: the same headless run as the first
engine did it, with a full recomputation (`compute_effective`) per status update.
Target: the headless run and the replay each ≤ 1 s.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from tabletop.engine.events import Decision
from tabletop.engine.journal import JournalWriter, read_journal, replay
from tabletop.engine.propagation import Changes, StatusGraph, compute_effective
from tabletop.engine.session import Session, simulate
from tabletop.engine.synthetic import generate_scenario_data
from tabletop.scenario.models import Scenario

NODES = 10_000
DECISIONS = 1_000


def decision_log(scenario: Scenario, count: int, seed: int = 3) -> list[Decision]:
    """`count` decisions of random actions, a random 0–1 minute apart."""
    rng = random.Random(seed)
    ids = [a.id for a in scenario.actions]
    at = 0.0
    out = []
    for k in range(count):
        at += rng.choice([0, 0.25, 0.5, 1])
        out.append(Decision(at, rng.choice(ids), by=f"p{k % 5}"))
    return out


class FirstEngineStatus(StatusGraph):
    """What the first engine did per update: the full recomputation (`compute_effective`)."""

    def set_own(self, node: str, status: str) -> Changes:
        changes = super().set_own(node, status)
        compute_effective(self.graph, dict(self.own))
        return changes


def full_recompute_run(scenario: Scenario, decisions: list[Decision]) -> Session:
    """The baseline: like `simulate`, plus a full recomputation per status update."""
    session = Session(scenario)
    session.status.__class__ = FirstEngineStatus
    for d in decisions:
        session.advance(d.at)
        session.take(d.action, by=d.by)
    session.advance(scenario.duration)
    return session


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    took = time.perf_counter() - t0
    print(f"   {label:<58} {took * 1e3:9.1f} ms")
    return out, took


def session_on_100k() -> None:
    """Session construction on 100k nodes (the scenario is dropped afterwards)."""
    big = Scenario.model_validate(generate_scenario_data(100_000, actions=50))
    timed("Session() on 100,000 nodes", lambda: Session(big))


def main() -> None:
    """Print the figures and the ratio against the full-recompute baseline."""
    data = generate_scenario_data(NODES, actions=200)
    scenario, _ = timed(
        f"validate generated {NODES:,}-node scenario (pydantic)",
        lambda: Scenario.model_validate(data),
    )
    timed(f"Session() on {NODES:,} nodes", lambda: Session(scenario))
    session_on_100k()
    decisions = decision_log(scenario, DECISIONS)
    session, run = timed(
        f"headless run of {DECISIONS:,} decisions (simulate)", lambda: simulate(scenario, decisions)
    )
    refused = sum(1 for d in session.decisions if not d.accepted)
    print(
        f"     {len(session.feed):,} events, {refused} refusals, "
        f"{session.status.path_counts['incremental']} incremental / "
        f"{session.status.path_counts['vectorised']} vectorised updates, "
        f"{session.customer_minutes:,.0f} customer-minutes"
    )
    base, base_time = timed(
        "baseline: same run, compute_effective per update",
        lambda: full_recompute_run(scenario, decisions),
    )
    assert base.customer_minutes == session.customer_minutes
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.jsonl"

        def journalled() -> Session:
            with JournalWriter(path) as writer:
                return simulate(scenario, decisions, sink=writer)

        timed("headless run, journalled (fsync per event)", journalled)
        read, _ = timed("read the journal back", lambda: read_journal(path))
        again, replay_time = timed("replay the journal", lambda: replay(scenario, read.events))
        assert again.feed == read.events
    print(f"   ratio baseline/ours (headless run): {base_time / run:.1f}x")
    ok = run <= 1 and replay_time <= 1
    print(f"   target run and replay <= 1 s: {'met' if ok else 'MISSED'}")
