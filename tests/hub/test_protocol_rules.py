"""The seat protocol's rules as functions: frame checks, codes, roles, who sees what, who took
part. Property tests where the rule is general."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tabletop.engine.events import Event
from tabletop.hub.protocol import (
    MAX_FRAME_BYTES,
    ROLES,
    FrameError,
    Participant,
    may_decide,
    may_send,
    new_codes,
    parse_frame,
    participants,
    role_of_code,
    valid_codes,
    visible_to,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_a_number_beyond_a_float_is_one_frame_error() -> None:
    # math.isfinite raised OverflowError on 10**400: a seat could break its own connection
    # with a frame instead of hearing what was wrong with it.
    huge = "1" + "0" * 400
    for text, reason in [
        ('{"type": "advance", "to": ' + huge + "}", "'to' of an advance frame must be a number"),
        ('{"type": "advance", "to": -1}', "'to' of an advance frame must be at least 0"),
    ]:
        try:
            parse_frame(text)
        except FrameError as exc:
            assert str(exc) == reason
        else:
            raise AssertionError(f"accepted {text[:40]}")


@given(st.text(max_size=200) | JSON.map(json.dumps))
def test_any_text_is_a_frame_or_one_frame_error(text: str) -> None:
    try:
        frame = parse_frame(text)
    except FrameError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(frame, dict) and isinstance(frame["type"], str)


@given(st.sampled_from(["decide", "propose"]), st.text(min_size=1, max_size=50).filter(str.strip))
def test_a_well_formed_decision_frame_reads_back_as_sent(kind: str, action: str) -> None:
    frame = {"type": kind, "action": action, "note": "n", "message": ""}
    assert parse_frame(json.dumps(frame)) == frame


def test_frame_limits_are_exact() -> None:
    base = json.dumps({"type": "note", "text": ""})
    fits = json.dumps({"type": "note", "text": "x" * 4000})
    assert parse_frame(fits)["text"] == "x" * 4000
    for bad, why in (
        (json.dumps({"type": "note", "text": "x" * 4001}), "longer than 4000"),
        (base, "is empty"),
        (json.dumps({"type": "advance", "to": -1}), "at least 0"),
        (json.dumps({"type": "clock", "pace": 0}), "at least 0.01"),
        (json.dumps({"type": "clock", "running": 1}), "true or false"),
        (json.dumps({"type": "hello", "code": "c", "last_seq": 1.5}), "whole number"),
        (json.dumps({"type": "hello", "code": "c", "last_seq": True}), "whole number"),
        ("x" * (MAX_FRAME_BYTES + 1), "larger than 64 KiB"),
        (b"{}", "not binary"),
    ):
        try:
            parse_frame(bad)
            raise AssertionError(f"accepted: {bad[:40]!r}")
        except FrameError as exc:
            assert why in str(exc), (why, str(exc))


def test_codes_are_random_distinct_and_matched_exactly() -> None:
    a, b = new_codes(), new_codes()
    assert set(a) == set(ROLES) and len(set(a.values()) | set(b.values())) == 10
    for role, code in a.items():
        assert role_of_code(a, code) == role
        assert role_of_code(a, code + "x") is None
        assert role_of_code(a, code[:-1]) is None
        assert role_of_code(b, code) is None
    assert valid_codes(a) == a
    assert valid_codes({**a, "observer": "short"}) is None
    assert valid_codes([a]) is None


def test_the_role_table() -> None:
    phases = [
        "assess",
        "escalate",
        "communicate",
        "workaround",
        "fix",
        "verify",
        "prevent",
        "follow-up",
    ]
    table = {role: {p for p in phases if may_decide(role, p)} for role in ROLES}
    assert table == {
        "facilitator": set(phases),
        "commander": set(phases),
        "comms": {"communicate", "follow-up"},
        "responder": {"assess", "escalate", "workaround", "fix", "verify", "prevent"},
        "observer": set(),
    }
    frames = ["decide", "propose", "approve", "note", "clock", "advance", "fire", "end"]
    rows = {role: {f for f in frames if may_send(role, f)} for role in ROLES}
    assert rows == {
        "facilitator": {"decide", "approve", "note", "clock", "advance", "fire", "end"},
        "commander": {"decide", "approve"},
        "comms": {"decide", "propose"},
        "responder": {"decide", "propose"},
        "observer": {"note"},
    }


def test_facilitator_injects_are_for_facilitator_seats_only() -> None:
    def event(**fields: object) -> Event:
        return Event.from_json({"seq": 1, "t": 0, **fields})

    secret = event(kind="inject", inject="s", audience="facilitator")
    skipped = event(kind="inject-skipped", inject="s", audience="facilitator")
    fired = event(kind="facilitator", command="fire-inject", inject="s")
    public = event(kind="inject", inject="p")
    for role in ROLES:
        for ev in (secret, skipped, fired):
            assert visible_to(role, ev, frozenset({"s"})) == (role == "facilitator")
        assert visible_to(role, public, frozenset({"s"}))
        assert visible_to(
            role, event(kind="facilitator", command="fire-inject", inject="p"), frozenset({"s"})
        )


def test_participants_come_from_the_first_join_of_each_seat() -> None:
    def join(seq: int, t: float, seat: object, name: str, role: str) -> dict[str, object]:
        return {"seq": seq, "t": t, "kind": "facilitator", "command": "join", "seat": seat,
                "name": name, "role": role}  # fmt: skip

    events = [
        {"seq": 1, "t": 0, "kind": "start"},
        join(2, 0, 1, "Fay", "facilitator"),
        join(3, 2.5, 2, "Ana", "commander"),
        join(4, 3, 1, "Fay", "facilitator"),  # a reconnect: the same seat
        {"seq": 5, "t": 3, "kind": "facilitator", "command": "pause"},
        join(6, 3, "3", "X", "r"),  # not a seat number: ignored
    ]
    assert participants(events) == [
        Participant(1, "Fay", "facilitator", 0.0),
        Participant(2, "Ana", "commander", 2.5),
    ]
    assert participants([]) == []
