"""The trend report: scores over time per team, the most-failed phases and objectives.

Built from stored drills (`history --trend --format html|md|json`). Phases and objective
capabilities are the same words in every scenario, so they can be counted across scenarios;
step ids cannot (a step id means different things in two scenarios).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from tabletop.reports.builder import timeline_row
from tabletop.reports.comparison import PhaseCell, phase_cells
from tabletop.reports.model import REPORT_VERSION
from tabletop.reports.objectives import capability_ratings, objective_ratings
from tabletop.scenario.models import PHASE_ORDER, Scenario
from tabletop.scoring.model import Score


@dataclass(frozen=True)
class TrendPoint:
    """One stored drill on the trend."""

    session_id: int
    team: str
    date: str
    scenario_id: str
    scenario_title: str
    scenario_tag: str  # S1, S2 ... in order of first appearance
    total: float
    grade: str
    penalties: float


@dataclass(frozen=True)
class FailedRow:
    """How often a phase or an objective capability was not performed well."""

    name: str
    failed: int  # drills in which it was late, partly done or not done (phase) / rated M or U
    drills: int  # drills in which it was evaluated
    scenarios: list[str]  # scenario ids where it failed

    @property
    def share(self) -> float:
        """failed / drills."""
        return self.failed / self.drills if self.drills else 0.0


@dataclass(frozen=True)
class TrendReport:
    """Scores over time and what fails most, across teams and scenarios."""

    version: int
    teams: list[str]
    scenarios: list[tuple[str, str, str]]  # (tag, id, title)
    points: list[TrendPoint]
    phases: list[FailedRow]
    objectives: list[FailedRow]
    kind: str = "tabletop-trend"
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON document (docs/report-json.md, trend)."""
        doc = asdict(self)
        for key in ("phases", "objectives"):
            for row, obj in zip(doc[key], getattr(self, key), strict=True):
                row["share"] = round(obj.share, 4)
        return doc


@dataclass(frozen=True)
class StoredDrill:
    """What the trend needs of one stored drill."""

    session_id: int
    team: str
    date: str
    scenario: Scenario
    score: Score
    ratings: dict[str, tuple[str, str]]


def build_trend(drills: Iterable[StoredDrill]) -> TrendReport:
    """The trend of these drills (any order; shown oldest first)."""
    ordered = sorted(drills, key=lambda d: (d.date, d.session_id))
    tags: dict[str, tuple[str, str, str]] = {}
    points = []
    phase_failed: dict[str, list[str]] = {}
    phase_seen: dict[str, int] = {}
    cap_failed: dict[str, list[str]] = {}
    cap_seen: dict[str, int] = {}
    for d in ordered:
        scenario = d.scenario
        if scenario.id not in tags:
            tags[scenario.id] = (f"S{len(tags) + 1}", scenario.id, scenario.title)
        score = d.score
        points.append(
            TrendPoint(
                d.session_id,
                d.team,
                d.date,
                scenario.id,
                scenario.title,
                tags[scenario.id][0],
                score.total,
                score.grade,
                score.penalties,
            )
        )
        cells: dict[str, PhaseCell] = phase_cells([timeline_row(e) for e in score.timeline])
        for phase, cell in cells.items():
            phase_seen[phase] = phase_seen.get(phase, 0) + 1
            if cell.verdict != "on time":
                phase_failed.setdefault(phase, []).append(scenario.id)
        worst = capability_ratings(objective_ratings(scenario, score.timeline, d.ratings))
        for cap, rating in worst.items():
            cap_seen[cap] = cap_seen.get(cap, 0) + 1
            if rating in ("M", "U"):
                cap_failed.setdefault(cap, []).append(scenario.id)
    order = {p.value: k for k, p in enumerate(PHASE_ORDER)}
    phases = [
        FailedRow(p, len(phase_failed.get(p, [])), n, sorted(set(phase_failed.get(p, []))))
        for p, n in phase_seen.items()
    ]
    phases.sort(key=lambda r: (-r.share, -r.failed, order.get(r.name, 99), r.name))
    caps = [
        FailedRow(c, len(cap_failed.get(c, [])), n, sorted(set(cap_failed.get(c, []))))
        for c, n in cap_seen.items()
    ]
    caps.sort(key=lambda r: (-r.share, -r.failed, r.name))
    return TrendReport(
        REPORT_VERSION,
        sorted({p.team for p in points}),
        list(tags.values()),
        points,
        phases,
        caps,
    )
