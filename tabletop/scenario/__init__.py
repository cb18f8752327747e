"""The `tabletop/v1` scenario format: models, safe loading, validation, JSON Schema.

The names below are imported on first use (PEP 562): importing a submodule such as
`tabletop.scenario.problems` must not build the pydantic models, which `tabletop --help`
does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tabletop.scenario.loader import LoadedScenario, load_scenario
    from tabletop.scenario.models import Phase, Scenario, Status
    from tabletop.scenario.problems import InputError, Problem

_WHERE = {
    "InputError": "tabletop.scenario.problems",
    "LoadedScenario": "tabletop.scenario.loader",
    "Phase": "tabletop.scenario.models",
    "Problem": "tabletop.scenario.problems",
    "Scenario": "tabletop.scenario.models",
    "Status": "tabletop.scenario.models",
    "load_scenario": "tabletop.scenario.loader",
}

__all__ = [
    "InputError",
    "LoadedScenario",
    "Phase",
    "Problem",
    "Scenario",
    "Status",
    "load_scenario",
]


def __getattr__(name: str) -> Any:
    """Import the module defining `name` when it is first asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
