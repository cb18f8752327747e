"""The score of a drill and every finding that explains it (docs/scoring.md).

This is the contract between scoring, the reports, the history store and the UI.
`Score.to_json` documents the JSON document (also in docs/score-json.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from tabletop.engine.events import Decision, DecisionRecord

FindingKind = Literal["strength", "improvement"]
Component = Literal[
    "order", "coverage", "timeliness", "outcome", "penalty", "disclosure", "critical"
]


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
    #: Σ weight x component - penalties, before clipping to [0, 100].
    unclipped_total: float | None = None
    avoid_penalties: float = 0.0
    disclosure_penalties: float = 0.0
    critical_penalties: float = 0.0
    #: When the drill was ended, when that was before the duration (the facilitator ended
    #: it); the score always covers the whole drill, up to `scored_to` (the duration).
    ended_at: float | None = None
    scored_to: float | None = None

    @property
    def strengths(self) -> list[Finding]:
        """Findings of kind strength, in order."""
        return [f for f in self.findings if f.kind == "strength"]

    @property
    def improvements(self) -> list[Finding]:
        """Findings of kind improvement, in order (largest cost first)."""
        return [f for f in self.findings if f.kind == "improvement"]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON document of `run --json` (docs/score-json.md), keys in this order.

        - `scenario`, `team`: ids/names; `total` (0-100, 2 decimals), `unclipped_total`
          (before clipping), `grade` (A-F).
        - `components`: `order`, `coverage`, `timeliness`, `outcome`, each 0-1 (4 decimals);
          `weights`: the same four keys, points each (sum 100).
        - `penalties`: avoid + disclosure + critical points; `penalty_breakdown`: `avoid`,
          `disclosure`, `critical`.
        - `ended_at`: the minute the facilitator ended the drill, or null when it ran to its
          duration; `scored_to`: the minute impact and score were computed to (the duration).
        - `impact`: `customer_minutes`, `baseline_customer_minutes`,
          `reference_customer_minutes`, `at_risk_minutes` (1 decimal).
        - `findings`: list of {`kind`, `component`, `points`, `t`, `step`, `action`, `quote`,
          `text`}; `points` are rounded to cents so that the improvements' points add up
          exactly to -(100 - unclipped_total) as printed (largest-remainder rounding).
        - `counterfactuals`: list of {`step`, `action`, `at`, `team_at`,
          `customer_minutes_saved`, `text`}, largest saving first.
        - `timeline`: one entry per playbook step: {`step`, `title`, `phase`, `by`,
          `team_started`, `team_done`, `reference_started`, `reference_done`}.
        """
        unclipped = self.total if self.unclipped_total is None else self.unclipped_total
        lost = [f.points for f in self.findings if f.kind == "improvement"]
        lost_cents = _apportion_cents(lost, round(unclipped, 2) - 100) if lost else []
        it = iter(lost_cents)
        findings = [
            {
                "kind": f.kind,
                "component": f.component,
                "points": next(it) if f.kind == "improvement" else _r(f.points, 2),
                "t": _r(f.t, 2),
                "step": f.step,
                "action": f.action,
                "quote": f.quote,
                "text": f.text,
            }
            for f in self.findings
        ]
        c = self.components
        return {
            "scenario": self.scenario,
            "team": self.team,
            "total": _r(self.total, 2),
            "unclipped_total": _r(unclipped, 2),
            "grade": self.grade,
            "components": {
                "order": _r(c.order, 4),
                "coverage": _r(c.coverage, 4),
                "timeliness": _r(c.timeliness, 4),
                "outcome": _r(c.outcome, 4),
            },
            "weights": {k: _r(self.weights[k], 4) for k in _COMPONENT_KEYS if k in self.weights},
            "penalties": _r(self.penalties, 2),
            "penalty_breakdown": {
                "avoid": _r(self.avoid_penalties, 2),
                "disclosure": _r(self.disclosure_penalties, 2),
                "critical": _r(self.critical_penalties, 2),
            },
            "impact": {
                "customer_minutes": _r(self.impact.customer_minutes, 1),
                "baseline_customer_minutes": _r(self.impact.baseline_customer_minutes, 1),
                "reference_customer_minutes": _r(self.impact.reference_customer_minutes, 1),
                "at_risk_minutes": _r(self.impact.at_risk_minutes, 1),
            },
            "findings": findings,
            "counterfactuals": [
                {
                    "step": cf.step,
                    "action": cf.action,
                    "at": _r(cf.at, 2),
                    "team_at": _r(cf.team_at, 2),
                    "customer_minutes_saved": _r(cf.customer_minutes_saved, 1),
                    "text": cf.text,
                }
                for cf in self.counterfactuals
            ],
            "timeline": [
                {
                    "step": e.step,
                    "title": e.title,
                    "phase": e.phase,
                    "by": _r(e.by, 2),
                    "team_started": _r(e.team_started, 2),
                    "team_done": _r(e.team_done, 2),
                    "reference_started": _r(e.reference_started, 2),
                    "reference_done": _r(e.reference_done, 2),
                }
                for e in self.timeline
            ],
            "ended_at": _r(self.ended_at, 2),
            "scored_to": _r(self.scored_to, 2),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Score:
        """Read back a `to_json` document (figures as rounded there)."""
        imp = obj["impact"]
        brk = obj.get("penalty_breakdown", {})
        return cls(
            scenario=obj["scenario"],
            team=obj["team"],
            total=float(obj["total"]),
            grade=obj["grade"],
            components=Components(**{k: float(obj["components"][k]) for k in _COMPONENT_KEYS}),
            weights={k: float(v) for k, v in obj.get("weights", {}).items()},
            penalties=float(obj["penalties"]),
            impact=ImpactFigures(
                float(imp["customer_minutes"]),
                float(imp["baseline_customer_minutes"]),
                float(imp["reference_customer_minutes"]),
                float(imp["at_risk_minutes"]),
            ),
            findings=[
                Finding(
                    kind=cast(FindingKind, f["kind"]),
                    component=cast(Component, f["component"]),
                    points=float(f["points"]),
                    text=f["text"],
                    t=f.get("t"),
                    step=f.get("step"),
                    action=f.get("action"),
                    quote=f.get("quote"),
                )
                for f in obj.get("findings", [])
            ],
            counterfactuals=[Counterfactual(**cf) for cf in obj.get("counterfactuals", [])],
            timeline=[TimelineEntry(**e) for e in obj.get("timeline", [])],
            unclipped_total=obj.get("unclipped_total"),
            avoid_penalties=float(brk.get("avoid", 0.0)),
            disclosure_penalties=float(brk.get("disclosure", 0.0)),
            critical_penalties=float(brk.get("critical", 0.0)),
            ended_at=obj.get("ended_at"),
            scored_to=obj.get("scored_to"),
        )


_COMPONENT_KEYS = ("order", "coverage", "timeliness", "outcome")


def _r(value: float | None, digits: int) -> float | None:
    """Round for the JSON document; -0.0 becomes 0.0 so the output is stable."""
    if value is None:
        return None
    return round(value, digits) + 0.0


def _apportion_cents(values: list[float], target: float) -> list[float]:
    """Round `values` to cents so that they sum exactly to `target` (largest remainder).

    Without this, three findings of -3.3333 would print -3.33 each and the printed points
    would miss a cent of the printed total.
    """
    target_cents = round(target * 100)
    floors = [math.floor(v * 100) for v in values]
    remainders = sorted(range(len(values)), key=lambda i: (-(values[i] * 100 - floors[i]), i))
    extra = target_cents - sum(floors)
    cents = list(floors)
    if extra >= 0:
        for i in remainders[: min(extra, len(values))]:
            cents[i] += 1
    else:  # float noise pushed the floors past the target: take the cents back
        for i in reversed(remainders[: min(-extra, len(values))]):
            cents[i] -= 1
    return [c / 100 + 0.0 for c in cents]


@dataclass(frozen=True)
class SolveResult:
    """What `tabletop solve` shows an author: is the scenario winnable and fair?"""

    scenario: str
    decisions: list[Decision]
    derived: bool
    """True when the reference was derived from the playbook (the scenario gives none)."""
    reference: Score
    baseline: Score
    refused: list[DecisionRecord]
    """Reference decisions the engine refused (an authoring mistake)."""
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        """JSON document of `tabletop solve --json`."""
        return {
            "scenario": self.scenario,
            "derived": self.derived,
            "decisions": [
                {"at": d.at, "action": d.action, **({"message": d.message} if d.message else {})}
                for d in self.decisions
            ],
            "reference": self.reference.to_json(),
            "baseline": self.baseline.to_json(),
            "refused": [{"t": r.t, "action": r.action, "reason": r.reason} for r in self.refused],
            "warnings": list(self.warnings),
        }


def grade_for(total: float) -> str:
    """A >= 90, B >= 80, C >= 70, D >= 60, else F."""
    # Grade the total as every rendering shows it (two decimals): a report must never read
    # "90.00 / 100 - grade B". This also rounds away float noise: 35 x 1 + 20 x 5/7 + 15 x 1
    # + 30 x 6/7 is exactly 90 but sums to 89.99999999999999.
    total = round(total, 2)
    for letter, floor in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        if total >= floor:
            return letter
    return "F"
