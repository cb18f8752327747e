"""Counterfactuals worked by hand: which steps, when the moved action starts, the saving and
the sentence."""

from __future__ import annotations

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Scenario
from tabletop.scoring import wording
from tabletop.scoring.counterfactuals import counterfactuals
from tabletop.scoring.model import Counterfactual


def test_late_and_missing_steps_of_the_mini_scenario(mini: Scenario) -> None:
    t = wording.t
    # The team assesses (0-10) and starts the generator at 60 (done 75; target 45).
    s = simulate(mini, [D(0, "assess-impact"), D(60, "start-generator")])
    # Team: web + api (1500) down 0-75, the office (200) all 240 minutes.
    # Workaround moved to start at 45 - 15 = 30: web + api down 0-45, then api degraded
    # (0.5 x 500, the CDN wobbles 30-60) 45-60: saves 1500 x 30 - 250 x 15 = 41,250.
    # Fix (never; by 90): restore-feed must start at 90 - 40 = 50, after call-utility
    # (45-50): the office is back at 90, saving 200 x 150 = 30,000. The other late or
    # missing steps move actions that change no impact (call-utility alone, post-status...).
    assert counterfactuals(mini, s) == [
        Counterfactual(
            "workaround", "start-generator", 30, 60, 41250,
            f"Had you started “Start the generator” at {t(30)} instead of {t(60)}, so that it "
            f"was done by its {t(45)} target, 41,250 customer-minutes fewer.",
        ),
        Counterfactual(
            "fix", "restore-feed", 50, None, 30000,
            f"Had you started “Restore the utility feed” at {t(50)} instead of never, so that "
            f"it was done by its {t(90)} target, 30,000 customer-minutes fewer.",
        ),
    ]  # fmt: skip


def _two_services() -> Scenario:
    return make_scenario(
        nodes=[{"id": "svc", "users": 100}, {"id": "aux", "users": 10}],
        actions=[
            {"id": "act", "minutes": 5, "requires": ["prep"],
             "effects": [{"node": "svc", "status": "up"}]},
            {"id": "prep", "minutes": 20},
            {"id": "aux-fix", "minutes": 10, "effects": [{"node": "aux", "status": "up"}]},
        ],
        injects=[
            {"id": "cut", "at": 0, "effects": [
                {"node": "svc", "status": "down"}, {"node": "aux", "status": "down"}]},
        ],
        playbook=[
            {"id": "s1", "phase": "fix", "title": "Restore svc", "any_of": ["act"], "by": 10},
            {"id": "s2", "phase": "fix", "title": "Aux", "any_of": ["aux-fix"]},
        ],
    )  # fmt: skip


def test_prerequisites_longer_than_the_target_and_a_step_without_target() -> None:
    t = wording.t
    sc = _two_services()
    # The derived reference: prep 0-20, act 20-25, aux-fix 25-35.
    nothing = simulate(sc, [])
    # s1 (by 10): act should start at 5, but prep takes 20: prep at 0, act at 20, done 25,
    # svc back 75 minutes early: 7,500. s2 (no target, never done): aux-fix when the
    # reference started it, 25, done 35: aux back 65 minutes early: 650.
    assert counterfactuals(sc, nothing) == [
        Counterfactual(
            "s1", "act", 20, None, 7500,
            f"Had you started “act” at {t(20)} instead of never, as early as its "
            f"prerequisites allow (done at {t(25)}), 7,500 customer-minutes fewer.",
        ),
        Counterfactual(
            "s2", "aux-fix", 25, None, 650,
            f"Had you started “aux-fix” at {t(25)} instead of never, 650 customer-minutes fewer.",
        ),
    ]  # fmt: skip
    # Given the reference's start times, s2 is moved to when the reference started it.
    assert [cf.at for cf in counterfactuals(sc, nothing, {"s2": 40})] == [20, 40]


def test_no_counterfactual_when_moving_cannot_help() -> None:
    sc = _two_services()
    # act (by 10) is late, but prep takes 20 minutes: act can start at 20 at the earliest,
    # as the team did. aux-fix done at 60 has no target: not late.
    late = simulate(sc, [D(0, "prep"), D(20, "act"), D(50, "aux-fix")])
    assert counterfactuals(sc, late) == []


def test_a_step_started_in_time_with_a_slower_action_gets_no_counterfactual() -> None:
    sc = make_scenario(
        nodes=[{"id": "svc", "users": 100}],
        actions=[
            {"id": "fast", "minutes": 10, "effects": [{"node": "svc", "status": "up"}]},
            {"id": "slow", "minutes": 50, "effects": [{"node": "svc", "status": "up"}]},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]}],
        playbook=[{"id": "s", "phase": "fix", "title": "S", "any_of": ["fast", "slow"], "by": 30}],
    )
    # slow at 0 is done at 50, late; fast would have to start at 20, after the team started.
    assert counterfactuals(sc, simulate(sc, [D(0, "slow")])) == []
    # slow at 25: started after 20, so fast at 20 (done 30) saves 100 x (75 - 30) = 4,500.
    assert [
        (cf.action, cf.at, cf.team_at, cf.customer_minutes_saved)
        for cf in counterfactuals(sc, simulate(sc, [D(25, "slow")]))
    ] == [("fast", 20, 25, 4500)]
