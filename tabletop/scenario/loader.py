"""Loading a scenario file into a validated `Scenario`.

PLACEHOLDER: plain safe_load without positions; the foundation issue replaces the body with
the positioned, limited loader. The signatures below are the contract other packages use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError, Problem


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from and the SHA-256 of its bytes."""

    scenario: Scenario
    path: Path
    sha256: str


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load and validate a scenario file; raise `InputError` listing every problem."""
    p = Path(path)
    raw = p.read_bytes()
    data = yaml.safe_load(raw)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError([Problem(str(p), 1, 1, str(e["msg"])) for e in exc.errors()]) from None
    return LoadedScenario(scenario, p, hashlib.sha256(raw).hexdigest())
