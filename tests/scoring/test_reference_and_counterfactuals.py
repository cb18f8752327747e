"""Reference derivation, solve, and the counterfactual debrief."""

from __future__ import annotations

from typing import Any

import pytest

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import counterfactuals, reference_decisions, score, solve


def test_derived_reference_follows_the_playbook_and_requires(mini: Scenario) -> None:
    # Each step's first action, after its missing requires, each when the previous finishes:
    # assess 10 min, call 5, post 5, generator 15, feed 40, verify 10, plan 20, email 5.
    assert [(d.at, d.action) for d in reference_decisions(mini)] == [
        (0, "assess-impact"),
        (10, "call-utility"),
        (15, "post-status"),
        (20, "start-generator"),
        (35, "restore-feed"),
        (75, "verify-service"),
        (85, "plan-upgrade"),
        (105, "email-customers"),
    ]


def test_derived_reference_takes_requires_first_and_skips_covered_steps(
    mini_data: dict[str, Any], build: Any
) -> None:
    # The first step now needs the fix, whose `requires` chain is call-utility <- assess-impact;
    # the escalate and assess steps are then covered already and add nothing.
    mini_data["playbook"][0]["any_of"] = ["restore-feed"]
    refs = reference_decisions(build(mini_data))
    assert [d.action for d in refs[:3]] == ["assess-impact", "call-utility", "restore-feed"]
    assert [d.at for d in refs[:3]] == [0, 10, 15]
    assert [d.action for d in refs].count("call-utility") == 1


def test_scenario_reference_wins(mini_data: dict[str, Any], build: Any) -> None:
    mini_data["reference"] = [
        {"at": 0, "action": "assess-impact"},
        {"at": 12, "action": "post-status", "message": "hi"},
    ]
    refs = reference_decisions(build(mini_data))
    assert refs == [D(0, "assess-impact"), D(12, "post-status", message="hi")]


def test_solve_warns_when_the_scenario_is_not_winnable_or_not_fair(
    mini_data: dict[str, Any], build: Any
) -> None:
    # A reference that does only the assessment, late, and a refused decision.
    mini_data["reference"] = [
        {"at": 0, "action": "post-status"},
        {"at": 50, "action": "assess-impact"},
    ]
    result = solve(build(mini_data))
    assert result.reference.total < 90
    assert [r.action for r in result.refused] == ["post-status"]
    assert any("refused" in w for w in result.warnings)
    assert any("below 90" in w for w in result.warnings)
    doc = result.to_json()
    assert list(doc) == [
        "scenario",
        "derived",
        "decisions",
        "reference",
        "baseline",
        "refused",
        "warnings",
    ]


def test_solve_warns_when_nothing_scores_high(flat_data: dict[str, Any], build: Any) -> None:
    # Nothing to avoid (no inject): outcome is 1 for everyone, so doing nothing earns 30.
    flat_data["injects"] = []
    result = solve(build(flat_data))
    assert result.baseline.total == pytest.approx(30)
    assert any("doing nothing scores 30.0" in w for w in result.warnings)


# ------------------------------------------------------------------- counterfactuals


def test_counterfactuals_largest_first(mini: Scenario) -> None:
    # Team: assess 0-10, call 10-15, restore-feed at 100 (done 140, target 90); never the
    # generator (target 45). Web + API (1,500) down until 140, office (200) until 140.
    s = simulate(mini, [D(0, "assess-impact"), D(10, "call-utility"), D(100, "restore-feed")])
    cfs = score(mini, s).counterfactuals
    assert [c.step for c in cfs] == ["workaround", "fix"]
    gen, fix = cfs
    # Targets mean "done by": the 15-minute generator start begins at 30 to be up at 45.
    # Web (1,000) back 95 minutes sooner = 95,000; the API (500) is degraded by the CDN from
    # 45 to 60 instead of down (0.5 x 500 x 15 = 3,750), then up: 500 x 95 - 3,750 = 43,750.
    assert gen.at == 30 and gen.team_at is None
    assert gen.customer_minutes_saved == pytest.approx(138_750)
    assert "instead of never, so that it was done by its T+45:00 target" in gen.text
    assert "138,750 customer-minutes fewer" in gen.text
    # The 40-minute feed restore starts at 50 to be done by 90 instead of 140: everyone
    # (1,700) back 50 minutes sooner = 85,000.
    assert fix.at == 50 and fix.team_at == 100
    assert fix.customer_minutes_saved == pytest.approx(85_000)
    assert counterfactuals(mini, s) == cfs  # the public function gives the same list


