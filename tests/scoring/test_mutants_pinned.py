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
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Scenario
from tabletop.scoring import score, wording
from tabletop.scoring.model import TimelineEntry
from tabletop.scoring.reference import run_until


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


def test_a_whole_score_worked_by_hand(mini: Scenario) -> None:
    t = wording.t
    s = simulate(
        mini,
        [
            D(0, "verify-service"),  # verify 0-10, before assess, escalate and fix
            D(0, "assess-impact"),  # 0-10
            D(10, "call-utility"),  # 10-15
            D(15, "restore-feed"),  # 15-55: the feed, and everything, back at 55
            D(20, "post-status", message="We are on v2.4.1"),  # 20-25, discloses a version
            D(30, "reboot-everything"),  # avoid: 5 points
        ],
    )
    sc = score(mini, s, counterfactuals=False)
    # Impact: doing nothing 1700 users x 240 = 408,000; the team 1700 x 55 + api degraded
    # (0.5 x 500) from 55 to 60 = 94,750; the reference (generator at 35, feed at 75)
    # 1500 x 35 + 200 x 75 + 250 x 25 = 73,750. Outcome 313,250 / 334,250.
    assert (sc.impact.customer_minutes, sc.impact.baseline_customer_minutes) == (94750, 408000)
    assert sc.impact.reference_customer_minutes == 73750
    outcome = 313250 / 334250
    # Order: 5 of 8 steps started; 7 ordered pairs among them, 2 discordant (verify before
    # escalate and before fix): 5/7 x 5/8 = 25/56. Coverage 5/8. Timeliness 4 of 5 targets.
    assert (sc.components.order, sc.components.coverage) == (pytest.approx(25 / 56), 0.625)
    assert (sc.components.timeliness, sc.components.outcome) == (0.8, pytest.approx(outcome))
    total = 35 * 25 / 56 + 20 * 0.625 + 15 * 0.8 + 30 * outcome - 5 - 5
    assert sc.total == pytest.approx(total) and sc.unclipped_total == pytest.approx(total)
    assert (sc.penalties, sc.avoid_penalties, sc.disclosure_penalties) == (10, 5, 5)
    assert sc.grade == "F"
    assert [
        (f.kind, f.component, round(f.points, 4), f.t, f.step, f.action, f.quote, f.text)
        for f in sc.findings
    ] == [
        ("improvement", "disclosure", -5.0, 20, None, "post-status", "v2.4.1",
         f"Your message at {t(20)} gives a software version: “v2.4.1”. Say what you will do "
         "without naming components, addresses or versions: that tells attackers where to aim."),
        ("improvement", "penalty", -5.0, 30, None, "reboot-everything", None,
         f"You took “Reboot everything” at {t(30)}: A flurry of unplanned actions."),
        ("improvement", "order", -4.375, None, "workaround", None, None,
         "“Run on the generator” was never started, so it adds nothing to the response order."),
        ("improvement", "order", -4.375, None, "prevent", None, None,
         "“Prevent” was never started, so it adds nothing to the response order."),
        ("improvement", "order", -4.375, None, "follow-up", None, None,
         "“Follow up” was never started, so it adds nothing to the response order."),
        ("improvement", "order", -3.125, 0, "verify", None, None,
         f"You started “Verify” at {t(0)} before “Call the utility” at {t(10)}: the playbook "
         "puts “Call the utility” first."),
        ("improvement", "order", -3.125, 0, "verify", None, None,
         f"You verified at {t(0)} before fixing at {t(15)}: a check before the fix lands "
         "cannot show the problem is gone."),
        ("improvement", "timeliness", -3.0, None, "workaround", None, None,
         f"“Run on the generator” had a {t(45)} target and was never done."),
        ("improvement", "coverage", -2.5, None, "workaround", None, None,
         "Never done: “Run on the generator”: a workaround, or saying clearly that there is "
         "none, keeps customers going meanwhile."),
        ("improvement", "coverage", -2.5, None, "prevent", None, None,
         "Never done: “Prevent”: prevention stops the same failure from happening again."),
        ("improvement", "coverage", -2.5, None, "follow-up", None, None,
         "Never done: “Follow up”: customers should hear what you intend to do about it."),
        ("improvement", "outcome", round(-30 * (1 - outcome), 4), None, None, None, None,
         "Impact: your response cost 94,750 customer-minutes; doing nothing costs 408,000 and "
         "the recommended response 73,750: 6% of the avoidable impact was not avoided."),
        ("strength", "coverage", 2.5, 10, "verify", None, None, f"Done: “Verify” at {t(10)}."),
        ("strength", "timeliness", 3.0, 10, "assess", None, None,
         f"Done on time: “Assess” at {t(10)} (target {t(15)})."),
        ("strength", "timeliness", 3.0, 15, "escalate", None, None,
         f"Done on time: “Call the utility” at {t(15)} (target {t(30)})."),
        ("strength", "timeliness", 3.0, 25, "communicate", None, None,
         f"Done on time: “Tell customers” at {t(25)} (target {t(30)})."),
        ("strength", "timeliness", 3.0, 55, "fix", None, None,
         f"Done on time: “Restore the feed” at {t(55)} (target {t(90)})."),
        ("strength", "outcome", round(30 * outcome, 4), None, None, None, None,
         "Impact: your response cost 94,750 customer-minutes; doing nothing costs 408,000 and "
         "the recommended response 73,750: you avoided 94% of the avoidable impact."),
    ]  # fmt: skip
    assert sc.timeline[:2] == [
        TimelineEntry("assess", "Assess", "assess", 15, 0, 10, 0, 10),
        TimelineEntry("escalate", "Call the utility", "escalate", 30, 10, 15, 10, 15),
    ]
    # Every point below 100 is a finding.
    lost = sum(f.points for f in sc.findings if f.kind == "improvement")
    assert lost == pytest.approx(-(100 - total))


