"""Who took part in a drill, as its journal names them: the team, observers, facilitators and,
in a drill room, every seat that joined with its role."""

from __future__ import annotations

from collections import Counter

from tabletop.engine.events import Event, Join
from tabletop.reports.acts import Act
from tabletop.reports.model import Participant


def participants(
    acts: list[Act],
    notes: list[tuple[str | None, float]],
    facilitator: list[str | None],
    seats: list[tuple[int, str, str]] | None = None,
) -> list[Participant]:
    """Everyone the journal names: who decided (team), who noted (observer), who facilitated,
    and in a drill room every seat that joined (`seats`: number, name, role), with its role.

    In a drill room the journal's `by` reads "NAME (role)": it is the seat NAME, listed once."""
    seat_by = {f"{name} ({role})": name for _, name, role in seats or []}

    def who(by: str) -> str:
        return seat_by.get(by, by)

    decisions = Counter(who(a.by) for a in acts if a.by)
    phases: dict[str, list[str]] = {}
    for a in acts:
        if a.by and a.accepted:
            by = who(a.by)
            phases.setdefault(by, [])
            if a.phase and a.phase not in phases[by]:
                phases[by].append(a.phase)
    noted = Counter(who(by) for by, _ in notes if by)
    facilitators = {who(f) for f in facilitator if f}
    seat_of: dict[str, tuple[int, str]] = {}
    for number, name, role in seats or []:
        seat_of.setdefault(name, (number, role))
    names = sorted(
        {*decisions, *noted, *facilitators, *seat_of},
        key=lambda n: (-decisions.get(n, 0), n.casefold()),
    )
    out = []
    for n in names:
        role = "team" if n in decisions else ("facilitator" if n in facilitators else "observer")
        seat = seat_of.get(n)
        if seat is not None:
            role = seat[1]
        out.append(
            Participant(
                n,
                role,
                decisions.get(n, 0),
                noted.get(n, 0),
                phases.get(n, []),
                seat[0] if seat else None,
            )
        )
    return out


def room_seats(feed: list[Event]) -> list[tuple[int, str, str]]:
    """The drill room's seats, from its facilitator `join` events (empty in single-seat play)."""
    out = []
    for e in feed:
        if isinstance(p := e.payload, Join):
            out.append((p.seat, p.name, p.role))
    return out
