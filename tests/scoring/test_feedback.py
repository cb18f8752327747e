"""Training-mode feedback (`tabletop.scoring.feedback`): worked examples on the mini scenario.

Effective `after` in the mini playbook: escalate after assess (default), communicate and
workaround after assess, fix after escalate, verify after fix, prevent after verify,
follow-up after prevent (defaults).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision, DecisionRecord
from tabletop.engine.session import Session, simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring.components import order_component, step_times
from tabletop.scoring.feedback import decision_feedback


def _take(session: Session, at: float, action: str, message: str | None = None) -> DecisionRecord:
    session.advance(at)
    return session.take(action, message=message)


def test_first_step_in_order_and_on_time(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 0, "assess-impact")
    fb = decision_feedback(mini, s, rec)
    assert fb.accepted and fb.in_playbook
    [step] = fb.steps
    assert (step.step, step.in_order, step.should_come_first) == ("assess", True, [])
    assert (step.timing, step.target, step.done_at, step.late_by) == ("on-time", 15, 10, None)
    assert step.timeliness == 1.0
    assert fb.avoid is None and fb.disclosure is None


def test_step_started_before_its_predecessors_lists_them_in_playbook_order(
    mini: Scenario,
) -> None:
    s = Session(mini)
    rec = _take(s, 0, "verify-service")
    [step] = decision_feedback(mini, s, rec).steps
    assert step.step == "verify"
    assert not step.in_order
    # verify after fix after escalate after assess; communicate/workaround are not before it.
    assert step.should_come_first == ["assess", "escalate", "fix"]
    assert step.timing == "no-target" and step.timeliness is None


def test_late_by_minutes_with_the_scoring_timeliness(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 10, "assess-impact")
    [step] = decision_feedback(mini, s, rec).steps
    assert (step.timing, step.done_at, step.late_by) == ("late", 20, 5)
    assert step.timeliness == 1 - 5 / 15


def test_starting_an_earlier_step_after_a_later_one_is_a_discordant_pair(mini: Scenario) -> None:
    s = Session(mini)
    _take(s, 0, "verify-service")
    rec = _take(s, 1, "assess-impact")
    [step] = decision_feedback(mini, s, rec).steps
    assert step.should_come_first == []
    assert step.should_come_after == ["verify"]
    assert not step.in_order


def test_same_instant_is_not_out_of_order(mini: Scenario) -> None:
    s = Session(mini)
    _take(s, 0, "verify-service")
    rec = _take(s, 0, "assess-impact")
    [step] = decision_feedback(mini, s, rec).steps
    assert step.should_come_after == []  # scoring counts only strictly earlier starts


def test_step_already_under_way_keeps_its_first_start(mini: Scenario) -> None:
    s = Session(mini)
    _take(s, 0, "assess-impact")
    rec = _take(s, 12, "assess-impact")
    assert rec.accepted
    [step] = decision_feedback(mini, s, rec).steps
    assert step.already_started == 0
    assert step.in_order
    assert (step.timing, step.done_at) == ("on-time", 10)


def test_done_after_the_drill_ends_is_never_done(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 235, "assess-impact")
    [step] = decision_feedback(mini, s, rec).steps
    assert (step.timing, step.done_at, step.timeliness) == ("never", None, 0.0)


def test_avoid_action_with_its_why_penalised_once(mini: Scenario) -> None:
    s = Session(mini)
    first = decision_feedback(mini, s, _take(s, 0, "reboot-everything"))
    assert not first.in_playbook
    assert first.avoid is not None
    assert first.avoid.why == "A flurry of unplanned actions."
    assert (first.avoid.penalty, first.avoid.already_penalised) == (5, False)
    again = decision_feedback(mini, s, _take(s, 10, "reboot-everything"))
    assert again.avoid is not None and again.avoid.already_penalised


def test_disclosing_message_is_flagged_with_what_it_gives_away(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 0, "email-customers", "The Orders database on firmware 4.2 failed.")
    fb = decision_feedback(mini, s, rec)
    assert fb.disclosure is not None
    assert fb.disclosure.penalty == 5
    assert fb.disclosure.hits == [
        ("Orders database", "names a sensitive component (Orders database)"),
        ("firmware 4.2", "gives a software version"),
    ]


def test_clean_or_non_public_message_is_not_a_disclosure(mini: Scenario) -> None:
    s = Session(mini)
    clean = _take(s, 0, "email-customers", "We are restoring service and will update at 10:00.")
    assert decision_feedback(mini, s, clean).disclosure is None
    # assess is not a communicate or follow-up action: its note is not published.
    internal = _take(s, 0, "assess-impact", "Orders database 10.0.0.7 is down")
    assert decision_feedback(mini, s, internal).disclosure is None


def test_refusal_gets_no_feedback(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 0, "post-status")  # requires assess-impact
    fb = decision_feedback(mini, s, rec)
    assert not fb.accepted
    assert (fb.steps, fb.avoid, fb.disclosure) == ([], None, None)


def test_later_decisions_do_not_change_the_feedback(mini: Scenario) -> None:
    s = Session(mini)
    rec = _take(s, 0, "verify-service")
    before = decision_feedback(mini, s, rec)
    _take(s, 5, "assess-impact")
    s.advance(100)
    assert decision_feedback(mini, s, rec) == before


_ACTIONS = ["assess-impact", "call-utility", "post-status", "start-generator", "verify-service"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(_ACTIONS)), max_size=8))
def test_feedback_discordant_pairs_add_up_to_the_order_component(
    mini: Scenario, picks: list[tuple[int, str]]
) -> None:
    session = simulate(mini, [Decision(at, a) for at, a in picks])
    told = sum(
        len(step.should_come_after)
        for rec in session.decisions
        for step in decision_feedback(mini, session, rec).steps
    )
    times = step_times(mini, session.started, session.done)
    assert told == len(order_component(mini, times).discordant)
