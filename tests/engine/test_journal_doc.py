"""docs/journal.md stays true: every kind, command and field of the typed events is in it,
its example line reads, its quoted messages are the reader's, and its timeline and feed
examples are what tabletop prints for the drill they show."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import get_args

import pytest

from tabletop.engine.event_text import NodeNames, line_spans
from tabletop.engine.events import (
    COMMAND_TYPES,
    ActionDone,
    Command,
    DecisionTaken,
    End,
    EventKind,
    InjectFired,
    InjectSkipped,
    Note,
    Refusal,
    Start,
)
from tabletop.engine.headless import format_entry, timeline_entry
from tabletop.engine.journal import EventError, decode_event
from tabletop.engine.session import Session
from tabletop.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "journal.md").read_text(encoding="utf-8")
KIND_TYPES = [Start, InjectFired, InjectSkipped, DecisionTaken, Refusal, ActionDone, Note, End]


def section(heading: str) -> str:
    """The doc's text from `heading` to the next heading of the same or a higher level."""
    start = DOC.index(heading)
    level = heading.split(" ")[0]
    rest = DOC[start + len(heading) :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, flags=re.M)]
    return rest[: ends[0]] if ends else rest


def blocks(after: str) -> list[str]:
    """The fenced text blocks of the section that starts with `after`."""
    return re.findall(r"```text\n(.*?)```", section(after), flags=re.S)


@pytest.mark.parametrize("cls", KIND_TYPES, ids=lambda c: c.kind)
def test_every_kind_and_its_fields_are_documented(cls: type) -> None:
    text = section(f"### `{cls.kind}`")
    for f in dataclasses.fields(cls):
        if f.name != "extra":
            assert f"`{f.name}`" in text, (cls.kind, f.name)
    assert {c.kind for c in KIND_TYPES} | {"facilitator"} == set(get_args(EventKind))


def test_every_facilitator_command_and_its_fields_are_documented() -> None:
    text = section("### `facilitator`")
    known = [*COMMAND_TYPES, "pause", "resume", "step", "clock", "suspend"]
    for command in known:
        assert f"`{command}`" in text, command
    for cls in COMMAND_TYPES.values():
        row = next(line for line in text.splitlines() if f"| `{cls.command}`" in line)
        for f in dataclasses.fields(cls):
            if f.name not in ("extra", "command"):
                assert f"`{f.name}`" in row, (cls.command, f.name)
    assert issubclass(next(iter(COMMAND_TYPES.values())), Command)


def test_the_example_line_reads() -> None:
    line = re.search(r"```json\n(.*?)\n```", DOC, flags=re.S)
    assert line is not None
    event = decode_event(line.group(1))
    assert isinstance(event.payload, DecisionTaken) and event.payload.by == "Ana (commander)"


def test_quoted_messages_are_the_readers() -> None:
    quoted = blocks("## A damaged journal")[0].splitlines()
    lines = [
        {"seq": 7, "t": 1, "kind": "decision"},
        {
            "seq": 9,
            "t": 1,
            "kind": "facilitator",
            "command": "join",
            "seat": "3",
            "name": "X",
            "role": "responder",
        },
    ]
    for quote, obj in zip(quoted, lines, strict=True):
        with pytest.raises(EventError) as caught:
            decode_event(json.dumps(obj))
        assert quote.split(":1: ", 1)[1] == caught.value.message


def test_timeline_and_feed_examples_are_what_tabletop_prints() -> None:
    loaded = load_scenario(REPO / "tests" / "tui" / "fixtures" / "mini-power.yaml")
    s = Session(loaded.scenario, team="Blue")
    s.take("check-services")
    s.take("post-status", message="We know; next update at 10:00", by="Ana (commander)")
    s.add_note("calm team", by="Olu (observer)")
    s.facilitator("pace", seconds_per_minute=2.0)
    s.advance(50)
    s.end("facilitator")
    timeline, feed = blocks("## How tabletop shows each kind")
    drill = [e for e in s.feed if e.kind != "start" and e.t <= 50]
    assert timeline.splitlines() == [format_entry(timeline_entry(e)) for e in drill]
    labels = {a.id: a.label for a in loaded.scenario.actions}
    nodes = NodeNames.of(loaded.scenario)
    shown = []
    for e in drill:
        spans = line_spans(e, labels, nodes)
        if spans is not None:
            shown.append("".join(text for text, _ in spans))
    # The doc's feed is an excerpt: each of its entries is one of the feed's, in order.
    entries = re.split(r"\n(?=T\+)", feed.rstrip("\n"))
    assert entries and all(entry in shown for entry in entries), (entries, shown)
    assert [shown.index(entry) for entry in entries] == sorted(shown.index(e) for e in entries)
