"""The components worked by hand on the mini scenario's playbook, with step weights.

Playbook (tests/scoring/conftest.py), in order, with the `after` each step has: assess;
escalate (after assess, by default); communicate (after assess); workaround (after assess);
fix (after escalate); verify, prevent, follow-up (each after the one before, by default).
Targets: assess 15, escalate 30, communicate 30, workaround 45, fix 90.
Weights set here: communicate 2, fix 3, the others 1 (total 11).
"""

from __future__ import annotations

from typing import Any

import pytest

from tabletop.scenario.models import Scenario
from tabletop.scoring.components import (
    CriticalFailure,
    StepTimes,
    coverage_component,
    critical_failures,
    order_component,
    ordered_pairs,
    outcome_component,
    step_timeliness,
    timeliness_component,
)


@pytest.fixture
def weighted(mini_data: dict[str, Any], build: Any) -> Scenario:
    for step in mini_data["playbook"]:
        step["weight"] = {"communicate": 2, "fix": 3}.get(step["id"], 1)
        if step["id"] in ("communicate", "fix"):
            step["critical"] = True
    return build(mini_data)


def test_ordered_pairs_are_the_transitive_after_relation(mini: Scenario) -> None:
    assert ordered_pairs(mini) == [
        ("assess", "escalate"), ("assess", "communicate"), ("assess", "workaround"),
        ("assess", "fix"), ("assess", "verify"), ("assess", "prevent"), ("assess", "follow-up"),
        ("escalate", "fix"), ("escalate", "verify"), ("escalate", "prevent"),
        ("escalate", "follow-up"),
        ("fix", "verify"), ("fix", "prevent"), ("fix", "follow-up"),
        ("verify", "prevent"), ("verify", "follow-up"),
        ("prevent", "follow-up"),
    ]  # fmt: skip


def test_order_weights_each_pair_by_the_product_of_its_steps(weighted: Scenario) -> None:
    times = StepTimes({"assess": 10, "escalate": 5, "communicate": 0, "fix": 20}, {})
    part = order_component(weighted, times)
    # Ordered pairs among the started: (assess, escalate) 1x1, (assess, communicate) 1x2,
    # (assess, fix) 1x3, (escalate, fix) 1x3: 9. Discordant: escalate (5) and communicate
    # (0) before assess (10): 1 + 2 = 3. Agreement 1 - 3/9; started weight 1+1+2+3 of 11.
    assert part.ordered == [
        ("assess", "escalate"), ("assess", "communicate"), ("assess", "fix"), ("escalate", "fix"),
    ]  # fmt: skip
    assert part.discordant == [("assess", "escalate"), ("assess", "communicate")]
    assert (part.started, part.unstarted) == (
        ["assess", "escalate", "communicate", "fix"],
        ["workaround", "verify", "prevent", "follow-up"],
    )
    assert part.ordered_weight == 9
    assert part.steps == 11
    assert part.agreement == pytest.approx(2 / 3)
    assert part.started_share == pytest.approx(7 / 11)
    assert part.value == pytest.approx(14 / 33)


def test_order_a_tie_is_not_discordant_and_nothing_started_is_zero(weighted: Scenario) -> None:
    tie = order_component(weighted, StepTimes({"assess": 5, "escalate": 5}, {}))
    assert (tie.discordant, tie.agreement, tie.value) == ([], 1.0, pytest.approx(2 / 11))
    alone = order_component(weighted, StepTimes({"verify": 3}, {}))
    assert (alone.ordered, alone.agreement, alone.value) == ([], 1.0, pytest.approx(1 / 11))
    none = order_component(weighted, StepTimes({}, {}))
    assert (none.agreement, none.value, none.started_share) == (0.0, 0.0, 0.0)


def test_coverage_is_the_weight_of_the_steps_done(weighted: Scenario) -> None:
    part = coverage_component(weighted, StepTimes({}, {"assess": 15, "communicate": 45, "fix": 60}))
    assert part.value == pytest.approx(6 / 11)
    assert part.done == ["assess", "communicate", "fix"]
    assert part.missing == ["escalate", "workaround", "verify", "prevent", "follow-up"]


def test_timeliness_is_the_weighted_mean_over_targeted_steps(weighted: Scenario) -> None:
    done = {"assess": 15, "communicate": 45, "fix": 60, "verify": 70}
    part = timeliness_component(weighted, StepTimes({}, done))
    # assess on its target (1), communicate half late (1 - 15/30), fix early (1), escalate
    # and workaround never (0); weights 1, 2, 3, 1, 1: (1 + 1 + 3) / 8.
    assert part.per_step == {
        "assess": 1.0, "escalate": 0.0, "communicate": 0.5, "workaround": 0.0, "fix": 1.0,
    }  # fmt: skip
    assert (part.value, part.targeted_weight, part.any_done) == (5 / 8, 8, True)


def test_timeliness_without_targets(mini_data: dict[str, Any], build: Any) -> None:
    for step in mini_data["playbook"]:
        step.pop("by", None)
    sc = build(mini_data)
    some = timeliness_component(sc, StepTimes({}, {"verify": 3}))
    none = timeliness_component(sc, StepTimes({"verify": 3}, {}))
    assert (some.value, some.per_step, some.any_done, some.targeted_weight) == (1.0, {}, True, 0)
    assert (none.value, none.any_done) == (0.0, False)


@pytest.mark.parametrize(
    ("by", "done", "value"),
    [(30, None, 0.0), (30, 0, 1.0), (30, 30, 1.0), (30, 31.5, 0.95), (30, 45, 0.5),
     (30, 60, 0.0), (30, 90, 0.0), (0, 0, 1.0), (0, 1, 0.0), (0.5, 0.75, 0.5)],
)  # fmt: skip
def test_step_timeliness(by: float, done: float | None, value: float) -> None:
    assert step_timeliness(by, done) == pytest.approx(value)


@pytest.mark.parametrize(
    ("team", "nothing", "reference", "value"),
    [(100, 100, 0, 0.0), (0, 100, 0, 1.0), (25, 100, 0, 0.75), (60, 100, 20, 0.5),
     (150, 100, 0, 0.0), (10, 100, 20, 1.0), (50, 100, 100, 1.0), (50, 100, 120, 1.0)],
)  # fmt: skip
def test_outcome(team: float, nothing: float, reference: float, value: float) -> None:
    part = outcome_component(team, nothing, reference)
    assert (part.value, part.team, part.nothing, part.reference) == (
        pytest.approx(value),
        team,
        nothing,
        reference,
    )


def test_critical_steps_fail_when_missing_or_at_twice_their_target(weighted: Scenario) -> None:
    # communicate (by 30) and fix (by 90) are critical.
    on_time = StepTimes({}, {"communicate": 30, "fix": 179.9})
    assert critical_failures(weighted, on_time) == []
    assert critical_failures(weighted, StepTimes({}, {"communicate": 60, "fix": 200})) == [
        CriticalFailure("communicate", 60),
        CriticalFailure("fix", 200),
    ]
    assert critical_failures(weighted, StepTimes({}, {"fix": 10})) == [
        CriticalFailure("communicate", None)
    ]


def test_a_critical_step_without_a_target_fails_only_when_missing(
    mini_data: dict[str, Any], build: Any
) -> None:
    for step in mini_data["playbook"]:
        if step["id"] == "verify":
            step["critical"] = True
    sc = build(mini_data)
    assert critical_failures(sc, StepTimes({}, {"verify": 239})) == []
    assert critical_failures(sc, StepTimes({}, {})) == [CriticalFailure("verify", None)]
