"""Every built-in scenario validates and meets the counts of issue 7."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tabletop.scenario.catalog import scenario_files
from tabletop.scenario.models import PHASE_ORDER, Phase

if TYPE_CHECKING:
    from conftest import Library

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def test_the_five_are_built_in(lib: Library) -> None:
    ids = {p.stem for p in scenario_files() if p.parent == lib.scenario_dir}
    assert set(lib.ids) <= ids


def test_file_name_matches_id(lib: Library, scenario_id: str) -> None:
    assert lib.loaded(scenario_id).scenario.id == scenario_id


def test_each_is_a_different_kind_of_lesson(lib: Library) -> None:
    kinds = {lib.loaded(s).scenario.kind for s in lib.ids}
    assert {"power", "attack", "third-party", "network"} <= kinds


def test_node_counts_and_users(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert 15 <= len(sc.nodes) <= 40
    customer_facing = [n for n in sc.nodes if n.users > 0]
    assert len(customer_facing) >= 3
    assert any(n.sensitive for n in sc.nodes)
    assert any(n.third_party for n in sc.nodes)


def test_actions_cover_every_phase_with_durations(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert len(sc.actions) >= 12
    assert {a.phase for a in sc.actions} == set(Phase)
    # Real work takes time: only a handful of instant actions at most.
    assert sum(1 for a in sc.actions if a.minutes > 0) >= len(sc.actions) - 2
    assert any(a.requires for a in sc.actions)
    assert any(a.needs for a in sc.actions)


def test_injects_include_both_kinds_of_condition(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert len(sc.injects) >= 6
    on_decision = [i for i in sc.injects if i.when and (i.when.done or i.when.not_done)]
    on_state = [i for i in sc.injects if i.when and (i.when.down or i.when.up)]
    assert on_decision, "needs an inject conditional on a decision"
    assert on_state, "needs an inject conditional on node state"
    for inj in sc.injects:
        if inj.at is not None:
            assert inj.at <= sc.duration


def test_playbook_in_recommended_order_with_targets(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    phases = [PHASE_ORDER.index(s.phase) for s in sc.playbook]
    assert phases == sorted(phases), "playbook steps follow the recommended phase order"
    assert {s.phase for s in sc.playbook} >= {
        Phase.ASSESS,
        Phase.COMMUNICATE,
        Phase.FIX,
        Phase.VERIFY,
        Phase.PREVENT,
        Phase.FOLLOW_UP,
    }
    for step in sc.playbook:
        assert step.by is not None and 0 < step.by <= sc.duration
    # Some steps are truly parallel: at least one explicit `after` that is not the default.
    assert any(
        s.after is not None and s.after != ([sc.playbook[i - 1].id] if i else [])
        for i, s in enumerate(sc.playbook)
    )


def test_avoid_reasons_and_metadata(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert sc.avoid
    for av in sc.avoid:
        assert av.penalty > 0
        assert "\n" not in av.why.strip() and len(av.why) < 160
        # An avoid action is a trap, never part of the recommended response.
        assert all(av.action not in s.any_of for s in sc.playbook)
    assert sc.reference, "a model answer is written out"
    assert sc.difficulty is not None
    assert len(sc.tags) >= 3
    assert all(ID.match(t) for t in sc.tags)


def test_reference_never_takes_an_avoid_action(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert sc.reference is not None
    avoided = {a.action for a in sc.avoid}
    assert not avoided & {d.action for d in sc.reference}


def test_telling_customers_is_a_critical_task(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    communicate = [s for s in sc.playbook if s.phase == Phase.COMMUNICATE]
    assert communicate and all(s.critical and s.weight == 2 for s in communicate)
    # Weights stay modest: a heavy step would drown the rest of the response.
    assert all(0 < s.weight <= 2 for s in sc.playbook)
    assert sc.critical_penalty == 15


def test_safety_is_a_critical_task_in_the_power_scenario(lib: Library) -> None:
    sc = lib.loaded("dc-power-loss").scenario
    critical = {s.id for s in sc.playbook if s.critical}
    assert critical == {"safety", "communicate"}
    assert next(s for s in sc.playbook if s.id == "safety").weight == 2


def test_objectives_name_capabilities(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    assert 2 <= len(sc.objectives) <= 4
    steps = {s.id for s in sc.playbook}
    for objective in sc.objectives:
        assert objective.capability and objective.capability[0].isupper()
        assert set(objective.steps) <= steps
    covered = {step for o in sc.objectives for step in o.steps}
    # Every critical task is evaluated by some objective.
    assert {s.id for s in sc.playbook if s.critical} <= covered
    capabilities = {o.capability for o in sc.objectives}
    assert "Operational communications" in capabilities
    assert len(capabilities) == len(sc.objectives), "one capability per objective"


def test_a_facilitator_hint_changes_nothing(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    hints = [i for i in sc.injects if i.audience == "facilitator"]
    assert len(hints) == 1
    (hint,) = hints
    assert hint.at == 0 and hint.when is None and hint.effects == []
    # The drill already marks it as the facilitator's: the title says what the hint is about.
    assert hint.message and hint.title and not hint.title.lower().startswith("facilitator")


def test_every_manual_node_can_be_restarted(lib: Library, scenario_id: str) -> None:
    sc = lib.loaded(scenario_id).scenario
    for node in (n for n in sc.nodes if n.recovers == "manual"):
        restarts = [
            a for a in sc.actions if any(e.node == node.id and e.status == "up" for e in a.effects)
        ]
        assert restarts, f"{node.id} latches down and no action brings it back"
        assert all(a.id not in {av.action for av in sc.avoid} for a in restarts)
