"""Manual recovery, decisions in conditions, facilitator injects and the early end, by hand."""

from __future__ import annotations

import json

from tabletop.engine.events import Decision as D
from tabletop.engine.events import Event
from tabletop.engine.journal import encode_event, replay
from tabletop.engine.session import Session, simulate
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.problems import InputError

# Power feeds the database; the database (manual recovery) feeds the shop (100 users).
POWER = make_scenario(
    nodes=[
        {"id": "power"},
        {"id": "db", "recovers": "manual", "depends_on": ["power"]},
        {"id": "shop", "users": 100, "depends_on": ["db"]},
    ],
    actions=[
        {"id": "restart-db", "minutes": 5, "effects": [{"node": "db", "status": "up"}]},
        {"id": "post", "minutes": 10},
    ],
    injects=[
        {"id": "cut", "at": 10, "effects": [{"node": "power", "status": "down"}]},
        {"id": "back", "at": 30, "effects": [{"node": "power", "status": "up"}]},
        {
            "id": "hint",
            "at": 0,
            "audience": "facilitator",
            "message": "The database will not come back by itself.",
        },
        {"id": "press", "at": 20, "when": {"not_started": ["post"]}},
        {"id": "thanks", "at": 25, "when": {"started": ["post"]}},
    ],
    duration=60,
)


def test_a_manual_node_stays_down_after_its_dependency_returns() -> None:
    s = simulate(POWER, [])
    assert s.status.own["db"] == "down"
    assert s.status.effective["shop"] == "down"
    # The shop is down from 10 to the end: 100 x 50.
    assert s.customer_minutes == 5_000
    cut = next(e for e in s.feed if e.kind == "inject" and e.data["inject"] == "cut")
    assert cut.data["latched"] == ["db"]
    back = next(e for e in s.feed if e.kind == "inject" and e.data["inject"] == "back")
    assert "latched" not in back.data


def test_a_restart_after_the_power_returns_brings_it_back() -> None:
    s = simulate(POWER, [D(35, "restart-db")])
    assert s.status.effective["shop"] == "up"
    # Down from 10 until the restart lands at 40: 100 x 30.
    assert s.customer_minutes == 3_000


def test_the_initial_state_does_not_latch() -> None:
    # A manual node that starts down (its dependency is standby) is not latched: it comes up
    # with its dependency.
    sc = make_scenario(
        nodes=[
            {"id": "gen", "standby": True},
            {"id": "db", "recovers": "manual", "depends_on": ["gen"]},
        ],
        actions=[{"id": "start-gen", "effects": [{"node": "gen", "status": "up"}]}],
    )
    s = simulate(sc, [D(5, "start-gen")])
    assert s.status.effective["db"] == "up"
    assert s.status.own["db"] == "up"


def test_started_and_not_started_look_at_decisions_taken() -> None:
    quiet = simulate(POWER, [])
    fired = [e.data["inject"] for e in quiet.feed if e.kind == "inject"]
    skipped = [e.data["inject"] for e in quiet.feed if e.kind == "inject-skipped"]
    assert "press" in fired and "thanks" in skipped
    # `post` taken at 15 is started (not yet done at 20 or 25): started, not done.
    talking = simulate(POWER, [D(15, "post")])
    fired = [e.data["inject"] for e in talking.feed if e.kind == "inject"]
    skipped = [e.data["inject"] for e in talking.feed if e.kind == "inject-skipped"]
    assert "press" in skipped and "thanks" in fired


def test_a_refused_decision_is_not_started() -> None:
    sc = make_scenario(
        nodes=[{"id": "x"}],
        actions=[{"id": "a", "minutes": 5}, {"id": "b", "requires": ["a"]}],
        injects=[{"id": "i", "at": 1, "when": {"started": ["b"]}}],
    )
    s = simulate(sc, [D(0, "b")])
    assert not s.decisions[0].accepted
    assert [e.kind for e in s.feed if e.data.get("inject") == "i"] == ["inject-skipped"]


def test_facilitator_injects_are_marked_and_team_ones_are_unchanged() -> None:
    s = simulate(POWER, [])
    hint = next(e for e in s.feed if e.data.get("inject") == "hint")
    assert hint.data["audience"] == "facilitator"
    cut = next(e for e in s.feed if e.data.get("inject") == "cut")
    assert "audience" not in cut.data


def test_an_early_end_is_journalled_where_it_happened_and_replays() -> None:
    journal: list[Event] = []
    s = Session(POWER, sink=journal.append)
    s.advance(12)
    s.end("facilitator")
    assert (s.ended_at, s.now) == (12, 60)
    kinds = [(e.kind, e.t) for e in journal]
    end_at = kinds.index(("end", 12))
    # The outage goes on after the end: the power comes back at 30, the press call at 20.
    assert ("inject", 20) in kinds[end_at:] and ("inject", 30) in kinds[end_at:]
    # A later decision is refused and journalled; the clock is at the duration.
    assert s.take("restart-db").reason == "the drill has ended"
    again = replay(POWER, [Event.from_json(json.loads(encode_event(e))) for e in journal])
    assert [encode_event(e) for e in again.feed] == [encode_event(e) for e in journal]
    assert (again.ended_at, again.customer_minutes) == (12, s.customer_minutes)


def _as_older_version(events: list[Event]) -> list[Event]:
    """The journal as an earlier version wrote it: refusal times as `T+10`, no `scored_to`."""
    older = []
    for e in events:
        data = dict(e.data)
        if e.kind == "refusal" and "reason" in data:
            data["reason"] = str(data["reason"]).replace("T+10:00", "T+10")
        if e.kind == "end":
            data.pop("scored_to", None)
        older.append(Event(e.seq, e.t, e.kind, data))
    return older


def test_a_journal_of_an_earlier_version_still_replays() -> None:
    journal: list[Event] = []
    s = Session(POWER, sink=journal.append)
    s.take("post")
    assert s.take("post").reason == "already running until T+10:00"
    s.advance(12)
    s.end("facilitator")
    older = _as_older_version(journal)
    assert older != journal
    again = replay(POWER, older)
    assert again.customer_minutes == s.customer_minutes
    # A fact that differs still fails the replay: a refusal that became a decision.
    forged = [Event(e.seq, e.t, "decision", e.data) if e.kind == "refusal" else e for e in older]
    try:
        replay(POWER, forged)
    except InputError as exc:
        assert "replay differs from the journal" in str(exc)
    else:
        raise AssertionError("a forged journal replayed")
