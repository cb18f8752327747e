"""The fuzz harness: hypothesis examples against one target until a time budget is spent.

A fixture (`harness`), since test modules are not importable under importlib mode.

`TABLETOP_FUZZ_SECONDS` (default 3) bounds each target: a few seconds inside `make test`,
ten minutes each in `make fuzz`. Hypothesis generates, and on a failure shrinks, the input;
the failure is the test's failure with the smallest input that shows it. With
`TABLETOP_FUZZ_STATS=FILE` each target appends one JSON line of figures (examples, seconds).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision
from tabletop.engine.headless import run_decisions
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scoring import score
from tabletop.store import save_session

DEFAULT_SECONDS = 3.0

#: Scalars PyYAML parses and then fails (or used to fail) to build, or that overflow later.
HOSTILE_SCALARS = [
    "2024-02-30",
    "2023-13-01",
    "2024-02-30T25:61:00Z",
    "!!int abc",
    "!!int 0x",
    "!!float abc",
    "!!bool maybe",
    "!!timestamp nope",
    "!!map abc",
    "!!map [a, b]",
    "!!seq {a: 1}",
    "!!set abc",
    "!!omap abc",
    "!!omap [a]",
    "!!pairs abc",
    "!!pairs [a]",
    "!!binary a",
    "!!null x",
    "!!str [a]",
    "!!python/object/apply:os.system [echo]",
    "!custom x",
    "9" * 400,
    "-" + "9" * 5000,
    "1e999",
    "-.inf",
    ".nan",
    "0x" + "f" * 300,
    "0o777777777777777777777777777777777777777777",
    "1_000_000_000_000_000_000_000",
    "190:20:30:15:00",
    '"\\e]0;owned\\a"',
    '"\\u202eevil"',
    '"\\x9b31m"',
    "*undefined",
    "&a [*a, *a]",
    "[" * 80,
    "{" * 80,
    "{a: 1, a: 2}",
    "{[a]: 1}",
    "? [a]\n  : 1",
    "~",
    "[]",
    "{}",
    "''",
    "yes",
    "<<: *x",
    "|\n  text",
    "'unterminated",
    '"\\ud800"',
    "\t",
    "\x07",
    "\u0085",
    "x" * 3000,
]

#: JSON fragments for journal lines.
HOSTILE_JSON = [
    "[" * 5000 + "]" * 5000,
    "[" * 40 + "]" * 40,
    '"\\ud800"',
    '"\\udfff x"',
    '{"a": 1}',
    "[1, 2]",
    "1" + "0" * 400,
    "1e400",
    "-1e308",
    "NaN",
    "Infinity",
    "-1",
    "true",
    "null",
    '""',
    '"' + "x" * 100 + '"',
    "7" * 5000,
    '"\\u001b]0;x\\u0007"',
    "0.5",
    "123456789012345678901234567890",
]


def budget() -> float:
    """Seconds each fuzz target runs."""
    return float(os.environ.get("TABLETOP_FUZZ_SECONDS", DEFAULT_SECONDS))


def run(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None]) -> int:
    """Run `check` on examples of `strategy` for `budget()` seconds; return how many ran."""
    count = 0

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
        print_blob=True,
    )
    @given(strategy)
    def one(example: Any) -> None:
        nonlocal count
        count += 1
        check(example)

    started = time.monotonic()
    rounds = 0
    while rounds == 0 or time.monotonic() - started < budget():
        one()
        rounds += 1
    seconds = time.monotonic() - started
    stats = os.environ.get("TABLETOP_FUZZ_STATS")
    if stats:
        line = {"target": name, "examples": count, "seconds": round(seconds, 1)}
        with Path(stats).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")
    print(f"fuzz {name}: {count:,} examples in {seconds:.1f} s, no crash")
    return count


@st.composite
def mutated_text(draw: st.DrawFn, seeds: list[str], hostile: list[str]) -> str:
    """A seed text with 1-4 mutations: a value replaced by a hostile one, random text
    inserted, a range deleted, a line duplicated or moved."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["value", "value", "insert", "delete", "dup", "swap"]))
        if not text:
            break
        if op == "value":
            text = _replace_value(draw, text, hostile)
        elif op == "insert":
            at = draw(st.integers(0, len(text)))
            extra = draw(st.one_of(st.text(max_size=12), st.sampled_from(hostile)))
            text = text[:at] + extra + text[at:]
        elif op == "delete":
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


_VALUE_START = re.compile(r"(?:(?<=: )|(?<=- )|(?<=, )|(?<=\[))")


def _replace_value(draw: st.DrawFn, text: str, hostile: list[str]) -> str:
    """Replace the value after a `: ` / `- ` / `, ` / `[` (a scalar or JSON value)."""
    starts = [m.start() for m in _VALUE_START.finditer(text)]
    if not starts:
        return text
    at = draw(st.sampled_from(starts))
    end = at
    while end < len(text) and text[end] not in ",]}\n":
        end += 1
    return text[:at] + draw(st.sampled_from(hostile)) + text[end:]


def assert_one_line_problems(problems: list[Any]) -> None:
    """The oracle of every loader: each problem is one clean, capped line at a real place."""
    assert problems, "InputError without a problem"
    for problem in problems:
        line = str(problem)
        assert line.isprintable(), line
        where = f"{problem.file}:{problem.line}:{problem.column}: "
        assert line.startswith(where) and len(line) - len(where) <= 400, line
        assert problem.line >= 1 and problem.column >= 1, line


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: a time-bounded fuzz target (TABLETOP_FUZZ_SECONDS)")


@pytest.fixture(scope="session")
def harness() -> Any:
    """This module: `run`, `mutated_text`, the hostile values and the problem oracle."""
    import sys

    return sys.modules[__name__]


@pytest.fixture(scope="session")
def scenarios() -> dict[str, LoadedScenario]:
    return {p.stem: load_scenario(p) for p in sorted(builtin_dir().glob("*.yaml"))}


@pytest.fixture(scope="session")
def history(
    scenarios: dict[str, LoadedScenario], tmp_path_factory: pytest.TempPathFactory
) -> bytes:
    """The bytes of a history with two drills of two scenarios, checkpointed."""
    db = tmp_path_factory.mktemp("history") / "h.sqlite3"
    for name in ("dc-power-loss", "office-isp-loss"):
        loaded = scenarios[name]
        first = loaded.scenario.actions[0].id
        session = run_decisions(loaded, [Decision(0, first, note="n")], team="t")
        save_session(db, loaded, session, score(loaded.scenario, session, counterfactuals=False))
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.read_bytes()
