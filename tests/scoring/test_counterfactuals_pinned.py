"""Counterfactuals worked by hand: which steps, when the moved action starts, the saving and
the sentence."""

from __future__ import annotations

from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Scenario
from tabletop.scoring import wording
from tabletop.scoring.counterfactuals import (
    _providers,
    counterfactuals,
    impact_relevant_actions,
    team_decisions,
)
from tabletop.scoring.model import Counterfactual
from tabletop.scoring.reference import derived_reference


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
            f"it was done by its {t(90)} target, 30,000 customer-minutes fewer "
            f"(with what it needs first: “Call the utility” at {t(45)}).",
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
            f"prerequisites allow (done at {t(25)}), 7,500 customer-minutes fewer "
            f"(with what it needs first: “prep” at {t(0)}).",
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


def test_the_moved_action_replaces_the_teams_later_take() -> None:
    # The service relapses at 40. The team fixed it at 50 (up at 60, for good). Moving the
    # fix to 20 (up at 30) without the team's take at 50 leaves it down from 40 to the end:
    # 90 minutes down instead of 60, no saving, so no counterfactual.
    sc = make_scenario(
        nodes=[{"id": "svc", "users": 100}],
        actions=[{"id": "fix", "minutes": 10, "effects": [{"node": "svc", "status": "up"}]}],
        injects=[
            {"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]},
            {"id": "relapse", "at": 40, "effects": [{"node": "svc", "status": "down"}]},
        ],
        playbook=[{"id": "s", "phase": "fix", "title": "S", "any_of": ["fix"], "by": 30}],
    )
    assert counterfactuals(sc, simulate(sc, [D(50, "fix")])) == []


def test_team_decisions_keep_every_field_and_leave_out_those_after_the_end(
    mini: Scenario,
) -> None:
    s = simulate(
        mini,
        [
            D(0, "assess-impact", by="ana", note="n", message="m"),
            D(5, "post-status"),  # refused (assess not done yet): kept, it may be accepted
            D(30, "verify-service"),  # after the end: left out
        ],
        end_at=20,
    )
    assert team_decisions(s) == [
        D(0, "assess-impact", "ana", "n", "m"),
        D(5, "post-status"),
    ]


def test_impact_relevant_actions() -> None:
    sc = make_scenario(
        nodes=[{"id": "n"}],
        actions=[
            {"id": "plain"},
            {"id": "effect", "effects": [{"node": "n", "status": "up"}]},
            {"id": "needed"},
            {"id": "needs", "requires": ["needed"]},
            {"id": "waited"},
            {"id": "d"}, {"id": "nd"}, {"id": "st"}, {"id": "nst"},
        ],
        injects=[
            {"id": "i1", "after": {"action": "waited", "minutes": 5}},
            {"id": "i2", "at": 1, "when": {
                "done": ["d"], "not_done": ["nd"], "started": ["st"], "not_started": ["nst"]}},
        ],
    )  # fmt: skip
    assert impact_relevant_actions(sc) == {"effect", "needed", "waited", "d", "nd", "st", "nst"}


def test_the_derived_reference_of_the_mini_scenario(mini: Scenario) -> None:
    # Each step's first action in playbook order, with its requires first, one after another.
    assert derived_reference(mini) == [
        D(0, "assess-impact"), D(10, "call-utility"), D(15, "post-status"),
        D(20, "start-generator"), D(35, "restore-feed"), D(75, "verify-service"),
        D(85, "plan-upgrade"), D(105, "email-customers"),
    ]  # fmt: skip


def test_the_derived_reference_survives_a_requires_cycle_and_an_unknown_action() -> None:
    # Validation rejects both; the derivation must still end (solve runs on models).
    sc = make_scenario(
        nodes=[{"id": "n"}],
        actions=[
            {"id": "a", "minutes": 2, "requires": ["b"]},
            {"id": "b", "minutes": 3, "requires": ["a"]},
            {"id": "c", "minutes": 1, "requires": ["ghost"]},
        ],
        playbook=[
            {"id": "s1", "phase": "fix", "title": "1", "any_of": ["a"]},
            {"id": "s2", "phase": "fix", "title": "2", "any_of": ["c"]},
        ],
    )
    assert derived_reference(sc) == [D(0, "b"), D(3, "a"), D(5, "c")]


def test_the_largest_saving_comes_first_whatever_the_playbook_order(mini: Scenario) -> None:
    # The generator at 40 (done 55, target 45) and the feed never restored.
    s = simulate(mini, [D(0, "assess-impact"), D(40, "start-generator")])
    # Workaround at 30 (done 45): web + api up 10 minutes sooner (15,000), but api degraded
    # 45-55 instead (2,500): 12,500. Fix (later in the playbook): the office back at 90,
    # 200 x 150 = 30,000.
    assert [(cf.step, cf.customer_minutes_saved) for cf in counterfactuals(mini, s)] == [
        ("fix", 30000),
        ("workaround", 12500),
    ]


def _fast_slow(second_step: bool = False) -> Scenario:
    steps = [{"id": "s", "phase": "fix", "title": "S", "any_of": ["fast", "slow"], "by": 30}]
    if second_step:
        steps.append({"id": "t", "phase": "fix", "title": "T", "any_of": ["other"], "by": 10})
    return make_scenario(
        nodes=[{"id": "svc", "users": 100}, {"id": "aux", "users": 1}],
        actions=[
            {"id": "fast", "minutes": 10, "effects": [{"node": "svc", "status": "up"}]},
            {"id": "slow", "minutes": 50, "effects": [{"node": "svc", "status": "up"}]},
            {"id": "other", "minutes": 10, "effects": [{"node": "aux", "status": "up"}]},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [
            {"node": "svc", "status": "down"}, {"node": "aux", "status": "down"}]}],
        playbook=steps,
    )  # fmt: skip


