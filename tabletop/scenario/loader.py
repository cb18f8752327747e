"""Loading a scenario file into a validated `Scenario`, every problem with its line and column.

The valid path is fast: libyaml parses, pydantic validates the plain data, the cross-reference
checks read the same data. Positions are looked up in the YAML node tree only for problems.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tabletop.gc_pause import paused_gc
from tabletop.scenario import models as m
from tabletop.scenario.errors import Contexts, from_validation_error
from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.validate import check_references, scenario_warnings
from tabletop.scenario.yaml_safe import (
    DEFAULT_LIMITS,
    Limits,
    Located,
    YamlDocument,
    read_bytes,
)
from tabletop.scenario.yaml_safe import parse_yaml as _parse_yaml

#: What each part of a scenario is called in messages, and its model (for "did you mean").
SCENARIO_CONTEXTS: Contexts = {
    (): ("scenario", m.Scenario),
    ("nodes", "*"): ("node", m.Node),
    ("nodes", "*", "depends_on", "*"): ("dependency", (m.AnyOfDependency, m.SoftDependency)),
    ("actions", "*"): ("action", m.Action),
    ("actions", "*", "effects", "*"): ("effect", m.Effect),
    ("injects", "*"): ("inject", m.Inject),
    ("injects", "*", "effects", "*"): ("effect", m.Effect),
    ("injects", "*", "when"): ("inject condition `when`", m.Condition),
    ("injects", "*", "after"): ("inject `after`", m.InjectAfter),
    ("playbook", "*"): ("playbook step", m.PlaybookStep),
    ("avoid", "*"): ("avoid entry", m.Avoid),
    ("reference", "*"): ("reference decision", m.ReferenceDecision),
    ("scoring",): ("scoring", m.ScoringWeights),
    ("objectives", "*"): ("objective", m.Objective),
}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from and the SHA-256 of its bytes."""

    scenario: m.Scenario
    path: Path
    sha256: str
    #: What is allowed but probably a mistake (a dependency cycle, a `by` no team can meet);
    #: `validate` and `solve` print them and still exit 0.
    warnings: tuple[Problem, ...] = ()


def scenario_problems(doc: YamlDocument) -> tuple[m.Scenario | None, list[Problem]]:
    """Validate a parsed document: the scenario (None when invalid) and every problem."""
    located: list[Located] = []
    scenario: m.Scenario | None = None
    try:
        scenario = m.Scenario.model_validate(doc.data)
    except ValidationError as exc:
        located.extend(from_validation_error(exc, SCENARIO_CONTEXTS, tags=m.DEPENDENCY_TAGS))
    located.extend(check_references(doc.data, lambda loc: doc.position(loc)[0]))
    problems = sorted({*doc.problems, *(doc.locate(p) for p in located)})
    return (scenario if not problems else None), problems


def _parse_and_check(
    raw: bytes, name: str, limits: Limits
) -> tuple[m.Scenario | None, list[Problem], tuple[Problem, ...]]:
    # A function of its own so that the node tree and plain data are freed (by reference
    # counting) before the garbage collector is back on: its first pass would walk them all.
    doc = _parse_yaml(raw, name, limits)
    scenario, problems = scenario_problems(doc)
    warnings = (
        tuple(sorted(doc.locate(w) for w in scenario_warnings(scenario)))
        if scenario is not None
        else ()
    )
    return scenario, problems, warnings


def load_scenario(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    """Load and validate a scenario file; raise `InputError` listing every problem.

    Refuses files over `limits.max_bytes`, nesting deeper than `limits.max_depth` and alias
    expansion beyond `limits.max_alias_nodes`; duplicate keys are problems too.
    """
    p = Path(path)
    raw = read_bytes(p, limits)
    with paused_gc():
        scenario, problems, warnings = _parse_and_check(raw, str(p), limits)
    if scenario is None:
        raise InputError(problems)
    return LoadedScenario(scenario, p, hashlib.sha256(raw).hexdigest(), warnings)


def parse_scenario(text: str | bytes, name: str = "<string>") -> m.Scenario:
    """Validate scenario text (tests, tools); raise `InputError` listing every problem."""
    raw = text.encode() if isinstance(text, str) else text
    with paused_gc():
        scenario, problems, _warnings = _parse_and_check(raw, name, DEFAULT_LIMITS)
    if scenario is None:
        raise InputError(problems)
    return scenario
