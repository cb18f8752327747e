"""Objectives of a drill rated P/S/M/U (HSEEP), from what the team did about their steps.

A scenario's objectives name playbook steps; a scenario without objectives gets one per
playbook phase. Each is rated from its steps' rows of the score's timeline; an evaluator's
rating (`tabletop rate`) overrides the derived one.
"""

from __future__ import annotations

from tabletop import exercise_time
from tabletop.reports.model import ObjectiveRating
from tabletop.scenario.models import Scenario
from tabletop.scoring.model import TimelineEntry

#: A phase's title, for the objective (and capability) of a scenario that names none.
PHASE_TITLES = {
    "assess": "Assess",
    "escalate": "Escalate",
    "communicate": "Communicate",
    "workaround": "Workaround",
    "fix": "Fix",
    "verify": "Verify",
    "prevent": "Prevent",
    "follow-up": "Follow up",
}

#: The ratings from best to worst.
RATING_ORDER = "PSMU"


def step_credit(s: TimelineEntry) -> float:
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


def derive_rating(states: list[TimelineEntry]) -> str:
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


def _evidence(states: list[TimelineEntry]) -> str:
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
    scenario: Scenario,
    states: list[TimelineEntry],
    overrides: dict[str, tuple[str, str]] | None = None,
) -> list[ObjectiveRating]:
    """Each scenario objective (or, without any, one per playbook phase) with its rating.

    `overrides` maps an objective id to the evaluator's (rating, reason).
    """
    overrides = overrides or {}
    by_id = {s.step: s for s in states}
    groups: list[tuple[str, str, str, str, list[str]]] = []
    if scenario.objectives:
        for o in scenario.objectives:
            groups.append((o.id, o.title, o.capability or "", "scenario", list(o.steps)))
    else:
        for phase in dict.fromkeys(str(s.phase) for s in scenario.playbook):
            steps = [s.id for s in scenario.playbook if str(s.phase) == phase]
            title = PHASE_TITLES.get(phase, phase)
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


def objective_ids(scenario: Scenario) -> list[str]:
    """The ids `tabletop rate` accepts for drills of this scenario."""
    if scenario.objectives:
        return [o.id for o in scenario.objectives]
    return [f"phase-{p}" for p in dict.fromkeys(str(s.phase) for s in scenario.playbook)]


def capability_ratings(objectives: list[ObjectiveRating]) -> dict[str, str]:
    """Capability (or the objective's title when it names none) → the worst rating of its
    objectives."""
    out: dict[str, str] = {}
    for o in objectives:
        key = o.capability or o.title
        if key not in out or RATING_ORDER.index(o.rating) > RATING_ORDER.index(out[key]):
            out[key] = o.rating
    return out
