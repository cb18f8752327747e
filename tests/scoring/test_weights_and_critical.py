"""Step weights and critical steps, pinned with examples worked by hand.

The flat scenario (tests/scoring/conftest.py): four steps in a chain (assess → escalate →
communicate → fix), 5-minute actions except the 10-minute fix that brings back the one
service (100 users, down from minute 0). Reference: 2,500 customer-minutes; doing
nothing: 24,000. Here communicate weighs 2 and is critical with a T+30 target.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import score


@pytest.fixture
def weighted(flat_data: dict[str, Any], build: Any) -> Scenario:
    step = flat_data["playbook"][2]
    assert step["id"] == "communicate"
    step.update(weight=2, critical=True, by=30)
    return build(flat_data)


def _lost_add_up(sc: Any) -> None:
    lost = -sum(f.points for f in sc.improvements)
    assert math.isclose(lost, 100 - sc.unclipped_total, abs_tol=1e-9)


def test_weights_in_order_coverage_and_share_started(weighted: Scenario) -> None:
    # Communicate at 0 (done 5), assess at 5 (done 10), fix at 10 (done 20); never escalate.
    s = simulate(weighted, [D(0, "act-communicate"), D(5, "act-assess"), D(10, "act-fix")])
    sc = score(weighted, s)
    # Σw = 5. Started weight 4 → share 0.8. Ordered pairs among started, with w(A)w(B):
    # assess-communicate 2 (discordant: communicate came first), assess-fix 1,
    # communicate-fix 2 → agreement 1 - 2/5 = 0.6; order 0.6 x 0.8 = 0.48.
    assert sc.components.order == pytest.approx(0.48)
    assert sc.components.coverage == pytest.approx(0.8)  # done weight 4 of 5
    assert sc.components.timeliness == 1.0  # communicate done at 5, target 30
    assert sc.components.outcome == 1.0  # 2,000 customer-minutes, better than the reference
    assert sc.total == pytest.approx(35 * 0.48 + 20 * 0.8 + 15 + 30)  # 77.8
    assert sc.grade == "C"
    costs = sorted(round(f.points, 6) for f in sc.improvements)
    # Discordant pair: 35 x 0.8 x 2/5 = 11.2; escalate never started 35/5 = 7, never done
    # 20/5 = 4.
    assert costs == [-11.2, -7.0, -4.0]
    _lost_add_up(sc)


def test_a_critical_step_done_at_twice_its_target_fails_and_comes_first(
    weighted: Scenario,
) -> None:
    s = simulate(
        weighted,
        [D(0, "act-assess"), D(5, "act-escalate"), D(10, "act-fix"), D(55, "act-communicate")],
    )
    sc = score(weighted, s)
    # Pairs (weights): a-e 1, a-c 2, a-f 1, e-c 2, e-f 1, c-f 2 = 9; c-f discordant (fix
    # started at 10 before communicate at 55) → agreement 7/9.
    assert sc.components.order == pytest.approx(7 / 9)
    assert sc.components.coverage == 1.0
    assert sc.components.timeliness == 0.0  # done at 60 = 2 x 30: no credit left
    assert sc.critical_penalties == 15
    assert sc.total == pytest.approx(35 * 7 / 9 + 20 + 0 + 30 - 15)  # 62.22
    assert sc.grade == "D"
    first = sc.findings[0]
    assert (first.component, first.points, first.step) == ("critical", -15, "communicate")
    assert first.text == (
        "Customers were told at T+1:00:00, twice the T+30:00 target (critical task: “Communicate”)."
    )
    # Then by points lost: timeliness 15 (weight 2 of 2 targeted), order 35 x 2/9.
    assert [round(f.points, 4) for f in sc.improvements[1:]] == [-15.0, round(-35 * 2 / 9, 4)]
    _lost_add_up(sc)
    doc = sc.to_json()
    assert doc["penalty_breakdown"]["critical"] == 15
    assert doc["penalties"] == 15


def test_a_critical_step_just_inside_twice_its_target_does_not_fail(weighted: Scenario) -> None:
    s = simulate(
        weighted,
        [D(0, "act-assess"), D(5, "act-escalate"), D(10, "act-fix"), D(54, "act-communicate")],
    )
    sc = score(weighted, s)
    # Done at 59: credit 1 - 29/30 = 1/30 > 0, so not failed.
    assert sc.components.timeliness == pytest.approx(1 / 30)
    assert sc.critical_penalties == 0
    assert all(f.component != "critical" for f in sc.findings)


def test_a_critical_step_never_done_fails_in_plain_words(weighted: Scenario) -> None:
    s = simulate(weighted, [D(0, "act-assess"), D(5, "act-escalate"), D(10, "act-fix")])
    sc = score(weighted, s)
    first = sc.findings[0]
    assert first.component == "critical"
    assert first.text == (
        "Customers were never told (target T+30:00; critical task: “Communicate”)."
    )
    _lost_add_up(sc)


def test_critical_penalty_is_the_scenarios(flat_data: dict[str, Any], build: Any) -> None:
    flat_data["critical_penalty"] = 40
    flat_data["playbook"][0].update(critical=True)
    sc = score(build(flat_data), simulate(build(flat_data), []))
    assert sc.critical_penalties == 40
    assert sc.total == 0  # clipped: every finding still explains the unclipped total
    _lost_add_up(sc)


def test_a_critical_late_step_outweighs_a_good_drill_the_silent_team(
    flat_data: dict[str, Any], build: Any
) -> None:
    # Everything done well and fast, but customers told only at 150 (target 30): without the
    # critical flag that costs 15 timeliness points and some order (79.17); as a critical
    # step of weight 2 it costs 15 more and leads the findings (62.22).
    flat_data["playbook"][2]["by"] = 30
    decisions = [D(0, "act-assess"), D(5, "act-escalate"), D(145, "act-communicate")]
    decisions.append(D(10, "act-fix"))
    plain = score(build(flat_data), simulate(build(flat_data), decisions))
    flat_data["playbook"][2].update(critical=True, weight=2)
    strict = score(build(flat_data), simulate(build(flat_data), decisions))
    assert plain.total == pytest.approx(35 * 5 / 6 + 20 + 0 + 30)
    assert strict.total == pytest.approx(35 * 7 / 9 + 20 + 0 + 30 - 15)
    assert strict.grade == "D"
    assert strict.findings[0].text.startswith("Customers were told at T+2:30:00, five times")
