"""The after-action report / improvement plan (AAR/IP) parts of the report.

Objectives rated P/S/M/U, the areas for improvement grouped by what they are about (one per
step, avoid action or component), a corrective action for each, ordered by the points they
cost, the improvement plan rows (with an owner suggested from who acted), the participants and
the executive summary in words. Pure functions of the scenario, the drill's rows and findings:
the history store uses the same functions to create its improvement items, so a report and the
stored plan never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tabletop import exercise_time
from tabletop.scenario.models import PlaybookStep, Scenario
from tabletop.scoring.model import Counterfactual, Finding

#: The four HSEEP ratings, best first, with what each means.
RATINGS: dict[str, str] = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}

#: The HSEEP capability elements an improvement item is filed under.
ELEMENTS: tuple[str, ...] = ("planning", "organisation", "equipment", "training", "exercise")

#: Status of an improvement item, in the order work moves through them.
STATUSES: tuple[str, ...] = ("open", "in progress", "done", "re-tested")

#: Days from the drill to an item's suggested due date: a failed critical task or an avoid
#: action taken is urgent; the rest fits a quarter's work.
DUE_DAYS_URGENT = 30
DUE_DAYS = 90

_PHASE_TITLES = {
    "assess": "Assess",
    "escalate": "Escalate",
    "communicate": "Communicate",
    "workaround": "Workaround",
    "fix": "Fix",
    "verify": "Verify",
    "prevent": "Prevent",
    "follow-up": "Follow up",
}

# Which component's advice speaks for a step with several findings (most serious first).
_STEP_PRIORITY = ("critical", "coverage", "timeliness", "order")


@dataclass(frozen=True)
class StepState:
    """What the team did about one playbook step (from the report's timeline rows)."""

    step: str
    title: str
    phase: str
    by: float | None
    team_started: float | None
    team_done: float | None


@dataclass(frozen=True)
class Act:
    """One decision as the AAR needs it: who took which action, when, in which phase."""

    t: float
    action: str
    phase: str
    by: str | None
    accepted: bool


@dataclass(frozen=True)
class ObjectiveRating:
    """One objective, its derived rating and the evaluator's, with the evidence."""

    id: str
    title: str
    capability: str
    source: str  # "scenario": an objective of the scenario; "phase": one per playbook phase
    steps: list[str]
    step_titles: list[str]
    derived: str  # P | S | M | U, from the steps
    rating: str  # the evaluator's override when there is one, else `derived`
    override_reason: str | None
    evidence: str

    @property
    def meaning(self) -> str:
        """The rating in words."""
        return RATINGS[self.rating]


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


@dataclass(frozen=True)
class PlanRow:
    """One row of the improvement plan."""

    subject: str
    issue: str
    corrective_action: str
    capability: str
    element: str
    owner: str
    start: str | None
    due: str | None
    status: str
    points: float
    objective: str | None
    item_id: int | None = None
    retested_by: int | None = None


@dataclass(frozen=True)
class Participant:
    """Someone who took part, as the journal names them."""

    name: str
    role: str  # "team" | "observer" | "facilitator", or the role of the seat in a drill room
    decisions: int
    notes: int
    phases: list[str] = field(default_factory=list)
    seat: int | None = None  # the drill room's seat number, when they joined one


@dataclass(frozen=True)
class StoredItem:
    """An improvement item as the history holds it (overlaid on the report's plan rows)."""

    id: int
    subject: str
    issue: str
    owner: str
    start: str | None
    due: str | None
    status: str
    session: int
    retested_by: int | None


# ----------------------------------------------------------------------------- objectives


def step_credit(s: StepState) -> float:
    """Timeliness credit of one step: 1 done by its target, down to 0 at twice it; 0 undone."""
    if s.team_done is None:
        return 0.0
    if s.by is None:
        return 1.0
    if s.team_done <= s.by:
        return 1.0
    if s.by <= 0:
        return 0.0
    return max(0.0, 1.0 - (s.team_done - s.by) / s.by)


def derive_rating(states: list[StepState]) -> str:
    """P: every step done on time; S: every step done, mean credit >= 0.5; M: some step done;
    U: none (or the objective names no step the playbook has)."""
    if not states:
        return "U"
    done = [s for s in states if s.team_done is not None]
    if not done:
        return "U"
    if len(done) < len(states):
        return "M"
    credits = [step_credit(s) for s in states]
    if all(c >= 1.0 for c in credits):
        return "P"
    if sum(credits) / len(credits) >= 0.5:
        return "S"
    return "M"


def _evidence(states: list[StepState]) -> str:
    if not states:
        return "none of its steps is in the playbook"
    parts = []
    for s in states:
        if s.team_done is None:
            what = "started, not done" if s.team_started is not None else "not done"
        elif s.by is None:
            what = f"done {exercise_time.instant(s.team_done)}"
        elif s.team_done <= s.by:
            what = (
                f"done {exercise_time.instant(s.team_done)}, on time "
                f"(target {exercise_time.instant(s.by)})"
            )
        else:
            what = (
                f"done {exercise_time.instant(s.team_done)}, late "
                f"(target {exercise_time.instant(s.by)})"
            )
        parts.append(f"“{s.title}”: {what}")
    return "; ".join(parts)


def objective_ratings(
    sc: Scenario, states: list[StepState], overrides: dict[str, tuple[str, str]] | None = None
) -> list[ObjectiveRating]:
    """Each scenario objective (or, without any, one per playbook phase) with its rating.

    `overrides` maps an objective id to the evaluator's (rating, reason).
    """
    overrides = overrides or {}
    by_id = {s.step: s for s in states}
    groups: list[tuple[str, str, str, str, list[str]]] = []
    if sc.objectives:
        for o in sc.objectives:
            groups.append((o.id, o.title, o.capability or "", "scenario", list(o.steps)))
    else:
        for phase in dict.fromkeys(str(s.phase) for s in sc.playbook):
            steps = [s.id for s in sc.playbook if str(s.phase) == phase]
            title = _PHASE_TITLES.get(phase, phase)
            groups.append((f"phase-{phase}", title, title, "phase", steps))
    out = []
    for oid, title, capability, source, steps in groups:
        chosen = [by_id[s] for s in steps if s in by_id]
        derived = derive_rating(chosen)
        rating, reason = overrides.get(oid, (derived, None))
        out.append(
            ObjectiveRating(
                oid,
                title,
                capability,
                source,
                steps,
                [s.title for s in chosen],
                derived,
                rating,
                reason,
                _evidence(chosen),
            )
        )
    return out


def objective_ids(sc: Scenario) -> list[str]:
    """The ids `tabletop rate` accepts for drills of this scenario."""
    if sc.objectives:
        return [o.id for o in sc.objectives]
    return [f"phase-{p}" for p in dict.fromkeys(str(s.phase) for s in sc.playbook)]


# ----------------------------------------------------------------------------- areas


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


def _step_objective(sc: Scenario, step: str | None, phase: str | None) -> tuple[str | None, str]:
    """(objective id, capability) a step belongs to: its first objective, else its phase."""
    if step is not None:
        for o in sc.objectives:
            if step in o.steps:
                return o.id, o.capability or o.title
    if phase:
        title = _PHASE_TITLES.get(phase, phase)
        return (None if sc.objectives else f"phase-{phase}"), title
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


def _who_acted(acts: list[Act], actions: set[str]) -> list[str]:
    return list(dict.fromkeys(a.by for a in acts if a.by and a.action in actions))


def areas_for_improvement(
    sc: Scenario,
    findings: list[Finding],
    states: list[StepState],
    acts: list[Act],
    labels: dict[str, str],
    counterfactuals: list[Counterfactual] | None = None,
) -> list[Area]:
    """One area per subject (step, avoid action, disclosure, outcome), costliest first.

    A failed critical task comes before anything else of the same cost: it is what the team
    must hear. The outcome area names the steps whose earlier action saves the most.
    """
    steps = {s.id: s for s in sc.playbook}
    phase_of = {a.id: str(a.phase) for a in sc.actions}
    avoid = {a.action: a for a in sc.avoid}
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
        area = _area(subject, fs, sc, steps, state, avoid, phase_of, acts, labels, cf_by_step)
        if area is not None:
            areas.append(area)
    # Late or missing steps that only a counterfactual names (no finding of their own).
    for step_id, minutes in saved.items():
        if f"step:{step_id}" in groups or step_id not in steps:
            continue
        st = steps[step_id]
        c = cf_by_step[step_id]
        obj, cap = _step_objective(sc, st.id, str(st.phase))
        areas.append(
            Area(
                f"step:{step_id}",
                "timeliness",
                c.text or f"“{st.title}” could have been done earlier.",
                f"Do “{st.title}” ({labels.get(c.action, c.action)}) by "
                f"{exercise_time.instant(c.at)}.",
                f"On time it saves {_num(minutes)} customer-minutes.",
                0.0,
                step_id,
                c.action,
                cap,
                _element("timeliness", str(st.phase)),
                obj,
                _who_acted(acts, set(st.any_of)),
                minutes,
            )
        )
    return sorted(
        areas,
        key=lambda a: (a.points, not a.critical, -(a.customer_minutes_saved or 0.0), a.subject),
    )


def _num(x: float) -> str:
    return f"{round(x):,}"


def _area(
    subject: str,
    fs: list[Finding],
    sc: Scenario,
    steps: dict[str, PlaybookStep],
    state: dict[str, StepState],
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
        action, why = _step_action(st, component, state.get(st.id), steps, sc, labels)
        c = cf_by_step.get(st.id)
        minutes = c.customer_minutes_saved if c else None
        if c is not None:
            why += (
                f" Had “{labels.get(c.action, c.action)}” been done by "
                f"{exercise_time.instant(c.at)}: {_num(c.customer_minutes_saved)} "
                "customer-minutes fewer."
            )
        obj, cap = _step_objective(sc, st.id, str(st.phase))
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
            _who_acted(acts, set(st.any_of)),
            minutes,
            critical="critical" in components,
        )
    if subject.startswith("action:") and first.action:
        label = labels.get(first.action, first.action)
        why = avoid[first.action].why if first.action in avoid else first.text
        phase = phase_of.get(first.action)
        obj, cap = _step_objective(sc, None, phase)
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
            _who_acted(acts, {first.action}),
        )
    if subject == "disclosure":
        actions = {f.action for f in fs if f.action}
        obj, cap = _step_objective(sc, None, "communicate")
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
            _who_acted(acts, actions),
        )
    if subject == "outcome":
        return None  # built by `outcome_area`, which needs the counterfactuals
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
    s: StepState | None,
    steps: dict[str, PlaybookStep],
    sc: Scenario,
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
    ids = [p.id for p in sc.playbook]
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


