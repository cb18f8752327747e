"""Decision logs: the valid path and every kind of problem with its position."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tabletop.engine.events import Decision
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError

Write = Callable[[str, str], Path]


@pytest.fixture
def scenario(base_text: str) -> Scenario:
    return parse_scenario(base_text)


def test_valid_log_gives_decisions(write: Write, scenario: Scenario) -> None:
    path = write(
        "log.yaml",
        "scenario: corpus-base\nteam: Blue\ndecisions:\n"
        "  - {at: 0, action: assess, by: Ana}\n"
        "  - {at: 12, action: post-status, message: We know and are fixing it.}\n",
    )
    log = load_decision_log(path, scenario)
    assert (log.scenario_id, log.team, log.path) == ("corpus-base", "Blue", path)
    assert log.decisions == [
        Decision(0, "assess", by="Ana"),
        Decision(12, "post-status", message="We know and are fixing it."),
    ]


def test_every_problem_of_a_log_with_its_position(write: Write, scenario: Scenario) -> None:
    path = write(
        "bad.yaml",
        "scenario: other\nteam: Blue\ncolour: red\ndecisions:\n"
        "  - {at: 30, action: asess}\n"
        "  - {at: 20, action: start-gen, nte: x}\n"
        "  - {at: -1, action: start-gen}\n"
        "  - {at: 500, action: start-gen}\n"
        "  - {at: 501, action: start-gen}\n"
        "  - {at: 501, action: start-gen}\n",
    )
    with pytest.raises(InputError) as info:
        load_decision_log(path, scenario)
    assert [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems] == [
        "1:11: this log is for scenario 'other', not 'corpus-base'",
        "3:1: unknown key 'colour' in decision log "
        "(expected one of: decisions, end, scenario, team)",
        "5:22: unknown action 'asess' in scenario 'corpus-base' (did you mean 'assess'?)",
        "6:10: decisions out of order: 20 comes before the previous decision's 30",
        "6:33: unknown key 'nte' in decision (did you mean 'note'?)",
        "7:10: 'at' must be at least 0, got -1",
        "8:10: 'at' 500 is after the end of the drill (duration 120)",
        "9:10: 'at' 501 is after the end of the drill (duration 120)",
        "10:10: 'at' 501 is after the end of the drill (duration 120)",
    ]
    assert all(p.file == str(path) for p in info.value.problems)


def test_log_shape_problems(write: Write, scenario: Scenario) -> None:
    path = write("shape.yaml", "team: Blue\ndecisions: {at: 1}\n")
    with pytest.raises(InputError) as info:
        load_decision_log(path, scenario)
    assert [str(p).split(":", 1)[1] for p in info.value.problems] == [
        "1:1: missing required key 'scenario' in decision log",
        "2:12: 'decisions' should be a list, got a mapping",
    ]


def test_log_that_is_not_yaml_or_missing(write: Write, scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tab character"):
        load_decision_log(write("tab.yaml", "scenario: x\ndecisions:\n\t- at: 1\n"), scenario)
    with pytest.raises(InputError, match="no such file"):
        load_decision_log(tmp_path / "none.yaml", scenario)
    with pytest.raises(InputError, match="a decision log must be a YAML mapping"):
        load_decision_log(write("list.yaml", "- 1\n"), scenario)


def test_a_time_must_be_a_finite_number_not_text_or_a_boolean(
    write: Write, scenario: Scenario
) -> None:
    path = write(
        "types.yaml",
        "scenario: corpus-base\ndecisions:\n"
        '  - {at: "5", action: assess}\n'
        "  - {at: true, action: assess}\n"
        "  - {at: .nan, action: assess}\n",
    )
    with pytest.raises(InputError) as info:
        load_decision_log(path, scenario)
    lines = [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]
    assert lines == [
        "3:10: 'at' should be a number, got the text '5'",
        "4:10: 'at' should be a number, got true (yes/no/on/off are booleans in YAML: quote text)",
        "5:10: 'at' should be a finite number, got the number nan",
    ]