def test_a_good_response_worked_by_hand_lists_its_strengths(mini: Scenario) -> None:
    t = wording.t
    s = simulate(
        mini,
        [
            D(0, "assess-impact"),  # 0-10
            D(10, "call-utility"),  # 10-15
            D(10, "post-status", message="We are working on it"),  # 10-15
            D(15, "restore-feed"),  # 15-55
            D(50, "start-generator"),  # 50-65: 20 minutes past its 45 target
            D(60, "verify-service"),  # 60-70
            D(70, "plan-upgrade"),  # 70-90
            D(90, "email-customers", message="Service is back"),  # 90-95
        ],
    )
    sc = score(mini, s, counterfactuals=False)
    outcome = 313250 / 334250  # the same impact as the feed back at 55 (see above)
    late = 1 - 20 / 45
    assert (sc.components.order, sc.components.coverage, sc.components.outcome) == (
        1.0,
        1.0,
        pytest.approx(outcome),
    )
    assert sc.components.timeliness == pytest.approx((4 + late) / 5)
    total = 35 + 20 + 15 * (4 + late) / 5 + 30 * outcome
    assert sc.total == pytest.approx(total) and sc.grade == "A"
    found = [(f.kind, f.component, round(f.points, 4), f.t, f.step, f.text) for f in sc.findings]
    assert found == [
        ("improvement", "outcome", round(-30 * (1 - outcome), 4), None, None,
         "Impact: your response cost 94,750 customer-minutes; doing nothing costs 408,000 and "
         "the recommended response 73,750: 6% of the avoidable impact was not avoided."),
        ("improvement", "timeliness", round(-15 * (1 - late) / 5, 4), 65, "workaround",
         f"“Run on the generator” was done at {t(65)}, {wording.minutes(20)} after its "
         f"{t(45)} target (no credit from {t(90)})."),
        ("strength", "order", 35.0, None, None,
         "You followed the recommended order across the 8 steps you started."),
        ("strength", "coverage", 2.5, 70, "verify", f"Done: “Verify” at {t(70)}."),
        ("strength", "coverage", 2.5, 90, "prevent", f"Done: “Prevent” at {t(90)}."),
        ("strength", "coverage", 2.5, 95, "follow-up", f"Done: “Follow up” at {t(95)}."),
        ("strength", "timeliness", 3.0, 10, "assess",
         f"Done on time: “Assess” at {t(10)} (target {t(15)})."),
        ("strength", "timeliness", 3.0, 15, "escalate",
         f"Done on time: “Call the utility” at {t(15)} (target {t(30)})."),
        ("strength", "timeliness", 3.0, 15, "communicate",
         f"Done on time: “Tell customers” at {t(15)} (target {t(30)})."),
        ("strength", "timeliness", 3.0, 55, "fix",
         f"Done on time: “Restore the feed” at {t(55)} (target {t(90)})."),
        ("strength", "outcome", round(30 * outcome, 4), None, None,
         "Impact: your response cost 94,750 customer-minutes; doing nothing costs 408,000 and "
         "the recommended response 73,750: you avoided 94% of the avoidable impact."),
        ("strength", "penalty", 0.0, None, None,
         "You took none of the 2 actions the playbook warns against."),
        ("strength", "disclosure", 0.0, None, None,
         "Your 2 public message(s) said what you will do without naming components, "
         "addresses or versions."),
    ]  # fmt: skip


