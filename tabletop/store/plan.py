"""The improvement plan in the history: items carried from drill to drill, evaluator ratings.

A drill's areas for improvement become items when it is stored, one per team, scenario and
subject (a playbook step, an avoid action, disclosure, the outcome), so the same weakness
found again does not make a second item. A later drill of the same team and scenario that
performs the step well (done by its target, or the avoid action not taken) marks the item
re-tested with a link to itself.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tabletop.engine.journal import iso_utc
from tabletop.engine.session import Session
from tabletop.reports.acts import acts_of
from tabletop.reports.improvement_areas import all_areas
from tabletop.reports.improvement_plan import STATUSES, plan_rows
from tabletop.reports.model import RATINGS, StoredItem
from tabletop.scenario.models import Scenario
from tabletop.scoring.model import Score
from tabletop.store.db import DEFAULT_WAIT, connect, filter_sql, read_rows, write

#: Columns of `tabletop plan list --json` and `export --plan-csv`, in order.
ITEM_KEYS: tuple[str, ...] = (
    "id",
    "team",
    "session",
    "issue",
    "corrective_action",
    "capability",
    "element",
    "owner",
    "start",
    "due",
    "status",
    "retested_by",
)


@dataclass(frozen=True)
class Item:
    """One improvement item as `plan list` shows it."""

    id: int
    team: str
    session: int
    issue: str
    corrective_action: str
    capability: str
    element: str
    owner: str
    start: str | None
    due: str | None
    status: str
    retested_by: int | None
    scenario_id: str = ""
    subject: str = ""

    def to_json(self) -> dict[str, Any]:
        """The keys of `plan list --json`."""
        return {k: getattr(self, k) for k in ITEM_KEYS}


_ITEM_COLUMNS = (
    "id, team, session_id, issue, corrective_action, capability, element, owner, start, due, "
    "status, retested_by, scenario_id, subject"
)


def _performed_well(subject: str, scenario: Scenario, score: Score, session: Session) -> bool:
    """Whether a drill did well what an item (absent from its areas) is about."""
    if subject.startswith("step:"):
        step = subject[5:]
        e = next((e for e in score.timeline if e.step == step), None)
        return e is not None and e.team_done is not None and (e.by is None or e.team_done <= e.by)
    if subject.startswith("action:"):
        action = subject[7:]
        return not any(d.accepted and d.action == action for d in session.decisions)
    # disclosure, outcome: no finding about them this time.
    return True


def record_items(
    conn: sqlite3.Connection,
    session_id: int,
    scenario: Scenario,
    session: Session,
    score: Score,
    team: str,
    ended_at: str,
) -> None:
    """Create or refresh the items of a drill's areas and mark re-tested what it did well.

    Runs inside the caller's write transaction (the drill and its items commit together).
    """
    labels = {a.id: a.label for a in scenario.actions}
    acts = acts_of(session)
    areas = all_areas(scenario, score.findings, score.timeline, acts, labels, score.counterfactuals)
    rows = plan_rows(areas, acts, scenario, ended_at)
    subjects = {r.subject for r in rows}
    for r in rows:
        found = conn.execute(
            "SELECT id, status FROM improvement_items WHERE team = ? AND scenario_id = ? "
            "AND subject = ?",
            (team, scenario.id, r.subject),
        ).fetchone()
        if found is None:
            conn.execute(
                "INSERT INTO improvement_items (team, scenario_id, subject, session_id, "
                "last_session_id, issue, corrective_action, capability, element, owner, start, "
                "due, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    team,
                    scenario.id,
                    r.subject,
                    session_id,
                    session_id,
                    r.issue,
                    r.corrective_action,
                    r.capability,
                    r.element,
                    r.owner,
                    r.start,
                    r.due,
                    "open",
                ),
            )
        elif found[1] in ("done", "re-tested"):
            # Found again after it was fixed: the item is open again, with this drill's words.
            conn.execute(
                "UPDATE improvement_items SET status = 'open', retested_by = NULL, issue = ?, "
                "last_session_id = ? WHERE id = ?",
                (r.issue, session_id, found[0]),
            )
        else:
            conn.execute(
                "UPDATE improvement_items SET issue = ?, last_session_id = ? WHERE id = ?",
                (r.issue, session_id, found[0]),
            )
    pending = conn.execute(
        "SELECT id, subject FROM improvement_items WHERE team = ? AND scenario_id = ? "
        "AND status IN ('open', 'in progress', 'done') AND session_id < ?",
        (team, scenario.id, session_id),
    ).fetchall()
    for item_id, subject in pending:
        if subject not in subjects and _performed_well(subject, scenario, score, session):
            conn.execute(
                "UPDATE improvement_items SET status = 're-tested', retested_by = ? WHERE id = ?",
                (session_id, item_id),
            )


def _item(row: tuple[Any, ...]) -> Item:
    return Item(*row)


def list_items(
    db_path: Path | str, *, team: str | None = None, status: str | None = None
) -> list[Item]:
    """Improvement items, oldest first, optionally of one team or status."""
    sql, args = filter_sql(
        f"SELECT {_ITEM_COLUMNS} FROM improvement_items",
        [("team = ?", team), ("status = ?", status)],
    )
    return [_item(r) for r in read_rows(db_path, sql + " ORDER BY id", args)]


def stored_items(db_path: Path | str, session_id: int) -> tuple[list[StoredItem], list[StoredItem]]:
    """(the items of this drill's areas, the earlier items this drill re-tested)."""
    rows = read_rows(
        db_path,
        "SELECT id, subject, issue, owner, start, due, status, session_id, retested_by, "
        "last_session_id FROM improvement_items WHERE last_session_id = ? OR retested_by = ? "
        "ORDER BY id",
        (session_id, session_id),
    )
    own = [StoredItem(*r[:9]) for r in rows if r[9] == session_id]
    retested = [StoredItem(*r[:9]) for r in rows if r[8] == session_id and r[9] != session_id]
    return own, retested


def _day(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date: use YYYY-MM-DD") from None


def normal_status(text: str) -> str:
    """A status as stored (`in-progress` and `In progress` read as `in progress`)."""
    s = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    s = "re-tested" if s in ("re tested", "retested") else s
    if s not in STATUSES:
        raise ValueError(f"status {text!r} is not one of: {', '.join(STATUSES)}")
    return s


def set_item(
    db_path: Path | str,
    item_id: int,
    *,
    owner: str | None = None,
    start: str | None = None,
    due: str | None = None,
    status: str | None = None,
    wait: float = DEFAULT_WAIT,
) -> Item:
    """Edit one item; `KeyError` when there is none, `ValueError` for a bad date or status."""
    changes: dict[str, Any] = {}
    if owner is not None:
        changes["owner"] = " ".join(owner.split())
    if start is not None:
        changes["start"] = _day(start, "start")
    if due is not None:
        changes["due"] = _day(due, "due")
    if status is not None:
        changes["status"] = normal_status(status)
    path = Path(db_path)
    try:
        conn = connect(path, create=False, wait=wait)
    except FileNotFoundError:
        raise KeyError(item_id) from None
    try:

        def update() -> tuple[Any, ...] | None:
            if changes:
                sets = ", ".join(f"{k} = ?" for k in changes)
                conn.execute(
                    f"UPDATE improvement_items SET {sets} WHERE id = ?",
                    [*changes.values(), item_id],
                )
            row = conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM improvement_items WHERE id = ?", (item_id,)
            ).fetchone()
            return tuple(row) if row else None

        row = write(path, conn, "editing the item", update, wait=wait)
    finally:
        conn.close()
    if row is None:
        raise KeyError(item_id)
    return _item(row)


def rate(
    db_path: Path | str,
    session_id: int,
    objective: str,
    rating: str,
    reason: str,
    *,
    rated_at: datetime | None = None,
    wait: float = DEFAULT_WAIT,
) -> None:
    """Store (or replace) an evaluator's rating of one objective of a stored drill."""
    rating = rating.strip().upper()
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r} is not one of P, S, M, U")
    when = iso_utc(rated_at or datetime.now(UTC))
    path = Path(db_path)
    conn = connect(path, create=False, wait=wait)
    try:

        def upsert() -> None:
            conn.execute(
                "INSERT INTO ratings (session_id, objective, rating, reason, rated_at) "
                "VALUES (?,?,?,?,?) ON CONFLICT (session_id, objective) DO UPDATE SET "
                "rating = excluded.rating, reason = excluded.reason, rated_at = excluded.rated_at",
                (session_id, objective, rating, reason, when),
            )

        write(path, conn, "storing the rating", upsert, wait=wait)
    finally:
        conn.close()


def ratings_for(db_path: Path | str, session_id: int) -> dict[str, tuple[str, str]]:
    """The evaluator's ratings of a stored drill: objective id → (rating, reason)."""
    rows = read_rows(
        db_path,
        "SELECT objective, rating, reason FROM ratings WHERE session_id = ?",
        (session_id,),
    )
    return {str(o): (str(r), str(why)) for o, r, why in rows}
