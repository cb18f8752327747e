"""What the drill screen reads from a Session: actions, nodes, running actions, next due,
impact. Worked by hand on a five-node scenario; each view compared whole."""

from __future__ import annotations

from tabletop.engine.events import ActionView, Impact, NodeView, RunningAction
from tabletop.engine.session import Session
from tabletop.engine.synthetic import scenario_from_parts as make_scenario
from tabletop.scenario.models import Scenario


def _scenario() -> Scenario:
    # The power cut at 0 takes db down (generator on standby), so web (100 users) is down;
    # start-gen (after assess) brings the generator up, and with it db and web.
    return make_scenario(
        nodes=[
            {"id": "power"},
            {"id": "gen", "standby": True},
            {"id": "db", "depends_on": [{"any_of": ["power", "gen"]}], "sensitive": True},
            {"id": "cdn", "third_party": True},
            {"id": "web", "users": 100, "depends_on": ["db", {"soft": "cdn"}]},
        ],
        actions=[
            {"id": "assess", "minutes": 10},
            {
                "id": "start-gen",
                "minutes": 5,
                "requires": ["assess"],
                "effects": [{"node": "gen", "status": "up"}],
            },
            {"id": "call", "minutes": 20},
            {"id": "restart-web", "needs": ["db"]},
        ],
        injects=[
            {"id": "cut", "at": 0, "effects": [{"node": "power", "status": "down"}]},
            {"id": "late", "at": 50},
        ],
    )


def test_actions_say_which_can_be_taken_and_why_not() -> None:
    s = Session(_scenario())
    assert s.actions() == [
        ActionView("assess", "assess", "fix", 10, "available", None, False, 0),
        ActionView(
            "start-gen", "start-gen", "fix", 5, "blocked", "first needs done: assess", False, 0
        ),
        ActionView("call", "call", "fix", 20, "available", None, False, 0),
        ActionView(
            "restart-web", "restart-web", "fix", 0, "blocked", "needs db, which is down", False, 0
        ),
    ]
    s.take("assess")
    s.advance(3)
    running = s.actions()[0]
    assert (running.state, running.done, running.taken) == ("running", False, 1)
    assert (running.reason or "").startswith("already running until T+")
    s.advance(60)
    assert [(a.id, a.state, a.done, a.taken) for a in s.actions()] == [
        ("assess", "available", True, 1),
        ("start-gen", "available", False, 0),
        ("call", "available", False, 0),
        ("restart-web", "blocked", False, 0),
    ]


def test_node_views_give_own_and_effective_status_why_and_the_graph() -> None:
    s = Session(_scenario())
    assert s.node_view("web") == NodeView(
        "web", "web", "service", "up", "down", "depends on db, which is down",
        100, False, False, ("db", "cdn"), (),
    )  # fmt: skip
    assert s.node_view("db") == NodeView(
        "db", "db", "service", "up", "down", "every one of power, gen is down",
        0, False, True, ("power", "gen"), ("web",),
    )  # fmt: skip
    assert s.node_view("gen") == NodeView(
        "gen", "gen", "service", "standby", "down", "on standby: not started",
        0, False, False, (), ("db",),
    )  # fmt: skip
    assert s.node_view("cdn").third_party
    assert [(n.id, n.effective) for n in s.nodes()] == [
        ("power", "down"),
        ("gen", "down"),
        ("db", "down"),
        ("cdn", "up"),
        ("web", "down"),
    ]


def test_running_actions_and_the_next_due_time() -> None:
    s = Session(_scenario())
    assert (s.running, s.next_due()) == ({}, 50)  # only the inject at 50
    s.take("assess")
    s.advance(3)
    assert (s.running, s.next_due()) == ({"assess": RunningAction("assess", 0, 10)}, 10)
    s.advance(10)
    s.take("call")  # 10-30, taken first
    s.take("start-gen")  # 10-15, finishes first
    s.advance(12)
    assert list(s.running.values()) == [
        RunningAction("call", 10, 30),
        RunningAction("start-gen", 10, 15),
    ]
    assert s.next_due() == 15
    s.advance(60)
    assert (s.running, s.next_due()) == ({}, None)


def test_impact_now_and_customer_minutes_so_far() -> None:
    s = Session(_scenario())
    s.take("assess")
    s.advance(3)
    assert s.impact() == Impact(100, 0, 300, 0)  # 100 users down for 3 minutes
    s.advance(10)
    s.take("start-gen")
    s.advance(15)
    # down from 0 to 15 (the generator is up at 15): 1500 customer-minutes, none since.
    assert s.impact() == Impact(0, 0, 1500, 0)
    s.advance(40)
    assert s.impact() == Impact(0, 0, 1500, 0)
