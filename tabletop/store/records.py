"""What a stored drill reads back as: a row of the history's list, or a drill rebuilt whole."""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scoring.model import Score


@dataclass(frozen=True)
class SessionRow:
    """One stored drill, as `history` lists it and `export` writes it."""

    id: int
    scenario_id: str
    scenario_sha256: str
    title: str
    team: str
    mode: str
    started_at: str
    ended_at: str
    duration: float
    end_reason: str | None
    total: float
    grade: str
    order: float
    coverage: float
    timeliness: float
    outcome: float
    penalties: float
    customer_minutes: float
    baseline_customer_minutes: float
    reference_customer_minutes: float
    at_risk_minutes: float
    decisions_taken: int
    decisions_refused: int


@dataclass(frozen=True)
class StoredSession:
    """A stored drill rebuilt for a report: scenario, replayed session, score, when."""

    id: int
    loaded: LoadedScenario
    session: Session
    score: Score
    ended_at: str


#: The `sessions` columns of a `SessionRow`, in its fields' order.
ROW_COLUMNS = (
    "id, scenario_id, scenario_sha256, title, team, mode, started_at, ended_at, duration, "
    "end_reason, total, grade, order_score, coverage_score, timeliness_score, outcome_score, "
    "penalties, customer_minutes, baseline_customer_minutes, reference_customer_minutes, "
    "at_risk_minutes, decisions_taken, decisions_refused"
)

#: Score component → its column in `sessions`.
COMPONENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("order", "order_score"),
    ("coverage", "coverage_score"),
    ("timeliness", "timeliness_score"),
    ("outcome", "outcome_score"),
)
