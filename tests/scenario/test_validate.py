"""Cross-reference checks: each rule, cycles, and that shape errors do not hide them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.validate import check_references, find_cycles


def _messages(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_scenario(text, "s.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_reference_problems_and_shape_problems_are_reported_together(base_text: str) -> None:
    text = base_text.replace("kind: power", "kind: 7").replace("- db\n", "- dbb\n")
    assert _messages(text) == [
        "4:7: 'kind' should be one of: power, attack, third-party, network, other; "
        "got the number 7",
        "23:9: unknown node 'dbb' in depends_on (did you mean 'db'?)",
    ]


def test_requires_self_and_step_after_self(base_text: str) -> None:
    text = base_text.replace("requires: [assess]", "requires: [start-gen]").replace(
        "after: [assess]", "after: [fix]"
    )
    assert _messages(text) == [
        "37:16: action 'start-gen' cannot require itself",
        "68:13: step 'fix' cannot come after itself",
    ]


def test_default_after_joins_explicit_after_in_a_cycle(base_text: str) -> None:
    # communicate follows assess by default; assess placed after communicate closes a cycle.
    text = base_text.replace("    by: 10\n", "    by: 10\n    after: [communicate]\n")
    assert _messages(text) == [
        "59:12: playbook `after` cycle assess → communicate → assess: no order satisfies it"
    ]


def test_longer_requires_cycle_names_its_path(base_text: str) -> None:
    text = base_text.replace("    minutes: 5\n", "    minutes: 5\n    requires: [post-status]\n")
    text = text.replace(
        "    phase: communicate\n  - id: start-gen",
        "    phase: communicate\n    requires: [start-gen]\n  - id: start-gen",
    )
    found = _messages(text)
    assert found == [
        "30:16: requires cycle assess → post-status → start-gen → assess: "
        "these actions can never be taken"
    ]


def test_not_a_mapping_gives_no_reference_problems() -> None:
    assert check_references([1, 2]) == []


def test_duplicate_ids_name_the_first_line_when_lines_are_known() -> None:
    data = {"nodes": [{"id": "a"}, {"id": "a"}]}
    found = check_references(data, lambda loc: 42)
    assert [(f.loc, f.message) for f in found] == [
        (("nodes", 1, "id"), "duplicate node id 'a' (first at line 42)")
    ]


def test_find_cycles_ignores_dags_and_finds_one_cycle_per_component() -> None:
    assert find_cycles({"a": ["b"], "b": ["c"], "c": []}) == []
    cycles = find_cycles({"a": ["b"], "b": ["a"], "c": ["d"], "d": ["e"], "e": ["c"], "x": []})
    assert cycles == [["a", "b"], ["c", "d", "e"]]


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefg"), st.lists(st.sampled_from("abcdefg"))))
def test_find_cycles_agrees_with_a_topological_sort(graph: dict[str, list[str]]) -> None:
    full = {v: [w for w in graph.get(v, []) if w != v] for v in "abcdefg"}
    cycles = find_cycles(full)
    for cycle in cycles:  # each reported cycle is a real cycle
        for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            assert b in full[a]
    # and none is reported exactly when the graph can be ordered (Kahn's algorithm)
    indegree = {v: 0 for v in full}
    for v in full:
        for w in full[v]:
            indegree[w] += 1
    ready = [v for v, d in indegree.items() if d == 0]
    ordered = 0
    while ready:
        v = ready.pop()
        ordered += 1
        for w in full[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    assert (ordered == len(full)) == (cycles == [])
