"""Validation boundaries and error positions pinned exactly (line:column of each message).

The base scenario (tests/scenario/base.yaml) has `duration: 120`; its inject `press` is at
line 47 (`    at: 30`), the playbook step `communicate` has `    by: 30` at line 63 and the
reference decision `  - {at: 0, action: assess}` is line 74.
"""

from __future__ import annotations

from typing import Any

import pytest

from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.validate import check_references, find_cycles, scenario_warnings


def _messages(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_scenario(text, "s.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_an_inject_at_the_duration_is_valid_and_one_after_is_not(base_text: str) -> None:
    at_end = parse_scenario(base_text.replace("    at: 30\n", "    at: 120\n"), "s.yaml")
    assert next(i.at for i in at_end.injects if i.id == "press") == 120
    assert _messages(base_text.replace("    at: 30\n", "    at: 120.5\n")) == [
        "47:9: 'at' 120.5 is after the end of the drill (duration 120)"
    ]


def test_a_target_at_the_duration_is_valid_and_one_after_is_not(base_text: str) -> None:
    at_end = parse_scenario(base_text.replace("    by: 30\n", "    by: 120\n"), "s.yaml")
    assert next(st.by for st in at_end.playbook if st.id == "communicate") == 120
    assert _messages(base_text.replace("    by: 30\n", "    by: 121\n")) == [
        "63:9: 'by' 121 is after the end of the drill (duration 120)"
    ]


def test_a_reference_decision_at_the_duration_is_valid_and_one_after_is_not(
    base_text: str,
) -> None:
    line = "  - {at: 0, action: assess}\n"
    at_end = parse_scenario(base_text.replace(line, line.replace("0", "120")), "s.yaml")
    assert [d.at for d in at_end.reference or []] == [120]
    assert _messages(base_text.replace(line, line.replace("0", "121"))) == [
        "74:10: 'at' 121 is after the end of the drill (duration 120)"
    ]


def test_a_requires_cycle_points_at_the_requirement_that_closes_it(base_text: str) -> None:
    # assess requires post-status (fine) and start-gen, which requires assess: the error
    # points at `start-gen` in assess's list, the second item, not the first.
    text = base_text.replace(
        "    minutes: 5\n", "    minutes: 5\n    requires: [post-status, start-gen]\n", 1
    )
    assert _messages(text) == [
        "30:29: requires cycle assess → start-gen → assess: these actions can never be taken"
    ]


def test_a_requires_cycle_in_a_block_list_points_at_its_line(base_text: str) -> None:
    text = base_text.replace(
        "    minutes: 5\n",
        "    minutes: 5\n    requires:\n      - post-status\n      - start-gen\n",
        1,
    )
    assert _messages(text) == [
        "32:9: requires cycle assess → start-gen → assess: these actions can never be taken"
    ]


def _warnings(**parts: Any) -> list[tuple[tuple[str | int, ...], str]]:
    nodes = parts.pop("nodes", [{"id": "a"}])
    actions = parts.pop("actions", [{"id": "x"}])
    return [(w.loc, w.message) for w in scenario_warnings(make_scenario(nodes, actions, **parts))]


def test_a_dependency_cycle_warning_points_at_the_edge_that_closes_it() -> None:
    found = _warnings(
        nodes=[
            {"id": "a", "depends_on": ["x", "b"]},
            {"id": "b", "depends_on": ["a"]},
            {"id": "x"},
            {"id": "c", "depends_on": [{"any_of": ["x", "e"]}]},
            {"id": "e", "depends_on": [{"soft": "c"}]},
        ]
    )
    tail = (
        ": each needs the other; the drill brings them back as soon as none is down on its "
        "own (a real restart may not)"
    )
    assert found == [
        (("nodes", 0, "depends_on", 1), "warning: dependency cycle a → b → a" + tail),
        (("nodes", 3, "depends_on", 0), "warning: dependency cycle c → e → c" + tail),
    ]


def test_a_target_no_action_can_meet_is_a_warning() -> None:
    # Earliest done: p 5, q 5 + 10 = 15, s 20, r max(5, 20) + 3 = 23 (requires run in
    # parallel), t1 and t2 5 each.
    actions = [
        {"id": "p", "minutes": 5},
        {"id": "q", "minutes": 10, "requires": ["p"]},
        {"id": "r", "minutes": 3, "requires": ["p", "s"]},
        {"id": "s", "minutes": 20},
        {"id": "t2", "minutes": 5},
        {"id": "t1", "minutes": 5},
    ]
    steps = [
        ("met", ["q"], 15),  # exactly the earliest: fine
        ("early", ["q"], 14.5),
        ("either", ["r", "q"], 10),  # the quickest of the two is q
        ("parallel", ["r"], 23),  # 5 + 20 + 3 = 28 would be wrong: requires run side by side
        ("tie", ["t2", "t1"], 4),  # equally quick: named by id
        ("free", ["s"], None),
    ]
    playbook = [
        {"id": i, "phase": "fix", "title": i, "any_of": a, **({"by": by} if by else {})}
        for i, a, by in steps
    ]
    assert _warnings(actions=actions, playbook=playbook) == [
        (("playbook", 1, "by"), "warning: 'by' 14.5 cannot be met: the quickest of this "
         "step's actions (q) is done at minute 15 at the earliest"),
        (("playbook", 2, "by"), "warning: 'by' 10 cannot be met: the quickest of this "
         "step's actions (q) is done at minute 15 at the earliest"),
        (("playbook", 4, "by"), "warning: 'by' 4 cannot be met: the quickest of this "
         "step's actions (t1) is done at minute 5 at the earliest"),
    ]  # fmt: skip


def test_a_long_requires_chain_gives_its_earliest_time() -> None:
    # 3000 actions each requiring the one before: deeper than Python's recursion limit.
    actions = [{"id": "a0", "minutes": 1}] + [
        {"id": f"a{k}", "minutes": 1, "requires": [f"a{k - 1}"]} for k in range(1, 3000)
    ]
    playbook = [{"id": "last", "phase": "fix", "title": "t", "any_of": ["a2999"], "by": 2999}]
    assert _warnings(actions=actions, playbook=playbook) == [
        (("playbook", 0, "by"), "warning: 'by' 2999 cannot be met: the quickest of this "
         "step's actions (a2999) is done at minute 3000 at the earliest"),
    ]  # fmt: skip


def test_find_cycles_gives_the_shortest_cycle_through_the_first_vertex() -> None:
    # a → c → b → a: the cycle is found by following edges, not by listing the component.
    assert find_cycles({"a": ["c"], "b": ["a"], "c": ["b"]}) == [["a", "c", "b"]]
    # a ⇄ b and b ⇄ c are one component; the cycle through a is a → b → a. An edge to a
    # vertex outside the component (x) is passed over, not followed.
    assert find_cycles({"a": ["x", "b"], "b": ["c", "a"], "c": ["b"], "x": []}) == [["a", "b"]]
    # Longer: a → b → c → d → a with a shortcut b → d: a → b → d → a.
    graph = {"a": ["b"], "b": ["c", "d"], "c": ["d"], "d": ["a"]}
    assert find_cycles(graph) == [["a", "b", "d"]]


def test_the_quickest_action_is_the_one_done_first_not_the_first_named() -> None:
    # d needs a and b, b needs a: a 5, b 5 + 3 = 8, d max(5, 8) + 2 = 10. z is done at 1.
    actions = [
        {"id": "d", "minutes": 2, "requires": ["a", "b"]},
        {"id": "b", "minutes": 3, "requires": ["a"]},
        {"id": "a", "minutes": 5},
        {"id": "z", "minutes": 1},
    ]
    playbook = [
        {"id": "s1", "phase": "fix", "title": "1", "any_of": ["d"], "by": 9},
        {"id": "s2", "phase": "fix", "title": "2", "any_of": ["a", "z"], "by": 0.5},
    ]
    assert _warnings(actions=actions, playbook=playbook) == [
        (("playbook", 0, "by"), "warning: 'by' 9 cannot be met: the quickest of this "
         "step's actions (d) is done at minute 10 at the earliest"),
        (("playbook", 1, "by"), "warning: 'by' 0.5 cannot be met: the quickest of this "
         "step's actions (z) is done at minute 1 at the earliest"),
    ]  # fmt: skip


def _lines(loc: tuple[Any, ...]) -> int:
    # A made-up line for each location the messages name; anything else is line 0.
    return {("nodes", 1, "id"): 7, ("avoid", 0, "action"): 40}.get(loc, 0)


def test_no_duration_or_a_bad_one_checks_no_times() -> None:
    for duration in (0, -5, "abc", None):
        data = {"duration": duration, "injects": [{"id": "i", "at": 500}]}
        assert check_references(data) == []
    late = check_references({"duration": 10, "injects": [{"id": "i", "at": 11}]})
    assert [(p.loc, p.message) for p in late] == [
        (("injects", 0, "at"), "'at' 11 is after the end of the drill (duration 10)")
    ]


def test_duplicate_ids_after_an_entry_without_an_id() -> None:
    found = check_references({"nodes": [{"id": 5}, {"id": "a"}, {"id": "a"}]}, _lines)
    assert [(p.loc, p.message) for p in found] == [
        (("nodes", 2, "id"), "duplicate node id 'a' (first at line 7)")
    ]


def test_avoid_duplicates_and_avoided_steps_name_the_first_avoid_line() -> None:
    data = {
        "actions": [{"id": "x"}],
        "avoid": [{"action": "x"}, {"action": "x"}],
        "playbook": [{"id": "s", "any_of": ["x"]}],
        "reference": [{"at": 0, "action": "x"}],
    }
    assert [(p.loc, p.message) for p in check_references(data, _lines)] == [
        (("avoid", 1, "action"), "action 'x' is already in avoid (line 40)"),
        (("playbook", 0, "any_of", 0), "action 'x' is in avoid (line 40): a playbook step "
         "cannot be done by an action that costs points"),
        (("reference", 0, "action"), "action 'x' is in avoid (line 40): the model answer "
         "cannot take an action that costs points"),
    ]  # fmt: skip


def test_every_when_key_is_checked() -> None:
    when = {k: ["zz"] for k in ("done", "not_done", "started", "not_started", "down", "up")}
    data = {
        "actions": [{"id": "x"}],
        "nodes": [{"id": "n"}],
        "injects": [{"id": "i", "when": when}],
    }
    assert [(p.loc, p.message) for p in check_references(data)] == [
        (("injects", 0, "when", key, 0), f"unknown {what} 'zz' in when.{key}")
        for key, what in (
            ("done", "action"), ("not_done", "action"), ("started", "action"),
            ("not_started", "action"), ("down", "node"), ("up", "node"),
        )
    ]  # fmt: skip


def test_a_node_in_its_own_any_of_group() -> None:
    data = {"nodes": [{"id": "a", "depends_on": [{"any_of": ["b", "a"]}]}, {"id": "b"}]}
    assert [(p.loc, p.message) for p in check_references(data)] == [
        (("nodes", 0, "depends_on", 0, "any_of", 1), "node 'a' cannot depend on itself")
    ]


def test_duplicate_inject_and_step_ids() -> None:
    data = {"injects": [{"id": "i"}, {"id": "i"}], "playbook": [{"id": "s"}, {"id": "s"}]}
    assert [(p.loc, p.message) for p in check_references(data)] == [
        (("injects", 1, "id"), "duplicate inject id 'i' (first at line 0)"),
        (("playbook", 1, "id"), "duplicate playbook step id 's' (first at line 0)"),
    ]


def test_a_cycle_starts_at_its_first_vertex_in_file_order() -> None:
    assert find_cycles({"b": ["a"], "a": ["b"]}) == [["b", "a"]]
