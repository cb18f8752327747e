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

    Warnings: the reference scores below 90, doing nothing scores above 15, or the engine
    refused a reference decision (the model answer cannot be played as written).
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
