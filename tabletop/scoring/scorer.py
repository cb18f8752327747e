"""Scoring an ended session: components, penalties, total, grade and findings.

Every point below 100 is explained. The improvement findings split exactly the points each
part lost (up to float rounding; `Score.to_json` rounds them to cents that add up exactly):

- order, lost weight x (1 - agreement x started/all) =
  weight x (1 - agreement) x started/all, split evenly over the discordant pairs, plus
  weight / all steps for each step never started;
- coverage: weight / all steps for each step not done;
- timeliness: weight x (1 - step timeliness) / targeted steps for each late or missing target
  (no target anywhere and nothing done: one finding with the whole weight);
- outcome: one finding with weight x (1 - outcome), quoting the customer-minute figures;
- each `avoid` action taken: its penalty (once per action);
- each message that discloses: `disclosure_penalty`, split evenly over its hits (each hit is
  a finding quoting the offending words).

So Σ improvement points = -(100 - unclipped total).

Strengths are findings too. Their `points` are what the behaviour earned in its component,
shown for encouragement; they take no part in the add-up property above:

- each step done by its `by` target: weight_timeliness / targeted steps;
- each step done that has no target: weight_coverage / all steps;
- the order, when at least one ordered pair was started and none was discordant: the order
  points earned;
- the outcome, when at least half the avoidable impact was avoided: the outcome points;
- no `avoid` action taken, and public messages that disclosed nothing: 0 points (nothing
  lost, worth saying).

Findings are listed improvements first, largest cost first (ties in component order, then
time), then strengths in component order and time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.engine.session import Session
from tabletop.scenario.models import MESSAGE_PHASES, Scenario
from tabletop.scoring import wording
from tabletop.scoring.components import (
    CoveragePart,
    OrderPart,
    OutcomePart,
    StepTimes,
    TimelinessPart,
    coverage_component,
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

_COMPONENT_RANK = {c: k for k, c in enumerate(("order", "coverage", "timeliness", "outcome"))}


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

    The reference and doing-nothing runs end when the session ended, so that a drill ended
    early is compared like with like. `counterfactuals=False` skips the slow part (the UI
    computes it later in a worker with `tabletop.scoring.counterfactuals`).
    """
    runs = comparison_runs(scenario, session.now)
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
    earned = (
        w.order * parts.order.value
        + w.coverage * parts.coverage.value
        + w.timeliness * parts.timeliness.value
        + w.outcome * parts.outcome.value
    )
    unclipped = earned - avoid - disclosure
    total = min(100.0, max(0.0, unclipped))
    improvements.sort(key=lambda f: (f.points, _COMPONENT_RANK.get(f.component, 9), _t_key(f.t)))
    return Score(
        scenario=scenario.id,
        team=team if team is not None else session.team,
        total=total,
        grade=grade_for(total),
        components=Components(
            parts.order.value, parts.coverage.value, parts.timeliness.value, parts.outcome.value
        ),
        weights=weights,
        penalties=avoid + disclosure,
        impact=ImpactFigures(
            session.customer_minutes, baseline_cim, reference_cim, session.at_risk_minutes
        ),
        findings=[*improvements, *strengths],
        counterfactuals=list(counterfactuals or []),
        timeline=_timeline(scenario, times, reference_times),
        unclipped_total=unclipped,
        avoid_penalties=avoid,
        disclosure_penalties=disclosure,
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
    n = part.steps
    if part.discordant:
        # weight x (1 - agreement) x started/all, with 1 - agreement = discordant / ordered.
        each = weight * len(part.started) / (n * len(part.ordered))
        for first, came in sorted(part.discordant, key=lambda p: (times.started[p[1]], p)):
            a, b = steps[first], steps[came]
            text = wording.discordance(
                a.phase, a.title, times.started[first], b.phase, b.title, times.started[came]
            )
            bad.append(Finding("improvement", "order", -each, text, times.started[came], came))
    for sid in part.unstarted:
        bad.append(
            Finding(
                "improvement", "order", -weight / n, wording.unstarted(steps[sid].title), None, sid
            )
        )
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
    n = len(scenario.playbook)
    for step in scenario.playbook:
        if step.id in part.missing:
            started = times.started.get(step.id)
            text = wording.missing(step.phase, step.title, started)
            bad.append(Finding("improvement", "coverage", -weight / n, text, started, step.id))
        elif step.by is None:
            done = times.done[step.id]
            text = f"Done: “{step.title}” at {wording.t(done)}."
            good.append(Finding("strength", "coverage", weight / n, text, done, step.id))


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
    n = len(part.per_step)
    for step in scenario.playbook:
        if step.id not in part.per_step or step.by is None:
            continue
        value = part.per_step[step.id]
        done = times.done.get(step.id)
        if value >= 1.0 and done is not None:
            text = (
                f"Done on time: “{step.title}” at {wording.t(done)} (target {wording.t(step.by)})."
            )
            good.append(Finding("strength", "timeliness", weight / n, text, done, step.id))
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
            Finding("improvement", "timeliness", -weight * (1.0 - value) / n, text, done, step.id)
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
                f"“{hit.words}”. Say what you will do, not which part is weak: naming it "
                "invites attackers."
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
                "what is weak.",
            )
        )
    return total


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
