"""The clock and event rules of the engine (docs/scenario-format.md), one focused test each."""

from __future__ import annotations

import pytest

from tabletop.engine.events import Decision, Event
from tabletop.engine.session import Session, simulate
from tabletop.engine.synthetic import scenario_from_parts as make_scenario


def kinds_at(session: Session, t: float) -> list[tuple[str, str]]:
    """(kind, inject-or-action id) of the events at minute t, in order."""
    return [
        (e.kind, str(e.data.get("inject") or e.data.get("action")))
        for e in session.feed
        if e.t == t and e.kind != "start"
    ]


def test_tie_order_injects_in_file_order_then_finishing_actions_then_new_decisions() -> None:
    sc = make_scenario(
        nodes=[{"id": "a", "users": 10}],
        actions=[
            {"id": "slow", "minutes": 10, "effects": [{"node": "a", "status": "up"}]},
            {"id": "quick", "minutes": 5},
            {"id": "now"},
        ],
        injects=[
            # listed first, though its id sorts last: file order is what counts
            {"id": "z-first", "at": 10, "effects": [{"node": "a", "status": "down"}]},
            {"id": "a-second", "at": 10},
        ],
    )
    s = Session(sc)
    s.take("slow")  # taken first, finishes at 10
    s.advance(5)
    s.take("quick")  # taken second, finishes at 10 too
    s.advance(10)
    s.take("now")
    assert kinds_at(s, 10) == [
        ("inject", "z-first"),
        ("inject", "a-second"),
        ("action-done", "slow"),
        ("action-done", "quick"),
        ("decision", "now"),
        ("action-done", "now"),
    ]
    # The inject's "down" landed first, the finishing action's "up" after it.
    assert s.status.effective["a"] == "up"


def test_after_inject_comes_due_once_from_the_first_done() -> None:
    sc = make_scenario(
        nodes=[{"id": "a"}],
        actions=[{"id": "call", "minutes": 5}],
        injects=[
            {"id": "eta", "after": {"action": "call", "minutes": 10}},
            {"id": "ack", "after": {"action": "call"}},  # 0 minutes: same instant, after it
        ],
    )
    s = Session(sc)
    s.take("call")
    assert s.next_inject() is None  # nothing due before the action is done
    s.advance(5)
    assert kinds_at(s, 5) == [("action-done", "call"), ("inject", "ack")]
    assert s.next_inject() == (15, "eta")
    s.advance(12)
    s.take("call")  # taken again: done at 17, must not schedule the injects again
    s.advance(100)
    fired = [e.data["inject"] for e in s.feed if e.kind == "inject"]
    assert fired == ["ack", "eta"]
    assert [e.t for e in s.feed if e.kind == "inject"] == [5, 15]


@pytest.mark.parametrize(
    ("when", "fires"),
    [
        ({"done": ["x"]}, True),
        ({"done": ["x", "y"]}, False),
        ({"not_done": ["y"]}, True),
        ({"not_done": ["x"]}, False),
        ({"down": ["a"]}, True),
        ({"down": ["a", "b"]}, False),
        ({"up": ["b"]}, True),
        ({"up": ["a"]}, False),
        ({"done": ["x"], "down": ["a"], "up": ["b"], "not_done": ["y"]}, True),
        ({"done": ["x"], "down": ["b"]}, False),
    ],
)
def test_when_conditions_are_checked_when_the_inject_comes_due(
    when: dict[str, list[str]], fires: bool
) -> None:
    sc = make_scenario(
        nodes=[{"id": "a"}, {"id": "b"}, {"id": "c", "depends_on": ["a"]}],
        actions=[{"id": "x"}, {"id": "y"}],
        injects=[
            {"id": "cut", "at": 1, "effects": [{"node": "a", "status": "down"}]},
            {"id": "cond", "at": 2, "when": when, "effects": [{"node": "b", "status": "down"}]},
        ],
    )
    s = Session(sc)
    s.take("x")
    s.advance(3)
    [event] = [e for e in s.feed if e.data.get("inject") == "cond"]
    if fires:
        assert event.kind == "inject"
        assert s.status.effective["b"] == "down"
    else:
        # A skipped inject is journalled, with why, and changes nothing.
        assert event.kind == "inject-skipped"
        assert event.data["reason"]
        assert s.status.effective["b"] == "up"
    assert s.pending_injects() == []


