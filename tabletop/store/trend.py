"""How scores move over time, per team and per component (`tabletop history --trend`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tabletop.store.records import SessionRow

_BLOCKS = "▁▂▃▄▅▆▇█"

#: (key, title, scale): components are 0-1 and shown as percentages like the total.
TREND_MEASURES: tuple[tuple[str, str, float], ...] = (
    ("total", "total", 1.0),
    ("order", "order", 100.0),
    ("coverage", "coverage", 100.0),
    ("timeliness", "timeliness", 100.0),
    ("outcome", "outcome", 100.0),
    # Points taken off (avoid actions, disclosure, critical tasks): printed negative.
    ("penalties", "penalties", 1.0),
)


@dataclass(frozen=True)
class Trend:
    """One measure of one team over its drills, oldest first (0-100 scale)."""

    team: str
    measure: str
    values: list[float]
    first_at: str
    last_at: str

    @property
    def change(self) -> float:
        """Last minus first."""
        return self.values[-1] - self.values[0] if self.values else 0.0

    @property
    def sparkline(self) -> str:
        """The values as block characters on a fixed 0-100 scale (comparable across rows)."""
        return "".join(
            _BLOCKS[min(len(_BLOCKS) - 1, int(v / 100 * len(_BLOCKS)))] for v in self.values
        )


def trends(rows: Iterable[SessionRow]) -> list[Trend]:
    """Per team (sorted) and per measure, the values in the order the drills ended."""
    by_team: dict[str, list[SessionRow]] = {}
    for r in sorted(rows, key=lambda r: (r.ended_at, r.id)):
        by_team.setdefault(r.team, []).append(r)
    out: list[Trend] = []
    for team in sorted(by_team):
        drills = by_team[team]
        for key, title, scale in TREND_MEASURES:
            values = [max(0.0, min(100.0, float(getattr(r, key)) * scale)) for r in drills]
            out.append(Trend(team, title, values, drills[0].ended_at, drills[-1].ended_at))
    return out