def outcome_area(
    sc: Scenario,
    findings: list[Finding],
    counterfactuals: list[Counterfactual],
    labels: dict[str, str],
    acts: list[Act],
) -> Area | None:
    """The outcome's area: restore sooner, naming the steps whose earlier action saves most."""
    fs = [f for f in findings if f.kind == "improvement" and f.component == "outcome"]
    if not fs:
        return None
    steps = {s.id: s for s in sc.playbook}
    best: dict[str, Counterfactual] = {}
    for c in sorted(counterfactuals, key=lambda c: (-c.customer_minutes_saved, c.at)):
        if c.customer_minutes_saved > 0 and c.step not in best:
            best[c.step] = c
    top = list(best.values())[:3]
    if top:
        parts = [
            f"“{steps[c.step].title if c.step in steps else c.step}” "
            f"({labels.get(c.action, c.action)} by {exercise_time.instant(c.at)}, "
            f"{_num(c.customer_minutes_saved)} customer-minutes fewer)"
            for c in top
        ]
        action = "Restore service sooner: do " + "; ".join(parts) + "."
        why = "These earlier actions save the most customer impact of any step."
    else:
        workaround = [s for s in sc.playbook if str(s.phase) in ("workaround", "fix")]
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
        _who_acted(acts, actions),
        sum(c.customer_minutes_saved for c in top) or None,
    )


