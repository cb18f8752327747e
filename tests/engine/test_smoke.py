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
