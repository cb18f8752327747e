"""The journal reader and the replay, pinned with worked examples: every message whole, with
its line and column, and every limit at its boundary (one under, at, one over). Mutation
testing of `engine/journal.py` found these only checked by `in` (a wrong line or word passed).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tabletop.engine.events import Event, PayloadError, parse_event, payload_of
from tabletop.engine.journal import (
    EventError,
    JournalLimits,
    create_journal,
    decode_event,
    encode_event,
    iso_utc,
    read_journal,
    replay,
)
from tabletop.engine.session import Session
from tabletop.engine.synthetic import scenario_from_parts
from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError, Problem

#: What `drill()` journals, line by line (checked below, then edited by the tests).
LINES = [
    {
        "seq": 1,
        "t": 0.0,
        "kind": "start",
        "scenario": "t",
        "sha256": "",
        "team": "",
        "mode": "training",
        "duration": 30.0,
    },
    {
        "seq": 2,
        "t": 0.0,
        "kind": "inject",
        "inject": "i",
        "title": "i",
        "effects": [{"node": "n", "status": "down"}],
        "changes": [["n", "up", "down"]],
        "changed": 1,
    },
    {
        "seq": 3,
        "t": 0.0,
        "kind": "decision",
        "action": "a",
        "label": "a",
        "phase": "fix",
        "done_at": 2.0,
        "by": "x",
    },
    {
        "seq": 4,
        "t": 2.0,
        "kind": "action-done",
        "action": "a",
        "label": "a",
        "effects": [{"node": "n", "status": "up"}],
        "changes": [["n", "down", "up"]],
        "changed": 1,
    },
    {"seq": 5, "t": 5.0, "kind": "facilitator", "command": "pace", "seconds_per_minute": 2.0},
]


def scenario() -> Scenario:
    """One node of 10 users, down at T+0; one action of 2 minutes brings it up; a second
    inject due at T+20 (for fire-inject)."""
    return scenario_from_parts(
        [{"id": "n", "users": 10}],
        [{"id": "a", "minutes": 2, "effects": [{"node": "n", "status": "up"}]}],
        [
            {"id": "i", "at": 0, "effects": [{"node": "n", "status": "down"}]},
            {"id": "late", "at": 20},
        ],
        duration=30,
    )


def events(rows: list[dict[str, Any]]) -> list[Event]:
    return [Event.from_json(r) for r in rows]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def problems(call: Any) -> list[Problem]:
    with pytest.raises(InputError) as err:
        call()
    return err.value.problems


def test_the_drill_journals_these_lines() -> None:
    s = Session(scenario())
    s.take("a", by="x")
    s.advance(5)
    s.facilitator("pace", seconds_per_minute=2.0)
    assert [json.loads(encode_event(e)) for e in s.feed] == LINES


# ------------------------------------------------------------------ reading a file


def test_a_journal_over_its_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b"x" * 1500)
    assert problems(lambda: read_journal(path, JournalLimits(max_bytes=1000))) == [
        Problem(str(path), 1, 1, "journal too large: 1,500 bytes (limit 1,000)")
    ]
    assert read_journal(write(path, LINES[:1]), JournalLimits(max_bytes=path.stat().st_size))


def test_a_journal_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    assert problems(lambda: read_journal(tmp_path)) == [
        Problem(str(tmp_path), 1, 1, "cannot read journal: Is a directory")
    ]


@pytest.mark.parametrize("rows", [[], [LINES[2]]], ids=["empty", "no start"])
def test_a_file_without_a_start_event_is_not_a_journal(
    tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    path = write(tmp_path / "j.jsonl", rows)
    assert problems(lambda: read_journal(path)) == [
        Problem(str(path), 1, 1, "not a journal: no start event")
    ]


def test_a_whole_journal_reads_with_its_offset_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "j.jsonl", LINES)
    path.write_bytes(path.read_bytes() + b"\n  \n")
    read = read_journal(path)
    assert [e.seq for e in read.events] == [1, 2, 3, 4, 5]
    assert (read.warnings, read.valid_bytes, read.path) == ([], path.stat().st_size, path)


def test_a_last_line_without_its_newline_is_kept_with_its_place(tmp_path: Path) -> None:
    path = write(tmp_path / "j.jsonl", LINES)
    whole = path.read_bytes()
    path.write_bytes(whole[:-1])
    last = len(json.dumps(LINES[-1]))
    read = read_journal(path)
    assert [e.seq for e in read.events] == [1, 2, 3, 4, 5]
    assert read.warnings == [f"{path}:5:{last + 1}: last line had no newline"]
    assert read.valid_bytes == len(whole) - 1


def test_a_torn_last_line_is_dropped_with_its_size(tmp_path: Path) -> None:
    path = write(tmp_path / "j.jsonl", LINES[:4])
    before = path.stat().st_size
    path.write_bytes(path.read_bytes() + b'{"seq": 5, "t": 5.0, "ki')
    read = read_journal(path)
    assert [e.seq for e in read.events] == [1, 2, 3, 4]
    assert read.warnings == [
        f"{path}:5:1: torn last line dropped (24 bytes, a write cut short by a crash); "
        "recovered up to the last whole event"
    ]
    assert read.valid_bytes == before


def test_a_damaged_line_is_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "j.jsonl", LINES)
    rows = path.read_bytes().split(b"\n")
    rows[2] = b'{"seq": 3, "t": 0.0, "kind": "decision", "action": "\xc3\xa9\xff"}'
    path.write_bytes(b"\n".join(rows))
    # Column in characters, not bytes: `é` is one character of two bytes before 0xff.
    col = len('{"seq": 3, "t": 0.0, "kind": "decision", "action": "é') + 1
    assert col == 54
    assert problems(lambda: read_journal(path)) == [
        Problem(str(path), 3, 54, "damaged journal line: not UTF-8 (byte 0xff)")
    ]
    # The file's own limits reach every line (here: a line longer than 100 bytes).
    write(path, LINES)
    assert problems(lambda: read_journal(path, JournalLimits(max_line_bytes=100)))[0] == Problem(
        str(path), 1, 1, "line too long: 118 bytes (limit 100)"
    )


# ------------------------------------------------------------------ one line


def line(**fields: Any) -> str:
    return json.dumps({"seq": 1, "t": 0, "kind": "note", "text": "x", **fields})


def refused(text: str | bytes, limits: JournalLimits | None = None) -> str:
    with pytest.raises(EventError) as err:
        decode_event(text, limits or JournalLimits())
    return err.value.message


def test_a_line_at_its_byte_limit_is_read_and_one_byte_more_is_not() -> None:
    text = line()
    size = len(text.encode())
    assert decode_event(text, JournalLimits(max_line_bytes=size)).data == {"text": "x"}
    limit = size - 1
    assert refused(text, JournalLimits(max_line_bytes=limit)) == (
        f"line too long: {size} bytes (limit {limit})"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "not a journal event (a JSON object with seq, t and kind)"),
        ('{"t": 0}', "not a journal event: no 'seq', 'kind'"),
        (line(seq=-1), "'seq' must be a whole number, got -1"),
        (line(seq=1_000_000_001), "'seq' must be a whole number, got 1000000001"),
        (
            line(t=1_000_000_001),
            "'t' is beyond any drill (more than 1e+09 minutes), got 1000000001",
        ),
        (
            line(kind="nap"),
            "unknown event kind 'nap' (expected one of action-done, decision, end, "
            "facilitator, inject, inject-skipped, note, refusal, start)",
        ),
        # The event's own fields come before the numbers of the rest of the line.
        (line(text=5, other=2e9), "a note event needs 'text' as text, got 5"),
        (line(other=1_000_000_001), "damaged journal line: a number beyond 1e+09"),
        # A null before a large number in the walk does not end the walk.
        (line(big=2e9, after=None), "damaged journal line: a number beyond 1e+09"),
    ],
)
def test_what_is_not_an_event_is_one_message(text: str, message: str) -> None:
    assert refused(text) == message


def test_the_number_limits_hold_at_their_boundary() -> None:
    ok = decode_event(line(seq=0, t=1_000_000_000, other=-1_000_000_000))
    assert (ok.seq, ok.t, ok.data["other"]) == (0, 1e9, -1_000_000_000)
    top = decode_event(line(seq=1_000_000_000))
    assert top.seq == 1_000_000_000


def test_nesting_is_counted_from_the_line_itself() -> None:
    limits = JournalLimits(max_depth=3)
    # The line is level 1, `x`'s mapping level 2, the innermost container level 3: read.
    for deep_enough in ({"y": {"z": 1}}, [[1]], {"y": {"z": None}}, {"y": [True]}):
        assert decode_event(line(x=deep_enough), limits).data["x"] == deep_enough
    # One container more (level 4) is too deep, in a mapping or a list.
    for too_deep in ({"y": {"z": {}}}, [[[]]], {"y": [[]]}):
        assert refused(line(x=too_deep), limits) == "damaged journal line: nested deeper than 3"


# ------------------------------------------------------------------ replay


def test_replay_without_a_start_event_names_the_journal_or_says_journal() -> None:
    assert problems(lambda: replay(scenario(), [])) == [
        Problem("journal", 1, 1, "not a journal: no start event")
    ]
    assert problems(lambda: replay(scenario(), events([LINES[2]]), journal="drill.jsonl")) == [
        Problem("drill.jsonl", 1, 1, "not a journal: no start event")
    ]


def test_a_journal_of_another_scenario_or_file_says_which() -> None:
    other = scenario().model_copy(update={"id": "other"})
    assert problems(lambda: replay(other, events(LINES), journal="j.jsonl")) == [
        Problem("j.jsonl", 1, 1, "journal is of scenario 't', not 'other'")
    ]
    rows = [{**LINES[0], "sha256": "abcdef0123456789" * 4}, *LINES[1:]]
    assert problems(lambda: replay(scenario(), events(rows), sha256="0" * 64, journal="j")) == [
        Problem(
            "j",
            1,
            1,
            "the scenario file has changed since this journal was written (journal SHA-256 "
            "abcdef012345…, file 000000000000…); replaying it would not reproduce the drill",
        )
    ]


def test_a_start_without_team_mode_or_hash_replays_with_the_defaults() -> None:
    start = {k: v for k, v in LINES[0].items() if k not in ("sha256", "team", "mode")}
    s = replay(scenario(), events([start, *LINES[1:]]), check=False)
    assert (s.sha256, s.team, s.mode) == ("", "", "training")
    # Checked, the replay writes the defaults the journal lacks: named, not a crash.
    [problem] = problems(lambda: replay(scenario(), events([start, *LINES[1:]])))
    assert problem == Problem(
        "journal",
        1,
        1,
        "replay differs from the journal at event 1 (start at T+0): "
        "'sha256' is None in the journal, the replay gives ''",
    )


def test_the_wall_clock_start_is_carried_and_never_compared() -> None:
    dated = {**LINES[0], "started_at": "2026-12-02T09:15:00Z"}
    again = replay(scenario(), events([dated, *LINES[1:]]))
    assert again.feed[0].data["started_at"] == "2026-12-02T09:15:00Z"
    # An empty start (a hand edit) is no start; the replay does not write one back, and the
    # check does not count that as a difference.
    blank = {**LINES[0], "started_at": ""}
    assert "started_at" not in replay(scenario(), events([blank, *LINES[1:]])).feed[0].data


def test_a_replay_difference_names_the_event_its_line_and_the_field() -> None:
    rows = [*LINES[:3], {**LINES[3], "changed": 2}, LINES[4]]
    assert problems(lambda: replay(scenario(), events(rows), journal="j")) == [
        Problem(
            "j",
            4,
            1,
            "replay differs from the journal at event 4 (action-done at T+2): "
            "'changed' is 2 in the journal, the replay gives 1",
        )
    ]
    moved = [LINES[0], {**LINES[1], "t": 1.0}, *LINES[2:]]
    assert problems(lambda: replay(scenario(), events(moved), journal="j")) == [
        Problem(
            "j",
            2,
            1,
            "replay differs from the journal at event 2 (inject at T+1): got inject at T+0",
        )
    ]


def test_a_journalled_event_the_replay_never_produces_is_named() -> None:
    rows = [*LINES, {"seq": 6, "t": 5.0, "kind": "inject-skipped", "inject": "late"}]
    assert problems(lambda: replay(scenario(), events(rows), journal="j")) == [
        Problem("j", 6, 1, "replay stops before event 6")
    ]


def test_inputs_replay_from_their_typed_fields() -> None:
    rows = [
        *LINES[:3],
        {"seq": 4, "t": 1.0, "kind": "facilitator", "command": "fire-inject", "inject": "late"},
        {"seq": 5, "t": 1.0, "kind": "inject", "inject": "late", "title": "late"},
        {"seq": 6, "t": 1.0, "kind": "note", "text": "seen", "by": "obs"},
        {"seq": 7, "t": 1.5, "kind": "end"},
    ]
    s = replay(scenario(), events(rows), check=False)
    fired = [e for e in s.feed if e.kind == "inject" and e.data["inject"] == "late"]
    assert [e.t for e in fired] == [1.0]
    assert [(e.data["text"], e.data["by"]) for e in s.feed if e.kind == "note"] == [("seen", "obs")]
    assert (s.ended, s.end_reason) == (True, "facilitator")


# ------------------------------------------------------------------ writing


def test_wall_clock_instants_are_utc_to_the_second() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert iso_utc(datetime(2026, 12, 2, 11, 15, 30, 900_000, tzinfo=plus_two)) == (
        "2026-12-02T09:15:30Z"
    )
    assert iso_utc(datetime(2026, 12, 2, 9, 15, 30)) == "2026-12-02T09:15:30Z"  # naive: UTC


def test_text_is_journalled_as_utf_8_not_escaped() -> None:
    ev = Event(1, 0.0, "note", {"text": "Übergabe — 10 °C"})
    assert encode_event(ev) == (
        '{"seq": 1, "t": 0.0, "kind": "note", "text": "Übergabe — 10 °C"}\n'.encode()
    )


def test_new_journal_names_count_from_two(tmp_path: Path) -> None:
    now = datetime(2026, 12, 2, 9, 15, 30)
    made = []
    for _ in range(3):
        writer = create_journal(tmp_path, "dc", now=now)
        writer(events(LINES[:1])[0])  # an empty, unlocked file is taken again: not this one
        writer.close()
        made.append(writer.path.name)
    assert made == [
        "dc-20261202-091530.jsonl",
        "dc-20261202-091530-2.jsonl",
        "dc-20261202-091530-3.jsonl",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": {"path": 5}}, "'source' of a start event must be a mapping of text to text"),
        ({"source": ["a"]}, "'source' of a start event must be a mapping of text to text"),
    ],
)
def test_typed_start_fields_refuse_other_shapes(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(PayloadError) as err:
        payload_of("start", {"scenario": "t", **fields})
    assert str(err.value).startswith(message)


# ------------------------------------------------------------------ typed fields


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"changes": "nope"}, "'changes' of an inject event must be a list of [node, old, new]"),
        ({"changes": [["n", 5, "up"]]}, "'changes' of an inject event must be a list of [node"),
        ({"changes": [["n", "up", 5]]}, "'changes' of an inject event must be a list of [node"),
        ({"changes": [[5, "up", "down"]]}, "'changes' of an inject event must be a list of [node"),
        ({"effects": "nope"}, "'effects' of an inject event must be a list of {node, status}"),
        (
            {"effects": [{"node": "n", "status": "up", "extra": 1}]},
            "'effects' of an inject event must be a list of {node, status}",
        ),
        ({"effects": [{"node": "n", "status": 5}]}, "'effects' of an inject event must be a list"),
        ({"effects": [{"node": 5, "status": "up"}]}, "'effects' of an inject event must be a list"),
        ({"latched": "n"}, "'latched' of an inject event must be a list of texts, got 'n'"),
        ({"latched": ["n", 5]}, "'latched' of an inject event must be a list of texts"),
    ],
)
def test_an_inject_with_fields_of_the_wrong_shape_is_refused(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(PayloadError) as err:
        payload_of("inject", {"inject": "i", **fields})
    assert str(err.value).startswith(message)


def test_unknown_keys_are_kept_in_order_and_the_line_s_own_keys_are_not() -> None:
    p = payload_of("note", {"seq": 1, "t": 0, "kind": "note", "text": "x", "zz": 1, "aa": 2})
    assert dict(p.extra) == {"zz": 1, "aa": 2}
    assert list(p.to_json()) == ["text", "zz", "aa"]


def test_the_largest_number_a_float_holds_is_a_number_and_one_more_is_not() -> None:
    top = int(sys.float_info.max)
    assert payload_of("end", {"customer_minutes": top}).to_json() == {"customer_minutes": top}
    with pytest.raises(PayloadError, match="'customer_minutes' of an end event must be a number"):
        payload_of("end", {"customer_minutes": top + 1})


@pytest.fixture
def fresh_codecs() -> Any:
    """The field codecs built afresh in this test: they are built once per payload class and
    kept, so every other test reuses what the first event of the run built (and mutation
    testing, forked from a process that has them, would never see them built)."""
    from tabletop.engine import event_json

    event_json._layout.cache_clear()
    yield
    event_json._layout.cache_clear()


@pytest.mark.usefixtures("fresh_codecs")
def test_codecs_built_afresh_read_and_write_every_line_as_journalled() -> None:
    rows = [
        *LINES,
        {"seq": 6, "t": 5.0, "kind": "note", "text": "calm", "by": "obs"},
        {
            "seq": 7,
            "t": 5.0,
            "kind": "facilitator",
            "command": "join",
            "seat": 2,
            "name": "Ana",
            "role": "comms",
        },
        {"seq": 8, "t": 5.0, "kind": "refusal", "action": "a", "reason": "running"},
        {"seq": 9, "t": 6.0, "kind": "inject-skipped", "inject": "late", "reason": "no"},
        {"seq": 10, "t": 6.0, "kind": "end", "reason": "duration", "customer_minutes": 20.0},
        {**LINES[0], "seq": 11, "source": {"path": "t.yaml"}, "started_at": "2026-12-02T09:15:00Z"},
    ]
    for row in rows:
        event = Event.from_json(row)
        assert json.loads(encode_event(Event.of(event.seq, event.t, event.payload))) == row
    # Required and optional fields, each with the type its class gives it.
    for kind, obj, message in [
        ("note", {}, "a note event needs 'text' as text, got None"),
        (
            "facilitator",
            {"command": "join", "seat": 2.5, "name": "A", "role": "r"},
            "a join command needs 'seat' as a whole number, got 2.5",
        ),
        (
            "facilitator",
            {"command": "pace", "seconds_per_minute": "2"},
            "a pace command needs 'seconds_per_minute' as a number, got '2'",
        ),
        ("end", {"customer_minutes": "9"}, "'customer_minutes' of an end event must be a number"),
        ("start", {"scenario": "t", "source": [1]}, "'source' of a start event must be a mapping"),
        ("inject", {"inject": "i", "latched": [1]}, "'latched' of an inject event must be a list"),
    ]:
        with pytest.raises(PayloadError) as err:
            payload_of(kind, obj)
        assert str(err.value).startswith(message)


def test_only_a_refusal_s_reason_may_differ_in_words() -> None:
    # A refusal's reason is a sentence whose wording changed once: tolerated. Any other
    # event's reason is a fact: an inject skipped for another reason is a difference.
    sc = scenario_from_parts(
        [{"id": "n", "users": 10}],
        [{"id": "a", "minutes": 2}],
        [{"id": "late", "at": 1, "when": {"started": ["a"]}}],
        duration=30,
    )
    s = Session(sc)
    s.advance(1)
    s.take("a")
    s.take("a")  # refused: still running
    s.advance(3)
    s.end("time-up")
    rows = [json.loads(encode_event(e)) for e in s.feed]
    kinds = [r["kind"] for r in rows]
    assert kinds == ["start", "inject-skipped", "decision", "refusal", "action-done", "end"]
    reworded = [{**r, "reason": "older words"} if r["kind"] == "refusal" else r for r in rows]
    assert replay(sc, events(reworded)).end_reason == "time-up"
    skipped = [{**r, "reason": "older words"} if r["kind"] == "inject-skipped" else r for r in rows]
    [problem] = problems(lambda: replay(sc, events(skipped), journal="j"))
    assert problem == Problem(
        "j",
        2,
        1,
        "replay differs from the journal at event 2 (inject-skipped at T+1): 'reason' is "
        "'older words' in the journal, the replay gives 'its condition did not hold'",
    )


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([1], "an event is a JSON object"),
        (
            {"seq": "1", "t": 0, "kind": "note", "text": "x"},
            "'seq' must be a whole number, got '1'",
        ),
        (
            {"seq": 1, "t": "0", "kind": "note", "text": "x"},
            "'t' must be an exercise minute (a number >= 0), got '0'",
        ),
        (
            {"seq": 1, "t": True, "kind": "note"},
            "'t' must be an exercise minute (a number >= 0), got True",
        ),
        ({"seq": 1, "t": 0, "kind": ["note"]}, "unknown event kind ['note']"),
        ({"seq": 1, "t": 0, "kind": "note", "text": 5}, "a note event needs 'text' as text, got 5"),
        (
            {"seq": 1, "t": 0, "kind": "facilitator", "command": 5},
            "a facilitator event needs 'command' as text, got 5",
        ),
        (
            {"seq": 1, "t": 0, "kind": "facilitator", "command": "pace"},
            "a pace command needs 'seconds_per_minute' as a number, got None",
        ),
        ({"seq": 1, "t": 0, "kind": "facilitator", "command": "pause", "at": "x"}, None),
    ],
)
def test_a_hub_frame_s_event_is_parsed_whole_or_refused_in_words(
    obj: Any, message: str | None
) -> None:
    if message is None:  # a command without fields of its own: its keys are kept as they came
        ev = parse_event(obj)
        assert (ev.payload.command, dict(ev.payload.extra)) == ("pause", {"at": "x"})
        return
    with pytest.raises(PayloadError) as err:
        parse_event(obj)
    assert str(err.value) == message


def test_an_event_made_from_its_payload_carries_it() -> None:
    p = payload_of("note", {"text": "x", "by": "obs"})
    ev = Event.of(3, 1.5, p)
    assert ev.payload is p and ev.data == {"text": "x", "by": "obs"}
    assert parse_event(ev.to_json()).payload == p
    with pytest.raises(PayloadError) as err:
        payload_of("nap", {})
    assert str(err.value) == "unknown event kind 'nap'"
