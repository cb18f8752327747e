"""The score of a drill and every finding that explains it (DESIGN.md § Scoring).

This is the contract between scoring, the reports, the history store and the UI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FindingKind = Literal["strength", "improvement"]
Component = Literal["order", "coverage", "timeliness", "outcome", "penalty", "disclosure"]


@dataclass(frozen=True)
class Finding:
    """One explained point of the score.

    `points` is what it cost (negative) or earned (positive, for strengths), in score points.
    The points lost across all findings add up exactly to 100 - total before clipping.
    """

    kind: FindingKind
    component: Component
    points: float
    text: str
    t: float | None = None
    step: str | None = None
    action: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Components:
    """The four components, each 0-1."""

    order: float
    coverage: float
    timeliness: float
    outcome: float


@dataclass(frozen=True)
class ImpactFigures:
    """Customer-impact minutes of the team, doing nothing and the reference run."""

    customer_minutes: float
    baseline_customer_minutes: float
    reference_customer_minutes: float
    at_risk_minutes: float


@dataclass(frozen=True)
class Counterfactual:
    """What one late or missing step would have saved, had it been taken on time."""

    step: str
    action: str
    at: float
    team_at: float | None
    customer_minutes_saved: float
    text: str


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the playbook, as the team and the reference run did it."""

    step: str
    title: str
    phase: str
    by: float | None
    team_started: float | None
    team_done: float | None
    reference_started: float | None
    reference_done: float | None


@dataclass(frozen=True)
class Score:
    """The whole score of one drill."""

    scenario: str
    team: str
    total: float
    grade: str
    components: Components
    weights: dict[str, float]
    penalties: float
    impact: ImpactFigures
    findings: list[Finding] = field(default_factory=list)
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON document of DESIGN.md § Command line."""
        return asdict(self)


def grade_for(total: float) -> str:
    """A >= 90, B >= 80, C >= 70, D >= 60, else F."""
    for letter, floor in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        if total >= floor:
            return letter
    return "F"
