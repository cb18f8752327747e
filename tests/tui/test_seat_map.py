"""A drill-room seat's map and node detail, from the welcome's `nodes_list` (with each node's
dependencies) and the statuses of the hub's frames: what a node needs, what depends on it, and
why it is down, as the single-seat drill screen says it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.session import Session
from tabletop.hub.client import RoomState
from tabletop.hub.frames import map_state, node_entries
from tabletop.scenario.loader import load_scenario
from tabletop.tui.seat.view import map_layers, node_view, node_why
from tabletop.tui.view import display_status
from tests.engine.test_session_props import drive, scenarios, steps

ROOT = Path(__file__).resolve().parents[2]


def _room(session: Session) -> RoomState:
    """A seat's state after the hub's welcome for this session."""
    state = RoomState()
    state.apply(
        {
            "type": "welcome",
            "seat": 1,
            "role": "observer",
            "nodes_list": node_entries(session.scenario),
            **map_state(session),
        }
    )
    return state


def test_the_welcome_writes_dependencies_as_the_scenario_file_does() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "office-isp-loss.yaml").scenario
    entries = {e["id"]: e for e in node_entries(scenario)}
    assert entries["wan"] == {
        "id": "wan",
        "label": "Site internet access",
        "layer": 2,  # sources → site-firewall, 4G router (layer 1) → wan
        "kind": "network",
        "users": 0,
        "third_party": False,
        "depends_on": [
            "site-firewall",
            {"any_of": ["isp-fibre", "backup-lte"]},
            {"soft": "wan-capacity"},
        ],
    }
    assert entries["isp-fibre"]["depends_on"] == [] and entries["isp-fibre"]["third_party"]
    assert entries["contact-centre"]["users"] == 2500


def test_office_isp_loss_at_the_cut_worked_by_hand() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "office-isp-loss.yaml").scenario
    session = Session(scenario)
    session.advance(1)  # the fibre cut (T+0:00) has fired
    state = _room(session)
    # Site internet access: hard site-firewall, soft wan-capacity, any_of [fibre, 4G]. The
    # fibre is cut and the 4G router is on standby: every one of the group is down.
    wan = node_view(state, "wan")
    assert wan.depends_on == ("site-firewall", "wan-capacity", "isp-fibre", "backup-lte")
    assert set(wan.dependents) == {
        "agents-on-site",
        "scanners",
        "card-terminals",
        "alarm-link",
        "staff-email",
    }
    assert display_status(wan.own, wan.effective) == "down"
    assert wan.why == "every one of isp-fibre, backup-lte is down"
    assert node_why(state, "isp-fibre") == "down itself"
    assert node_why(state, "backup-lte") == "on standby: not started"
    assert node_why(state, "trade-counter") == "depends on card-terminals, which is down"
    assert node_why(state, "site-lan") is None
    # The seat's layers are the drill screen's: sources first.
    layers = map_layers(state)
    assert ("isp-fibre", "Primary ISP fibre circuit") in layers[0]
    assert ("wan", "Site internet access") in layers[2]


def _agrees(seat: str | None, engine: str | None) -> bool:
    """The seat words why as the drill screen does; where a node is down (or degraded)
    itself and a dependency is too, the seat names the dependency (both are true)."""
    if engine in ("down itself", "degraded itself") and seat is not None:
        return seat == engine or seat.startswith(("depends on ", "every one of "))
    return seat == engine


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_seat_node_detail_agrees_with_the_session(data: st.DataObject) -> None:
    sc = data.draw(scenarios())
    session = Session(sc)
    drive(session, data.draw(steps(sc)), check=False)
    state = _room(session)
    assert [i for layer in map_layers(state) for i, _ in layer] == list(state.map_nodes)
    assert set(state.map_nodes) == {n.id for n in sc.nodes}
    for node in sc.nodes:
        seat, engine = node_view(state, node.id), session.node_view(node.id)
        assert seat.depends_on == engine.depends_on
        assert sorted(seat.dependents) == sorted(engine.dependents)
        assert display_status(seat.own, seat.effective) == display_status(
            engine.own, engine.effective
        )
        assert _agrees(seat.why, engine.why), (node.id, seat.why, engine.why)


def test_a_dependency_of_a_later_hub_is_left_out() -> None:
    state = RoomState()
    entry: dict[str, Any] = {
        "id": "a",
        "label": "A",
        "depends_on": ["b", {"soft": "c"}, {"any_of": ["d", 5]}, {"weird": "e"}, 7],
    }
    state.apply({"type": "welcome", "seat": 1, "role": "observer", "nodes_list": [entry]})
    node = state.map_nodes["a"]
    assert (node.hard, node.soft, node.any_of) == (("b",), ("c",), (("d",),))
    assert state.dependents["b"] == ["a"] and state.dependents["d"] == ["a"]