def test_when_down_looks_at_effective_status() -> None:
    sc = make_scenario(
        nodes=[{"id": "a"}, {"id": "c", "depends_on": ["a"]}],
        actions=[{"id": "x"}],
        injects=[
            {"id": "cut", "at": 1, "effects": [{"node": "a", "status": "down"}]},
            {"id": "cond", "at": 2, "when": {"down": ["c"]}},  # c is down through a
        ],
    )
    s = simulate(sc, [])
    assert [e.kind for e in s.feed if e.data.get("inject") == "cond"] == ["inject"]


REFUSAL_SCENARIO = make_scenario(
    nodes=[{"id": "power"}, {"id": "gen", "standby": True}],
    actions=[
        {"id": "assess", "minutes": 10},
        {"id": "fix", "requires": ["assess"], "effects": [{"node": "power", "status": "up"}]},
        {"id": "load", "needs": ["gen"]},
    ],
)


@pytest.mark.parametrize(
    ("setup", "action", "reason"),
    [
        ([], "reboot-the-world", "unknown action 'reboot-the-world'"),
        ([], "fix", "first needs done: assess"),
        (["assess"], "fix", "first needs done: assess"),  # started is not done
        ([], "load", "needs gen, which is down"),
        (["assess"], "assess", "already running until T+10:00"),
    ],
)
def test_refusals_carry_a_reason_are_journalled_and_change_nothing(
    setup: list[str], action: str, reason: str
) -> None:
    s = Session(REFUSAL_SCENARIO)
    for a in setup:
        assert s.take(a).accepted
    before = (dict(s.status.own), dict(s.running), s.next_due(), s.impact())
    rec = s.take(action, by="ana", note="n")
    assert not rec.accepted
    assert rec.reason == reason
    assert rec.done_at is None
    last = s.feed[-1]
    assert (last.kind, last.data["action"], last.data["reason"]) == ("refusal", action, reason)
    assert last.data["by"] == "ana"
    assert (dict(s.status.own), dict(s.running), s.next_due(), s.impact()) == before
    assert s.times_taken.get(action, 0) == setup.count(action)
    assert s.decisions[-1] == rec


def test_requires_done_lets_the_action_through() -> None:
    s = Session(REFUSAL_SCENARIO)
    s.take("assess")
    s.advance(10)
    assert s.take("fix").accepted


def test_refused_after_the_end() -> None:
    s = Session(REFUSAL_SCENARIO)
    s.end()
    rec = s.take("assess")
    assert (rec.accepted, rec.reason) == (False, "the drill has ended")
    assert s.feed[-1].kind == "refusal"


def test_the_drill_ends_at_its_duration() -> None:
    sc = make_scenario(
        nodes=[{"id": "a", "users": 3}],
        actions=[{"id": "long", "minutes": 500}],
        injects=[
            {"id": "cut", "at": 40, "effects": [{"node": "a", "status": "down"}]},
            {"id": "late", "at": 150},
        ],
    )
    s = Session(sc)
    s.take("long")
    s.advance(1000)  # clamped to the duration
    assert s.ended and s.end_reason == "duration" and s.now == 100
    end = s.feed[-1]
    assert (end.kind, end.t, end.data["reason"]) == ("end", 100, "duration")
    assert end.data["customer_minutes"] == 3 * 60
    assert "long" not in s.done  # finishes after the end: never done
    assert "late" in s.pending_injects()
    count = len(s.feed)
    s.advance(2000)
    s.end("facilitator")
    assert len(s.feed) == count  # nothing after the end


def test_the_clock_never_goes_back() -> None:
    s = Session(REFUSAL_SCENARIO)
    s.advance(20)
    with pytest.raises(ValueError, match="never goes back"):
        s.advance(10)


def test_a_zero_minute_action_lands_at_once() -> None:
    sc = make_scenario(
        nodes=[{"id": "a", "users": 5}],
        actions=[{"id": "isolate", "effects": [{"node": "a", "status": "down"}]}],
    )
    s = Session(sc)
    s.advance(7)
    rec = s.take("isolate")
    assert rec.done_at == 7
    assert s.done["isolate"] == 7 and not s.running
    assert s.status.effective["a"] == "down"
    assert s.impact().affected_now == 5
    assert kinds_at(s, 7) == [("decision", "isolate"), ("action-done", "isolate")]


def test_a_done_action_can_be_taken_again() -> None:
    sc = make_scenario(
        nodes=[{"id": "a", "users": 1}],
        actions=[{"id": "restart", "minutes": 5, "effects": [{"node": "a", "status": "up"}]}],
        injects=[
            {"id": "crash", "at": 0, "effects": [{"node": "a", "status": "down"}]},
            {"id": "crash-again", "at": 20, "effects": [{"node": "a", "status": "down"}]},
        ],
    )
    s = simulate(sc, [Decision(0, "restart"), Decision(30, "restart")])
    assert s.times_taken["restart"] == 2
    assert s.started["restart"] == 0 and s.done["restart"] == 5  # first times stay
    assert [r.accepted for r in s.decisions] == [True, True]
    # down 0-5 and 20-35
    assert s.customer_minutes == 5 + 15


