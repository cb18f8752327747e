"""Values PyYAML parses but cannot build are located problems, in scenarios and decision logs.

Each of these crashed the loader ("unexpected error", no location) before: the constructor
failed after parsing, outside the code that turned YAML errors into problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tabletop.cli import main
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.problems import InputError, Problem

BASE = (Path(__file__).parent.parent / "scenario" / "base.yaml").read_text(encoding="utf-8")
BIG = "9" * 400

# (label value, expected message); the label is on line 9, its value at column 12.
CASES = [
    (
        "2024-02-30",
        "'2024-02-30' looks like a date but is not one (day is out of range for "
        "month): quote it to make it text",
    ),
    ("!!int abc", "'abc' is not a whole number (tag !!int)"),
    ("!!float abc", "'abc' is not a number (tag !!float)"),
    ("!!bool maybe", "'maybe' is not true or false (tag !!bool)"),
    ("!!timestamp nope", "'nope' is not a date or time (tag !!timestamp)"),
    ("!!map abc", "!!map needs a mapping, got the text 'abc'"),
    ("!!map [a, b]", "!!map cannot be applied to a list: use plain YAML values only"),
    ("!!binary a", "'a' is not base64 data (tag !!binary)"),
    ("9" * 5000, "a number of 5,000 digits is too long (at most 300)"),
    (BIG, "a number of 400 digits is too long (at most 300)"),
]


def _scenario(tmp_path: Path, label: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("label: Utility power", f"label: {label}", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("value", "message"), CASES, ids=[c[0][:16] for c in CASES])
def test_a_value_that_cannot_be_built_is_one_located_problem(
    tmp_path: Path, value: str, message: str
) -> None:
    path = _scenario(tmp_path, value)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.problems == [Problem(str(path), 9, 12, message)]


@pytest.mark.parametrize("field", ["duration: 120", "minutes: 5", "users: 1000"])
def test_a_number_too_big_for_a_float_is_located_not_an_overflow(
    tmp_path: Path, field: str
) -> None:
    key = field.split(":")[0]
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace(field, f"{key}: -{BIG}", 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    [problem] = err.value.problems
    assert problem.message == "a number of 400 digits is too long (at most 300)"
    assert BASE.splitlines()[problem.line - 1].strip().startswith(field.split()[0].rstrip())


def test_the_cli_says_one_line_for_each_of_them(tmp_path: Path, capsys) -> None:
    paths = []
    for k, (value, _) in enumerate(CASES):
        folder = tmp_path / str(k)
        folder.mkdir()
        paths.append(str(_scenario(folder, value)))
    assert main(["validate", *paths]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"{p}:9:12: {m}" for p, (_, m) in zip(paths, CASES, strict=True)
    ]
    assert "unexpected error" not in out.err


def test_decision_logs_locate_them_too(tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.yaml"
    for at, message in [
        (BIG, "a number of 400 digits is too long (at most 300)"),
        ("2024-02-30", CASES[0][1]),
        ("!!float x", "'x' is not a number (tag !!float)"),
    ]:
        log.write_text(
            f"scenario: dc-power-loss\ndecisions:\n  - {{at: 1, action: a}}\n  - {{at: {at}, "
            "action: b}\n",
            encoding="utf-8",
        )
        loaded = load_scenario(Path(__file__).parent.parent.parent / "scenarios/dc-power-loss.yaml")
        with pytest.raises(InputError) as err:
            load_decision_log(log, loaded.scenario)
        assert [str(p) for p in err.value.problems] == [f"{log}:4:10: {message}"]


def test_a_control_character_is_one_line_at_its_own_position(tmp_path: Path, capsys) -> None:
    path = _scenario(tmp_path, "Utility \x1b]0;owned\x07power")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{path}:9:20: control character U+001B is not allowed in YAML (write it as \\u001b "
        "inside double quotes, or remove it)"
    ]
    assert "\x1b" not in out and "\x07" not in out


def test_an_error_line_is_capped_and_keeps_its_location(tmp_path: Path, capsys) -> None:
    huge = "x" * 1_000_000
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("kind: power", f"kind: {huge}", 1), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{path}:4:7: unknown kind 'xxxx")
    message = line.removeprefix(f"{path}:4:7: ")
    assert "…" in message and len(message) <= 400


def test_problem_lines_are_one_line_whatever_the_message() -> None:
    problem = Problem("f\x1b[2J.yaml", 3, 4, "bad\nFORGED 9:9: line \x9b31m " + "y" * 5000)
    text = str(problem)
    assert "\n" not in text and "\x1b" not in text and "\x9b" not in text
    assert text.startswith("f [2J.yaml:3:4: bad FORGED 9:9: line  31m yyy")
    assert text.endswith("y" * 127) and "y…y" in text and len(text) <= len("f [2J.yaml:3:4: ") + 400
    spaced = str(Problem("f.yaml", 1, 1, "word " * 1000))
    assert spaced.endswith("…") and len(spaced) == len("f.yaml:1:1: ") + 400


def test_a_problem_says_the_same_whatever_the_path_in_front() -> None:
    # A checkout in a deep directory once got a shorter message than the same file elsewhere
    # (the path took the message's room), so a pinned message failed on another machine.
    message = "unknown kind '" + "x" * 300 + "'; expected one of: power, attack, other"
    short = str(Problem("s.yaml", 4, 7, message)).removeprefix("s.yaml:4:7: ")
    deep_path = "/check/" + "deep-folder/" * 20 + "s.yaml"
    deep = str(Problem(deep_path, 4, 7, message)).removeprefix(f"{deep_path}:4:7: ")
    assert short == deep
    assert short.endswith("'; expected one of: power, attack, other")


def test_a_deep_file_path_stays_whole_in_its_problem_line(tmp_path: Path, capsys) -> None:
    # 200 characters of folders: the location a user must find the file by is not cut.
    deep = tmp_path.joinpath(*(["drills-of-the-regional-operations-team"] * 5))
    deep.mkdir(parents=True)
    path = deep / "s.yaml"
    path.write_text(BASE.replace("kind: power", "kind: [power]", 1), encoding="utf-8")
    assert len(str(path)) > 200
    assert main(["validate", str(path)]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{path}:4:7: ")
