"""Areas for improvement and their corrective actions: the report's recommendations.

The findings of a score grouped by what they are about (one area per playbook step, avoid
action, disclosure, the outcome), each with a corrective action in words and why it matters,
costliest first. The history's improvement plan (`tabletop.store.plan`) files its items from
the same areas, so a report and the stored plan never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tabletop import exercise_time
from tabletop.reports.acts import Act, who_acted
from tabletop.reports.formatting import fmt_number
from tabletop.reports.objectives import PHASE_TITLES
from tabletop.scenario.models import PlaybookStep, Scenario
from tabletop.scoring.model import Counterfactual, Finding, TimelineEntry

# Which component's advice speaks for a step with several findings (most serious first).
_STEP_PRIORITY = ("critical", "coverage", "timeliness", "order")


@dataclass(frozen=True)
class Area:
    """An area for improvement: the findings about one subject, with the corrective action."""

    subject: str  # "step:ID" | "action:ID" | "disclosure" | "outcome" | "component:NAME"
    component: str  # the component whose advice speaks for it
    issue: str
    corrective_action: str
    why: str
    points: float  # lost, negative
    step: str | None
    action: str | None
    capability: str
    element: str
    objective: str | None
    who: list[str]
    customer_minutes_saved: float | None = None
    critical: bool = False


def subject_of(f: Finding) -> str:
    """What a finding is about: the key areas, plan rows and stored items are grouped by."""
    if f.component == "disclosure":
        return "disclosure"
    if f.component == "outcome":
        return "outcome"
    if f.step:
        return f"step:{f.step}"
    if f.action:
        return f"action:{f.action}"
    return f"component:{f.component}"


def _step_objective(
    scenario: Scenario, step: str | None, phase: str | None
) -> tuple[str | None, str]:
    """(objective id, capability) a step belongs to: its first objective, else its phase."""
    if step is not None:
        for o in scenario.objectives:
            if step in o.steps:
                return o.id, o.capability or o.title
    if phase:
        title = PHASE_TITLES.get(phase, phase)
        return (None if scenario.objectives else f"phase-{phase}"), title
    return None, "Response management"


def _element(component: str, phase: str | None) -> str:
    # Escalation failures are about who is called and who decides: organisation. A missing or
    # critical step belongs in the plan (runbook); late, out of order or trap actions are
    # practice; the outcome follows from the plan.
    if phase == "escalate":
        return "organisation"
    if component in ("critical", "coverage", "outcome"):
        return "planning"
    return "training"


def _areas_by_subject(
    scenario: Scenario,
    findings: list[Finding],
    states: list[TimelineEntry],
    acts: list[Act],
    labels: dict[str, str],
    counterfactuals: list[Counterfactual] | None = None,
) -> list[Area]:
    """One area per step, avoid action or disclosure with a finding, and per late step that
    only a counterfactual names (the outcome's area is `_outcome_area`'s), unsorted."""
    steps = {s.id: s for s in scenario.playbook}
    phase_of = {a.id: str(a.phase) for a in scenario.actions}
    avoid = {a.action: a for a in scenario.avoid}
    state = {s.step: s for s in states}
    saved: dict[str, float] = {}
    cf_by_step: dict[str, Counterfactual] = {}
    for c in sorted(counterfactuals or [], key=lambda c: -c.customer_minutes_saved):
        if c.customer_minutes_saved > 0:
            saved[c.step] = saved.get(c.step, 0.0) + c.customer_minutes_saved
            cf_by_step.setdefault(c.step, c)
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.kind == "improvement":
            groups.setdefault(subject_of(f), []).append(f)
    areas = []
    for subject, fs in groups.items():
        fs = sorted(fs, key=lambda f: f.points)
        area = _area(subject, fs, scenario, steps, state, avoid, phase_of, acts, labels, cf_by_step)
        if area is not None:
            areas.append(area)
    # Late or missing steps that only a counterfactual names (no finding of their own).
    for step_id, minutes in saved.items():
        if f"step:{step_id}" in groups or step_id not in steps:
            continue
        st = steps[step_id]
        c = cf_by_step[step_id]
        obj, cap = _step_objective(scenario, st.id, str(st.phase))
        areas.append(
            Area(
                f"step:{step_id}",
                "timeliness",
                c.text or f"“{st.title}” could have been done earlier.",
                f"Do “{st.title}” ({labels.get(c.action, c.action)}) by "
                f"{exercise_time.instant(c.at)}.",
                f"On time it saves {fmt_number(minutes)} customer-minutes.",
                0.0,
                step_id,
                c.action,
                cap,
                _element("timeliness", str(st.phase)),
                obj,
                who_acted(acts, set(st.any_of)),
                minutes,
            )
        )
    return areas


def _area(
    subject: str,
    fs: list[Finding],
    scenario: Scenario,
    steps: dict[str, PlaybookStep],
    state: dict[str, TimelineEntry],
    avoid: dict[str, Any],
    phase_of: dict[str, str],
    acts: list[Act],
    labels: dict[str, str],
    cf_by_step: dict[str, Counterfactual],
) -> Area | None:
    points = round(sum(f.points for f in fs), 2)
    components = {f.component for f in fs}
    issue = " ".join(dict.fromkeys(f.text for f in fs))
    first = fs[0]
    if subject.startswith("step:") and first.step in steps:
        st = steps[first.step]
        component = next((c for c in _STEP_PRIORITY if c in components), first.component)
        # The issue opens with what the corrective action answers ("never done"), then the rest.
        lead = [f for f in fs if f.component == component] + [
            f for f in fs if f.component != component
        ]
        issue = " ".join(dict.fromkeys(f.text for f in lead))
        action, why = _step_action(st, component, state.get(st.id), steps, scenario, labels)
        c = cf_by_step.get(st.id)
        minutes = c.customer_minutes_saved if c else None
        if c is not None:
            why += (
                f" Had “{labels.get(c.action, c.action)}” been done by "
                f"{exercise_time.instant(c.at)}: {fmt_number(c.customer_minutes_saved)} "
                "customer-minutes fewer."
            )
        obj, cap = _step_objective(scenario, st.id, str(st.phase))
        return Area(
            subject,
            component,
            issue,
            action,
            why.strip(),
            points,
            st.id,
            None,
            cap,
            _element(component, str(st.phase)),
            obj,
            who_acted(acts, set(st.any_of)),
            minutes,
            critical="critical" in components,
        )
    if subject.startswith("action:") and first.action:
        label = labels.get(first.action, first.action)
        why = avoid[first.action].why if first.action in avoid else first.text
        phase = phase_of.get(first.action)
        obj, cap = _step_objective(scenario, None, phase)
        return Area(
            subject,
            first.component,
            issue,
            f"Do not {label[:1].lower()}{label[1:]}.",
            why,
            points,
            None,
            first.action,
            cap,
            _element(first.component, phase),
            obj,
            who_acted(acts, {first.action}),
        )
    if subject == "disclosure":
        actions = {f.action for f in fs if f.action}
        obj, cap = _step_objective(scenario, None, "communicate")
        return Area(
            subject,
            "disclosure",
            issue,
            "In public messages say what you will do, not which component failed "
            "(no hostnames, versions, IP addresses or CVE ids).",
            "A message that names the weak part tells the next attacker where to look.",
            points,
            None,
            None,
            cap,
            "training",
            obj,
            who_acted(acts, actions),
        )
    if subject == "outcome":
        return None  # built by `_outcome_area`, which needs the counterfactuals
    return Area(
        subject,
        first.component,
        issue,
        "Follow the playbook order: assess, escalate and communicate before fixing.",
        issue,
        points,
        None,
        None,
        "Response management",
        "training",
        None,
        [],
    )


def _step_action(
    st: PlaybookStep,
    component: str,
    s: TimelineEntry | None,
    steps: dict[str, PlaybookStep],
    scenario: Scenario,
    labels: dict[str, str],
) -> tuple[str, str]:
    """The corrective action for one step, in words, and why."""
    target = f" by {exercise_time.instant(st.by)}" if st.by is not None else ""
    first = labels.get(st.any_of[0], st.any_of[0])
    done = s.team_done if s is not None else None
    if component == "critical":
        when = (
            "it was never done" if done is None else f"it was done at {exercise_time.instant(done)}"
        )
        return (
            f"Make “{st.title}” a fixed first-hour task: {first}{target}, every time.",
            f"A critical task: {when}.",
        )
    if component == "coverage":
        return (f"Add “{st.title}” to the runbook: {first}{target}.", "It was never done.")
    if component == "timeliness":
        when = f"it was done at {exercise_time.instant(done)}" if done is not None else ""
        return (f"Finish “{st.title}”{target}.", f"{when[:1].upper()}{when[1:]}." if when else "")
    # order: name the step it should follow.
    ids = [p.id for p in scenario.playbook]
    before = (
        st.after if st.after is not None else ids[max(0, ids.index(st.id) - 1) : ids.index(st.id)]
    )
    names = [f"“{steps[b].title}”" for b in before if b in steps and b != st.id]
    if names:
        return (
            f"Take “{st.title}” in its playbook place, after {' and '.join(names)}.",
            "Out of the recommended order.",
        )
    return (f"Take “{st.title}” in its playbook place.", "Out of the recommended order.")


def _outcome_area(
    scenario: Scenario,
    findings: list[Finding],
    counterfactuals: list[Counterfactual],
    labels: dict[str, str],
    acts: list[Act],
) -> Area | None:
    """The outcome's area: restore sooner, naming the steps whose earlier action saves most."""
    fs = [f for f in findings if f.kind == "improvement" and f.component == "outcome"]
    if not fs:
        return None
    steps = {s.id: s for s in scenario.playbook}
    best: dict[str, Counterfactual] = {}
    for c in sorted(counterfactuals, key=lambda c: (-c.customer_minutes_saved, c.at)):
        if c.customer_minutes_saved > 0 and c.step not in best:
            best[c.step] = c
    top = list(best.values())[:3]
    if top:
        parts = [
            f"“{steps[c.step].title if c.step in steps else c.step}” "
            f"({labels.get(c.action, c.action)} by {exercise_time.instant(c.at)}, "
            f"{fmt_number(c.customer_minutes_saved)} customer-minutes fewer)"
            for c in top
        ]
        action = "Restore service sooner: do " + "; ".join(parts) + "."
        why = "These earlier actions save the most customer impact of any step."
    else:
        workaround = [s for s in scenario.playbook if str(s.phase) in ("workaround", "fix")]
        names = ", ".join(f"“{s.title}”" for s in workaround[:3]) or "the workaround and fix"
        action = f"Restore service sooner: start {names} as early as the playbook allows."
        why = "No single step's earlier action would have saved customer impact on its own."
    actions = {c.action for c in top}
    return Area(
        "outcome",
        "outcome",
        " ".join(f.text for f in fs),
        action,
        why,
        round(sum(f.points for f in fs), 2),
        top[0].step if top else None,
        None,
        "Operational coordination",
        "planning",
        None,
        who_acted(acts, actions),
        sum(c.customer_minutes_saved for c in top) or None,
    )


def all_areas(
    scenario: Scenario,
    findings: list[Finding],
    states: list[TimelineEntry],
    acts: list[Act],
    labels: dict[str, str],
    counterfactuals: list[Counterfactual],
) -> list[Area]:
    """Every area for improvement, one per subject, the outcome's included, costliest first.

    A failed critical task comes before anything else of the same cost: it is what the team
    must hear. The outcome area names the steps whose earlier action saves the most.
    """
    areas = _areas_by_subject(scenario, findings, states, acts, labels, counterfactuals)
    out = _outcome_area(scenario, findings, counterfactuals, labels, acts)
    if out is not None:
        areas.append(out)
    return sorted(
        areas,
        key=lambda a: (a.points, not a.critical, -(a.customer_minutes_saved or 0.0), a.subject),
    )
