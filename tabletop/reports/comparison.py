"""Several drills side by side (`tabletop compare`), with the areas for improvement that repeat.

Drills of one scenario are compared step by step; drills of different scenarios by phase and
by objective capability, never by step: the same step id can mean different things in two
scenarios.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tabletop.reports.model import (
    COMPONENT_TITLES,
    REPORT_VERSION,
    ComponentRow,
    Report,
    Summary,
    TimelineRow,
)
from tabletop.reports.objectives import capability_ratings
from tabletop.scenario.models import PHASE_ORDER


@dataclass(frozen=True)
class PhaseCell:
    """What one drill did in one phase of its playbook (comparable across scenarios)."""

    steps: int
    done: int
    on_time: int
    verdict: str  # "on time" | "late" | "partly done" | "not done"
    text: str  # "2 of 3 done, 1 on time"


@dataclass(frozen=True)
class DrillColumn:
    """One drill in a comparison."""

    label: str
    summary: Summary
    components: list[ComponentRow]
    penalties: float
    timeline: list[TimelineRow]
    #: Phase → what the drill did in it; capability → the worst rating of its objectives.
    phases: dict[str, PhaseCell] = field(default_factory=dict)
    capabilities: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RepeatedFinding:
    """An area for improvement found in more than one drill."""

    component: str
    text: str  # what it is about, in words
    drills: list[str]
    points: float
    details: list[str]  # each drill's own finding, aligned with `drills`


@dataclass(frozen=True)
class Comparison:
    """Several drills side by side."""

    version: int
    drills: list[DrillColumn]
    #: (step id, title) in playbook order: only when every drill played the same scenario
    #: (a step id means different things in different scenarios), else empty.
    steps: list[tuple[str, str]]
    repeated: list[RepeatedFinding]
    same_scenario: bool = True
    phases: list[str] = field(default_factory=list)  # phases any drill's playbook has, in order
    capabilities: list[str] = field(default_factory=list)  # objective capabilities, sorted
    kind: str = "tabletop-comparison"

    def to_json(self) -> dict[str, Any]:
        """The JSON document of docs/report-json.md (comparison)."""
        return asdict(self)


def build_comparison(reports: list[Report]) -> Comparison:
    """Several drills side by side, with the areas for improvement that repeat.

    Drills of different scenarios are compared by phase and by objective capability, never
    by step: the same step id can mean different things in two scenarios.
    """
    columns = [
        DrillColumn(
            _drill_label(r, k),
            r.summary,
            r.components,
            r.penalties,
            r.timeline,
            phase_cells(r.timeline),
            capability_ratings(r.objectives),
        )
        for k, r in enumerate(reports, 1)
    ]
    same = len({r.summary.scenario.sha256 or r.summary.scenario.id for r in reports}) <= 1
    steps: dict[str, str] = {}
    if same:
        for r in reports:
            for row in r.timeline:
                steps.setdefault(row.step, row.title)
    phase_order = [p.value for p in PHASE_ORDER]
    present = {p for c in columns for p in c.phases}
    return Comparison(
        version=REPORT_VERSION,
        drills=columns,
        steps=list(steps.items()),
        repeated=_repeated(reports, [c.label for c in columns]),
        same_scenario=same,
        phases=[p for p in phase_order if p in present] + sorted(present - set(phase_order)),
        capabilities=sorted({c for col in columns for c in col.capabilities}),
    )


def phase_cells(rows: list[TimelineRow]) -> dict[str, PhaseCell]:
    """Per phase, how many of its steps the drill did, and on time."""
    by_phase: dict[str, list[TimelineRow]] = {}
    for r in rows:
        by_phase.setdefault(r.phase, []).append(r)
    cells = {}
    for phase, group in by_phase.items():
        done = sum(1 for r in group if r.team_done is not None)
        on_time = sum(1 for r in group if r.verdict in ("on time", "done"))
        if on_time == len(group):
            verdict = "on time"
        elif done == len(group):
            verdict = "late"
        elif done:
            verdict = "partly done"
        else:
            verdict = "not done"
        cells[phase] = PhaseCell(
            len(group), done, on_time, verdict, f"{done} of {len(group)} done, {on_time} on time"
        )
    return cells


def _drill_label(r: Report, k: int) -> str:
    s = r.summary
    ident = f"#{s.session_id}" if s.session_id is not None else f"drill {k}"
    when = f", {s.date[:10]}" if s.date else ""
    return f"{ident} {s.team or 'no team'} ({s.scenario.id}{when})"


def _repeated(reports: list[Report], labels: list[str]) -> list[RepeatedFinding]:
    # The same problem is worded with each drill's own times, so findings are matched by what
    # they are about (component and step or action), and by their text only when about neither.
    seen: dict[tuple[str, str], list[str]] = {}
    about: dict[tuple[str, str], str] = {}
    details: dict[tuple[str, str], list[str]] = {}
    cost: dict[tuple[str, str], float] = {}
    for r, label in zip(reports, labels, strict=True):
        titles = {row.step: row.title for row in r.timeline}
        actions = {d.action: d.label for d in r.decisions}
        # A step or action id is only the same thing within one scenario (file version).
        scenario = r.summary.scenario.sha256 or r.summary.scenario.id
        for p in r.improvements:
            subject = p.step or p.action
            key = (
                p.component,
                f"{scenario}|step:{p.step}|action:{p.action}" if subject else p.text,
            )
            drills = seen.setdefault(key, [])
            if p.step:
                about.setdefault(
                    key, f"{COMPONENT_TITLES[p.component]}: “{titles.get(p.step, p.step)}”"
                )
            elif p.action:
                about.setdefault(
                    key, f"{COMPONENT_TITLES[p.component]}: “{actions.get(p.action, p.action)}”"
                )
            else:
                about.setdefault(key, p.text)
            if label not in drills:
                drills.append(label)
                details.setdefault(key, []).append(p.text)
                cost[key] = cost.get(key, 0.0) + p.points
    repeated = [
        RepeatedFinding(key[0], about[key], drills, cost[key], details[key])
        for key, drills in seen.items()
        if len(drills) > 1
    ]
    return sorted(repeated, key=lambda f: (-len(f.drills), f.points, f.text))