def test_started_exactly_in_time_is_in_time_and_later_steps_still_count() -> None:
    sc = _fast_slow(second_step=True)
    # slow at 20 is when fast should have started: no counterfactual for s. other (by 10)
    # never done: at 0, aux back at 10 instead of never: 90 customer-minutes.
    found = counterfactuals(sc, simulate(sc, [D(20, "slow")]))
    assert [(cf.step, cf.at, cf.customer_minutes_saved) for cf in found] == [("t", 0, 90)]


def test_a_target_equal_to_the_action_length_starts_it_at_zero() -> None:
    sc = _fast_slow(second_step=True)
    # other takes 10 minutes for a 10-minute target: start at 0, not later.
    (cf,) = [cf for cf in counterfactuals(sc, simulate(sc, [D(0, "fast"), D(30, "other")]))]
    assert (cf.step, cf.at, cf.team_at, cf.customer_minutes_saved) == ("t", 0, 30, 30)
    assert "so that it was done by its" in cf.text


def test_counterfactuals_survive_a_requires_cycle() -> None:
    up = [{"node": "svc", "status": "up"}]
    sc = make_scenario(
        nodes=[{"id": "svc", "users": 10}],
        actions=[
            {"id": "a", "minutes": 1, "requires": ["b"], "effects": up},
            {"id": "b", "minutes": 1, "requires": ["a"]},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]}],
        playbook=[
            {"id": "s1", "phase": "fix", "title": "1", "any_of": ["a"], "by": 10},
        ],
    )  # fmt: skip
    # a can never be taken (a needs b needs a): nothing to gain, and no endless recursion.
    assert counterfactuals(sc, simulate(sc, [])) == []


def test_the_node_an_action_needs_is_brought_back_as_the_reference_does() -> None:
    sc = make_scenario(
        nodes=[{"id": "db"}, {"id": "cache"}],
        actions=[
            {"id": "slow-fix", "minutes": 30, "effects": [{"node": "db", "status": "up"}]},
            {"id": "quick-fix", "minutes": 5, "effects": [{"node": "db", "status": "up"}]},
            {"id": "patch", "effects": [{"node": "cache", "status": "degraded"}]},
            {"id": "use", "needs": ["db"]},
        ],
        reference=[{"at": 0, "action": "quick-fix"}, {"at": 5, "action": "use"}],
    )
    assert _providers(sc) == {"db": "quick-fix", "cache": "patch"}


