"""A drill room's journal names a seat as "NAME (role)": the report lists that person once."""

from __future__ import annotations

from tabletop.reports.acts import Act
from tabletop.reports.participants import participants


def test_a_seat_that_decided_is_listed_once_with_its_role_and_decisions() -> None:
    acts = [
        Act(5.0, "post-status", "communicate", "Ana (commander)", True),
        Act(9.0, "call-isp", "escalate", "Ana (commander)", True),
        Act(12.0, "reset-router", "fix", "Rui (responder)", False),
    ]
    notes = [("Olga (observer)", 20.0)]
    seats = [
        (1, "Fiona", "facilitator"),
        (2, "Ana", "commander"),
        (3, "Rui", "responder"),
        (4, "Olga", "observer"),
    ]
    people = participants(acts, notes, ["Fiona (facilitator)"], seats)
    rows = {(p.name, p.role) for p in people}
    assert rows == {
        ("Ana", "commander"),
        ("Rui", "responder"),
        ("Olga", "observer"),
        ("Fiona", "facilitator"),
    }
    ana = next(p for p in people if p.name == "Ana")
    assert ana.decisions == 2
