"""The one report model: an after-action report of a drill (docs/report-json.md).

Built from `(LoadedScenario, Session, Score)`; Markdown, HTML and JSON only render it. All
wording a manager reads is decided here, once, so the three renderings never disagree.
Nothing here depends on wall-clock time: the same drill always gives the same report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from datetime import date as date_type
from typing import Any

from tabletop import exercise_time
from tabletop.engine.events import Event
from tabletop.engine.session import Session
from tabletop.reports.aar import (
    Act,
    ObjectiveRating,
    Participant,
    PlanRow,
    StepState,
    StoredItem,
    all_areas,
    executive_summary,
    objective_ratings,
    participants,
    plan_rows,
)
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import PHASE_ORDER, AnyOfDependency, Scenario, SoftDependency
from tabletop.scoring.model import Counterfactual, Finding, Score, TimelineEntry
from tabletop.scoring.reference import comparison_runs

#: Version of the report JSON document (docs/report-json.md); bump on any key change.
#: 2: the AAR/IP keys (executive_summary, objectives, improvement_plan, participants,
#: retested, chronology); recommendations one per subject, ordered by points.
REPORT_VERSION = 2

COMPONENTS: tuple[str, ...] = ("order", "coverage", "timeliness", "outcome")

_COMPONENT_TITLES = {
    "order": "Order",
    "coverage": "Coverage",
    "timeliness": "Timeliness",
    "outcome": "Outcome",
    "penalty": "Penalties",
    "disclosure": "Disclosure",
    "critical": "Critical task",
}

_COMPONENT_MEANING = {
    "order": "playbook steps taken in the recommended order",
    "coverage": "share of playbook steps done",
    "timeliness": "steps done by their target minute",
    "outcome": "share of the avoidable customer impact avoided",
}


# ----------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class ScenarioInfo:
    """What the report says about the scenario."""

    id: str
    title: str
    kind: str
    summary: str
    difficulty: str | None
    sha256: str
    duration: float
    steps: int


@dataclass(frozen=True)
class Figure:
    """One headline figure: a label, the value as text, and the raw number."""

    key: str
    label: str
    text: str
    value: float


@dataclass(frozen=True)
class Summary:
    """The top of the report."""

    scenario: ScenarioInfo
    team: str
    mode: str
    date: str | None
    session_id: int | None
    minutes_played: float
    end_reason: str | None
    total: float
    grade: str
    headline: list[Figure]
    #: When the facilitator ended the drill, if before its duration (else None); the score
    #: still covers the whole drill, to `scored_to`.
    ended_at: float | None = None
    scored_to: float | None = None


@dataclass(frozen=True)
class Point:
    """A strength or an area for improvement, in plain words."""

    text: str
    component: str
    points: float
    t: float | None = None
    step: str | None = None
    action: str | None = None
    quote: str | None = None
    who: list[str] = field(default_factory=list)  # who acted on it (decisions' `by`)


@dataclass(frozen=True)
class Recommendation:
    """A corrective action for one area for improvement, with why it matters."""

    text: str
    why: str
    source: str  # the component whose advice it is ("critical", "coverage", "outcome" ...)
    customer_minutes_saved: float | None = None
    points: float | None = None  # the points the area cost (negative)
    subject: str = ""  # what it is about: "step:ID", "action:ID", "disclosure", "outcome"
    who: list[str] = field(default_factory=list)  # who acted on it (decisions' `by`)


@dataclass(frozen=True)
class ChronoRow:
    """One line of the timeline appendix: a decision, refusal, inject or note, in time order."""

    t: float
    kind: str  # "decision" | "refusal" | "inject" | "inject-skipped" | "note"
    text: str
    by: str | None
    detail: str | None = None  # a decision's message or note


@dataclass(frozen=True)
class ComponentRow:
    """One line of the score breakdown."""

    name: str
    title: str
    meaning: str
    weight: float
    value: float
    points: float
    lost: float


@dataclass(frozen=True)
class TimelineRow:
    """One playbook step: what the team did beside what was recommended."""

    step: str
    title: str
    phase: str
    by: float | None
    team_started: float | None
    team_done: float | None
    reference_started: float | None
    reference_done: float | None
    verdict: str  # "on time" | "late" | "done" | "started, not done" | "not done"


@dataclass(frozen=True)
class ImpactSample:
    """From minute `t` on, this many users affected and at risk."""

    t: float
    affected: float
    at_risk: float


@dataclass(frozen=True)
class Marker:
    """A moment on the impact chart: a decision taken or an inject fired."""

    t: float
    kind: str  # "decision" | "inject"
    label: str
    number: int


@dataclass(frozen=True)
class CounterfactualRow:
    """What one late or missing step would have saved, with the step and action in words."""

    step: str
    step_title: str
    action: str
    action_label: str
    at: float
    team_at: float | None
    customer_minutes_saved: float
    text: str


@dataclass(frozen=True)
class DecisionRow:
    """A decision as the session saw it."""

    number: int
    t: float
    action: str
    label: str
    phase: str
    accepted: bool
    reason: str | None
    done_at: float | None
    by: str | None
    note: str | None
    message: str | None


@dataclass(frozen=True)
class NoteRow:
    """An observer note."""

    t: float
    text: str
    by: str | None


@dataclass(frozen=True)
class InjectRow:
    """An inject that fired or was skipped."""

    t: float
    id: str
    title: str
    fired: bool


@dataclass(frozen=True)
class GraphNode:
    """A node of the dependency graph, with its status when the drill ended."""

    id: str
    label: str
    kind: str
    users: int
    third_party: bool
    status: str


@dataclass(frozen=True)
class GraphEdge:
    """`source` feeds `target` (target depends on source)."""

    source: str
    target: str
    kind: str  # "hard" | "soft" | "any-of"


@dataclass(frozen=True)
class Report:
    """The whole after-action report of one drill."""

    version: int
    summary: Summary
    strengths: list[Point]
    improvements: list[Point]
    recommendations: list[Recommendation]
    components: list[ComponentRow]
    penalties: float
    impact: dict[str, float]
    timeline: list[TimelineRow]
    impact_series: list[ImpactSample]
    markers: list[Marker]
    decisions: list[DecisionRow]
    notes: list[NoteRow]
    injects: list[InjectRow]
    findings: list[Finding]
    counterfactuals: list[CounterfactualRow]
    graph_nodes: list[GraphNode]
    graph_edges: list[GraphEdge]
    executive_summary: list[str] = field(default_factory=list)
    objectives: list[ObjectiveRating] = field(default_factory=list)
    improvement_plan: list[PlanRow] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    retested: list[StoredItem] = field(default_factory=list)
    chronology: list[ChronoRow] = field(default_factory=list)
    #: Users affected over the drill had the team done nothing, and with the recommended
    #: decisions (both over the whole drill), for the impact chart's comparison lines.
    baseline_series: list[ImpactSample] = field(default_factory=list)
    reference_series: list[ImpactSample] = field(default_factory=list)
    kind: str = "tabletop-report"

    def to_json(self) -> dict[str, Any]:
        """The JSON document of docs/report-json.md."""
        return asdict(self)


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


# ----------------------------------------------------------------------------- formatting


def fmt_minutes(t: float | None) -> str:
    """An exercise instant the one way it is written (`T+12:30`, `T+4:37:21`), `—` when absent."""
    return exercise_time.instant(t)


def fmt_duration(minutes: float | None) -> str:
    """A length of exercise time the one way it is written (`25:00`, `4:00:00`)."""
    return exercise_time.duration(minutes)


def played_text(s: Summary) -> str:
    """How long the drill ran, in words: says when an early end and the scoring differ.

    "ended at T+2:00:00 (facilitator); scored to T+4:00:00" · "ran to its end, T+4:00:00" ·
    "stopped at T+1:10:00 of 4:00:00, not ended".
    """
    if s.ended_at is not None and s.scored_to is not None and s.ended_at < s.scored_to:
        reason = f" ({s.end_reason})" if s.end_reason else ""
        return f"ended at {fmt_minutes(s.ended_at)}{reason}; scored to {fmt_minutes(s.scored_to)}"
    if s.end_reason is None:
        return (
            f"stopped at {fmt_minutes(s.minutes_played)} of "
            f"{fmt_duration(s.scenario.duration)}, not ended"
        )
    return f"ran to its end, {fmt_minutes(s.scenario.duration)}"


def fmt_number(x: float) -> str:
    """A count with thousands separators, rounded."""
    return f"{round(x):,}"


def fmt_percent(x: float) -> str:
    """A 0-1 share as a whole percentage."""
    return f"{round(100 * x)} %"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(when: str | None) -> str:
    """An ISO date or date-time as people read it: `27 Nov 2026, 10:04 UTC`, `27 Nov 2026`;
    "not recorded" when absent; text that is not a date is shown as it is."""
    if not when:
        return "not recorded"
    try:
        day = date_type.fromisoformat(when[:10])
    except ValueError:
        return when
    text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    clock = when[11:16] if len(when) >= 16 and when[10] in "T " else ""
    if clock and clock[2] == ":":
        zone = " UTC" if when.endswith(("Z", "+00:00")) else ""
        text += f", {clock}{zone}"
    return text


def fmt_signed(x: float | None) -> str:
    """Points lost or won with their sign: `−20`, `+3.5`, `0`."""
    if x is None or round(x, 2) == 0:
        return "0"
    return f"−{fmt_points(-x)}" if x < 0 else f"+{fmt_points(x)}"


def fmt_points(x: float) -> str:
    """Score points with at most two decimals (as the score JSON rounds them)."""
    r = round(x, 2) + 0.0
    return f"{r:g}"


# ----------------------------------------------------------------------------- building


def build_report(
    loaded: LoadedScenario,
    session: Session,
    score: Score,
    *,
    date: str | None = None,
    session_id: int | None = None,
    ratings: dict[str, tuple[str, str]] | None = None,
    stored_items: list[StoredItem] | None = None,
    retested: list[StoredItem] | None = None,
) -> Report:
    """The after-action report of one ended drill.

    `date` is when the drill was played (ISO 8601), if known; it is not taken from the clock
    here so that the same drill always gives the same report. From the history, when the
    drill is stored: `ratings` (objective id → the evaluator's rating and reason),
    `stored_items` (the improvement items of its areas, with their owners, dates and status)
    and `retested` (earlier items this drill performed well).
    """
    sc = loaded.scenario
    labels = {a.id: a.label for a in sc.actions}
    timeline = [_timeline_row(e) for e in score.timeline]
    components = _component_rows(score)
    decisions = _decision_rows(session, labels)
    summary = Summary(
        scenario=ScenarioInfo(
            id=sc.id,
            title=sc.title,
            kind=sc.kind,
            summary=sc.summary,
            difficulty=sc.difficulty,
            sha256=loaded.sha256 or session.sha256,
            duration=sc.duration,
            steps=len(sc.playbook),
        ),
        team=score.team or session.team,
        mode=session.mode,
        date=date or _journal_date(session.feed),
        session_id=session_id,
        # What the team played: an ended drill has run on to the duration for the score.
        minutes_played=session.ended_at if session.ended_at is not None else session.now,
        end_reason=session.end_reason,
        total=score.total,
        grade=score.grade,
        headline=_headline(score, session, timeline, decisions),
        ended_at=score.ended_at,
        scored_to=score.scored_to,
    )
    improvements = [_point(f) for f in _sorted_findings(score.findings, "improvement")]
    states = [
        StepState(r.step, r.title, r.phase, r.by, r.team_started, r.team_done) for r in timeline
    ]
    acts = [Act(d.t, d.action, d.phase, d.by, d.accepted) for d in decisions]
    areas = all_areas(sc, score.findings, states, acts, labels, score.counterfactuals)
    objectives = objective_ratings(sc, states, ratings)
    strengths = _strengths(score, timeline, components, acts, sc)
    runs = comparison_runs(sc)
    notes = [
        NoteRow(e.t, str(e.data.get("text", "")), _opt_str(e.data.get("by")))
        for e in session.feed
        if e.kind == "note"
    ]
    return Report(
        version=REPORT_VERSION,
        summary=summary,
        strengths=strengths,
        improvements=improvements,
        recommendations=[
            Recommendation(
                a.corrective_action,
                a.why,
                a.component,
                customer_minutes_saved=a.customer_minutes_saved,
                points=a.points,
                subject=a.subject,
                who=a.who,
            )
            for a in areas
        ],
        components=components,
        penalties=score.penalties,
        impact=asdict(score.impact),
        timeline=timeline,
        impact_series=[ImpactSample(p.t, p.affected, p.at_risk) for p in session.impact_series],
        markers=_markers(session, labels),
        decisions=decisions,
        notes=notes,
        injects=[
            InjectRow(e.t, str(e.data.get("inject", "")), str(e.data.get("title", "")), fired)
            for e in session.feed
            if (fired := e.kind == "inject") or e.kind == "inject-skipped"
        ],
        findings=list(score.findings),
        counterfactuals=_counterfactual_rows(sc, score.counterfactuals, labels),
        graph_nodes=[
            GraphNode(
                n.id,
                n.label,
                n.kind,
                n.users,
                n.third_party,
                str(session.status.effective.get(n.id, "up")),
            )
            for n in sc.nodes
        ],
        graph_edges=graph_edges(sc),
        executive_summary=executive_summary(
            summary.team,
            sc.title,
            score.total,
            score.grade,
            played_text(summary),
            areas,
            [p.text for p in strengths],
            objectives,
            fmt_points,
            fmt_signed,
        ),
        objectives=objectives,
        improvement_plan=plan_rows(areas, acts, sc, summary.date, stored_items),
        participants=participants(
            acts,
            [(n.by, n.t) for n in notes],
            [_opt_str(e.data.get("by")) for e in session.feed if e.kind == "facilitator"],
            _seats(session.feed),
        ),
        retested=list(retested or []),
        chronology=_chronology(session, labels),
        baseline_series=[
            ImpactSample(p.t, p.affected, p.at_risk) for p in runs.baseline.impact_series
        ],
        reference_series=[
            ImpactSample(p.t, p.affected, p.at_risk) for p in runs.reference.impact_series
        ],
    )


def _seats(feed: list[Event]) -> list[tuple[int, str, str]]:
    """The drill room's seats, from its facilitator `join` events (empty in single-seat play)."""
    out = []
    for e in feed:
        if e.kind == "facilitator" and e.data.get("command") == "join":
            seat, name, role = e.data.get("seat"), e.data.get("name"), e.data.get("role")
            if isinstance(seat, int) and isinstance(name, str) and isinstance(role, str):
                out.append((seat, name, role))
    return out


def _chronology(session: Session, labels: dict[str, str]) -> list[ChronoRow]:
    """Decisions, refusals, injects and notes in the order they happened."""
    rows: list[ChronoRow] = []
    for e in session.feed:
        by = _opt_str(e.data.get("by"))
        if e.kind == "decision":
            action = str(e.data.get("action", ""))
            detail = _opt_str(e.data.get("message")) or _opt_str(e.data.get("note"))
            rows.append(ChronoRow(e.t, "decision", labels.get(action, action), by, detail))
        elif e.kind == "refusal":
            action = str(e.data.get("action", ""))
            reason = e.data.get("reason")
            text = f"{labels.get(action, action)} (refused: {reason})"
            rows.append(ChronoRow(e.t, "refusal", text, by))
        elif e.kind in ("inject", "inject-skipped"):
            title = str(e.data.get("title", e.data.get("inject", "")))
            if e.kind == "inject-skipped":
                title += " (skipped: its condition did not hold)"
            rows.append(ChronoRow(e.t, e.kind, title, None))
        elif e.kind == "note":
            rows.append(ChronoRow(e.t, "note", str(e.data.get("text", "")), by))
    return rows


def _counterfactual_rows(
    sc: Scenario, cfs: list[Counterfactual], labels: dict[str, str]
) -> list[CounterfactualRow]:
    titles = {s.id: s.title for s in sc.playbook}
    return [
        CounterfactualRow(
            c.step,
            titles.get(c.step, c.step),
            c.action,
            labels.get(c.action, c.action),
            c.at,
            c.team_at,
            c.customer_minutes_saved,
            c.text,
        )
        for c in sorted(cfs, key=lambda c: (-c.customer_minutes_saved, c.at, c.step))
    ]


def graph_edges(sc: Scenario) -> list[GraphEdge]:
    """Every dependency as an edge from the dependency to the node that needs it."""
    edges: list[GraphEdge] = []
    for n in sc.nodes:
        for d in n.depends_on:
            if isinstance(d, str):
                edges.append(GraphEdge(d, n.id, "hard"))
            elif isinstance(d, SoftDependency):
                edges.append(GraphEdge(d.soft, n.id, "soft"))
            elif isinstance(d, AnyOfDependency):
                edges.extend(GraphEdge(m, n.id, "any-of") for m in d.any_of)
    return edges


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
            _capability_ratings(r.objectives),
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


_RATING_ORDER = "PSMU"


def _capability_ratings(objectives: list[ObjectiveRating]) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in objectives:
        key = o.capability or o.title
        if key not in out or _RATING_ORDER.index(o.rating) > _RATING_ORDER.index(out[key]):
            out[key] = o.rating
    return out


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
                    key, f"{_COMPONENT_TITLES[p.component]}: “{titles.get(p.step, p.step)}”"
                )
            elif p.action:
                about.setdefault(
                    key, f"{_COMPONENT_TITLES[p.component]}: “{actions.get(p.action, p.action)}”"
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


def _opt_str(v: object) -> str | None:
    return None if v is None else str(v)


def _journal_date(feed: list[Event]) -> str | None:
    # The engine may record the wall-clock start in the start event; use it when present.
    for e in feed[:1]:
        for key in ("started_at", "wall", "wall_time", "date"):
            v = e.data.get(key)
            if isinstance(v, str) and v:
                return v
    return None


def _timeline_row(e: TimelineEntry) -> TimelineRow:
    if e.team_done is not None:
        verdict = "done" if e.by is None else ("on time" if e.team_done <= e.by else "late")
    elif e.team_started is not None:
        verdict = "started, not done"
    else:
        verdict = "not done"
    return TimelineRow(
        e.step,
        e.title,
        e.phase,
        e.by,
        e.team_started,
        e.team_done,
        e.reference_started,
        e.reference_done,
        verdict,
    )


def _component_rows(score: Score) -> list[ComponentRow]:
    rows = []
    for name in COMPONENTS:
        value = float(getattr(score.components, name))
        weight = float(score.weights.get(name, 0.0))
        rows.append(
            ComponentRow(
                name,
                _COMPONENT_TITLES[name],
                _COMPONENT_MEANING[name],
                weight,
                value,
                weight * value,
                weight * (1 - value),
            )
        )
    return rows


def _decision_rows(session: Session, labels: dict[str, str]) -> list[DecisionRow]:
    phases = {a.id: str(a.phase) for a in session.scenario.actions}
    return [
        DecisionRow(
            k,
            d.t,
            d.action,
            labels.get(d.action, d.action),
            phases.get(d.action, ""),
            d.accepted,
            d.reason,
            d.done_at,
            d.by,
            d.note,
            d.message,
        )
        for k, d in enumerate(session.decisions, 1)
    ]


def _markers(session: Session, labels: dict[str, str]) -> list[Marker]:
    markers: list[Marker] = []
    k = 0
    for d in session.decisions:
        if d.accepted:
            k += 1
            markers.append(Marker(d.t, "decision", labels.get(d.action, d.action), k))
    for e in session.feed:
        if e.kind == "inject":
            markers.append(Marker(e.t, "inject", str(e.data.get("title", "")), 0))
    return markers


def _headline(
    score: Score, session: Session, timeline: list[TimelineRow], decisions: list[DecisionRow]
) -> list[Figure]:
    imp = score.impact
    avoidable = imp.baseline_customer_minutes - imp.reference_customer_minutes
    avoided = imp.baseline_customer_minutes - imp.customer_minutes
    share = 1.0 if avoidable <= 0 else max(0.0, min(1.0, avoided / avoidable))
    done = sum(1 for r in timeline if r.team_done is not None)
    refused = sum(1 for d in decisions if not d.accepted)
    peak = max((p.affected for p in session.impact_series), default=0.0)
    figures = [
        Figure(
            "total", "Score", f"{fmt_points(score.total)} / 100 (grade {score.grade})", score.total
        ),
        Figure(
            "customer_minutes",
            "Customer-impact minutes",
            f"{fmt_number(imp.customer_minutes)} (doing nothing: "
            f"{fmt_number(imp.baseline_customer_minutes)}, recommended: "
            f"{fmt_number(imp.reference_customer_minutes)})",
            imp.customer_minutes,
        ),
        Figure("avoided", "Avoidable impact avoided", fmt_percent(share), share),
        Figure("steps_done", "Playbook steps done", f"{done} of {len(timeline)}", done),
        Figure(
            "decisions",
            "Decisions",
            f"{len(decisions)} ({refused} refused)" if refused else str(len(decisions)),
            len(decisions),
        ),
        Figure("peak_affected", "Peak users affected", fmt_number(peak), peak),
    ]
    if imp.at_risk_minutes:
        figures.append(
            Figure(
                "at_risk_minutes",
                "At-risk minutes",
                fmt_number(imp.at_risk_minutes),
                imp.at_risk_minutes,
            )
        )
    if score.penalties:
        figures.append(
            Figure(
                "penalties", "Penalties", f"−{fmt_points(score.penalties)} points", score.penalties
            )
        )
    return figures


def _sorted_findings(findings: list[Finding], kind: str) -> list[Finding]:
    chosen = [f for f in findings if f.kind == kind]
    if kind == "improvement":
        # A failed critical task first (it is what the team must hear), then the most costly;
        # stable for equal cost so reports are deterministic.
        return sorted(
            chosen,
            key=lambda f: (
                f.component != "critical",
                f.points,
                f.t if f.t is not None else 1e18,
            ),
        )
    return sorted(chosen, key=lambda f: (-f.points, f.t if f.t is not None else 1e18))


def _point(f: Finding) -> Point:
    return Point(f.text, f.component, f.points, f.t, f.step, f.action, f.quote)


def _strengths(
    score: Score,
    timeline: list[TimelineRow],
    rows: list[ComponentRow],
    acts: list[Act],
    sc: Scenario,
) -> list[Point]:
    any_of = {s.id: set(s.any_of) for s in sc.playbook}

    def who(step: str | None, action: str | None) -> list[str]:
        actions = any_of.get(step or "", set()) | ({action} if action else set())
        return list(
            dict.fromkeys(a.by for a in acts if a.by and a.accepted and a.action in actions)
        )

    points = [
        dataclasses.replace(p, who=who(p.step, p.action))
        for p in (_point(f) for f in _sorted_findings(score.findings, "strength"))
    ]
    if points:
        return points
    # Scoring gave no explicit strengths: say what went well from the figures themselves.
    for row in rows:
        if row.weight > 0 and row.value >= 0.9:
            points.append(
                Point(
                    f"{row.title} {fmt_percent(row.value)}: {row.meaning}.",
                    row.name,
                    round(row.points, 1),
                )
            )
    for r in timeline:
        if r.verdict == "on time" and r.by is not None and r.team_done is not None:
            points.append(
                Point(
                    f"“{r.title}” done at {fmt_minutes(r.team_done)}, within the target "
                    f"{fmt_minutes(r.by)}.",
                    "timeliness",
                    0.0,
                    r.team_done,
                    r.step,
                    who=who(r.step, None),
                )
            )
    return points
