from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario

SCENARIO = Scenario.model_validate(
    {
        "format": "tabletop/v1",
        "id": "tiny",
        "title": "Tiny",
        "kind": "power",
        "summary": "s",
        "duration": 100,
        "nodes": [
            {"id": "power", "label": "Power"},
            {"id": "gen", "label": "Generator", "standby": True},
            {
                "id": "web",
                "label": "Web",
                "users": 10,
                "depends_on": [{"any_of": ["power", "gen"]}],
            },
        ],
        "actions": [
            {
                "id": "start-gen",
                "label": "Start",
                "phase": "fix",
                "minutes": 10,
                "effects": [{"node": "gen", "status": "up"}],
            },
        ],
        "injects": [
            {
                "id": "drop",
                "at": 5,
                "title": "Drop",
                "effects": [{"node": "power", "status": "down"}],
            }
        ],
        "playbook": [{"id": "fix", "phase": "fix", "title": "Fix", "any_of": ["start-gen"]}],
    }
)


def test_generator_restores_web_and_impact_is_integrated() -> None:
    s = simulate(SCENARIO, [Decision(20, "start-gen")])
    # web down from 5 to 30 (generator lands at 20 + 10): 25 minutes x 10 users
    assert s.customer_minutes == 250
    assert s.status.effective["web"] == "up"
    assert s.done["start-gen"] == 30


def test_an_early_end_refuses_later_decisions_and_the_outage_runs_on() -> None:
    # Ended at 30: the generator decision at 60 is refused, the one at 20 lands at 30.
    s = simulate(SCENARIO, [Decision(20, "start-gen"), Decision(60, "start-gen")], end_at=30)
    assert (s.ended_at, s.now, s.end_reason) == (30, 100, "facilitator")
    assert [(d.accepted, d.reason) for d in s.decisions] == [
        (True, None),
        (False, "the drill has ended"),
    ]
    # web down from 5 until the generator lands at 30: 25 min x 10 users
    assert s.customer_minutes == 250
    end = next(e for e in s.feed if e.kind == "end")
    assert (end.t, end.data["reason"], end.data["scored_to"]) == (30, "facilitator", 100)


def test_an_early_end_before_an_action_lands_still_lets_it_land() -> None:
    # Taken at 20 (done at 30), ended at 25: the generator still comes up at 30.
    s = simulate(SCENARIO, [Decision(20, "start-gen")], end_at=25)
    assert s.done == {"start-gen": 30}
    assert s.customer_minutes == 250
    # Without the end, the same decisions give the same drill.
    assert simulate(SCENARIO, [Decision(20, "start-gen")]).customer_minutes == 250


def test_a_decision_at_the_very_end_is_refused_not_dropped() -> None:
    s = simulate(SCENARIO, [Decision(100, "start-gen")])
    assert [(d.t, d.accepted, d.reason) for d in s.decisions] == [
        (100, False, "the drill has ended")
    ]
    assert [e.kind for e in s.feed][-2:] == ["end", "refusal"]
