"""Shared fixtures for the built-in scenario library tests (issue 7).

Tests import nothing from here (pytest runs in importlib mode): they ask for the `lib`
fixture, which loads and solves each built-in scenario once per test session, so the whole
library suite stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scoring import SolveResult, solve

REPO = Path(__file__).resolve().parents[2]

#: The five scenarios the issue asks for, each a different lesson.
LIBRARY = (
    "dc-power-loss",
    "ransomware-attack",
    "payment-provider-outage",
    "office-isp-loss",
    "cert-expiry-cascade",
)


@dataclass
class Library:
    """The built-in scenarios, loaded and solved at most once each."""

    ids: tuple[str, ...] = LIBRARY
    repo: Path = REPO
    scenario_dir: Path = REPO / "scenarios"
    log_dir: Path = Path(__file__).resolve().parent / "logs"
    _loaded: dict[str, LoadedScenario] = field(default_factory=dict)
    _solved: dict[str, SolveResult] = field(default_factory=dict)

    def path(self, scenario_id: str) -> Path:
        """The file of a built-in scenario."""
        return self.scenario_dir / f"{scenario_id}.yaml"

    def loaded(self, scenario_id: str) -> LoadedScenario:
        """The scenario, loaded and validated through the real loader."""
        if scenario_id not in self._loaded:
            self._loaded[scenario_id] = load_scenario(self.path(scenario_id))
        return self._loaded[scenario_id]

    def solved(self, scenario_id: str) -> SolveResult:
        """`tabletop.scoring.solve` of the scenario."""
        if scenario_id not in self._solved:
            self._solved[scenario_id] = solve(self.loaded(scenario_id).scenario)
        return self._solved[scenario_id]


@pytest.fixture(scope="session")
def lib() -> Library:
    """The library, shared by every test of the session."""
    return Library()


@pytest.fixture(params=LIBRARY)
def scenario_id(request: pytest.FixtureRequest) -> str:
    """Every built-in scenario id in turn."""
    return str(request.param)
