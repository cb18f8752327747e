"""Training feedback and `solve` pinned at their edges: exact boundaries, fields, warnings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tabletop.engine.events import DecisionRecord
from tabletop.engine.session import Session
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Scenario
from tabletop.scoring import wording
from tabletop.scoring.feedback import decision_feedback
from tabletop.scoring.solve import solve


def _take(session: Session, at: float, action: str, by: str | None = None) -> DecisionRecord:
    session.advance(at)
    return session.take(action, by=by)


def test_feedback_names_the_action_whether_accepted_or_refused(mini: Scenario) -> None:
    s = Session(mini)
    refused = _take(s, 0, "post-status")  # requires assess-impact
    fb = decision_feedback(mini, s, refused)
    assert (fb.action, fb.accepted, fb.steps, fb.avoid, fb.disclosure) == (
        "post-status",
        False,
        [],
        None,
        None,
    )
    taken = _take(s, 0, "assess-impact")
    fb = decision_feedback(mini, s, taken)
    assert (fb.action, fb.accepted) == ("assess-impact", True)
    assert [(st.step, st.title) for st in fb.steps] == [("assess", "Assess")]


def test_a_step_done_exactly_at_its_target_is_on_time(mini: Scenario) -> None:
    # assess-impact takes 10 minutes; the assess step's target is 15: taken at 5, done at 15.
    s = Session(mini)
    (step,) = decision_feedback(mini, s, _take(s, 5, "assess-impact")).steps
    assert (step.timing, step.done_at, step.target, step.late_by, step.timeliness) == (
        "on-time",
        15,
        15,
        None,
        1.0,
    )


def test_an_action_finishing_exactly_at_the_end_counts_as_done(mini: Scenario) -> None:
    # restore-feed takes 40 minutes: taken at 200 of 240, done at 240; the fix target is 90.
    s = Session(mini)
    _take(s, 0, "assess-impact")
    _take(s, 10, "call-utility")
    (step,) = decision_feedback(mini, s, _take(s, 200, "restore-feed")).steps
    assert (step.step, step.timing, step.done_at, step.late_by) == ("fix", "late", 240, 150)


def test_a_step_already_started_has_no_order_advice(mini_data: dict[str, Any], build: Any) -> None:
    for step in mini_data["playbook"]:
        if step["id"] == "workaround":
            step["any_of"] = ["start-generator", "verify-service"]
    sc = build(mini_data)
    s = Session(sc)
    _take(s, 0, "verify-service")  # starts workaround before assess: out of order
    _take(s, 1, "assess-impact")
    later = decision_feedback(sc, s, _take(s, 11, "start-generator"))
    (work,) = later.steps
    assert (work.step, work.already_started) == ("workaround", 0)
    assert (work.should_come_first, work.should_come_after, work.in_order) == ([], [], True)


def test_feedback_on_a_record_not_in_the_session_uses_the_times(mini: Scenario) -> None:
    # A copy of a decision (not the session's own record) is placed by time: decisions at
    # the same minute count as taken before it.
    s = Session(mini)
    _take(s, 10, "reboot-everything", by="alice")
    copy = DecisionRecord(10, "reboot-everything", True, done_at=15, by="bob")
    fb = decision_feedback(mini, s, copy)
    assert fb.avoid is not None and fb.avoid.already_penalised
    alone = decision_feedback(mini, Session(mini), replace(copy, t=0, done_at=5))
    assert alone.avoid is not None and not alone.avoid.already_penalised
    # A decision taken later than the copy is not before it.
    later = Session(mini)
    _take(later, 20, "reboot-everything", by="alice")
    fb = decision_feedback(mini, later, copy)
    assert fb.avoid is not None and not fb.avoid.already_penalised


def _no_impact(outcome: float) -> str:
    """The warning every `_solve_scenario` gets: with no users, outcome is free for all."""
    return (
        "neither the reference nor doing nothing costs any customer-minutes: the outcome "
        f"component cannot tell teams apart (every team gets its {outcome:g} points); give the "
        "customer-facing nodes their `users`, or set `scoring.outcome` to 0"
    )


def _solve_scenario(outcome: float, disclosure: float, reference: list[dict[str, Any]]) -> Scenario:
    # One step, no users: the reference run scores 100 less its disclosure penalty, and doing
    # nothing earns only the outcome weight (nothing was avoidable, which solve warns about).
    return make_scenario(
        nodes=[{"id": "a"}],
        actions=[
            {"id": "post", "phase": "communicate"},
            {"id": "gated", "requires": ["post"]},
        ],
        reference=reference,
        disclosure_penalty=disclosure,
        scoring={"order": 35, "coverage": 20, "timeliness": 45 - outcome, "outcome": outcome},
    )


def test_solve_warns_below_90_and_above_15_as_printed() -> None:
    sc = _solve_scenario(15.2, 10.4, [{"at": 0, "action": "post", "message": "On v2.4.1"}])
    result = solve(sc)
    assert (result.reference.team, result.baseline.team) == ("reference", "doing nothing")
    assert (round(result.reference.total, 2), round(result.baseline.total, 2)) == (89.6, 15.2)
    assert result.warnings == [
        _no_impact(15.2),
        "the reference scores 89.60, below 90: the scenario may not be winnable as written",
        "doing nothing scores 15.20, above 15: the scenario rewards inaction",
    ]
    assert (result.derived, result.refused) == (False, [])


def test_solve_at_exactly_90_and_15_is_fine() -> None:
    sc = _solve_scenario(15, 10, [{"at": 0, "action": "post", "message": "On v2.4.1"}])
    result = solve(sc)
    assert (result.reference.total, result.baseline.total) == (90, 15)
    assert result.warnings == [_no_impact(15)]
    # Judged as printed, to two decimals: 89.9951 shows as 90.00 and 15.0049 as 15.00.
    shown = solve(
        _solve_scenario(15.0049, 10.0049, [{"at": 0, "action": "post", "message": "v2.4.1"}])
    )
    assert (shown.reference.total, shown.baseline.total) == (
        pytest.approx(89.9951),
        pytest.approx(15.0049),
    )
    assert shown.warnings == [_no_impact(15.0049)]


def test_solve_reports_a_refused_reference_decision() -> None:
    sc = _solve_scenario(15, 0, [{"at": 0, "action": "gated"}, {"at": 0, "action": "post"}])
    result = solve(sc)
    assert [(r.t, r.action) for r in result.refused] == [(0, "gated")]
    assert result.warnings == [
        f"reference decision gated at {wording.t(0)} was refused: first needs done: post",
        _no_impact(15),
    ]


def test_solve_json_document() -> None:
    sc = _solve_scenario(15, 0, [{"at": 0, "action": "gated"}, {"at": 0, "action": "post"}])
    result = solve(sc)
    assert result.to_json() == {
        "scenario": "t",
        "derived": False,
        "decisions": [{"at": 0, "action": "gated"}, {"at": 0, "action": "post"}],
        "reference": result.reference.to_json(),
        "baseline": result.baseline.to_json(),
        "refused": [{"t": 0, "action": "gated", "reason": "first needs done: post"}],
        "warnings": result.warnings,
    }
    with_message = solve(_solve_scenario(15, 0, [{"at": 0, "action": "post", "message": "hi"}]))
    assert with_message.to_json()["decisions"] == [{"at": 0, "action": "post", "message": "hi"}]
    assert with_message.to_json()["refused"] == []