def all_areas(
    sc: Scenario,
    findings: list[Finding],
    states: list[StepState],
    acts: list[Act],
    labels: dict[str, str],
    counterfactuals: list[Counterfactual],
) -> list[Area]:
    """Every area for improvement, the outcome's included, costliest first."""
    areas = areas_for_improvement(sc, findings, states, acts, labels, counterfactuals)
    out = outcome_area(sc, findings, counterfactuals, labels, acts)
    if out is not None:
        areas.append(out)
    return sorted(
        areas,
        key=lambda a: (a.points, not a.critical, -(a.customer_minutes_saved or 0.0), a.subject),
    )


# ----------------------------------------------------------------------------- plan


def suggest_owner(area: Area, acts: list[Act], phase_of: dict[str, str], sc: Scenario) -> str:
    """Who should own an item: who acted on it, else who acted most in its phase, else who
    acted most; "" when nobody is named in the journal."""
    if area.who:
        return area.who[0]
    phase = None
    if area.step is not None:
        phase = next((str(s.phase) for s in sc.playbook if s.id == area.step), None)
    elif area.action is not None:
        phase = phase_of.get(area.action)
    named = [a for a in acts if a.by]
    in_phase = Counter(a.by for a in named if phase and a.phase == phase)
    if in_phase:
        return sorted(in_phase.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] or ""
    overall = Counter(a.by for a in named)
    if overall:
        return sorted(overall.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] or ""
    return ""


def drill_day(when: str | None) -> date | None:
    """The calendar day of an ISO date or date-time, None when absent or unreadable."""
    if not when:
        return None
    try:
        return date.fromisoformat(when[:10])
    except ValueError:
        return None


