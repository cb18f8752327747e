"""Worked examples by hand, one per component, with the arithmetic in the comments."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import grade_for, score
from tabletop.scoring.components import (
    StepTimes,
    order_component,
    ordered_pairs,
    outcome_component,
    step_timeliness,
)


def lost(sc: Any, component: str) -> float:
    return -sum(f.points for f in sc.improvements if f.component == component)


def test_order_discordant_pairs_and_unstarted_step(flat: Scenario) -> None:
    # Steps assess < escalate < communicate < fix (default `after`: the step above).
    # Team: communicate at 0, assess at 5, escalate at 10, fix never.
    s = simulate(flat, [D(0, "act-communicate"), D(5, "act-assess"), D(10, "act-escalate")])
    sc = score(flat, s, counterfactuals=False)
    # Ordered pairs among started (closure of the chain): (assess, escalate),
    # (assess, communicate), (escalate, communicate) = 3.
    # Discordant: communicate (0) before assess (5), and before escalate (10) = 2.
    # agreement = 1 - 2/3 = 1/3; order = 1/3 x 3 started / 4 steps = 0.25.
    assert sc.components.order == pytest.approx(0.25)
    # Lost: 35 x (1 - 0.25) = 26.25 = two pairs x 35 x 3/(4 x 3) = 8.75 each
    #                                 + the unstarted fix step, 35 / 4 = 8.75.
    order = [f for f in sc.improvements if f.component == "order"]
    assert [round(f.points, 4) for f in order] == [-8.75, -8.75, -8.75]
    assert lost(sc, "order") == pytest.approx(26.25)
    pair_texts = [f.text for f in order if f.step == "communicate"]
    assert len(pair_texts) == 2
    assert "You told customers at T+0:00 before assessing at T+5:00" in pair_texts[0]
    assert "guesses instead of facts" in pair_texts[0]


def test_order_with_explicit_after_is_a_partial_order(
    flat_data: dict[str, Any], build: Any
) -> None:
    # `after: []` on communicate: it may run in parallel with everything.
    flat_data["playbook"][2]["after"] = []
    flat_data["playbook"][3]["after"] = ["escalate"]
    sc_ = build(flat_data)
    # assess < escalate < fix (via fix.after), nothing about communicate.
    assert ordered_pairs(sc_) == [("assess", "escalate"), ("assess", "fix"), ("escalate", "fix")]
    times = StepTimes({"communicate": 0, "assess": 5, "escalate": 10, "fix": 20}, {})
    part = order_component(sc_, times)
    # No pair involves communicate: 3 ordered pairs, none discordant: agreement 1, all started.
    assert part.agreement == 1 and part.value == 1


def test_order_no_pair_started_and_nothing_started(flat: Scenario) -> None:
    # One step started, no ordered pair among started steps: agreement 1 -> 1 x 1/4.
    assert order_component(flat, StepTimes({"fix": 3}, {})).value == 0.25
    # Nothing started: agreement 0.
    assert order_component(flat, StepTimes({}, {})).value == 0


def test_coverage_counts_only_steps_done_before_the_end(flat: Scenario) -> None:
    # assess 0-5 done; fix taken at 235 takes 10 minutes -> would land at 245 > 240.
    s = simulate(flat, [D(0, "act-assess"), D(235, "act-fix")])
    sc = score(flat, s, counterfactuals=False)
    # 1 of 4 done: coverage 0.25, 20 x 0.25 = 5 points, lost 15 = 3 x 20/4.
    assert sc.components.coverage == 0.25
    cov = [f for f in sc.improvements if f.component == "coverage"]
    assert [f.points for f in cov] == [-5.0, -5.0, -5.0]
    fix = next(f for f in cov if f.step == "fix")
    assert "started at T+3:55:00 but not done" in fix.text


def test_timeliness_linear_between_target_and_twice_target(
    flat_data: dict[str, Any], build: Any
) -> None:
    flat_data["playbook"][0]["by"] = 10
    flat_data["playbook"][3]["by"] = 60
    sc_ = build(flat_data)
    # assess at 5 -> done 10 <= 10: 1. fix at 75 -> done 85: 1 - (85 - 60)/60 = 0.41666 left
    # as 0.58333. Mean over the two targeted steps = (1 + 0.58333) / 2 = 0.791666.
    s = simulate(sc_, [D(5, "act-assess"), D(75, "act-fix")])
    sc = score(sc_, s, counterfactuals=False)
    assert sc.components.timeliness == pytest.approx((1 + (1 - 25 / 60)) / 2)
    # Lost: 15 x (1 - 0.58333) / 2 = 3.125, one finding for the fix step.
    (late,) = [f for f in sc.improvements if f.component == "timeliness"]
    assert late.step == "fix" and late.points == pytest.approx(-3.125)
    assert "25:00 after its T+1:00:00 target" in late.text
    (on_time,) = [f for f in sc.strengths if f.component == "timeliness"]
    assert on_time.step == "assess" and on_time.points == pytest.approx(7.5)  # 15 / 2


@pytest.mark.parametrize(
    ("by", "done", "expected"),
    [
        (30, 30, 1.0),  # on the target
        (30, 45, 0.5),  # half-way to twice the target
        (30, 60, 0.0),  # twice the target
        (30, 90, 0.0),  # beyond
        (30, None, 0.0),  # never
        (0, 0, 1.0),  # a target at 0 met at 0
        (0, 1, 0.0),  # ... and missed: no linear band
    ],
)
def test_step_timeliness_table(by: float, done: float | None, expected: float) -> None:
    assert step_timeliness(by, done) == pytest.approx(expected)


def test_timeliness_without_targets(flat: Scenario) -> None:
    # No step has `by`: 1 if any step done, else 0 (with one finding of the whole 15).
    assert (
        score(
            flat, simulate(flat, [D(0, "act-assess")]), counterfactuals=False
        ).components.timeliness
        == 1
    )
    none = score(flat, simulate(flat, []), counterfactuals=False)
    assert none.components.timeliness == 0
    assert lost(none, "timeliness") == 15


def test_outcome_against_nothing_and_reference(flat: Scenario) -> None:
    # Doing nothing: svc down 0-240 x 100 = 24,000. Reference fixes at 15 -> up at 25: 2,500.
    # Team fixes at 100 -> up at 110: 11,000.
    # Outcome = (24,000 - 11,000) / (24,000 - 2,500) = 13,000 / 21,500 = 0.60465.
    s = simulate(flat, [D(100, "act-fix")])
    sc = score(flat, s, counterfactuals=False)
    assert sc.impact.customer_minutes == 11_000
    assert sc.impact.baseline_customer_minutes == 24_000
    assert sc.impact.reference_customer_minutes == 2_500
    assert sc.components.outcome == pytest.approx(13_000 / 21_500)
    (f,) = [f for f in sc.improvements if f.component == "outcome"]
    assert f.points == pytest.approx(-30 * 8_500 / 21_500)  # -11.86
    assert "11,000 customer-minutes" in f.text and "24,000" in f.text and "2,500" in f.text
    # 60% avoided earns a strength too; the two sentences must not be the same words.
    (g,) = [g for g in sc.strengths if g.component == "outcome"]
    assert "you avoided 60% of the avoidable impact" in g.text
    assert f.text.endswith("40% of the avoidable impact was not avoided.")


def test_outcome_edges() -> None:
    assert outcome_component(team=50, nothing=100, reference=100).value == 1  # nothing avoidable
    assert outcome_component(team=150, nothing=100, reference=0).value == 0  # worse than nothing
    assert outcome_component(team=-5, nothing=100, reference=10).value == 1  # better than ref


def test_avoid_penalty_once_per_action_and_disclosure_once_per_message(mini: Scenario) -> None:
    # post-detailed-cause twice: 10 once. reboot-everything: 5.
    # post-status message with two hits (sensitive node label, IPv4): 5 split 2.5 + 2.5.
    s = simulate(
        mini,
        [
            D(0, "assess-impact"),
            D(10, "post-status", message="The Orders database at 10.1.2.3 is down."),
            D(20, "post-detailed-cause"),
            D(30, "post-detailed-cause"),
            D(40, "reboot-everything"),
            D(50, "email-customers", message="Back at 14:10, ticket INC-12345, refunds $1,200.50"),
        ],
    )
    sc = score(mini, s, counterfactuals=False)
    assert sc.avoid_penalties == 15
    assert sc.disclosure_penalties == 5
    assert sc.penalties == 20
    disc = [f for f in sc.improvements if f.component == "disclosure"]
    assert sorted(f.quote for f in disc if f.quote) == ["10.1.2.3", "Orders database"]
    assert [f.points for f in disc] == [-2.5, -2.5]
    pen = [f for f in sc.improvements if f.component == "penalty"]
    assert sorted(f.points for f in pen) == [-10, -5]


def test_total_is_clipped_and_findings_explain_the_unclipped_total(
    mini_data: dict[str, Any], build: Any
) -> None:
    mini_data["avoid"][0]["penalty"] = 100
    sc_ = build(mini_data)
    s = simulate(sc_, [D(0, "post-detailed-cause")])
    sc = score(sc_, s, counterfactuals=False)
    # Nothing else done: 0 earned, -100 penalty -> unclipped -100, total clipped to 0.
    assert sc.unclipped_total == -100 and sc.total == 0 and sc.grade == "F"
    assert math.isclose(-sum(f.points for f in sc.improvements), 200)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "A"), (90, "A"), (89.99, "B"), (80, "B"), (70, "C"), (60, "D"), (59.9, "F"), (0, "F")],
)
def test_grades(total: float, grade: str) -> None:
    assert grade_for(total) == grade


def test_weights_from_the_scenario(flat_data: dict[str, Any], build: Any) -> None:
    flat_data["scoring"] = {"order": 10, "coverage": 10, "timeliness": 0, "outcome": 80}
    sc_ = build(flat_data)
    s = simulate(sc_, [D(0, "act-assess")])
    sc = score(sc_, s, counterfactuals=False)
    # order: 1 started, no pair -> 1 x 1/4 = 0.25 -> 2.5; coverage 1/4 -> 2.5;
    # timeliness weight 0; outcome: svc never fixed: 24,000 = nothing -> 0.
    assert sc.total == pytest.approx(5.0)
    assert not [f for f in sc.findings if f.component == "timeliness"]


def test_a_total_that_is_exactly_a_grade_boundary_gets_that_grade_despite_float_noise() -> None:
    # order 1, coverage 5/7, timeliness 1, outcome 6/7 is exactly 35 + 20*5/7 + 15 + 30*6/7 = 90,
    # but the float sum is 89.99999999999999.
    total = 35 * 1.0 + 20 * (5 / 7) + 15 * 1.0 + 30 * (6 / 7)
    assert total < 90
    assert grade_for(total) == "A"
    assert grade_for(60 - 1e-12) == "D" and grade_for(89.99) == "B"


def test_the_grade_follows_the_total_as_shown_with_two_decimals() -> None:
    # 89.996 is shown as 90.00 everywhere (text, reports, JSON): it must not read "grade B".
    assert f"{89.996:.2f}" == "90.00"
    assert grade_for(89.996) == "A"
    assert f"{89.994:.2f}" == "89.99"
    assert grade_for(89.994) == "B"
