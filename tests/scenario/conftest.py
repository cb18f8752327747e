"""Shared fixtures of the scenario tests: the valid base scenario and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tabletop.cli import main

HERE = Path(__file__).parent
BASE = HERE / "base.yaml"
CORPUS = HERE / "corpus"
REPO = HERE.parent.parent


@dataclass(frozen=True)
class Ran:
    """Exit status and output of one CLI run."""

    code: int
    out: str
    err: str


@pytest.fixture
def base_text() -> str:
    """The valid scenario that the corpus files mutate."""
    return BASE.read_text(encoding="utf-8")


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in the test's temp folder; returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """Run `tabletop ARGS` in-process through `main()` (exit codes as the console script)."""

    def _run(*args: str) -> Ran:
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return _run


@pytest.fixture
def run_subprocess() -> Callable[..., Ran]:
    """Run `python -m tabletop.cli ARGS` in a fresh interpreter (cwd: the repository)."""

    def _run(*args: str, cwd: Path | None = None) -> Ran:
        done = subprocess.run(
            [sys.executable, "-m", "tabletop.cli", *args],
            capture_output=True,
            text=True,
            cwd=cwd or REPO,
            timeout=120,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return _run
