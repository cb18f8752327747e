"""`solve`: the reference run and doing nothing, scored, for scenario authors."""

from __future__ import annotations

from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import wording
from tabletop.scoring.components import step_times
from tabletop.scoring.model import SolveResult
from tabletop.scoring.reference import reference_decisions
from tabletop.scoring.scorer import score_with

#: A winnable scenario: the model answer scores at least this.
REFERENCE_FLOOR = 90.0
#: A fair scenario: doing nothing scores at most this.
BASELINE_CEILING = 15.0


def solve(scenario: Scenario) -> SolveResult:
    """Score the reference decisions and the empty decision list over the whole drill.

    Warnings: the engine refused a reference decision (the model answer cannot be played as
    written), the reference avoids no customer impact (see `outcome_warning`), the reference
    scores below 90, doing nothing scores above 15.
    """
    decisions = reference_decisions(scenario)
    ref = simulate(scenario, decisions, record_feed=False)
    nothing = simulate(scenario, [], record_feed=False)
    ref_times = step_times(scenario, ref.started, ref.done)
    ref_score, base_score = (
        score_with(
            scenario,
            session,
            team=team,
            reference_cim=ref.customer_minutes,
            baseline_cim=nothing.customer_minutes,
            reference_times=ref_times,
        )
        for session, team in ((ref, "reference"), (nothing, "doing nothing"))
    )
    refused = [r for r in ref.decisions if not r.accepted]
    warnings = [
        f"reference decision {r.action} at {wording.t(r.t)} was refused: {r.reason}"
        for r in refused
    ]
    outcome = outcome_warning(scenario, ref.customer_minutes, nothing.customer_minutes)
    if outcome is not None:
        warnings.append(outcome)
    if round(ref_score.total, 2) < REFERENCE_FLOOR:  # as shown, so float noise passes
        warnings.append(
            f"the reference scores {ref_score.total:.2f}, below {REFERENCE_FLOOR:g}: "
            "the scenario may not be winnable as written"
        )
    if round(base_score.total, 2) > BASELINE_CEILING:
        warnings.append(
            f"doing nothing scores {base_score.total:.2f}, above {BASELINE_CEILING:g}: "
            "the scenario rewards inaction"
        )
    return SolveResult(
        scenario=scenario.id,
        decisions=decisions,
        derived=scenario.reference is None,
        reference=ref_score,
        baseline=base_score,
        refused=refused,
        warnings=warnings,
    )


def outcome_warning(scenario: Scenario, reference_cim: float, nothing_cim: float) -> str | None:
    """Why the outcome component gives every team its full points, or None when it does not.

    Outcome is (nothing - team) / (nothing - reference), and 1 for everyone when the
    reference avoids nothing (reference >= doing nothing, both zero included): then a team
    that does nothing gets the outcome points as a perfect one does, and `solve` would still
    say OK whenever the other components keep doing nothing under 15. No warning when the
    scenario gives outcome no weight: the component then counts for nothing anyway.
    """
    weight = scenario.scoring.outcome
    if weight <= 0 or nothing_cim - reference_cim > 0:
        return None
    free = f"the outcome component cannot tell teams apart (every team gets its {weight:g} points)"
    if reference_cim <= 0:  # and so doing nothing costs nothing too
        return (
            f"neither the reference nor doing nothing costs any customer-minutes: {free}; "
            "give the customer-facing nodes their `users`, or set `scoring.outcome` to 0"
        )
    cm = wording.customer_minutes
    ref, nothing = cm(reference_cim), cm(nothing_cim)
    than = "as much as" if ref == nothing else "more than"
    return (
        f"the reference run costs {ref} customer-minutes, {than} doing nothing ({nothing}): "
        f"{free}; the reference must restore service: check that its effects bring the failed "
        "nodes back up (the right node, a standby node set up) and that no workaround leaves "
        "a node degraded after the fix"
    )