def test_counterfactual_adds_missing_requires_and_replays_refused_decisions(
    mini: Scenario,
) -> None:
    # The team never assessed: its generator start at 30 was refused (requires assess).
    s = simulate(mini, [D(30, "start-generator")])
    assert not s.decisions[0].accepted
    by_step = {c.step: c for c in counterfactuals(mini, s)}
    # Assess at its target 15 -> done 25: the refused start at 30 is now accepted, generator
    # up at 45: web + api back, 1,500 x (240 - 45) = 292,500, but the API is then degraded by
    # the CDN until 60 (0.5 x 500 x 15 = 3,750): 288,750 saved.
    assert by_step["assess"].customer_minutes_saved == pytest.approx(288_750)
    # Workaround done by 45: the generator start at 30 with assess-impact first (20-30); up
    # at 45: 1,500 x 195 = 292,500, less the API degraded by the CDN 45-60 (3,750).
    assert by_step["workaround"].at == 30
    assert by_step["workaround"].customer_minutes_saved == pytest.approx(288_750)


def test_counterfactuals_skip_steps_on_time_and_steps_that_save_nothing(mini: Scenario) -> None:
    # The reference itself: every step on time; nothing to gain.
    s = simulate(mini, reference_decisions(mini))
    assert counterfactuals(mini, s) == []
    # A late communicate step saves no customer-minutes: not listed.
    late_talk = simulate(
        mini, [D(0, "assess-impact"), D(20, "start-generator"), D(100, "post-status")]
    )
    assert "communicate" not in {c.step for c in counterfactuals(mini, late_talk)}


def test_an_early_end_is_scored_over_the_whole_drill(mini: Scenario) -> None:
    # Ended by the facilitator at 50: the team stops deciding, the outage runs on to 240.
    s = simulate(mini, [D(0, "assess-impact")], end_at=50)
    assert (s.ended_at, s.now) == (50, 240)
    same = simulate(mini, [D(0, "assess-impact")])
    assert counterfactuals(mini, s) == counterfactuals(mini, same)
    sc = score(mini, s)
    # Doing nothing over the whole drill: 1,700 x 240 = 408,000, as for a drill not ended.
    assert sc.impact.baseline_customer_minutes == pytest.approx(408_000)
    assert sc.impact.customer_minutes == pytest.approx(408_000)
    assert (sc.ended_at, sc.scored_to) == (50, 240)
    assert sc.to_json()["total"] == score(mini, same).to_json()["total"]


def test_solve_does_not_warn_on_float_noise_at_the_floor(
    flat_data: dict[str, Any], build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 35 + 20*5/7 + 15 + 30*6/7 is exactly 90 but sums to 89.99999999999999: no warning.
    import dataclasses
    import importlib

    solve_module = importlib.import_module("tabletop.scoring.solve")
    real = solve_module.score_with

    def noisy(*args: Any, **kwargs: Any) -> Any:
        sc = real(*args, **kwargs)
        if kwargs.get("team") == "reference":
            return dataclasses.replace(sc, total=35 + 20 * (5 / 7) + 15 + 30 * (6 / 7))
        return sc

    monkeypatch.setattr(solve_module, "score_with", noisy)
    result = solve(build(flat_data))
    assert result.reference.total < 90
    assert not any("below 90" in w for w in result.warnings)


def test_a_counterfactual_brings_up_what_the_moved_action_needs(
    mini_data: dict[str, Any], build: Any
) -> None:
    # The generator can only start once someone has opened the fuel valve (a node it needs):
    # moving the start alone would be refused, so the valve opening moves with it.
    mini_data["nodes"].append({"id": "valve", "label": "Fuel valve", "standby": True})
    mini_data["actions"].append(
        {
            "id": "open-valve",
            "label": "Open the fuel valve",
            "phase": "workaround",
            "minutes": 10,
            "effects": [{"node": "valve", "status": "up"}],
        }
    )
    gen = next(a for a in mini_data["actions"] if a["id"] == "start-generator")
    gen["needs"] = ["valve"]
    sc = build(mini_data)
    s = simulate(sc, [D(0, "assess-impact")])
    (cf,) = [c for c in counterfactuals(sc, s) if c.step == "workaround"]
    # Done by 45: the start at 30, the valve 20-30 before it; web + api up at 45, the API
    # degraded by the CDN until 60: 1,500 x 195 - 3,750 = 288,750.
    assert cf.at == 30
    assert cf.customer_minutes_saved == pytest.approx(288_750)
    assert cf.text.endswith("(with what it needs first: “Open the fuel valve” at T+20:00).")