def test_facilitator_fires_an_inject_now_and_it_does_not_fire_again() -> None:
    sc = make_scenario(
        nodes=[{"id": "a", "users": 2}],
        actions=[{"id": "x"}],
        injects=[
            {
                "id": "storm",
                "at": 50,
                "when": {"done": ["x"]},  # ignored when the facilitator fires it
                "effects": [{"node": "a", "status": "down"}],
            }
        ],
    )
    s = Session(sc)
    s.advance(10)
    assert s.fire_inject("storm")
    assert s.feed[-2].kind == "facilitator"
    assert s.feed[-2].data == {"command": "fire-inject", "inject": "storm"}
    assert (s.feed[-1].kind, s.feed[-1].t) == ("inject", 10)
    assert not s.fire_inject("storm") and not s.fire_inject("no-such-inject")
    s.advance(100)
    assert [e.kind for e in s.feed if e.data.get("inject") == "storm"] == ["facilitator", "inject"]
    assert s.customer_minutes == 2 * 90


def test_facilitator_ends_the_drill_early() -> None:
    s = Session(REFUSAL_SCENARIO)
    s.advance(30)
    s.facilitator("pause")
    s.end("facilitator")
    duration = REFUSAL_SCENARIO.duration
    # The team stops deciding; the clock runs on to the duration (nothing else is due here).
    assert s.ended and (s.ended_at, s.now) == (30, duration)
    assert [e.kind for e in s.feed[-2:]] == ["facilitator", "end"]
    assert s.feed[-1].t == 30
    assert s.feed[-1].data["reason"] == "facilitator"
    assert s.feed[-1].data["scored_to"] == duration
    assert s.take("assess").reason == "the drill has ended"


def test_impact_integrals_worked_by_hand() -> None:
    sc = make_scenario(
        nodes=[
            {"id": "db", "users": 100},
            {"id": "web", "users": 40, "depends_on": [{"soft": "db"}]},
            {"id": "admin", "users": 10},
        ],
        actions=[
            {"id": "restore-db", "minutes": 10, "effects": [{"node": "db", "status": "up"}]},
            {"id": "isolate-admin", "effects": [{"node": "admin", "status": "down"}]},
        ],
        injects=[
            {"id": "db-fails", "at": 10, "effects": [{"node": "db", "status": "down"}]},
            {"id": "breach", "at": 40, "effects": [{"node": "admin", "status": "compromised"}]},
        ],
        degraded_weight=0.25,
        duration=60,
    )
    s = simulate(sc, [Decision(20, "restore-db"), Decision(50, "isolate-admin")])
    # 10-30: db down (100) + web degraded (0.25 x 40 = 10) = 110 users for 20 minutes
    # 50-60: admin isolated, down: 10 users for 10 minutes
    assert s.customer_minutes == 110 * 20 + 10 * 10
    # 40-50: admin compromised and serving: 10 users at risk for 10 minutes
    assert s.at_risk_minutes == 10 * 10
    assert [(p.t, p.affected, p.at_risk) for p in s.impact_series] == [
        (0, 0, 0),
        (10, 110, 0),
        (30, 0, 0),
        (40, 0, 10),
        (50, 10, 0),
    ]
    end: Event = s.feed[-1]
    assert end.data["customer_minutes"] == 2300 and end.data["at_risk_minutes"] == 100


def test_node_view_says_why_and_lists_dependents() -> None:
    sc = make_scenario(
        nodes=[
            {"id": "utility"},
            {"id": "gen", "standby": True},
            {"id": "web", "users": 5, "depends_on": [{"any_of": ["utility", "gen"]}]},
            {"id": "api", "depends_on": ["web", {"soft": "utility"}]},
        ],
        actions=[{"id": "x"}],
        injects=[{"id": "cut", "at": 0, "effects": [{"node": "utility", "status": "down"}]}],
    )
    s = Session(sc)
    assert s.node_view("gen").why == "on standby: not started"
    assert s.node_view("utility").why == "down itself"
    assert s.node_view("web").why == "every one of utility, gen is down"
    assert s.node_view("api").why == "depends on web, which is down"
    assert s.node_view("utility").dependents == ("web", "api")
    assert s.node_view("api").depends_on == ("web", "utility")
