"""The one report model: an after-action report of a drill (DESIGN.md § Reports).

Built from `(LoadedScenario, Session, Score)`; Markdown, HTML and JSON only render it. All
wording a manager reads is decided here, once, so the three renderings never disagree.
Nothing here depends on wall-clock time: the same drill always gives the same report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tabletop import exercise_time
from tabletop.engine.events import Event
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import AnyOfDependency, PlaybookStep, Scenario, SoftDependency
from tabletop.scoring.model import Counterfactual, Finding, Score, TimelineEntry

#: Version of the report JSON document (docs/report-json.md); bump on any key change.
REPORT_VERSION = 1

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


@dataclass(frozen=True)
class Recommendation:
    """A recommended action, with why it matters."""

    text: str
    why: str
    source: str  # "counterfactual" | a finding component
    customer_minutes_saved: float | None = None
    points: float | None = None


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
    kind: str = "tabletop-report"

    def to_json(self) -> dict[str, Any]:
        """The JSON document of docs/report-json.md."""
        return asdict(self)


@dataclass(frozen=True)
class DrillColumn:
    """One drill in a comparison."""

    label: str
    summary: Summary
    components: list[ComponentRow]
    penalties: float
    timeline: list[TimelineRow]


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
    steps: list[tuple[str, str]]  # (step id, title) in playbook order, over every scenario
    repeated: list[RepeatedFinding]
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
) -> Report:
    """The after-action report of one ended drill.

    `date` is when the drill was played (ISO 8601), if known; it is not taken from the clock
    here so that the same drill always gives the same report.
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
    return Report(
        version=REPORT_VERSION,
        summary=summary,
        strengths=_strengths(score, timeline, components),
        improvements=improvements,
        recommendations=_recommendations(sc, score, labels),
        components=components,
        penalties=score.penalties,
        impact=asdict(score.impact),
        timeline=timeline,
        impact_series=[ImpactSample(p.t, p.affected, p.at_risk) for p in session.impact_series],
        markers=_markers(session, labels),
        decisions=decisions,
        notes=[
            NoteRow(e.t, str(e.data.get("text", "")), _opt_str(e.data.get("by")))
            for e in session.feed
            if e.kind == "note"
        ],
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
    )


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
    """Several drills side by side, with the areas for improvement that repeat."""
    columns = [
        DrillColumn(
            _drill_label(r, k),
            r.summary,
            r.components,
            r.penalties,
            r.timeline,
        )
        for k, r in enumerate(reports, 1)
    ]
    steps: dict[str, str] = {}
    for r in reports:
        for row in r.timeline:
            steps.setdefault(row.step, row.title)
    return Comparison(
        version=REPORT_VERSION,
        drills=columns,
        steps=list(steps.items()),
        repeated=_repeated(reports, [c.label for c in columns]),
    )


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
        for p in r.improvements:
            subject = p.step or p.action
            key = (p.component, f"step:{p.step}|action:{p.action}" if subject else p.text)
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


def _strengths(score: Score, timeline: list[TimelineRow], rows: list[ComponentRow]) -> list[Point]:
    points = [_point(f) for f in _sorted_findings(score.findings, "strength")]
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
                )
            )
    return points


def _recommendations(sc: Scenario, score: Score, labels: dict[str, str]) -> list[Recommendation]:
    recs: list[Recommendation] = []
    seen: set[str] = set()

    def add(rec: Recommendation) -> None:
        if rec.text not in seen:
            seen.add(rec.text)
            recs.append(rec)

    steps = {s.id: s for s in sc.playbook}
    avoid = {a.action: a for a in sc.avoid}
    for c in sorted(score.counterfactuals, key=lambda c: (-c.customer_minutes_saved, c.at)):
        if c.customer_minutes_saved <= 0:
            continue
        title = steps[c.step].title if c.step in steps else c.step
        when = "never taken" if c.team_at is None else f"taken at {fmt_minutes(c.team_at)}"
        add(
            Recommendation(
                f"{title}: {labels.get(c.action, c.action)} by {fmt_minutes(c.at)}.",
                c.text
                or f"It was {when}; on time it saves "
                f"{fmt_number(c.customer_minutes_saved)} customer-minutes.",
                "counterfactual",
                customer_minutes_saved=c.customer_minutes_saved,
            )
        )
    late: list[tuple[PlaybookStep, Finding]] = []
    # A step never done gets its own "add it" recommendation; its order and timeliness
    # findings would only say the same again.
    missing = {f.step for f in score.findings if f.component == "coverage" and f.step}
    for f in _sorted_findings(score.findings, "improvement"):
        if f.step in missing and f.component in ("order", "timeliness"):
            continue
        step = steps.get(f.step or "")
        if f.component == "timeliness" and step is not None and step.by is not None:
            late.append((step, f))  # one recommendation for all late steps, added below
            continue
        rec = _recommend_for(f, steps, avoid, labels)
        if rec is not None:
            add(rec)
    if late:
        ordered = sorted(late, key=lambda sf: (sf[0].by or 0.0, sf[0].id))
        targets = "; ".join(f"“{st.title}” by {fmt_minutes(st.by)}" for st, _ in ordered)
        add(
            Recommendation(
                f"Finish the late step{'s' if len(late) > 1 else ''} by "
                f"{'their targets' if len(late) > 1 else 'its target'}: {targets}.",
                " ".join(f.text for _, f in ordered),
                "timeliness",
                points=sum(f.points for _, f in late),
            )
        )
    return recs


def _recommend_for(
    f: Finding,
    steps: dict[str, Any],
    avoid: dict[str, Any],
    labels: dict[str, str],
) -> Recommendation | None:
    step = steps.get(f.step) if f.step else None
    if f.component == "critical" and step is not None:
        target = f" by {fmt_minutes(step.by)}" if step.by is not None else ""
        text = f"Make “{step.title}” a fixed first-hour task: done{target}, every time."
    elif f.component == "coverage" and step is not None:
        first = labels.get(step.any_of[0], step.any_of[0])
        text = f"Add “{step.title}” to the runbook ({first})."
    elif f.component == "timeliness" and step is not None and step.by is not None:
        text = f"Aim to finish “{step.title}” by {fmt_minutes(step.by)}."
    elif f.component == "order":
        text = "Follow the playbook order: assess, escalate and communicate before fixing."
    elif f.component == "penalty" and f.action:
        why = avoid[f.action].why if f.action in avoid else f.text
        return Recommendation(
            f"Do not {labels.get(f.action, f.action)[:1].lower()}"
            f"{labels.get(f.action, f.action)[1:]}.",
            why,
            f.component,
            points=f.points,
        )
    elif f.component == "disclosure":
        text = (
            "In public messages say what you will do, not which component failed "
            "(no hostnames, versions, IP addresses or CVE ids)."
        )
    elif f.component == "outcome":
        text = (
            "Restore service sooner: start the workaround and fix steps as early as the "
            "playbook allows."
        )
    else:
        return None
    return Recommendation(text, f.text, f.component, points=f.points)
