"""A drill-room seat's feed: events heard as JSON from the hub, parsed through the typed
payloads, shown in the drill screen's words; an event that does not fit is skipped."""

from __future__ import annotations

from typing import Any

from tabletop.hub.client import FEEDBACK_KEPT, RoomState
from tabletop.tui.seat.view import event_line, feed_lines

LABELS = {"call-isp": "Call the ISP", "fix": "Fix it"}


def plain(event: dict[str, Any]) -> str | None:
    line = event_line(event, LABELS)
    return None if line is None else line.plain


def test_seat_lines_per_kind() -> None:
    base = {"seq": 5, "t": 12.5}
    assert plain({**base, "kind": "decision", "action": "fix", "label": "Fix it", "phase": "fix",
                  "done_at": 20, "by": "Ana (commander)", "message": "on it"}) == (
        "T+12:30 → Ana (commander) took Fix it (done at T+20:00)\n  message: “on it”"
    )  # fmt: skip
    assert plain({**base, "kind": "refusal", "action": "call-isp", "reason": "already running",
                  "by": "Rui (responder)"}) == (
        "T+12:30 ✖ refused Call the ISP for Rui (responder): already running"
    )  # fmt: skip
    assert plain({**base, "kind": "note", "text": "calm", "by": "Olu (observer)"}) == (
        "T+12:30 ✎ note by Olu (observer): calm"
    )
    assert plain({**base, "kind": "facilitator", "command": "jump", "to": 30}) == (
        "T+12:30 facilitator: jump to T+30:00"
    )
    assert plain({**base, "kind": "facilitator", "command": "pace", "seconds_per_minute": 1}) == (
        "T+12:30 facilitator: pace 1 min / 1 s"
    )
    assert plain({**base, "kind": "facilitator", "command": "join", "seat": 2, "name": "Ana",
                  "role": "commander"}) == "T+12:30 Ana joined as commander"  # fmt: skip
    assert plain({**base, "kind": "end", "reason": "facilitator"}) == (
        "T+12:30 ■ drill ended (facilitator)"
    )
    # A facilitator seat sees facilitator injects, marked; nobody sees a team inject skipped.
    hint = {**base, "kind": "inject", "inject": "h", "title": "Psst", "audience": "facilitator"}
    assert plain(hint) == "T+12:30 ⚡ [facilitator only] Psst"
    assert plain({**base, "kind": "inject-skipped", "inject": "p", "title": "Press"}) is None
    assert plain({**base, "kind": "facilitator", "command": "clock"}) is None


def test_unknown_keys_are_tolerated_and_a_missing_one_skips_the_line() -> None:
    later = {"seq": 3, "t": 1, "kind": "note", "text": "hi", "mood": "calm", "by": "O"}
    assert plain(later) == "T+1:00 ✎ note by O: hi"
    assert plain({"seq": 3, "t": 1, "kind": "note"}) is None  # no text
    assert plain({"seq": 3, "t": 1, "kind": "decision", "action": 5}) is None
    assert plain({"seq": 3, "kind": "note", "text": "hi"}) is None  # no time
    assert plain({"seq": 3, "t": 1, "kind": "nap"}) is None  # a kind this version does not know


def test_room_state_keeps_the_seq_of_a_malformed_event_and_feeds_the_rest() -> None:
    state = RoomState()
    state.actions = [{"id": "fix", "label": "Fix it"}]
    state.node_labels = {"web": "Web storefront"}
    events: list[dict[str, Any]] = [
        {"seq": 1, "t": 0, "kind": "start", "scenario": "s"},
        {"seq": 2, "t": 0, "kind": "decision", "action": "fix", "done_at": 5.0},
        {"seq": 3, "t": 1, "kind": "decision"},  # no action: heard, not shown
        {
            "seq": 4,
            "t": 5,
            "kind": "action-done",
            "action": "fix",
            "changes": [["web", "down", "up"]],
            "changed": 1,
        },
    ]
    for event in events:
        state.apply({"type": "event", "event": event})
    assert state.last_seq == 4 and state.disorder == []
    assert [e.seq for e in state.feed] == [1, 2, 4]
    assert state.done == {"fix"} and state.running == {}
    # Action labels for actions, node labels for the changes.
    assert [t.plain for t in feed_lines(state)] == [
        "T+0:00 → took Fix it (done at T+5:00)",
        "T+5:00 ✓ done: Fix it\n  Web storefront ● up",
    ]
    for odd in ({"seq": "x", "t": 0, "kind": "note", "text": "x"}, {"seq": 9}, [], None):
        state.apply({"type": "event", "event": odd})  # not an event at all: ignored
    assert state.last_seq == 4 and len(state.events) == 4 and not state.ended
    state.apply({"type": "event", "event": {"seq": 5, "t": 9, "kind": "end", "reason": "x"}})
    assert state.ended and feed_lines(state)[-1].plain == "T+9:00 ■ drill ended (x)"