def plan_rows(
    areas: list[Area],
    acts: list[Act],
    sc: Scenario,
    when: str | None,
    stored: list[StoredItem] | None = None,
) -> list[PlanRow]:
    """The improvement plan: one row per area, with the stored item's fields when it has one.

    Start is the drill's day, due 30 days later for a failed critical task or an avoid action
    taken, else 90; both are None when the drill's date is unknown. Every field is editable
    (`tabletop plan set`).
    """
    phase_of = {a.id: str(a.phase) for a in sc.actions}
    day = drill_day(when)
    items = {i.subject: i for i in stored or []}
    rows = []
    for a in areas:
        urgent = a.critical or a.component == "penalty"
        due = day + timedelta(days=DUE_DAYS_URGENT if urgent else DUE_DAYS) if day else None
        row = PlanRow(
            a.subject,
            a.issue,
            a.corrective_action,
            a.capability,
            a.element,
            suggest_owner(a, acts, phase_of, sc),
            day.isoformat() if day else None,
            due.isoformat() if due else None,
            "open",
            a.points,
            a.objective,
        )
        item = items.get(a.subject)
        if item is not None:
            row = PlanRow(
                row.subject,
                row.issue,
                row.corrective_action,
                row.capability,
                row.element,
                item.owner,
                item.start,
                item.due,
                item.status,
                row.points,
                row.objective,
                item.id,
                item.retested_by,
            )
        rows.append(row)
    return rows


def participants(
    acts: list[Act],
    notes: list[tuple[str | None, float]],
    facilitator: list[str | None],
    seats: list[tuple[int, str, str]] | None = None,
) -> list[Participant]:
    """Everyone the journal names: who decided (team), who noted (observer), who facilitated,
    and in a drill room every seat that joined (`seats`: number, name, role), with its role.

    In a drill room the journal's `by` reads "NAME (role)": it is the seat NAME, listed once."""
    seat_by = {f"{name} ({role})": name for _, name, role in seats or []}

    def who(by: str | None) -> str | None:
        return seat_by.get(by, by) if by else by

    decisions = Counter(who(a.by) for a in acts if a.by)
    phases: dict[str, list[str]] = {}
    for a in acts:
        by = who(a.by)
        if by and a.accepted:
            phases.setdefault(by, [])
            if a.phase and a.phase not in phases[by]:
                phases[by].append(a.phase)
    noted = Counter(who(by) for by, _ in notes if by)
    facilitators = {who(f) for f in facilitator if f}
    seat_of: dict[str, tuple[int, str]] = {}
    for number, name, role in seats or []:
        seat_of.setdefault(name, (number, role))
    names = sorted(
        {*decisions, *noted, *facilitators, *seat_of},
        key=lambda n: (-decisions.get(n, 0), n.casefold()),
    )
    out = []
    for n in names:
        role = "team" if n in decisions else ("facilitator" if n in facilitators else "observer")
        seat = seat_of.get(n)
        if seat is not None:
            role = seat[1]
        out.append(
            Participant(
                n,
                role,
                decisions.get(n, 0),
                noted.get(n, 0),
                phases.get(n, []),
                seat[0] if seat else None,
            )
        )
    return out


# ----------------------------------------------------------------------------- summary


def executive_summary(
    team: str,
    scenario_title: str,
    total: float,
    grade: str,
    played: str,
    areas: list[Area],
    strengths: list[str],
    objectives: list[ObjectiveRating],
    fmt_points: Any,
    fmt_signed: Any,
) -> list[str]:
    """A few sentences a manager reads first: how the team did and why."""
    who = team or "The team"
    out = [
        f"{who} scored {fmt_points(total)} / 100 (grade {grade}) on “{scenario_title}”; "
        f"the drill {played}."
    ]
    critical = [a for a in areas if a.critical]
    if critical:
        names = "; ".join(a.issue.split(". ")[0].rstrip(".") for a in critical)
        out.append(
            f"{len(critical)} critical task{'s' if len(critical) > 1 else ''} failed: {names}."
        )
    else:
        out.append("No critical task failed.")
    if areas:
        worst = areas[0]
        out.append(
            f"The biggest loss ({fmt_signed(worst.points)} points): "
            f"{worst.issue.split('. ')[0].rstrip('.')}. Corrective action: "
            f"{worst.corrective_action}"
        )
    else:
        out.append("No point was lost.")
    if strengths:
        out.append(f"The best strength: {strengths[0].rstrip('.')}.")
    if objectives:
        counts = Counter(o.rating for o in objectives)
        met = counts["P"] + counts["S"]
        out.append(
            f"{met} of {len(objectives)} objective{'s' if len(objectives) > 1 else ''} "
            f"performed (P or S); "
            + ", ".join(f"{counts[k]} {k}" for k in RATINGS if counts[k])
            + "."
        )
    return out
