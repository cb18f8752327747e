"""The reference run (the model answer) and the baseline run (doing nothing).

docs/scoring.md, Reference run: the scenario's `reference` decisions; when absent, derived
from the playbook: for each step in order that is not yet covered, its first `any_of` action,
preceded by any of that action's `requires` not yet taken (recursively), each taken at minute
0 or when the previous one finishes. Doing nothing is the empty decision list.
"""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.engine.events import Decision
from tabletop.engine.session import Session, simulate
from tabletop.scenario.models import Scenario


def derived_reference(scenario: Scenario) -> list[Decision]:
    """The reference derived from the playbook (used when the scenario gives none).

    A step is covered once any of its `any_of` actions is in the list (e.g. as a prerequisite
    of an earlier step). Decisions run one after another: the first at minute 0, each next
    one when the previous one finishes, so every prerequisite is done when it is needed.
    """
    actions = scenario.action_index
    order: list[str] = []
    seen: set[str] = set()

    def add(action_id: str, path: frozenset[str]) -> None:
        # `path` stops a requires-cycle (rejected by validation) from recursing forever.
        if action_id in seen or action_id in path or action_id not in actions:
            return
        for req in actions[action_id].requires:
            add(req, path | {action_id})
        seen.add(action_id)
        order.append(action_id)

    for step in scenario.playbook:
        if not any(a in seen for a in step.any_of):
            add(step.any_of[0], frozenset())
    decisions: list[Decision] = []
    at = 0.0
    for action_id in order:
        decisions.append(Decision(at, action_id))
        at += actions[action_id].minutes
    return decisions


def reference_decisions(scenario: Scenario) -> list[Decision]:
    """The scenario's `reference` decisions, or the derived ones when it has none."""
    if scenario.reference is not None:
        return [Decision(r.at, r.action, message=r.message) for r in scenario.reference]
    return derived_reference(scenario)


def run_until(
    scenario: Scenario, decisions: list[Decision], horizon: float | None = None
) -> Session:
    """`simulate` without a journal feed, to the end of the drill.

    `horizon` is when the drill was ended (None: at the duration). Ending early stops the
    decisions, not the outage: the run still goes on to the duration, and decisions at or
    after the horizon are refused, so every comparison covers the same whole drill.
    """
    end_at = None if horizon is None or horizon >= scenario.duration else horizon
    return simulate(scenario, decisions, end_at=end_at, record_feed=False)


@dataclass(frozen=True)
class Runs:
    """The reference and baseline sessions, each over the whole drill."""

    reference: Session
    baseline: Session


def comparison_runs(scenario: Scenario) -> Runs:
    """Simulate the reference and doing nothing over the whole drill.

    Both always run to the duration, whenever the team's drill was ended: a team that stops
    early is still measured over the whole outage, so stopping can never raise its outcome.
    """
    return Runs(
        reference=run_until(scenario, reference_decisions(scenario)),
        baseline=run_until(scenario, []),
    )
