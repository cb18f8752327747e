"""Shared helpers of the importer tests: fixture paths and the real `tabletop` console script."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Ran:
    """Exit status and output of one CLI run."""

    code: int
    out: str
    err: str


@pytest.fixture
def tabletop() -> Callable[..., Ran]:
    """Run the installed `tabletop` console script in a fresh process."""
    script = Path(sys.executable).with_name("tabletop")

    def _run(*args: str | Path) -> Ran:
        done = subprocess.run(
            [str(script), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return _run
