"""Session rules pinned by worked examples, so that a changed comparison or condition fails.

Each test names the rule of the engine semantics it holds; the scenarios are the smallest
that tell the right reading from the wrong one.
"""

from __future__ import annotations

from typing import Any

from tabletop.engine.events import Decision, DecisionRecord, Impact
from tabletop.engine.session import Session, simulate
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Condition


def _fired(session: Session) -> list[tuple[float, str, str]]:
    """(minute, kind, inject id) of every inject event, fired or skipped."""
    return [
        (e.t, e.kind, str(e.data["inject"]))
        for e in session.feed
        if e.kind in ("inject", "inject-skipped")
    ]


def _degraded_at_10() -> Any:
    # `svc` is degraded (its soft dependency `cdn` is down) from minute 5: not down.
    return make_scenario(
        nodes=[
            {"id": "cdn"},
            {"id": "svc", "users": 10, "depends_on": [{"soft": "cdn"}]},
            {"id": "gone", "users": 1},
        ],
        actions=[{"id": "noop"}],
        injects=[
            {"id": "cdn-down", "at": 5, "effects": [{"node": "cdn", "status": "down"}]},
            {"id": "gone-down", "at": 5, "effects": [{"node": "gone", "status": "down"}]},
            {"id": "if-up", "at": 10, "when": {"up": ["svc"]}},
            {"id": "if-down", "at": 10, "when": {"down": ["svc"]}},
            {"id": "if-gone-up", "at": 10, "when": {"up": ["gone"]}},
            {"id": "if-gone-down", "at": 10, "when": {"down": ["gone"]}},
        ],
    )


def test_a_degraded_node_counts_as_up_in_when() -> None:
    s = simulate(_degraded_at_10(), [])
    assert s.node_view("svc").effective == "degraded"
    assert _fired(s) == [
        (5.0, "inject", "cdn-down"),
        (5.0, "inject", "gone-down"),
        (10.0, "inject", "if-up"),  # degraded is not down: `up` holds
        (10.0, "inject-skipped", "if-down"),
        (10.0, "inject-skipped", "if-gone-up"),  # down: `up` does not hold
        (10.0, "inject", "if-gone-down"),
    ]


def test_condition_holds_for_each_key_on_a_degraded_and_a_down_node() -> None:
    s = Session(_degraded_at_10())
    s.advance(6)
    assert s.condition_holds(Condition(up=["svc"]))
    assert not s.condition_holds(Condition(down=["svc"]))
    assert s.condition_holds(Condition(down=["gone"]))
    assert not s.condition_holds(Condition(up=["gone"]))
    # Several nodes: `down` needs all of them down, `up` needs none of them down.
    assert not s.condition_holds(Condition(down=["gone", "svc"]))
    assert not s.condition_holds(Condition(up=["svc", "gone"]))
    assert not s.condition_holds(Condition(up=["svc", "cdn"]))  # cdn itself is down
    assert s.condition_holds(Condition(down=["gone", "cdn"]))


def test_conditions_on_actions_started_and_done() -> None:
    sc = make_scenario(
        nodes=[{"id": "a"}],
        actions=[{"id": "slow", "minutes": 10}, {"id": "other", "minutes": 1}],
    )
    s = Session(sc)
    s.take("slow")
    s.advance(5)  # slow started at 0, done at 10
    assert s.condition_holds(Condition(started=["slow"]))
    assert not s.condition_holds(Condition(started=["slow", "other"]))
    assert s.condition_holds(Condition(not_started=["other"]))
    assert not s.condition_holds(Condition(not_started=["other", "slow"]))
    assert not s.condition_holds(Condition(done=["slow"]))
    assert s.condition_holds(Condition(not_done=["slow"]))
    s.advance(10)
    assert s.condition_holds(Condition(done=["slow"]))
    assert not s.condition_holds(Condition(not_done=["slow", "other"]))
    assert s.condition_holds(Condition())  # no key: holds


def test_an_action_taken_at_the_last_minute_is_started_not_done() -> None:
    sc = make_scenario(nodes=[{"id": "a"}], actions=[{"id": "slow", "minutes": 10}])
    s = simulate(sc, [Decision(95, "slow")])
    assert s.started == {"slow": 95.0}
    assert s.done == {}
    assert s.decisions[0].accepted


def test_the_latch_is_journalled_only_when_a_dependency_took_the_node_down() -> None:
    sc = make_scenario(
        nodes=[
            {"id": "power"},
            {"id": "db", "recovers": "manual", "depends_on": ["power"], "users": 10},
        ],
        actions=[{"id": "restart", "minutes": 3, "effects": [{"node": "db", "status": "up"}]}],
        injects=[
            {"id": "cut", "at": 5, "effects": [{"node": "power", "status": "down"}]},
            {"id": "back", "at": 10, "effects": [{"node": "power", "status": "up"}]},
            {"id": "db-down", "at": 20, "effects": [{"node": "db", "status": "down"}]},
        ],
    )
    s = simulate(sc, [Decision(12, "restart")])
    changes = [
        (e.t, e.kind, e.data["changes"], e.data.get("latched"))
        for e in s.feed
        if "changes" in e.data
    ]
    assert changes == [
        (5, "inject", [["power", "up", "down"], ["db", "up", "down"]], ["db"]),  # latched
        (10, "inject", [["power", "down", "up"]], None),  # db stays down: restart needed
        (15, "action-done", [["db", "down", "up"]], None),
        (20, "inject", [["db", "up", "down"]], None),  # set down by hand: no latch to tell
    ]
    # db down 5-15 and 20-100, 10 users: 100 + 800.
    assert s.customer_minutes == 900


