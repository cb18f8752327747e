"""The scoring rules work on every built-in scenario: the reference wins, inaction loses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Library


def test_reference_scores_at_least_90(lib: Library, scenario_id: str) -> None:
    result = lib.solved(scenario_id)
    assert result.reference.total >= 90
    assert result.refused == [], "every reference decision is accepted by the engine"
    assert result.warnings == []


def test_doing_nothing_scores_at_most_15(lib: Library, scenario_id: str) -> None:
    assert lib.solved(scenario_id).baseline.total <= 15


def test_reference_avoids_most_of_the_avoidable_impact(lib: Library, scenario_id: str) -> None:
    impact = lib.solved(scenario_id).reference.impact
    assert impact.reference_customer_minutes < 0.5 * impact.baseline_customer_minutes


def test_reference_covers_every_step_on_time(lib: Library, scenario_id: str) -> None:
    ref = lib.solved(scenario_id).reference
    assert ref.components.coverage == 1
    assert ref.components.timeliness == 1
    assert ref.components.order == 1
    for entry in ref.timeline:
        assert entry.team_done is not None
        assert entry.by is None or entry.team_done <= entry.by


def test_reference_messages_disclose_nothing(lib: Library, scenario_id: str) -> None:
    findings = lib.solved(scenario_id).reference.findings
    lost = [f for f in findings if f.kind == "improvement"]
    assert not [f for f in lost if f.component in ("disclosure", "penalty")]