def test_a_failed_critical_step_is_the_first_finding(mini_data: dict[str, Any], build: Any) -> None:
    for step in mini_data["playbook"]:
        if step["id"] == "communicate":
            step["critical"] = True
    sc = build(mini_data)
    found = score(sc, simulate(sc, []), counterfactuals=False)
    # Nothing done: the critical step costs 15, less than the outcome's 30, yet comes first.
    assert [(f.component, f.points, f.step) for f in found.improvements[:2]] == [
        ("critical", -15, "communicate"),
        ("outcome", -30, None),
    ]
    assert found.critical_penalties == 15


def test_equal_costs_go_in_component_order_then_by_time(
    mini_data: dict[str, Any], build: Any
) -> None:
    # Order and coverage weigh the same, so an unstarted step (order) and a missing one
    # (coverage) each cost 25/8 = 3.125.
    mini_data["scoring"] = {"order": 25, "coverage": 25, "timeliness": 20, "outcome": 30}
    sc = build(mini_data)
    # plan-upgrade (prevent, 20 minutes) started at 235: started, never done.
    found = score(sc, simulate(sc, [D(235, "plan-upgrade")]), counterfactuals=False)
    ties = [(f.component, f.t, f.step) for f in found.improvements if f.points == -3.125]
    unstarted = ["assess", "escalate", "communicate", "workaround", "fix", "verify", "follow-up"]
    assert ties == [
        *[("order", None, s) for s in unstarted],
        ("coverage", 235, "prevent"),  # the only one with a time: first of its component
        *[("coverage", None, s) for s in unstarted],
    ]


def test_counterfactuals_only_when_asked(mini: Scenario) -> None:
    s = simulate(mini, [D(0, "assess-impact"), D(60, "start-generator")])
    assert score(mini, s, counterfactuals=False).counterfactuals == []
    assert [cf.step for cf in score(mini, s).counterfactuals] == ["workaround", "fix"]


def test_run_until_refuses_decisions_after_the_horizon_and_runs_to_the_end(
    mini: Scenario,
) -> None:
    decisions = [D(0, "assess-impact"), D(50, "call-utility")]
    ended = run_until(mini, decisions, 20)
    assert [(r.action, r.accepted) for r in ended.decisions] == [
        ("assess-impact", True),
        ("call-utility", False),
    ]
    assert ended.decisions[1].reason == "the drill has ended"
    assert ended.now == 240
    for horizon in (None, 240, 300):
        whole = run_until(mini, decisions, horizon)
        assert [(r.action, r.accepted) for r in whole.decisions] == [
            ("assess-impact", True),
            ("call-utility", True),
        ]


def test_team_name_and_weights_in_the_score(mini: Scenario) -> None:
    s = simulate(mini, [], team="blue")
    assert score(mini, s, counterfactuals=False).team == "blue"
    assert score(mini, s, team="red", counterfactuals=False).team == "red"
    assert score(mini, s, counterfactuals=False).weights == {
        "order": 35,
        "coverage": 20,
        "timeliness": 15,
        "outcome": 30,
    }


