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


def test_simulate_until_ignores_decisions_after_the_stop() -> None:
    # the generator decision at 60 comes after the stop at 30: it must not be taken
    s = simulate(SCENARIO, [Decision(20, "start-gen"), Decision(60, "start-gen")], until=30)
    assert s.now == 30
    assert s.end_reason == "facilitator"
    assert [d.t for d in s.decisions] == [20]
    # web down from 5 until the generator lands at 30: 25 min x 10 users
    assert s.customer_minutes == 250


def test_a_decision_at_the_very_end_is_refused_not_dropped() -> None:
    s = simulate(SCENARIO, [Decision(100, "start-gen")])
    assert [(d.t, d.accepted, d.reason) for d in s.decisions] == [
        (100, False, "the drill has ended")
    ]
    assert [e.kind for e in s.feed][-2:] == ["end", "refusal"]
