"""Worked examples that pin what a mutation trial found unpinned in the scoring code.

Each figure is computed by hand from the mini scenario (tests/scoring/conftest.py): weights
order 35, coverage 20, timeliness 15, outcome 30; eight steps, five with a `by` target
(assess 15, escalate 30, communicate 30, workaround 45, fix 90); two avoid actions
(post-detailed-cause 10 points, reboot-everything 5 points); duration 240.
"""

from __future__ import annotations

from typing import Any

import pytest

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import score


def _improvements(sc: Any) -> list[tuple[str, float]]:
    return [(f.component, round(f.points, 6)) for f in sc.findings if f.kind == "improvement"]


def test_findings_are_listed_largest_cost_first(mini: Scenario) -> None:
    # Assess (0-10), then both avoid actions, nothing else.
    s = simulate(
        mini, [D(0, "assess-impact"), D(10, "reboot-everything"), D(10, "post-detailed-cause")]
    )
    sc = score(mini, s, counterfactuals=False)
    # order: one step started, no ordered pair: agreement 1, order = 1/8 -> 35/8 = 4.375
    #   earned; each of the 7 unstarted steps costs 35/8 = 4.375.
    # coverage: 1 of 8 done; each missing step costs 20/8 = 2.5.
    # timeliness: assess on time, 4 other targets missed: each costs 15/5 = 3.
    # outcome: the avoid actions change nothing that counts, so the team's impact is that of
    #   doing nothing: outcome 0, one finding of 30.
    # avoid: 10 and 5.
    assert _improvements(sc) == [
        ("outcome", -30.0),
        ("penalty", -10.0),
        ("penalty", -5.0),
        *[("order", -4.375)] * 7,
        *[("timeliness", -3.0)] * 4,
        *[("coverage", -2.5)] * 7,
    ]
    assert sc.unclipped_total == pytest.approx(4.375 + 2.5 + 3 + 0 - 15)
    assert sc.total == 0


def test_equal_costs_are_listed_in_component_order_then_time(mini: Scenario) -> None:
    # Nothing done: order, coverage, timeliness and outcome each lose their share.
    sc = score(mini, simulate(mini, []), counterfactuals=False)
    # timeliness with no step done: each of 5 targets costs 3; order 8 x 4.375; coverage 8 x 2.5
    assert _improvements(sc) == [
        ("outcome", -30.0),
        *[("order", -4.375)] * 8,
        *[("timeliness", -3.0)] * 5,
        *[("coverage", -2.5)] * 8,
    ]


def test_an_avoid_action_still_running_at_the_end_costs_its_penalty(mini: Scenario) -> None:
    # reboot-everything takes 5 minutes: taken at 238 of 240, it never finishes.
    s = simulate(mini, [D(238, "reboot-everything")])
    assert "reboot-everything" in s.started and "reboot-everything" not in s.done
    sc = score(mini, s, counterfactuals=False)
    assert sc.avoid_penalties == 5
    penalties = [f for f in sc.findings if f.component == "penalty"]
    assert [(f.kind, f.points, f.t, f.action) for f in penalties] == [
        ("improvement", -5, 238, "reboot-everything")
    ]
    assert penalties[0].text.startswith("You took “Reboot everything” at ")


def test_each_avoid_action_costs_once_however_often_taken(mini: Scenario) -> None:
    s = simulate(mini, [D(0, "reboot-everything"), D(10, "reboot-everything")])
    assert s.times_taken["reboot-everything"] == 2
    sc = score(mini, s, counterfactuals=False)
    assert sc.avoid_penalties == 5
    assert [f.t for f in sc.findings if f.component == "penalty"] == [0]


def test_no_avoid_list_means_no_word_about_avoided_actions(
    mini: Scenario, mini_data: dict[str, Any], build: Any
) -> None:
    without = build({**mini_data, "avoid": []})
    sc = score(without, simulate(without, []), counterfactuals=False)
    assert [f.text for f in sc.findings if f.component == "penalty"] == []
    assert all("warns against" not in f.text for f in sc.findings)
    # With the list and none of it taken, the strength counts them.
    sc = score(mini, simulate(mini, []), counterfactuals=False)
    assert [(f.kind, f.points, f.text) for f in sc.findings if f.component == "penalty"] == [
        ("strength", 0.0, "You took none of the 2 actions the playbook warns against.")
    ]


def test_a_step_is_started_and_done_by_the_first_of_its_actions(
    mini_data: dict[str, Any], build: Any
) -> None:
    # The workaround step may be met by either the feed or the generator.
    for step in mini_data["playbook"]:
        if step["id"] == "workaround":
            step["any_of"] = ["restore-feed", "start-generator"]
    sc_data = build(mini_data)
    # restore-feed 15-55 (started first, done last); start-generator 20-35.
    s = simulate(
        sc_data,
        [
            D(0, "assess-impact"),
            D(10, "call-utility"),
            D(15, "restore-feed"),
            D(20, "start-generator"),
        ],
    )
    assert (s.started["restore-feed"], s.done["restore-feed"]) == (15, 55)
    assert (s.started["start-generator"], s.done["start-generator"]) == (20, 35)
    sc = score(sc_data, s, counterfactuals=False)
    row = next(e for e in sc.timeline if e.step == "workaround")
    assert (row.team_started, row.team_done) == (15, 35)
    # Done at 35, by its 45 target: on time (done at 55 would be 10 minutes late).
    on_time = [f for f in sc.findings if f.component == "timeliness" and f.step == "workaround"]
    assert [f.kind for f in on_time] == ["strength"]
