"""Validation boundaries and error positions pinned exactly (line:column of each message).

The base scenario (tests/scenario/base.yaml) has `duration: 120`; its inject `press` is at
line 47 (`    at: 30`), the playbook step `communicate` has `    by: 30` at line 63 and the
reference decision `  - {at: 0, action: assess}` is line 74.
"""

from __future__ import annotations

import pytest

from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.problems import InputError


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
