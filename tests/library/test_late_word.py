"""A team that handles an outage well but tells customers late does not get an A: on every
built-in scenario the late word is a failed critical task, the first finding of the debrief,
and the same decisions with the word on time score like the model answer."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.models import Phase, PlaybookStep, Scenario
from tabletop.scoring import Score, score

if TYPE_CHECKING:
    from conftest import Library


def _communicate(scenario: Scenario) -> PlaybookStep:
    steps = [s for s in scenario.playbook if s.phase == Phase.COMMUNICATE]
    assert len(steps) == 1, "each built-in has one communicate step"
    return steps[0]


def _late_decisions(lib: Library, scenario_id: str) -> list[Decision]:
    scenario = lib.loaded(scenario_id).scenario
    log = load_decision_log(lib.log_dir / f"{scenario_id}-late-word.yaml", scenario)
    assert log.scenario_id == scenario_id and log.team == "late-word"
    return list(log.decisions)


def _on_time(lib: Library, scenario_id: str) -> list[Decision]:
    """The late log with the customer word moved to when the model answer gives it."""
    scenario = lib.loaded(scenario_id).scenario
    assert scenario.reference is not None
    reference_at = {r.action: r.at for r in scenario.reference}
    step = _communicate(scenario)
    moved = [
        replace(d, at=reference_at[d.action]) if d.action in step.any_of else d
        for d in _late_decisions(lib, scenario_id)
    ]
    assert moved != _late_decisions(lib, scenario_id)
    return moved


def _score(lib: Library, scenario_id: str, decisions: list[Decision]) -> Score:
    scenario = lib.loaded(scenario_id).scenario
    return score(scenario, simulate(scenario, decisions), team="late-word", counterfactuals=False)


def test_late_word_lands_below_an_a(lib: Library, scenario_id: str) -> None:
    result = _score(lib, scenario_id, _late_decisions(lib, scenario_id))
    # Measured: 81.0-82.3 on every built-in, a B - the rest of the response was good.
    assert 80 <= result.total < 90
    assert result.grade == "B"
    assert result.critical_penalties == lib.loaded(scenario_id).scenario.critical_penalty


def test_late_word_is_the_first_finding(lib: Library, scenario_id: str) -> None:
    scenario = lib.loaded(scenario_id).scenario
    step = _communicate(scenario)
    assert step.critical and step.by is not None
    result = _score(lib, scenario_id, _late_decisions(lib, scenario_id))
    first = result.findings[0]
    assert first.kind == "improvement" and first.component == "critical"
    assert first.step == step.id
    assert first.points == -scenario.critical_penalty
    # In words a team understands: when customers were told, against the target.
    assert first.text.startswith("Customers were told at T+2:")
    assert first.t is not None and first.t >= 2 * step.by
    assert [f for f in result.findings if f.component == "critical"] == [first]


def test_the_same_response_with_the_word_on_time_scores_an_a(
    lib: Library, scenario_id: str
) -> None:
    late = _score(lib, scenario_id, _late_decisions(lib, scenario_id))
    on_time = _score(lib, scenario_id, _on_time(lib, scenario_id))
    # Measured: 99.83 on dc-power-loss (its follow-up waits for the late word), else 100.
    assert on_time.total >= 99
    assert not [f for f in on_time.findings if f.component == "critical"]
    # The word alone is worth the critical penalty and more.
    scenario = lib.loaded(scenario_id).scenario
    assert on_time.total - late.total >= scenario.critical_penalty


@pytest.mark.parametrize("minute", [0.0, 10.0])
def test_word_just_before_twice_the_target_is_not_critical(
    lib: Library, scenario_id: str, minute: float
) -> None:
    """Done one minute (or eleven) before twice the target: late, but not a failed critical task."""
    scenario = lib.loaded(scenario_id).scenario
    step = _communicate(scenario)
    assert step.by is not None
    word = next(d for d in _late_decisions(lib, scenario_id) if d.action in step.any_of)
    at = 2 * step.by - scenario.action(word.action).minutes - 1 - minute
    decisions = [
        replace(d, at=at) if d.action in step.any_of else d
        for d in _late_decisions(lib, scenario_id)
    ]
    result = _score(lib, scenario_id, decisions)
    assert not [f for f in result.findings if f.component == "critical"]
    assert result.total >= 90