def test_a_note_is_journalled_with_its_author() -> None:
    s = Session(make_scenario(nodes=[{"id": "a"}], actions=[{"id": "x"}]))
    s.advance(3)
    ev = s.add_note("power is back", by="ana")
    plain = s.add_note("checking")
    assert (ev.t, ev.kind, ev.data) == (3, "note", {"text": "power is back", "by": "ana"})
    assert plain.data == {"text": "checking"}
    assert s.notes == [ev, plain]
    assert s.feed[-2:] == [ev, plain]


def test_simulate_ends_at_the_end_and_says_why() -> None:
    sc = make_scenario(nodes=[{"id": "a"}], actions=[{"id": "x"}, {"id": "y"}])
    whole = simulate(sc, [Decision(100, "x")])
    assert (whole.end_reason, whole.sha256, whole.now) == ("duration", "", 100)
    assert [(r.action, r.accepted, r.reason) for r in whole.decisions] == [
        ("x", False, "the drill has ended")
    ]
    early = simulate(sc, [Decision(10, "x"), Decision(20, "y")], end_at=20)
    assert (early.end_reason, early.ended_at, early.now) == ("facilitator", 20, 100)
    assert [(r.action, r.accepted) for r in early.decisions] == [("x", True), ("y", False)]
    assert early.feed[0].data["sha256"] == ""


def test_the_journal_of_a_short_drill_event_by_event() -> None:
    # svc (7 users) is compromised at 0; cut (2 minutes) takes power down at 2, and with it
    # db (manual recovery: latched) and svc. b needs a and cut done; c needs db and svc up.
    sc = make_scenario(
        nodes=[
            {"id": "power"},
            {"id": "db", "recovers": "manual", "depends_on": ["power"], "users": 10},
            {"id": "svc", "users": 7, "depends_on": ["power"]},
        ],
        actions=[
            {"id": "cut", "minutes": 2, "effects": [{"node": "power", "status": "down"}],
             "reveals": "the feed was cut"},
            {"id": "a"},
            {"id": "b", "requires": ["a", "cut"]},
            {"id": "c", "needs": ["db", "svc"]},
        ],
        injects=[
            {"id": "hack", "at": 0, "effects": [{"node": "svc", "status": "compromised"}]},
            {"id": "skip", "at": 1, "when": {"done": ["a"]}},
        ],
    )  # fmt: skip
    s = Session(sc)
    assert (s.sha256, s.mode, s.ended, s.ended_at) == ("", "training", False, None)
    assert s.impact() == Impact(0, 7, 0, 0)  # compromised and up: at risk
    refused = s.take("b", by="ana", note="n1")
    s.take("cut", by="ana", note="n", message="m")
    s.advance(2)
    assert s.refusal_reason("c") == "needs db, svc, which is down"
    assert s.impact() == Impact(17, 0, 0, 14)  # down now; 7 at risk for 2 minutes
    assert refused == DecisionRecord(0, "b", False, "first needs done: a, cut", None, "ana", "n1")
    assert [(e.t, e.kind, e.data) for e in s.feed] == [
        (0, "start", {"scenario": "t", "sha256": "", "team": "", "mode": "training",
                      "duration": 100}),
        (0, "inject", {"inject": "hack", "title": "hack",
                       "effects": [{"node": "svc", "status": "compromised"}],
                       "changes": [["svc", "up", "compromised"]], "changed": 1}),
        (0, "refusal", {"action": "b", "reason": "first needs done: a, cut", "by": "ana",
                        "note": "n1"}),
        (0, "decision", {"action": "cut", "label": "cut", "phase": "fix", "done_at": 2,
                         "by": "ana", "note": "n", "message": "m"}),
        (1, "inject-skipped", {"inject": "skip", "title": "skip",
                               "reason": "its condition did not hold"}),
        (2, "action-done", {"action": "cut", "label": "cut", "reveals": "the feed was cut",
                            "effects": [{"node": "power", "status": "down"}],
                            "changes": [["power", "up", "down"], ["db", "up", "down"],
                                        ["svc", "compromised", "down"]],
                            "changed": 3, "latched": ["db"]}),
    ]  # fmt: skip


def test_an_early_end_without_later_decisions_is_the_facilitators() -> None:
    sc = make_scenario(nodes=[{"id": "a"}], actions=[{"id": "x"}])
    s = simulate(sc, [Decision(10, "x")], end_at=20)
    assert (s.end_reason, s.ended_at, s.now) == ("facilitator", 20, 100)


def test_ending_by_hand_is_the_facilitators() -> None:
    s = Session(make_scenario(nodes=[{"id": "a"}], actions=[{"id": "x"}]))
    s.advance(5)
    s.end()
    assert (s.end_reason, s.ended_at, s.now) == ("facilitator", 5, 100)
