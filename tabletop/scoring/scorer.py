"""Scoring an ended session: components, penalties, total, grade and findings.

Every point below 100 is explained. The improvement findings split exactly the points each
part lost (up to float rounding; `Score.to_json` rounds them to cents that add up exactly).
W is a component's weight, w(s) a step's weight (default 1), Σw the total step weight:

- order, lost W x (1 - agreement x share started) =
  W x (1 - agreement) x share started, split over the discordant pairs in proportion to
  w(A) x w(B), plus W x w(s) / Σw for each step s never started;
- coverage: W x w(s) / Σw for each step s not done;
- timeliness: W x w(s) x (1 - step timeliness) / Σw(targeted) for each late or missing
  target (no target anywhere and nothing done: one finding with the whole weight);
- outcome: one finding with W x (1 - outcome), quoting the customer-minute figures;
- each `avoid` action taken: its penalty (once per action, even when still running at the
  end);
- each message that discloses: `disclosure_penalty`, split evenly over its hits (each hit is
  a finding quoting the offending words);
- each failed critical step: `critical_penalty`.

So Σ improvement points = -(100 - unclipped total).

Strengths are findings too. Their `points` are what the behaviour earned in its component,
shown for encouragement; they take no part in the add-up property above:

- each step done by its `by` target: W_timeliness x w(s) / Σw(targeted);
- each step done that has no target: W_coverage x w(s) / Σw;
- the order, when at least one ordered pair was started and none was discordant: the order
  points earned;
- the outcome, when at least half the avoidable impact was avoided: the outcome points;
- no `avoid` action taken, and public messages that disclosed nothing: 0 points (nothing
  lost, worth saying).

Findings are listed improvements first: failed critical steps first (a team that left
customers in the dark must read that before anything else), then the largest cost first
(ties in component order, then time); then strengths in component order and time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.engine.session import Session
from tabletop.scenario.models import MESSAGE_PHASES, Scenario
from tabletop.scoring import wording
from tabletop.scoring.components import (
    CoveragePart,
    CriticalFailure,
    OrderPart,
    OutcomePart,
    StepTimes,
    TimelinessPart,
    coverage_component,
    critical_failures,
    order_component,
    outcome_component,
    step_times,
    timeliness_component,
)
from tabletop.scoring.counterfactuals import counterfactuals as compute_counterfactuals
from tabletop.scoring.disclosure import describe_hit, message_hits
from tabletop.scoring.model import (
    Components,
    Counterfactual,
    Finding,
    ImpactFigures,
    Score,
    TimelineEntry,
    grade_for,
)
from tabletop.scoring.reference import comparison_runs

_COMPONENT_RANK = {
    c: k for k, c in enumerate(("critical", "order", "coverage", "timeliness", "outcome"))
}


@dataclass(frozen=True)
class _Parts:
    order: OrderPart
    coverage: CoveragePart
    timeliness: TimelinessPart
    outcome: OutcomePart


def score(
    scenario: Scenario,
    session: Session,
    *,
    team: str | None = None,
    counterfactuals: bool = True,
) -> Score:
    """Score an ended session against the playbook, the reference run and doing nothing.

    Everything covers the whole drill: an ended session has run on to the duration, and so
    do the reference and doing-nothing runs, so ending early never raises a score.
    `counterfactuals=False` skips the slow part (the UI computes it later in a worker with
    `tabletop.scoring.counterfactuals`).
    """
    runs = comparison_runs(scenario)
    ref_times = step_times(scenario, runs.reference.started, runs.reference.done)
    cfs = compute_counterfactuals(scenario, session, ref_times.started) if counterfactuals else []
    return score_with(
        scenario,
        session,
        team=team,
        reference_cim=runs.reference.customer_minutes,
        baseline_cim=runs.baseline.customer_minutes,
        reference_times=ref_times,
        counterfactuals=cfs,
    )


def score_with(
    scenario: Scenario,
    session: Session,
    *,
    team: str | None,
    reference_cim: float,
    baseline_cim: float,
    reference_times: StepTimes,
    counterfactuals: list[Counterfactual] | None = None,
) -> Score:
    """Score with the comparison figures already known (used by `score` and `solve`)."""
    times = step_times(scenario, session.started, session.done)
    parts = _Parts(
        order_component(scenario, times),
        coverage_component(scenario, times),
        timeliness_component(scenario, times),
        outcome_component(session.customer_minutes, baseline_cim, reference_cim),
    )
    w = scenario.scoring
    weights = {
        "order": w.order,
        "coverage": w.coverage,
        "timeliness": w.timeliness,
        "outcome": w.outcome,
    }
    improvements: list[Finding] = []
    strengths: list[Finding] = []
    _order_findings(scenario, times, parts.order, w.order, improvements, strengths)
    _coverage_findings(scenario, times, parts.coverage, w.coverage, improvements, strengths)
    _timeliness_findings(scenario, times, parts.timeliness, w.timeliness, improvements, strengths)
    _outcome_findings(parts.outcome, w.outcome, improvements, strengths)
    avoid = _avoid_findings(scenario, session, improvements, strengths)
    disclosure = _disclosure_findings(scenario, session, improvements, strengths)
    critical = _critical_findings(scenario, critical_failures(scenario, times), improvements)
    earned = (
        w.order * parts.order.value
        + w.coverage * parts.coverage.value
        + w.timeliness * parts.timeliness.value
        + w.outcome * parts.outcome.value
    )
    unclipped = earned - avoid - disclosure - critical
    total = min(100.0, max(0.0, unclipped))
    improvements.sort(key=_improvement_key)
    return Score(
        scenario=scenario.id,
        team=team if team is not None else session.team,
        total=total,
        grade=grade_for(total),
        components=Components(
            parts.order.value, parts.coverage.value, parts.timeliness.value, parts.outcome.value
        ),
        weights=weights,
        penalties=avoid + disclosure + critical,
        impact=ImpactFigures(
            session.customer_minutes, baseline_cim, reference_cim, session.at_risk_minutes
        ),
        findings=[*improvements, *strengths],
        counterfactuals=list(counterfactuals or []),
        timeline=_timeline(scenario, times, reference_times),
        unclipped_total=unclipped,
        avoid_penalties=avoid,
        disclosure_penalties=disclosure,
        critical_penalties=critical,
        ended_at=session.ended_at
        if session.ended_at is not None and session.ended_at < scenario.duration
        else None,
        scored_to=scenario.duration,
    )


def _improvement_key(f: Finding) -> tuple[int, float, int, float]:
    """Critical failures first, then the largest cost, then component order and time."""
    return (
        0 if f.component == "critical" else 1,
        f.points,
        _COMPONENT_RANK.get(f.component, 9),
        _t_key(f.t),
    )


def _t_key(t: float | None) -> float:
    return float("inf") if t is None else t


def _order_findings(
    scenario: Scenario,
    times: StepTimes,
    part: OrderPart,
    weight: float,
    bad: list[Finding],
    good: list[Finding],
) -> None:
    if weight <= 0:
        return
    steps = {st.id: st for st in scenario.playbook}
    total_weight = part.steps
    if part.discordant:
        # W x (1 - agreement) x share started, with 1 - agreement = Σ w(A)w(B) over the
        # discordant pairs / Σ w(A)w(B) over the ordered ones: each pair its product's share.
        per_unit = weight * part.started_share / part.ordered_weight
        for first, came in sorted(part.discordant, key=lambda p: (times.started[p[1]], p)):
            a, b = steps[first], steps[came]
            text = wording.discordance(
                a.phase, a.title, times.started[first], b.phase, b.title, times.started[came]
            )
            cost = per_unit * a.weight * b.weight
            bad.append(Finding("improvement", "order", -cost, text, times.started[came], came))
    for sid in part.unstarted:
        step = steps[sid]
        cost = weight * step.weight / total_weight
        bad.append(Finding("improvement", "order", -cost, wording.unstarted(step.title), None, sid))
    if part.ordered and not part.discordant:
        good.append(
            Finding(
                "strength",
                "order",
                weight * part.value,
                f"You followed the recommended order across the {len(part.started)} steps "
                "you started.",
            )
        )


def _coverage_findings(
    scenario: Scenario,
    times: StepTimes,
    part: CoveragePart,
    weight: float,
    bad: list[Finding],
    good: list[Finding],
) -> None:
    if weight <= 0:
        return
    total_weight = sum(st.weight for st in scenario.playbook)
    for step in scenario.playbook:
        share = weight * step.weight / total_weight
        if step.id in part.missing:
            started = times.started.get(step.id)
            text = wording.missing(step.phase, step.title, started)
            bad.append(Finding("improvement", "coverage", -share, text, started, step.id))
        elif step.by is None:
            done = times.done[step.id]
            text = f"Done: “{step.title}” at {wording.t(done)}."
            good.append(Finding("strength", "coverage", share, text, done, step.id))


def _timeliness_findings(
    scenario: Scenario,
    times: StepTimes,
    part: TimelinessPart,
    weight: float,
    bad: list[Finding],
    good: list[Finding],
) -> None:
    if weight <= 0:
        return
    if not part.per_step:
        if not part.any_done:
            bad.append(
                Finding(
                    "improvement",
                    "timeliness",
                    -weight,
                    "No playbook step was done before the end, so nothing was on time.",
                )
            )
        return
    for step in scenario.playbook:
        if step.id not in part.per_step or step.by is None:
            continue
        value = part.per_step[step.id]
        done = times.done.get(step.id)
        share = weight * step.weight / part.targeted_weight
        if value >= 1.0 and done is not None:
            text = (
                f"Done on time: “{step.title}” at {wording.t(done)} (target {wording.t(step.by)})."
            )
            good.append(Finding("strength", "timeliness", share, text, done, step.id))
            continue
        if done is None:
            text = f"“{step.title}” had a {wording.t(step.by)} target and was never done."
        else:
            late = done - step.by
            text = (
                f"“{step.title}” was done at {wording.t(done)}, {wording.minutes(late)} after "
                f"its {wording.t(step.by)} target (no credit from {wording.t(2 * step.by)})."
            )
        bad.append(
            Finding("improvement", "timeliness", -share * (1.0 - value), text, done, step.id)
        )


def _outcome_findings(
    part: OutcomePart, weight: float, bad: list[Finding], good: list[Finding]
) -> None:
    if weight <= 0:
        return
    cm = wording.customer_minutes
    avoidable = part.nothing - part.reference
    if avoidable <= 0:
        return  # nothing was avoidable: full marks, nothing to explain
    share = f"{part.value:.0%}"
    figures = (
        f"your response cost {cm(part.team)} customer-minutes; doing nothing costs "
        f"{cm(part.nothing)} and the recommended response {cm(part.reference)}"
    )
    if part.value < 1.0:
        if part.team > part.nothing:
            text = f"Impact: {figures}: you did worse than doing nothing."
        else:
            # Not the strength's sentence: the same words under "strengths" and "areas for
            # improvement" read as a contradiction; this one names what was left.
            text = (
                f"Impact: {figures}: {1.0 - part.value:.0%} of the avoidable impact was "
                "not avoided."
            )
        bad.append(Finding("improvement", "outcome", -weight * (1.0 - part.value), text))
    if part.value >= 0.5:
        text = f"Impact: {figures}: you avoided {share} of the avoidable impact."
        good.append(Finding("strength", "outcome", weight * part.value, text))


def _avoid_findings(
    scenario: Scenario, session: Session, bad: list[Finding], good: list[Finding]
) -> float:
    total = 0.0
    seen: set[str] = set()
    for av in scenario.avoid:
        if av.action in seen or av.action not in session.started:
            continue
        seen.add(av.action)
        at = session.started[av.action]
        act = scenario.action_index.get(av.action)
        label = act.label if act is not None else av.action
        quote = next(
            (r.message for r in session.decisions if r.accepted and r.action == av.action), None
        )
        text = f"You took “{label}” at {wording.t(at)}: {av.why}"
        bad.append(Finding("improvement", "penalty", -av.penalty, text, at, None, av.action, quote))
        total += av.penalty
    if scenario.avoid and not seen:
        good.append(
            Finding(
                "strength",
                "penalty",
                0.0,
                f"You took none of the {len(scenario.avoid)} actions the playbook warns against.",
            )
        )
    return total


def _disclosure_findings(
    scenario: Scenario, session: Session, bad: list[Finding], good: list[Finding]
) -> float:
    """Disclosure findings over accepted decisions (a refused post was never published)."""
    messages = [(r.t, r.action, r.message) for r in session.decisions if r.accepted and r.message]
    penalty = scenario.disclosure_penalty
    total = 0.0
    flagged = message_hits(scenario, messages)
    for mh in flagged:
        each = penalty / len(mh.hits)
        for hit in mh.hits:
            text = (
                f"Your message at {wording.t(mh.t)} {describe_hit(hit, scenario)}: "
                f"“{hit.words}”. Say what you will do without naming components, addresses "
                "or versions: that tells attackers where to aim."
            )
            bad.append(
                Finding("improvement", "disclosure", -each, text, mh.t, None, mh.action, hit.words)
            )
        total += penalty
    public = [
        m
        for m in messages
        if (a := scenario.action_index.get(m[1])) is not None and a.phase in MESSAGE_PHASES
    ]
    if public and not flagged:
        good.append(
            Finding(
                "strength",
                "disclosure",
                0.0,
                f"Your {len(public)} public message(s) said what you will do without naming "
                "components, addresses or versions.",
            )
        )
    return total


def _critical_findings(
    scenario: Scenario, failures: list[CriticalFailure], bad: list[Finding]
) -> float:
    steps = {st.id: st for st in scenario.playbook}
    penalty = scenario.critical_penalty
    for failure in failures:
        step = steps[failure.step]
        text = wording.critical(step.phase, step.title, step.by, failure.done)
        bad.append(Finding("improvement", "critical", -penalty, text, failure.done, failure.step))
    return penalty * len(failures)


def _timeline(scenario: Scenario, team: StepTimes, reference: StepTimes) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            step=st.id,
            title=st.title,
            phase=str(st.phase),
            by=st.by,
            team_started=team.started.get(st.id),
            team_done=team.done.get(st.id),
            reference_started=reference.started.get(st.id),
            reference_done=reference.done.get(st.id),
        )
        for st in scenario.playbook
    ]
