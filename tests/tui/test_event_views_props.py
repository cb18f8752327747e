"""Property: every event of a random drill on a built-in scenario reads back from its journal
line into its typed payload and writes back the very same line, and every view of it (the
headless timeline, the drill feed, the facilitator log, a seat's feed) says it in words, with
no `None` or a raw `{...}` leaking into the text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.event_text import NodeNames, summary
from tabletop.engine.events import Event, parse_event
from tabletop.engine.headless import format_entry, timeline_entry
from tabletop.engine.journal import decode_event, encode_event
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.tui.screens.facilitator import facilitator_log_text
from tabletop.tui.seat.view import event_line
from tabletop.tui.view import facilitator_injects
from tabletop.tui.widgets.feed import event_text

BUILT_IN = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
WHO = [None, "Ana (commander)", "Rui (responder)"]
SAID = [None, "", "next update at 10:00", "why: the fibre is cut"]
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("pause", {}),
    ("resume", {}),
    ("clock", {}),
    ("step", {}),
    ("pace", {"seconds_per_minute": 2.0}),
    ("pace", {"seconds_per_minute": 5}),
    ("join", {"seat": 2, "name": "Ana", "role": "commander"}),
    ("approve", {"proposal": "P1", "approver": "Ana (commander)"}),
    ("proposal-closed", {"proposal": "P1", "outcome": "refused"}),
]


@cache
def built_in(path: Path) -> LoadedScenario:
    return load_scenario(path)


@st.composite
def drills(draw: st.DrawFn) -> tuple[Path, Session]:
    """A drill on a built-in scenario: decisions (some refused), notes, facilitator commands,
    injects fired by hand, jumps and maybe an early end, then run to the duration."""
    path = draw(st.sampled_from(BUILT_IN))
    loaded = built_in(path)
    sc = loaded.scenario
    s = Session(sc, sha256=loaded.sha256, team="Blue", source={"path": "x.yaml"})
    actions = [a.id for a in sc.actions] + ["no-such-action"]
    for _ in range(draw(st.integers(0, 25))):
        s.advance(min(sc.duration, s.now + draw(st.sampled_from([0, 0, 1, 2.5, 7, 20]))))
        step = draw(st.sampled_from(["take", "take", "take", "note", "command", "fire", "jump"]))
        if step == "take":
            action = draw(st.sampled_from(actions))
            who, note, message = (draw(st.sampled_from(x)) for x in (WHO, SAID, SAID))
            s.take(action, by=who, note=note, message=message)
        elif step == "note":
            s.add_note(
                draw(st.sampled_from(["calm", "slow to escalate"])), by=draw(st.sampled_from(WHO))
            )
        elif step == "command":
            command, fields = draw(st.sampled_from(COMMANDS))
            s.facilitator(command, **fields)
        elif step == "fire":
            s.fire_inject(draw(st.sampled_from([i.id for i in sc.injects])))
        elif not s.ended:
            to = min(sc.duration, s.now + draw(st.sampled_from([5, 30])))
            s.facilitator("jump", to=to)
            s.advance(to)
        if draw(st.integers(0, 30)) == 0:
            s.end("facilitator")
    s.advance(sc.duration)
    s.end("duration")
    return path, s  # the path, not the scenario: a failing example prints short


def _clean(text: str) -> bool:
    return "None" not in text and "{" not in text and "}" not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drills())
def test_every_event_round_trips_and_reads_in_every_view(drill: tuple[Path, Session]) -> None:
    path, session = drill
    sc = built_in(path).scenario
    labels = {a.id: a.label for a in sc.actions}
    nodes = NodeNames.of(sc)
    secret = facilitator_injects(sc)
    assert session.feed[0].kind == "start" and session.now == sc.duration
    assert [e.kind for e in session.feed].count("end") == 1
    for ev in session.feed:
        line = encode_event(ev)
        read = decode_event(line)
        # JSON → typed → JSON: the same bytes.
        assert encode_event(Event.of(read.seq, read.t, read.payload)) == line
        assert read.payload == ev.payload and read.payload.to_json() == ev.data
        heard = json.loads(line)  # as a seat hears it
        assert parse_event(heard).payload == ev.payload
        if ev.kind == "start":
            continue
        texts = [format_entry(timeline_entry(ev)), summary(ev)]
        for shown in (
            event_text(ev, labels, nodes, secret),
            event_line(heard, labels),
            facilitator_log_text([ev], [], nodes),
        ):
            if shown is not None:
                texts.append(shown.plain)
        assert all(_clean(t) for t in texts), texts
        assert summary(ev).strip()
