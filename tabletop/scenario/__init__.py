"""The `tabletop/v1` scenario format: models, safe loading, validation, JSON Schema."""

from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.models import Phase, Scenario, Status
from tabletop.scenario.problems import InputError, Problem

__all__ = [
    "InputError",
    "LoadedScenario",
    "Phase",
    "Problem",
    "Scenario",
    "Status",
    "load_scenario",
]