def test_order_strength_is_the_points_earned(mini: Scenario) -> None:
    # assess then escalate, in order: 2 of 8 steps started, agreement 1: 35 x 2/8.
    s = simulate(mini, [D(0, "assess-impact"), D(10, "call-utility")])
    (strength,) = [
        f for f in score(mini, s, counterfactuals=False).strengths if f.component == "order"
    ]
    assert strength.points == 8.75
    assert strength.text == "You followed the recommended order across the 2 steps you started."


@pytest.mark.parametrize("order_weight", [0.5, 0.0])
def test_small_and_zero_order_weights(
    mini_data: dict[str, Any], build: Any, order_weight: float
) -> None:
    mini_data["scoring"] = {
        "order": order_weight,
        "coverage": 20,
        "timeliness": 15,
        "outcome": 65 - order_weight,
    }
    sc = build(mini_data)
    found = score(sc, simulate(sc, [D(0, "assess-impact")]), counterfactuals=False)
    order = [f.points for f in found.findings if f.component == "order"]
    # 7 unstarted steps cost 0.5/8 each; with no weight, order says nothing at all.
    assert order == ([-0.0625] * 7 if order_weight else [])
    lost = sum(f.points for f in found.improvements)
    assert lost == pytest.approx(-(100 - found.unclipped_total))


def test_an_avoid_finding_quotes_that_decisions_message(mini: Scenario) -> None:
    s = simulate(
        mini,
        [D(0, "assess-impact", message="assessing"), D(5, "reboot-everything", message="go")],
    )
    (penalty,) = [
        f for f in score(mini, s, counterfactuals=False).findings if f.component == "penalty"
    ]
    assert (penalty.quote, penalty.action, penalty.t) == ("go", "reboot-everything", 5)


def _one_service() -> Scenario:
    # svc (100 users) is cut at 0; fix (5 minutes) brings it back. oops takes web (50) down.
    return make_scenario(
        nodes=[{"id": "svc", "users": 100}, {"id": "web", "users": 50}],
        actions=[
            {"id": "fix", "minutes": 5, "effects": [{"node": "svc", "status": "up"}]},
            {"id": "oops", "effects": [{"node": "web", "status": "down"}]},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]}],
    )


def _outcome_findings(sc: Any) -> list[tuple[str, float, str]]:
    return [(f.kind, f.points, f.text) for f in sc.findings if f.component == "outcome"]


def test_outcome_findings_worse_than_nothing_and_exactly_half() -> None:
    sc = _one_service()
    # Doing nothing: 100 x 100 = 10,000; the reference (fix at 0): 500. oops at 0 adds web:
    # 10,000 + 5,000 = 15,000, worse than doing nothing.
    worse = score(sc, simulate(sc, [D(0, "oops")]), counterfactuals=False)
    assert _outcome_findings(worse) == [
        ("improvement", -30.0, "Impact: your response cost 15,000 customer-minutes; doing "
         "nothing costs 10,000 and the recommended response 500: you did worse than doing "
         "nothing."),
    ]  # fmt: skip
    # fix at 47.5: 100 x 52.5 = 5,250, half of the 9,500 avoidable: both findings, 15 each.
    half = score(sc, simulate(sc, [D(47.5, "fix")]), counterfactuals=False)
    figures = (
        "Impact: your response cost 5,250 customer-minutes; doing nothing costs 10,000 and "
        "the recommended response 500: "
    )
    assert _outcome_findings(half) == [
        ("improvement", -15.0, figures + "50% of the avoidable impact was not avoided."),
        ("strength", 15.0, figures + "you avoided 50% of the avoidable impact."),
    ]
    # The same as doing nothing: everything avoidable was left.
    same = score(sc, simulate(sc, []), counterfactuals=False)
    assert _outcome_findings(same)[0][2].endswith("100% of the avoidable impact was not avoided.")


