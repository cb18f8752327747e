"""From an ended drill to its after-action report: `build_report`.

Built from `(LoadedScenario, Session, Score)`. All wording a manager reads is decided here
and in the after-action parts it calls (objectives, areas for improvement, the improvement
plan, participants, the executive summary), once, so the three renderings never disagree.
Nothing here depends on wall-clock time: the same drill always gives the same report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import asdict

from tabletop.engine.event_text import inject_title
from tabletop.engine.events import (
    DecisionTaken,
    ImpactPoint,
    InjectFired,
    InjectSkipped,
    Note,
    Refusal,
)
from tabletop.engine.journal import journal_started_at
from tabletop.engine.session import Session
from tabletop.reports.acts import Act, acts_of, who_acted
from tabletop.reports.executive_summary import executive_summary
from tabletop.reports.facilitator_log import facilitator_log
from tabletop.reports.formatting import (
    fmt_minutes,
    fmt_number,
    fmt_percent,
    fmt_points,
    played_text,
)
from tabletop.reports.improvement_areas import all_areas
from tabletop.reports.improvement_plan import plan_rows
from tabletop.reports.model import (
    COMPONENT_MEANING,
    COMPONENT_TITLES,
    COMPONENTS,
    REPORT_VERSION,
    ChronoRow,
    ComponentRow,
    CounterfactualRow,
    DecisionRow,
    Figure,
    GraphEdge,
    GraphNode,
    ImpactSample,
    InjectRow,
    Marker,
    NoteRow,
    Point,
    Recommendation,
    Report,
    ScenarioInfo,
    StoredItem,
    Summary,
    TimelineRow,
)
from tabletop.reports.objectives import objective_ratings
from tabletop.reports.participants import participants, room_seats
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import AnyOfDependency, Scenario, SoftDependency
from tabletop.scoring.model import Counterfactual, Finding, Score, TimelineEntry
from tabletop.scoring.reference import comparison_runs


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
    scenario = loaded.scenario
    labels = {a.id: a.label for a in scenario.actions}
    timeline = [timeline_row(e) for e in score.timeline]
    components = _component_rows(score)
    decisions = _decision_rows(session, labels)
    summary = _summary(loaded, session, score, timeline, decisions, date, session_id)
    acts = acts_of(session)
    areas = all_areas(scenario, score.findings, score.timeline, acts, labels, score.counterfactuals)
    objectives = objective_ratings(scenario, score.timeline, ratings)
    strengths = _strengths(score, timeline, components, acts, scenario)
    runs = comparison_runs(scenario)
    notes = [NoteRow(e.t, p.text, p.by) for e in session.feed if isinstance(p := e.payload, Note)]
    return Report(
        version=REPORT_VERSION,
        summary=summary,
        strengths=strengths,
        improvements=[_point(f) for f in _sorted_findings(score.findings, "improvement")],
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
        impact_series=_samples(session.impact_series),
        markers=_markers(session, labels),
        decisions=decisions,
        notes=notes,
        injects=[
            InjectRow(e.t, p.inject, p.title or "", isinstance(p, InjectFired))
            for e in session.feed
            if isinstance(p := e.payload, InjectFired | InjectSkipped)
        ],
        findings=list(score.findings),
        counterfactuals=_counterfactual_rows(scenario, score.counterfactuals, labels),
        graph_nodes=_graph_nodes(scenario, session),
        graph_edges=graph_edges(scenario),
        executive_summary=executive_summary(
            summary.team,
            scenario.title,
            score.total,
            score.grade,
            played_text(summary),
            areas,
            [p.text for p in strengths],
            objectives,
        ),
        objectives=objectives,
        improvement_plan=plan_rows(areas, acts, scenario, summary.date, stored_items),
        participants=participants(
            acts,
            [(n.by, n.t) for n in notes],
            [_opt_str(e.data.get("by")) for e in session.feed if e.kind == "facilitator"],
            room_seats(session.feed),
        ),
        retested=list(retested or []),
        chronology=_chronology(session, labels),
        baseline_series=_samples(runs.baseline.impact_series),
        reference_series=_samples(runs.reference.impact_series),
        facilitator_log=facilitator_log(session.feed),
    )


def _summary(
    loaded: LoadedScenario,
    session: Session,
    score: Score,
    timeline: list[TimelineRow],
    decisions: list[DecisionRow],
    date: str | None,
    session_id: int | None,
) -> Summary:
    scenario = loaded.scenario
    return Summary(
        scenario=ScenarioInfo(
            id=scenario.id,
            title=scenario.title,
            kind=scenario.kind,
            summary=scenario.summary,
            difficulty=scenario.difficulty,
            sha256=loaded.sha256 or session.sha256,
            duration=scenario.duration,
            steps=len(scenario.playbook),
        ),
        team=score.team or session.team,
        mode=session.mode,
        date=date or journal_started_at(session.feed),
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


def _samples(series: Iterable[ImpactPoint]) -> list[ImpactSample]:
    return [ImpactSample(p.t, p.affected, p.at_risk) for p in series]


def _graph_nodes(scenario: Scenario, session: Session) -> list[GraphNode]:
    """Every node, with its effective status when the drill ended."""
    return [
        GraphNode(
            n.id,
            n.label,
            n.kind,
            n.users,
            n.third_party,
            str(session.status.effective.get(n.id, "up")),
        )
        for n in scenario.nodes
    ]


def _chronology(session: Session, labels: dict[str, str]) -> list[ChronoRow]:
    """Decisions, refusals, injects and notes in the order they happened."""
    rows: list[ChronoRow] = []
    for e in session.feed:
        p = e.payload
        if isinstance(p, DecisionTaken):
            label = labels.get(p.action, p.action)
            rows.append(ChronoRow(e.t, "decision", label, p.by, p.message or p.note))
        elif isinstance(p, Refusal):
            text = f"{labels.get(p.action, p.action)} (refused: {p.reason})"
            rows.append(ChronoRow(e.t, "refusal", text, p.by))
        elif isinstance(p, InjectFired):
            rows.append(ChronoRow(e.t, e.kind, inject_title(p), None))
        elif isinstance(p, InjectSkipped):
            title = f"{inject_title(p)} (skipped: its condition did not hold)"
            rows.append(ChronoRow(e.t, e.kind, title, None))
        elif isinstance(p, Note):
            rows.append(ChronoRow(e.t, "note", p.text, p.by))
    return rows


def _counterfactual_rows(
    scenario: Scenario, cfs: list[Counterfactual], labels: dict[str, str]
) -> list[CounterfactualRow]:
    titles = {s.id: s.title for s in scenario.playbook}
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


def graph_edges(scenario: Scenario) -> list[GraphEdge]:
    """Every dependency as an edge from the dependency to the node that needs it."""
    edges: list[GraphEdge] = []
    for n in scenario.nodes:
        for d in n.depends_on:
            if isinstance(d, str):
                edges.append(GraphEdge(d, n.id, "hard"))
            elif isinstance(d, SoftDependency):
                edges.append(GraphEdge(d.soft, n.id, "soft"))
            elif isinstance(d, AnyOfDependency):
                edges.extend(GraphEdge(m, n.id, "any-of") for m in d.any_of)
    return edges


def _opt_str(v: object) -> str | None:
    return None if v is None else str(v)


def timeline_row(e: TimelineEntry) -> TimelineRow:
    """One step of the score's timeline as the report shows it, with its verdict."""
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
                COMPONENT_TITLES[name],
                COMPONENT_MEANING[name],
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
        if isinstance(p := e.payload, InjectFired):
            markers.append(Marker(e.t, "inject", p.title or "", 0))
    return markers


def _headline(
    score: Score, session: Session, timeline: list[TimelineRow], decisions: list[DecisionRow]
) -> list[Figure]:
    imp = score.impact
    # The outcome component is the share of the avoidable impact avoided.
    share = score.components.outcome
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
    scenario: Scenario,
) -> list[Point]:
    any_of = {s.id: set(s.any_of) for s in scenario.playbook}
    accepted = [a for a in acts if a.accepted]

    def who(step: str | None, action: str | None) -> list[str]:
        actions = any_of.get(step or "", set()) | ({action} if action else set())
        return who_acted(accepted, actions)

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