def test_a_sentence_names_every_prerequisite_moved() -> None:
    t = wording.t
    sc = make_scenario(
        nodes=[{"id": "svc", "users": 100}],
        actions=[
            {"id": "act", "minutes": 5, "requires": ["p1", "p2"],
             "effects": [{"node": "svc", "status": "up"}]},
            {"id": "p1", "minutes": 10},
            {"id": "p2", "minutes": 10},
            {"id": "now", "minutes": 0},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]}],
        playbook=[
            # A target at the very end with an instant action: nothing can be moved for it,
            # and the steps after it still count.
            {"id": "s0", "phase": "fix", "title": "0", "any_of": ["now"], "by": 100},
            {"id": "s1", "phase": "fix", "title": "1", "any_of": ["act"], "by": 30},
        ],
    )  # fmt: skip
    # act must start at 25, after p1 (5-15) and p2 (15-25): svc back at 30, not never.
    assert [cf.text for cf in counterfactuals(sc, simulate(sc, []))] == [
        f"Had you started “act” at {t(25)} instead of never, so that it was done by its "
        f"{t(30)} target, 7,000 customer-minutes fewer (with what it needs first: “p1” at "
        f"{t(5)}, “p2” at {t(15)})."
    ]


def _needs_db() -> Scenario:
    # svc (100 users) is cut at 0 and only `reroute` (10 min) brings it back; reroute needs
    # the db node. The db is up unless the team itself breaks it (`wipe`); `restore` (20 min)
    # brings it back. The step: reroute done by 30.
    return make_scenario(
        nodes=[{"id": "svc", "users": 100}, {"id": "db"}],
        actions=[
            {"id": "reroute", "minutes": 10, "needs": ["db"],
             "effects": [{"node": "svc", "status": "up"}]},
            {"id": "restore", "minutes": 20, "effects": [{"node": "db", "status": "up"}]},
            {"id": "wipe", "minutes": 5, "effects": [{"node": "db", "status": "down"}]},
        ],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "svc", "status": "down"}]}],
        playbook=[{"id": "s", "phase": "fix", "title": "s", "any_of": ["reroute"], "by": 30}],
    )  # fmt: skip


def test_a_needed_node_that_is_up_needs_no_fix_in_the_what_if() -> None:
    t = wording.t
    sc = _needs_db()
    # The db is up all along: reroute alone at 20 (done 30), svc back 70 minutes early.
    assert [cf.text for cf in counterfactuals(sc, simulate(sc, []))] == [
        f"Had you started “reroute” at {t(20)} instead of never, so that it was done by its "
        f"{t(30)} target, 7,000 customer-minutes fewer."
    ]


def test_a_needed_node_the_team_broke_is_restored_first_in_the_what_if() -> None:
    t = wording.t
    sc = _needs_db()
    # The team wiped the db (0-5): at 20 it is down, so restore must run first. 10 + 20 > 30:
    # restore at 0 (done 20), reroute 20-30, svc back at 30: 7,000 again, with the restore.
    s = simulate(sc, [D(0, "wipe")])
    assert [cf.text for cf in counterfactuals(sc, s)] == [
        f"Had you started “reroute” at {t(20)} instead of never, so that it was done by its "
        f"{t(30)} target, 7,000 customer-minutes fewer (with what it needs first: “restore” "
        f"at {t(0)})."
    ]


def test_a_node_broken_at_the_very_minute_the_moved_action_starts_needs_no_fix() -> None:
    t = wording.t
    sc = _needs_db()
    instant_wipe = sc.model_copy(
        update={
            "actions": [
                a.model_copy(update={"minutes": 0}) if a.id == "wipe" else a for a in sc.actions
            ]
        }
    )
    # The team wipes the db at 20, the minute reroute would start: in the re-run the moved
    # reroute is taken first (the db still up), so it needs no restore.
    s = simulate(instant_wipe, [D(20, "wipe")])
    assert [cf.text for cf in counterfactuals(instant_wipe, s)] == [
        f"Had you started “reroute” at {t(20)} instead of never, so that it was done by its "
        f"{t(30)} target, 7,000 customer-minutes fewer."
    ]
