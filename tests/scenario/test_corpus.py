"""The bad-input corpus: every file gives exactly its expected `LINE:COL: message` lines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tabletop.scenario.loader import load_scenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.yaml_safe import Limits

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.yaml"))


def _expected(path: Path) -> list[str]:
    return path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_corpus_is_large_enough() -> None:
    assert len(FILES) >= 40
    assert all(f.with_suffix(".expected").exists() for f in FILES)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_corpus_file_gives_exactly_its_expected_problems(path: Path) -> None:
    assert _problems(path) == _expected(path)


@pytest.mark.parametrize(
    "name", ["many-problems", "tab-indent", "alias-bomb", "binary", "misspelt-depends-on"]
)
def test_validate_command_prints_each_problem_on_one_line(name: str, run_subprocess) -> None:
    path = CORPUS / f"{name}.yaml"
    ran = run_subprocess("validate", str(path))
    assert ran.code == 1
    assert ran.out.splitlines() == [f"{path}:{line}" for line in _expected(path)]
    assert "Traceback" not in ran.out + ran.err


def test_validate_command_on_the_whole_corpus_never_crashes(run_subprocess) -> None:
    ran = run_subprocess("validate", *map(str, FILES))
    assert ran.code == 1
    expected = [f"{f}:{line}" for f in FILES for line in _expected(f)]
    assert ran.out.splitlines() == expected
    assert ran.err == ""


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    problems = _problems(CORPUS / "alias-bomb.yaml")
    # Not a wall-clock assertion of speed: the refusal must come from counting, not walking.
    assert "aliases expand to 12,345,679,021 values" in problems[0]
    assert time.perf_counter() - started < 30


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(65 * 1024 * 1024)  # sparse: nothing is written
    assert _problems(path) == ["1:1: file too large: 68,157,440 bytes (limit 67,108,864)"]


def test_size_limit_is_a_parameter(base_text: str, tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(base_text, encoding="utf-8")
    with pytest.raises(InputError, match="file too large"):
        load_scenario(path, Limits(max_bytes=100))
    assert load_scenario(path).scenario.id == "corpus-base"
