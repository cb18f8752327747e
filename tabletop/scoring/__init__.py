"""Scoring: components, findings, reference and baseline runs (docs/scoring.md).

Public API (the contract in the team notes): `score`, `counterfactuals`,
`reference_decisions`, `solve`, and the model types.
"""

from __future__ import annotations

from tabletop.scoring.counterfactuals import counterfactuals
from tabletop.scoring.disclosure import find_hits
from tabletop.scoring.model import (
    Components,
    Counterfactual,
    Finding,
    ImpactFigures,
    Score,
    SolveResult,
    TimelineEntry,
    grade_for,
)
from tabletop.scoring.reference import reference_decisions
from tabletop.scoring.scorer import score
from tabletop.scoring.solve import solve

__all__ = [
    "Components",
    "Counterfactual",
    "Finding",
    "ImpactFigures",
    "Score",
    "SolveResult",
    "TimelineEntry",
    "counterfactuals",
    "find_hits",
    "grade_for",
    "reference_decisions",
    "score",
    "solve",
]
