"""Warnings: allowed but probably a mistake. Printed with FILE:LINE:COL, exit 0."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tabletop.scenario.loader import load_scenario, parse_scenario
from tabletop.scenario.validate import scenario_warnings

Write = Callable[[str, str], Path]

# db gains a soft dependency on web (line 18), which already depends on db: a cycle.
_CYCLE = (
    "      - any_of: [utility, generator]\n",
    "      - any_of: [utility, generator]\n      - soft: web\n",
)


def _messages(path: Path) -> list[str]:
    return [f"{w.line}:{w.column}: {w.message}" for w in load_scenario(path).warnings]


def test_dependency_cycle_is_a_warning_at_the_dependency_that_closes_it(
    write: Write, base_text: str
) -> None:
    path = write("cycle.yaml", base_text.replace(*_CYCLE))
    found = _messages(path)
    assert len(found) == 1
    line, column, message = found[0].split(":", 2)
    assert message.startswith(" warning: dependency cycle ")
    # The cycle is reported once, starting at the node that comes first in the file.
    assert "db → web → db" in message
    assert (int(line), int(column)) == (18, 9)


def test_a_by_no_action_can_meet_is_a_warning_at_the_by(write: Write, base_text: str) -> None:
    # The fix step's only action takes 10 minutes after `assess` (5 minutes): done at 15 at
    # the earliest, so a target of 12 cannot be met.
    text = base_text.replace("    any_of: [start-gen]\n", "    any_of: [start-gen]\n    by: 12\n")
    path = write("by.yaml", text)
    assert _messages(path) == [
        "68:9: warning: 'by' 12 cannot be met: the quickest of this step's actions "
        "(start-gen) is done at minute 15 at the earliest"
    ]


def test_a_by_exactly_at_the_quickest_finish_is_no_warning(write: Write, base_text: str) -> None:
    text = base_text.replace("    any_of: [start-gen]\n", "    any_of: [start-gen]\n    by: 15\n")
    assert _messages(write("by.yaml", text)) == []


def test_the_quickest_action_of_a_step_decides(base_text: str) -> None:
    # With a zero-minute alternative in any_of, a target of 1 can be met.
    text = base_text.replace(
        "    any_of: [start-gen]\n", "    any_of: [start-gen, post-status]\n    by: 1\n"
    )
    assert scenario_warnings(parse_scenario(text)) == []


def test_requires_run_in_parallel_when_bounding_a_target(base_text: str) -> None:
    # start-gen needs assess (5 min) and post-status (0 min): ready at 5, done at 15.
    text = base_text.replace("    requires: [assess]\n", "    requires: [assess, post-status]\n")
    text = text.replace("    any_of: [start-gen]\n", "    any_of: [start-gen]\n    by: 14\n")
    (found,) = scenario_warnings(parse_scenario(text))
    assert "done at minute 15 at the earliest" in found.message


def test_validate_prints_warnings_and_exits_0(cli, write: Write, base_text: str) -> None:
    path = write("cycle.yaml", base_text.replace(*_CYCLE))
    ran = cli("validate", str(path))
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0].startswith(f"{path}:18:9: warning: dependency cycle db → web → db")
    assert lines[1] == f"{path}: ok (4 nodes, 3 actions, 3 injects; 1 warning(s))"


def test_solve_prints_warnings_on_stderr(cli, write: Write, base_text: str) -> None:
    path = write("cycle.yaml", base_text.replace(*_CYCLE))
    ran = cli("solve", str(path))
    assert ran.code == 0
    assert f"{path}:18:9: warning: dependency cycle" in ran.err


def test_built_in_scenarios_have_no_warnings() -> None:
    for path in sorted(Path(__file__).parents[2].joinpath("scenarios").glob("*.yaml")):
        assert load_scenario(path).warnings == (), path.name


def test_a_standby_node_nothing_brings_up_is_a_warning_at_its_standby(
    write: Write, base_text: str
) -> None:
    # The generator (`standby: true` on line 13, its value at column 14) is started only by
    # start-gen's effect: without it, nothing can ever bring it up.
    text = base_text.replace(
        "    effects:\n      - {node: generator, status: up}\n", "    effects: []\n"
    )
    assert _messages(write("standby.yaml", text)) == [
        "13:14: warning: standby node 'generator' never comes up: no action or inject has an "
        "effect setting it up, degraded or compromised"
    ]


def test_a_standby_node_brought_up_degraded_needs_no_warning(base_text: str) -> None:
    text = base_text.replace(
        "      - {node: generator, status: up}\n", "      - {node: generator, status: degraded}\n"
    )
    assert scenario_warnings(parse_scenario(text)) == []
