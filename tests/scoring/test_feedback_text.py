"""Training-mode feedback in words (`feedback_text`): what the single-seat drill screen and
the drill room's seats both say, worked out by hand on the `mini` scenario (assess-impact
takes 10 minutes; the `assess` step's target is minute 15)."""

from __future__ import annotations

from tabletop.engine.session import Session
from tabletop.scenario.models import Scenario
from tabletop.scoring.feedback import FeedbackLine, decision_feedback, feedback_text


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
