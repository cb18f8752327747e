"""Training-mode feedback in words (`feedback_text`): what the single-seat drill screen and
the drill room's seats both say, worked out by hand on the `mini` scenario (assess-impact
takes 10 minutes; the `assess` step's target is minute 15)."""

from __future__ import annotations

from typing import Any

from tabletop.engine.session import Session
from tabletop.scenario.models import Scenario
from tabletop.scoring.feedback import FeedbackLine, decision_feedback, feedback_text
from tests.scoring.conftest import make


def _say(mini: Scenario, s: Session, at: float, action: str) -> list[FeedbackLine]:
    s.advance(at)
    return feedback_text(mini, decision_feedback(mini, s, s.take(action)))


def test_a_step_in_order_and_on_time_is_good_news(mini: Scenario) -> None:
    s = Session(mini)
    assert _say(mini, s, 0, "assess-impact") == [
        FeedbackLine("good", "In order: “Assess”."),
        FeedbackLine("good", "On time: done by T+10:00, target T+15:00."),
    ]


def test_a_step_already_under_way_is_information(mini: Scenario) -> None:
    s = Session(mini)
    _say(mini, s, 0, "assess-impact")
    assert _say(mini, s, 12, "assess-impact") == [
        FeedbackLine("info", "“Assess” was already under way since T+0:00.")
    ]


def test_an_action_to_avoid_is_bad_news_counted_once(mini: Scenario) -> None:
    s = Session(mini)
    why = "A flurry of unplanned actions."
    assert _say(mini, s, 0, "reboot-everything") == [
        FeedbackLine("bad", f"Avoid this: {why} (−5 points)")
    ]
    assert _say(mini, s, 20, "reboot-everything") == [
        FeedbackLine("bad", f"Avoid this: {why} (already counted once points)")
    ]


def test_a_step_taken_before_the_steps_it_follows_names_them_in_playbook_order(
    mini: Scenario,
) -> None:
    # Verify follows assess → escalate → fix (communicate and the workaround run beside that
    # chain); none was started. Verify has no target: no timing line.
    s = Session(mini)
    assert _say(mini, s, 0, "verify-service") == [
        FeedbackLine(
            "bad",
            "Out of order: “Assess”; “Call the utility”; “Restore the feed” should come first.",
        )
    ]
    # Assess after verify: late in the order, yet on time (0+1 → done 11, target 15).
    assert _say(mini, s, 1, "assess-impact") == [
        FeedbackLine("bad", "Late in the order: it should come before “Verify”."),
        FeedbackLine("good", "On time: done by T+11:00, target T+15:00."),
    ]


def test_late_and_too_late_say_by_how_much_and_against_which_target(mini: Scenario) -> None:
    # Started at 10, done at 20: five minutes after the 15-minute target.
    assert _say(mini, Session(mini), 10, "assess-impact") == [
        FeedbackLine("good", "In order: “Assess”."),
        FeedbackLine("bad", "Late: done T+20:00, target T+15:00 (5:00 late)."),
    ]
    # Started at 235 of 240: it would be done at 245, after the drill.
    assert _say(mini, Session(mini), 235, "assess-impact") == [
        FeedbackLine("good", "In order: “Assess”."),
        FeedbackLine(
            "bad", "Too late: it will not be done before the drill ends (target T+15:00)."
        ),
    ]


def test_a_message_that_discloses_is_bad_news_first_naming_each_hit(mini: Scenario) -> None:
    # The orders database is sensitive (by its label and by its id, `db`), and a product with
    # its version is a disclosure; the scenario's disclosure penalty is 5. Tell customers
    # after assess (done at 10) is in order, and done at 16 is before its 30-minute target.
    s = Session(mini)
    _say(mini, s, 0, "assess-impact")
    s.advance(11)
    taken = s.take("post-status", message="The Orders database runs ClickHouse 23.8 on db-01.")
    assert feedback_text(mini, decision_feedback(mini, s, taken)) == [
        FeedbackLine(
            "bad",
            "Your message discloses: “Orders database” names a sensitive component (Orders "
            "database); “ClickHouse 23.8” gives a software version; “db” names a sensitive "
            "component (Orders database) (−5 points).",
        ),
        FeedbackLine("good", "In order: “Tell customers”."),
        FeedbackLine("good", "On time: done by T+16:00, target T+30:00."),
    ]


def test_an_action_outside_the_playbook_is_information(mini_data: dict[str, Any]) -> None:
    mini_data["actions"].append({"id": "order-pizza", "label": "Order pizza", "phase": "assess"})
    scenario = make(mini_data)
    assert _say(scenario, Session(scenario), 0, "order-pizza") == [
        FeedbackLine("info", "Not a playbook step: fine if it helps, but stay calm.")
    ]
