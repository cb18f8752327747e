"""The typed event payloads: each kind's fields from JSON and back, worked by hand, and what a
line that does not fit its kind gets (a one-line reason, never a crash further on)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tabletop.engine.events import (
    ActionDone,
    Approve,
    Change,
    Command,
    DecisionTaken,
    End,
    Event,
    FireInject,
    InjectFired,
    InjectSkipped,
    Join,
    Jump,
    Note,
    Pace,
    PayloadError,
    ProposalClosed,
    Propose,
    Refusal,
    SetStatus,
    Start,
    parse_event,
    payload_of,
)
from tabletop.engine.journal import EventError, decode_event, encode_event

# One journal line per kind and command, as the engine writes them (key order included).
LINES: list[tuple[str, object]] = [
    (
        '{"seq": 1, "t": 0.0, "kind": "start", "scenario": "dc", "sha256": "ab", "team": "Blue", '
        '"mode": "training", "duration": 240.0, "source": {"path": "dc.yaml"}}',
        Start(
            scenario="dc",
            sha256="ab",
            team="Blue",
            mode="training",
            duration=240.0,
            source={"path": "dc.yaml"},
        ),
    ),
    (
        '{"seq": 2, "t": 0.0, "kind": "inject", "inject": "cut", "title": "Power lost", '
        '"message": "The feed dropped.", "audience": "facilitator", '
        '"effects": [{"node": "feed", "status": "down"}], '
        '"changes": [["feed", "up", "down"], ["db", "up", "down"]], "changed": 2, '
        '"latched": ["db"]}',
        InjectFired(
            inject="cut",
            title="Power lost",
            message="The feed dropped.",
            audience="facilitator",
            effects=(SetStatus("feed", "down"),),
            changes=(Change("feed", "up", "down"), Change("db", "up", "down")),
            changed=2,
            latched=("db",),
        ),
    ),
    (
        '{"seq": 3, "t": 45.0, "kind": "inject-skipped", "inject": "press", "title": "Press", '
        '"reason": "its condition did not hold"}',
        InjectSkipped(inject="press", title="Press", reason="its condition did not hold"),
    ),
    (
        '{"seq": 4, "t": 1.5, "kind": "decision", "action": "assess", "label": "Assess", '
        '"phase": "assess", "done_at": 11.5, "by": "Ana (commander)", "note": "n", '
        '"message": "m"}',
        DecisionTaken(
            action="assess",
            label="Assess",
            phase="assess",
            done_at=11.5,
            by="Ana (commander)",
            note="n",
            message="m",
        ),
    ),
    (
        '{"seq": 5, "t": 2.0, "kind": "refusal", "action": "fix", "reason": "first needs done: '
        'assess", "by": "Rui (responder)"}',
        Refusal(action="fix", reason="first needs done: assess", by="Rui (responder)"),
    ),
    (
        '{"seq": 6, "t": 11.5, "kind": "action-done", "action": "assess", "label": "Assess", '
        '"reveals": "Web is down.", "effects": [], "changes": [], "changed": 0}',
        ActionDone(
            action="assess",
            label="Assess",
            reveals="Web is down.",
            effects=(),
            changes=(),
            changed=0,
        ),
    ),
    (
        '{"seq": 7, "t": 12.0, "kind": "note", "text": "calm", "by": "Olu (observer)"}',
        Note(text="calm", by="Olu (observer)"),
    ),
    ('{"seq": 8, "t": 12.0, "kind": "facilitator", "command": "pause"}', Command(command="pause")),
    (
        '{"seq": 9, "t": 12.0, "kind": "facilitator", "command": "pace", "seconds_per_minute": 2}',
        Pace(seconds_per_minute=2),
    ),
    ('{"seq": 10, "t": 12.0, "kind": "facilitator", "command": "jump", "to": 30.0}', Jump(to=30.0)),
    (
        '{"seq": 11, "t": 30.0, "kind": "facilitator", "command": "fire-inject", "inject": "x"}',
        FireInject(inject="x"),
    ),
    (
        '{"seq": 12, "t": 30.0, "kind": "facilitator", "command": "join", "seat": 2, '
        '"name": "Ana", "role": "commander"}',
        Join(seat=2, name="Ana", role="commander"),
    ),
    (
        '{"seq": 13, "t": 30.0, "kind": "facilitator", "command": "propose", "proposal": "P1", '
        '"proposer": "Rui (responder)", "action": "fix", "note": "why"}',
        Propose(proposal="P1", proposer="Rui (responder)", action="fix", note="why"),
    ),
    (
        '{"seq": 14, "t": 31.0, "kind": "facilitator", "command": "approve", "proposal": "P1", '
        '"approver": "Ana (commander)"}',
        Approve(proposal="P1", approver="Ana (commander)"),
    ),
    (
        '{"seq": 15, "t": 31.0, "kind": "facilitator", "command": "proposal-closed", '
        '"proposal": "P1", "outcome": "approved"}',
        ProposalClosed(proposal="P1", outcome="approved"),
    ),
    (
        '{"seq": 16, "t": 50.0, "kind": "end", "reason": "facilitator", '
        '"customer_minutes": 600000.0, "at_risk_minutes": 0.0, "scored_to": 120.0}',
        End(reason="facilitator", customer_minutes=600000.0, at_risk_minutes=0.0, scored_to=120.0),
    ),
]


@pytest.mark.parametrize(("line", "typed"), LINES, ids=[line[:60] for line, _ in LINES])
def test_each_kind_reads_to_its_type_and_writes_back_the_same_line(
    line: str, typed: object
) -> None:
    event = decode_event(line)
    assert event.payload == typed
    # The typed form writes back the very line: same keys, same order, same values.
    again = Event.of(event.seq, event.t, event.payload)
    assert encode_event(again).decode() == line + "\n"
    assert again.data == event.data


def test_a_command_with_no_fields_of_its_own_keeps_what_it_carries() -> None:
    # A command this version does not know (a later one's): read, kept, written back.
    ev = decode_event('{"seq": 2, "t": 1, "kind": "facilitator", "command": "rewind", "by": "F"}')
    assert ev.payload == Command(command="rewind", extra={"by": "F"})
    assert ev.payload.to_json() == {"command": "rewind", "by": "F"}


def test_unknown_keys_are_kept_after_the_known_ones() -> None:
    obj = {"seq": 3, "t": 1.0, "kind": "note", "mood": "calm", "text": "hi", "by": "O"}
    ev = parse_event(obj)
    assert ev.payload == Note(text="hi", by="O", extra={"mood": "calm"})
    assert list(ev.payload.to_json()) == ["text", "by", "mood"]


def test_optional_fields_are_absent_not_null() -> None:
    # A history-rebuilt decision keeps only the action; null counts as absent.
    p = payload_of("decision", {"action": "assess", "by": None})
    assert p == DecisionTaken(action="assess")
    assert p.to_json() == {"action": "assess"}
    assert End().to_json() == {}


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"kind": "note"}, "a note event needs 'text' as text, got None"),
        ({"kind": "decision", "action": 7}, "a decision event needs 'action' as text, got 7"),
        (
            {"kind": "decision", "action": "a", "label": 7},
            "'label' of a decision event must be text, got 7",
        ),
        (
            {"kind": "inject", "inject": "i", "changes": [["a", "up"]]},
            "'changes' of an inject event must be a list of [node, old, new], got [['a', 'up']]",
        ),
        (
            {"kind": "facilitator", "command": "pace"},
            "a pace command needs 'seconds_per_minute' as a number, got None",
        ),
        (
            {"kind": "facilitator", "command": "join", "seat": "3", "name": "X", "role": "r"},
            "a join command needs 'seat' as a whole number, got '3'",
        ),
        (
            {"kind": "facilitator", "command": "jump", "to": True},
            "a jump command needs 'to' as a number, got True",
        ),
        ({"kind": "facilitator"}, "a facilitator event needs 'command' as text, got None"),
        (
            {"kind": "start", "scenario": "s", "duration": 10**400},
            "'duration' of a start event must be a number, got " + "1" + "0" * 56 + "...",
        ),
        (
            {"kind": "action-done", "action": "a", "effects": [{"node": "n"}]},
            "'effects' of an action-done event must be a list of {node, status}, "
            "got [{'node': 'n'}]",
        ),
    ],
)
def test_fields_that_do_not_fit_their_kind_are_one_reason(obj: dict[str, Any], reason: str) -> None:
    with pytest.raises(PayloadError) as caught:
        payload_of(str(obj["kind"]), obj)
    assert str(caught.value) == reason
    # The journal reader says the same, as one problem of that line.
    with pytest.raises(EventError) as read:
        decode_event(json.dumps({"seq": 1, "t": 0, **obj}))
    assert read.value.message == reason


def test_parse_event_refuses_what_is_not_an_event() -> None:
    for obj, reason in [
        ([], "an event is a JSON object"),
        ({"t": 0, "kind": "note", "text": "x"}, "'seq' must be a whole number, got None"),
        ({"seq": 1, "t": -1, "kind": "note", "text": "x"}, "'t' must be an exercise minute"),
        ({"seq": 1, "t": 0, "kind": "nap"}, "unknown event kind 'nap'"),
        # Beyond a float: math.isfinite raised OverflowError on these (found by `make fuzz`).
        ({"seq": 1, "t": 10**400, "kind": "note", "text": "x"}, "'t' must be an exercise minute"),
        (
            {"seq": 1, "t": 0, "kind": "end", "customer_minutes": 10**400},
            "'customer_minutes' of an end event must be a number, got 1000",
        ),
    ]:
        with pytest.raises(PayloadError, match=reason.replace("[", r"\[")):
            parse_event(obj)


def test_session_facilitator_commands_are_typed_when_emitted() -> None:
    from tabletop.engine.session import Session
    from tabletop.engine.synthetic import scenario_from_parts

    sc = scenario_from_parts([{"id": "n"}], [{"id": "a"}], [], duration=30)
    s = Session(sc)
    ev = s.facilitator("pace", seconds_per_minute=2.0)
    assert ev.payload == Pace(seconds_per_minute=2.0)
    assert ev.data == {"command": "pace", "seconds_per_minute": 2.0}
    with pytest.raises(PayloadError, match="a pace command needs 'seconds_per_minute' as a n"):
        s.facilitator("pace", seconds_per_minute="fast")