def test_nothing_avoidable_means_no_outcome_finding(mini_data: dict[str, Any], build: Any) -> None:
    sc = _one_service()
    calm = build(
        {**mini_data, "injects": [i for i in mini_data["injects"] if i["id"] != "power-drops"]}
    )
    # Without the power cut nothing is down (the CDN wobble degrades only a down api).
    found = score(calm, simulate(calm, []), counterfactuals=False)
    assert found.components.outcome == 1.0
    assert _outcome_findings(found) == []
    assert _outcome_findings(score(sc, simulate(sc, [D(0, "fix")]), counterfactuals=False)) == [
        ("strength", 30.0, "Impact: your response cost 500 customer-minutes; doing nothing "
         "costs 10,000 and the recommended response 500: you avoided 100% of the avoidable "
         "impact."),
    ]  # fmt: skip


def test_no_target_and_nothing_done(mini_data: dict[str, Any], build: Any) -> None:
    for step in mini_data["playbook"]:
        step.pop("by", None)
    sc = build(mini_data)
    found = score(sc, simulate(sc, []), counterfactuals=False)
    assert [(f.points, f.text) for f in found.findings if f.component == "timeliness"] == [
        (-15, "No playbook step was done before the end, so nothing was on time.")
    ]


@pytest.mark.parametrize("component", ["coverage", "timeliness", "outcome"])
@pytest.mark.parametrize("weight", [0.5, 0.0])
def test_small_and_zero_weights_of_each_component(
    mini_data: dict[str, Any], build: Any, component: str, weight: float
) -> None:
    weights = {"order": 35, "coverage": 20, "timeliness": 15, "outcome": 30}
    weights["order"] += weights[component] - weight
    weights[component] = weight
    mini_data["scoring"] = weights
    sc = build(mini_data)
    found = score(sc, simulate(sc, [D(0, "assess-impact")]), counterfactuals=False)
    mine = [f for f in found.improvements if f.component == component]
    # With a weight, the component explains what it lost; without, it says nothing.
    assert bool(mine) == bool(weight)
    assert sum(f.points for f in found.improvements) == pytest.approx(
        -(100 - found.unclipped_total)
    )


def test_each_disclosing_message_costs_its_penalty_and_public_messages_are_counted(
    mini: Scenario,
) -> None:
    both = simulate(
        mini,
        [
            D(0, "assess-impact", message="db is down"),  # internal (assess): not published
            D(10, "post-status", message="db is down"),
            D(20, "email-customers", message="on v2.4.1"),
        ],
    )
    assert score(mini, both, counterfactuals=False).disclosure_penalties == 10
    clean = simulate(
        mini,
        [D(0, "assess-impact", message="db is down"), D(10, "post-status", message="we work")],
    )
    (strength,) = [
        f
        for f in score(mini, clean, counterfactuals=False).strengths
        if f.component == "disclosure"
    ]
    assert strength.text == (
        "Your 1 public message(s) said what you will do without naming components, "
        "addresses or versions."
    )


def test_an_avoidable_impact_of_one_customer_minute_is_explained() -> None:
    # One user, cut at 99 of 100 unless prevent was done: doing nothing costs 1, the
    # reference (prevent at 0) 0.
    sc = make_scenario(
        nodes=[{"id": "svc", "users": 1}],
        actions=[{"id": "prevent"}],
        injects=[
            {"id": "cut", "at": 99, "when": {"not_done": ["prevent"]},
             "effects": [{"node": "svc", "status": "down"}]},
        ],
    )  # fmt: skip
    found = score(sc, simulate(sc, []), counterfactuals=False)
    assert (found.impact.baseline_customer_minutes, found.impact.reference_customer_minutes) == (
        1,
        0,
    )
    assert [(f.kind, f.points) for f in found.findings if f.component == "outcome"] == [
        ("improvement", -30)
    ]


def test_a_late_critical_step_is_found_at_the_time_it_was_done(
    mini_data: dict[str, Any], build: Any
) -> None:
    for step in mini_data["playbook"]:
        if step["id"] == "communicate":
            step["critical"] = True
    sc = build(mini_data)
    # post-status (5 minutes) at 60: done at 65, past twice its 30 target.
    s = simulate(sc, [D(0, "assess-impact"), D(60, "post-status")])
    (critical,) = [
        f for f in score(sc, s, counterfactuals=False).findings if f.component == "critical"
    ]
    assert (critical.t, critical.step, critical.points) == (65, "communicate", -15)
