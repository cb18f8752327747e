"""The properties of the scoring rules (docs/scoring.md), over generated decision logs."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.models import Scenario
from tabletop.scoring import grade_for, reference_decisions, score, solve
from tabletop.scoring.components import StepTimes, order_component, ordered_pairs

MESSAGES = [
    None,
    "We know about the outage and will update you every 30 minutes.",
    "The Orders database at 10.0.0.7 runs firmware 4.2.",
    "Back at 14:10, ticket INC-12345.",
]


def decision_logs(scenario: Scenario) -> st.SearchStrategy[list[Decision]]:
    """Up to 15 decisions at whole or half minutes, known actions plus an unknown one."""
    actions = [a.id for a in scenario.actions] + ["no-such-action"]
    one = st.builds(
        Decision,
        at=st.integers(0, int(scenario.duration) * 2).map(lambda x: x / 2),
        action=st.sampled_from(actions),
        message=st.sampled_from(MESSAGES),
    )
    return st.lists(one, max_size=15)


def builtin_scenarios() -> list[Any]:
    files = sorted(builtin_dir().glob("*.yaml"))
    assert files, "the built-in scenarios are missing"
    return [pytest.param(p, id=p.stem) for p in files]


# ---------------------------------------------------------------- reference / nothing


def test_reference_and_nothing_on_the_fixtures(mini: Scenario, flat: Scenario) -> None:
    for scenario in (mini, flat):
        result = solve(scenario)
        assert result.reference.total >= 90
        assert result.baseline.total <= 15
        assert result.warnings == []


@pytest.mark.parametrize("path", builtin_scenarios())
def test_reference_and_nothing_on_the_builtins(path: Any) -> None:
    scenario = load_scenario(path).scenario
    result = solve(scenario)
    assert result.refused == [], result.refused
    assert result.reference.total >= 90, result.reference.improvements
    assert result.baseline.total <= 15, result.baseline.findings
    # Every lost point of the reference is explained too.
    assert math.isclose(
        -sum(f.points for f in result.reference.improvements),
        100 - (result.reference.unclipped_total or 0),
        abs_tol=1e-9,
    )


# ------------------------------------------------------------------- points add up


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_points_add_up_and_figures_in_range(mini: Scenario, data: st.DataObject) -> None:
    log = data.draw(decision_logs(mini))
    sc = score(mini, simulate(mini, log), counterfactuals=False)
    assert sc.unclipped_total is not None
    lost = -sum(f.points for f in sc.improvements)
    assert math.isclose(lost, 100 - sc.unclipped_total, abs_tol=1e-9)
    assert all(f.points <= 0 for f in sc.improvements)
    assert all(f.points >= 0 for f in sc.strengths)
    assert 0 <= sc.total <= 100 and sc.total == min(100, max(0, sc.unclipped_total))
    assert sc.grade == grade_for(sc.total)
    for value in vars(sc.components).values():
        assert 0 <= value <= 1
    # The JSON document rounds points to cents that add up exactly to the printed total.
    doc = sc.to_json()
    cents = sum(round(f["points"] * 100) for f in doc["findings"] if f["kind"] == "improvement")
    assert cents == round(doc["unclipped_total"] * 100) - 10_000


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_deterministic(mini: Scenario, data: st.DataObject) -> None:
    log = data.draw(decision_logs(mini))
    first = score(mini, simulate(mini, log), team="t")
    again = score(mini, simulate(mini, list(log)), team="t")
    assert first == again
    assert first.to_json() == again.to_json()


# ------------------------------------------------------------------ avoid penalties


@settings(max_examples=40, deadline=None)
@given(data=st.data(), at=st.integers(0, 239))
def test_each_avoid_action_lowers_the_total_by_its_penalty(
    mini: Scenario, data: st.DataObject, at: int
) -> None:
    # post-detailed-cause has no effect, no requires and is in no step: taking it changes
    # nothing but the penalty (10).
    log = [d for d in data.draw(decision_logs(mini)) if d.action != "post-detailed-cause"]
    before = score(mini, simulate(mini, log), counterfactuals=False)
    after = score(
        mini, simulate(mini, [*log, Decision(at, "post-detailed-cause")]), counterfactuals=False
    )
    assert before.unclipped_total is not None and after.unclipped_total is not None
    assert after.unclipped_total == pytest.approx(before.unclipped_total - 10)
    assert after.total == pytest.approx(max(0.0, before.total - 10))
    # ... and once per action: taking it again costs nothing more.
    twice = score(
        mini,
        simulate(
            mini,
            [*log, Decision(at, "post-detailed-cause"), Decision(at + 0.5, "post-detailed-cause")],
        ),
        counterfactuals=False,
    )
    assert twice.total == pytest.approx(after.total)


# --------------------------------------------------------------------------- order


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_swapping_two_ordered_steps_lowers_order(mini: Scenario, data: st.DataObject) -> None:
    ids = [s.id for s in mini.playbook]
    pairs = ordered_pairs(mini)
    a, b = data.draw(st.sampled_from(pairs))
    others = data.draw(st.sets(st.sampled_from(ids)))
    started_ids = [s for s in ids if s in others | {a, b}]
    # Start times consistent with the playbook list (hence with its partial order).
    gaps = data.draw(
        st.lists(st.integers(1, 20), min_size=len(started_ids), max_size=len(started_ids))
    )
    times: dict[str, float] = {}
    clock = 0.0
    for sid, gap in zip(started_ids, gaps, strict=True):
        times[sid] = clock
        clock += gap
    in_order = order_component(mini, StepTimes(dict(times), {}))
    swapped = dict(times)
    swapped[a], swapped[b] = times[b], times[a]
    out_of_order = order_component(mini, StepTimes(swapped, {}))
    assert in_order.agreement == 1
    assert out_of_order.value < in_order.value
    assert (a, b) in out_of_order.discordant


def test_swapping_two_steps_end_to_end(flat: Scenario) -> None:
    ref = reference_decisions(flat)  # assess 0, escalate 5, communicate 10, fix 15
    base = score(flat, simulate(flat, ref), counterfactuals=False)
    for i in range(len(ref)):
        for j in range(i + 1, len(ref)):
            log = list(ref)
            log[i] = Decision(ref[j].at, ref[i].action)
            log[j] = Decision(ref[i].at, ref[j].action)
            swapped = score(flat, simulate(flat, log), counterfactuals=False)
            assert swapped.components.order < base.components.order, (i, j)


@pytest.mark.parametrize("path", builtin_scenarios())
def test_points_add_up_on_the_builtins(path: Any) -> None:
    scenario = load_scenario(path).scenario

    @settings(max_examples=15, deadline=None)
    @given(log=decision_logs(scenario))
    def check(log: list[Decision]) -> None:
        sc = score(scenario, simulate(scenario, log))
        assert sc.unclipped_total is not None
        lost = -sum(f.points for f in sc.improvements)
        assert math.isclose(lost, 100 - sc.unclipped_total, abs_tol=1e-9)
        saved = [c.customer_minutes_saved for c in sc.counterfactuals]
        assert saved == sorted(saved, reverse=True) and all(x > 0 for x in saved)

    check()


@pytest.mark.parametrize("path", builtin_scenarios())
def test_builtin_side_effect_free_avoid_actions_cost_exactly_their_penalty(path: Any) -> None:
    scenario = load_scenario(path).scenario
    in_steps = {a for s in scenario.playbook for a in s.any_of}
    watched = {r for a in scenario.actions for r in a.requires}
    for inj in scenario.injects:
        watched |= {inj.after.action} if inj.after else set()
        watched |= set(inj.when.done + inj.when.not_done) if inj.when else set()
    free = [
        av
        for av in scenario.avoid
        if not (act := scenario.action(av.action)).effects
        and not act.requires
        and not act.needs
        and av.action not in in_steps | watched
    ]
    ref = reference_decisions(scenario)
    base = score(scenario, simulate(scenario, ref), counterfactuals=False)
    assert base.unclipped_total is not None
    for av in free:
        with_it = score(
            scenario, simulate(scenario, [*ref, Decision(1, av.action)]), counterfactuals=False
        )
        assert with_it.unclipped_total == pytest.approx(base.unclipped_total - av.penalty)


# ------------------------------------------------------------------- ending early


def _without_end(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "ended_at"}


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_log_ended_early_scores_exactly_like_the_same_decisions_without_the_end(
    mini: Scenario, data: st.DataObject
) -> None:
    end = data.draw(st.integers(1, int(mini.duration) - 1))
    log = [d for d in data.draw(decision_logs(mini)) if d.at < end]
    ended = score(mini, simulate(mini, log, end_at=end))
    whole = score(mini, simulate(mini, log))
    assert ended.ended_at == end and whole.ended_at is None
    assert _without_end(ended.to_json()) == _without_end(whole.to_json())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_ending_early_never_raises_a_score(mini: Scenario, data: st.DataObject) -> None:
    # Decisions after the end are refused: the ended drill can only have fewer of them.
    end = data.draw(st.integers(1, int(mini.duration) - 1))
    log = data.draw(decision_logs(mini))
    ended = score(mini, simulate(mini, log, end_at=end), counterfactuals=False)
    kept = score(mini, simulate(mini, [d for d in log if d.at < end]), counterfactuals=False)
    assert ended.total == kept.total
    assert ended.impact == kept.impact