def _decision(seq: int, action: str, t: float = 0) -> dict[str, Any]:
    return {"seq": seq, "t": t, "kind": "decision", "action": action, "by": "Ana (commander)"}


def _fb(action: str, *texts: str) -> dict[str, Any]:
    lines = [{"kind": "bad" if t.startswith("late") else "good", "text": t} for t in texts]
    return {"type": "feedback", "action": action, "lines": lines}


def test_every_feedback_is_kept_under_the_decision_it_comments_on() -> None:
    state = RoomState()
    state.actions = [{"id": "fix", "label": "Fix it"}, {"id": "call-isp", "label": "Call the ISP"}]
    state.apply({"type": "event", "event": {"seq": 1, "t": 0, "kind": "start", "scenario": "s"}})
    state.apply({"type": "event", "event": _decision(2, "fix")})
    # Another event of the same decision comes before its feedback: the feedback still goes
    # right under the decision, not after the last event heard.
    state.apply({"type": "event", "event": {"seq": 3, "t": 0, "kind": "note", "text": "hm"}})
    state.apply(_fb("fix", "in order", "on time"))
    state.apply({"type": "event", "event": _decision(4, "call-isp", 2)})
    state.apply(_fb("call-isp", "late by 5:00"))
    state.apply({"type": "event", "event": {"seq": 5, "t": 3, "kind": "note", "text": "ok"}})
    assert sorted(state.feedback) == [2, 4] and state.feedback_count == 2
    expected = [  # the start is no news in the feed
        "T+0:00 → Ana (commander) took Fix it",
        "  ✓ in order",
        "  ✓ on time",
        "T+0:00 ✎ note: hm",
        "T+2:00 → Ana (commander) took Call the ISP",
        "  ! late by 5:00",
        "T+3:00 ✎ note: ok",
    ]
    assert [t.plain for t in feed_lines(state)] == expected
    # The same frame heard again (a seat must never show feedback twice): kept once.
    state.apply(_fb("call-isp", "late by 5:00"))
    assert [t.plain for t in feed_lines(state)] == expected
    assert sorted(state.feedback) == [2, 4]


def test_the_feed_keeps_the_last_feedback_frames_only() -> None:
    state = RoomState()
    state.actions = [{"id": "fix", "label": "Fix it"}]
    for seq in range(1, FEEDBACK_KEPT + 11):
        state.apply({"type": "event", "event": _decision(seq, "fix")})
        state.apply(_fb("fix", f"number {seq}"))
    assert len(state.feedback) == FEEDBACK_KEPT
    assert min(state.feedback) == 11 and max(state.feedback) == FEEDBACK_KEPT + 10
    lines = [t.plain for t in feed_lines(state)]
    assert "  ✓ number 10" not in lines
    at = lines.index("  ✓ number 11")
    assert lines[at - 1] == "T+0:00 → Ana (commander) took Fix it" and lines[at + 1] == (
        "T+0:00 → Ana (commander) took Fix it"
    )


def test_feedback_without_its_decision_in_the_feed_follows_the_last_event() -> None:
    state = RoomState()
    state.actions = [{"id": "fix", "label": "Fix it"}]
    state.apply({"type": "event", "event": {"seq": 1, "t": 0, "kind": "note", "text": "a"}})
    state.apply(_fb("fix", "on time"))  # no decision heard: after the last event
    assert list(state.feedback) == [1]
    assert [t.plain for t in feed_lines(state)] == ["T+0:00 ✎ note: a", "  ✓ on time"]
