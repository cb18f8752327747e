"""What the incident feed says for each kind of event (no app needed)."""

from __future__ import annotations

from collections.abc import Callable

from tabletop.engine.event_text import NodeNames
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.tui.widgets.feed import event_text


def test_feed_lines_cover_every_visible_event_kind(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    s.take("check-services")  # refused: web is down
    s.take("post-status", message="We know; next update at 10:00")
    s.take("assess-impact")
    s.add_note("calm team", by="observer")
    s.advance(50)  # press-call skipped (status posted), assess done with what it reveals
    s.end("facilitator")
    labels = {a.id: a.label for a in mini.scenario.actions}
    lines = [t.plain for ev in s.feed if (t := event_text(ev, labels)) is not None]
    text = "\n".join(lines)
    assert "⚡ Utility power lost" in text
    assert "✖ refused Verify every service: needs Web storefront, which is down" in text
    assert "→ took Post on the status page (done at T+2:00)" in text
    assert "message: “We know; next update at 10:00”" in text
    assert "done: Assess scope and severity" in text and "12,000 customers" in text
    assert "skipped: A journalist asks what is going on" in text
    assert "✎ note by observer: calm team" in text
    assert "■ drill ended (facilitator)\n  the outage runs on to T+2:00:00 and is scored" in text
    assert all(line.startswith("T+") for line in lines)
    start = next(ev for ev in s.feed if ev.kind == "start")
    assert event_text(start, labels) is None  # the start event is not news to the team


def test_feed_names_the_nodes_that_changed_most_users_first(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    inject = next(ev for ev in s.feed if ev.kind == "inject")
    labels = {a.id: a.label for a in mini.scenario.actions}
    text = event_text(inject, labels, NodeNames.of(mini.scenario))
    assert text is not None
    # web (12,000 users) first, then file order; racks and db are the other two.
    assert text.plain.endswith("\n  Web storefront ✖ down, Utility power feed ✖ down, +2 more")
    assert "node(s)" not in text.plain


def test_facilitator_events_are_never_feed_lines() -> None:
    from tabletop.engine.events import Event

    hint = Event(2, 0, "inject", {"inject": "hint", "title": "Psst", "audience": "facilitator"})
    skipped = Event(
        3, 5, "inject-skipped", {"inject": "h2", "title": "P", "audience": "facilitator"}
    )
    fired = Event(4, 6, "facilitator", {"command": "fire-inject", "inject": "hint"})
    team = Event(5, 7, "inject", {"inject": "press", "title": "Press call"})
    assert event_text(hint, {}) is None and event_text(skipped, {}) is None
    assert event_text(fired, {}, None, {"hint"}) is None
    assert event_text(fired, {}, None, {"other"}) is not None  # a team inject fired by hand
    shown = event_text(team, {})
    assert shown is not None and "Press call" in shown.plain
    # The facilitator's own keys are not news in the team's feed.
    for command in ({"command": "pause"}, {"command": "pace", "seconds_per_minute": 2}):
        assert event_text(Event(6, 8, "facilitator", command), {}) is None


def test_feed_line_styles_follow_the_roles() -> None:
    from tabletop.engine.events import Event

    refusal = Event(2, 1, "refusal", {"action": "fix", "reason": "needs web"})
    line = event_text(refusal, {"fix": "Fix it"})
    assert line is not None and line.plain == "T+1:00 ✖ refused Fix it: needs web"
    styles = {line.plain[s.start : s.end]: str(s.style) for s in line.spans}
    assert styles == {"T+1:00 ": "dim", "✖ refused ": "bold red", ": needs web": "red"}
