"""Shared fixtures of the UI tests: scenarios, sessions and reading what the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App

from tabletop.engine.session import Session
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.tui.compat import screen_lines

FIXTURES = Path(__file__).parent / "fixtures"


def _screen_text(app: App[object]) -> str:
    return "\n".join(screen_lines(app.screen))


@pytest.fixture
def screen_text() -> Callable[[App[object]], str]:
    """Everything the terminal shows right now, as plain text (one line per row)."""
    return _screen_text


@pytest.fixture
def dc_power() -> LoadedScenario:
    """The built-in dc-power-loss scenario."""
    return load_scenario(builtin_dir() / "dc-power-loss.yaml")


@pytest.fixture
def mini() -> LoadedScenario:
    """The small fixture scenario of this folder."""
    return load_scenario(FIXTURES / "mini-power.yaml")


def _new_session(loaded: LoadedScenario, mode: str = "training", team: str = "blue") -> Session:
    return Session(loaded.scenario, sha256=loaded.sha256, team=team, mode=mode)


@pytest.fixture
def new_session() -> Callable[..., Session]:
    """Factory of fresh sessions: new_session(loaded, mode="training", team="blue")."""
    return _new_session
