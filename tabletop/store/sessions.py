"""Reading the history back: the drills stored (listed, filtered), one rebuilt for a report,
the figures the trend needs. Saving is in `tabletop.store.saving`, CSV in `csv_export`; their
public names are importable from here too."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from tabletop.engine.events import Event
from tabletop.engine.journal import decode_event, iso_utc, replay
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scoring.model import (
    Component,
    Components,
    Counterfactual,
    Finding,
    FindingKind,
    ImpactFigures,
    Score,
    TimelineEntry,
)
from tabletop.store.csv_export import CSV_COLUMNS, CSV_HEADER, export_csv, export_plan_csv
from tabletop.store.db import StoreError, connect, filter_sql, read_rows
from tabletop.store.db import where as _shown
from tabletop.store.records import ROW_COLUMNS, SessionRow, StoredSession
from tabletop.store.saving import journal_text, save_session, score_document

__all__ = [
    "CSV_COLUMNS",
    "CSV_HEADER",
    "SessionRow",
    "StoredSession",
    "export_csv",
    "export_plan_csv",
    "find_stored",
    "iso_utc",
    "journal_text",
    "list_sessions",
    "load_session",
    "parse_since",
    "replay_events",
    "save_session",
    "score_document",
    "score_from_json",
    "stored_drills",
]


def parse_since(text: str) -> str:
    """A `--since` value (`2026-11-01`, an ISO date-time, or `7d` for 7 days ago) as ISO UTC."""
    text = text.strip()
    if text.endswith("d") and text[:-1].isdigit():
        return iso_utc(datetime.now(UTC) - timedelta(days=int(text[:-1])))
    try:
        if len(text) == 10:
            return iso_utc(datetime.combine(date.fromisoformat(text), datetime.min.time()))
        return iso_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use YYYY-MM-DD, an ISO date-time or Nd (N days ago)"
        ) from None


def find_stored(db_path: Path | str, loaded: LoadedScenario, session: Session) -> int | None:
    """The id of a stored session with exactly these events of this scenario file, if any."""
    conn = _open_for_reading(db_path)
    if conn is None:
        return None
    try:
        row = conn.execute(
            "SELECT id FROM sessions WHERE scenario_sha256 = ? AND journal = ? ORDER BY id LIMIT 1",
            (loaded.sha256 or session.sha256, journal_text(session)),
        ).fetchone()
    except (sqlite3.Error, UnicodeError) as exc:
        raise StoreError(f"{_shown(db_path)}: cannot read the history: {exc}") from None
    finally:
        conn.close()
    return int(row[0]) if row else None


def _open_for_reading(db_path: Path | str) -> sqlite3.Connection | None:
    try:
        return connect(Path(db_path), create=False)
    except FileNotFoundError:
        return None


def list_sessions(
    db_path: Path | str,
    *,
    team: str | None = None,
    scenario: str | None = None,
    since: str | None = None,
    ids: Sequence[int] | None = None,
) -> list[SessionRow]:
    """Stored drills, oldest first, filtered by team, scenario id, end time (ISO) or ids."""
    sql, args = filter_sql(
        f"SELECT {ROW_COLUMNS} FROM sessions",
        [
            ("team = ?", team),
            ("scenario_id = ?", scenario),
            ("ended_at >= ?", since),
            ("id IN ({})", None if ids is None else list(ids)),
        ],
    )
    rows = read_rows(db_path, sql + " ORDER BY ended_at, id", args)
    return [_session_row(db_path, r) for r in rows]


_ROW_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "str | None": (str, type(None)),
}


def _session_row(db_path: Path | str, values: Sequence[Any]) -> SessionRow:
    """A row as a `SessionRow`, each column of its declared type: a damaged row (a text
    total, a blob team) is one `StoreError`, not a crash in whatever prints it."""
    for f, value in zip(fields(SessionRow), values, strict=True):
        allowed = _ROW_TYPES[str(f.type)]
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise StoreError(
                f"{_shown(db_path)}: stored session #{values[0]!r:.20} is damaged ({f.name} is "
                f"{type(value).__name__}, not {f.type!s}); the file was left untouched"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise StoreError(
                f"{_shown(db_path)}: stored session #{values[0]!r:.20} is damaged ({f.name} is "
                f"{value}); the file was left untouched"
            )
    return SessionRow(*values)


def load_session(db_path: Path | str, session_id: int) -> StoredSession:
    """A stored drill rebuilt for a report. `KeyError` when there is no such session."""
    rows = read_rows(
        db_path,
        "SELECT s.scenario_sha256, s.team, s.mode, s.ended_at, s.score_json, s.journal, "
        "c.document FROM sessions s LEFT JOIN scenarios c ON c.sha256 = s.scenario_sha256 "
        "WHERE s.id = ?",
        (session_id,),
    )
    if not rows:
        raise KeyError(session_id)
    row = rows[0]
    sha, team, mode, ended_at, score_doc, journal, document = row
    if document is None:  # the session is there, the scenario it was played on is not
        raise StoreError(
            f"{_shown(db_path)}: stored session #{session_id} is damaged: its scenario "
            f"({str(sha)[:12]}…) is missing from the database; the file was left untouched"
        )
    try:
        scenario = Scenario.model_validate(json.loads(document))
        loaded = LoadedScenario(scenario, Path(f"{_shown(db_path)}#session-{session_id}"), sha)
        events = [_stored_event(line) for line in journal.splitlines() if line]
        session = replay_events(scenario, events, sha256=sha, team=team, mode=mode)
        score = score_from_json(json.loads(score_doc))
    except Exception as exc:
        # A row edited by hand or damaged on disk (a score that is a list, a nested journal):
        # say which, never a traceback. (KeyError here must not read as "no such session".)
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise StoreError(
            f"{_shown(db_path)}: stored session #{session_id} is damaged and cannot be rebuilt "
            f"({type(exc).__name__}: {reason})"
        ) from None
    return StoredSession(session_id, loaded, session, score, ended_at)


def _stored_event(line: str) -> Event:
    """One stored journal line as an event, through the decoder of journal files' lines
    (`EventError`, a `ValueError`, for a damaged one)."""
    return decode_event(line)


def replay_events(
    scenario: Scenario, events: list[Event], *, sha256: str, team: str, mode: str
) -> Session:
    """Rebuild a stored session from its journalled events, ended as it was.

    Not checked event by event against the stored journal: the stored score stays the
    record even if a later engine would play the drill differently.
    """
    if not events or events[0].kind != "start":
        start = {"scenario": scenario.id, "sha256": sha256, "team": team, "mode": mode}
        events = [Event(0, 0.0, "start", start), *events]
    session = replay(scenario, events, check=False)
    if not session.ended:
        session.end("interrupted")
    return session


def score_from_json(doc: dict[str, Any]) -> Score:
    """A `Score` back from `score_document` (every field of the dataclass, nested ones too)."""
    known = {f.name for f in fields(Score)}
    values = {k: v for k, v in doc.items() if k in known}
    values["components"] = Components(**doc["components"])
    values["impact"] = ImpactFigures(**doc["impact"])
    values["weights"] = {k: float(v) for k, v in doc.get("weights", {}).items()}
    values["findings"] = [
        Finding(
            **{
                **f,
                "kind": cast(FindingKind, f["kind"]),
                "component": cast(Component, f["component"]),
            }
        )
        for f in doc.get("findings", [])
    ]
    values["counterfactuals"] = [Counterfactual(**c) for c in doc.get("counterfactuals", [])]
    values["timeline"] = [TimelineEntry(**e) for e in doc.get("timeline", [])]
    return Score(**values)


def stored_drills(db_path: Path | str, ids: list[int]) -> list[Any]:
    """The drills `ids` as the trend needs them (scenario, score, ratings), without replaying
    their journals."""
    from tabletop.reports.trend import StoredDrill

    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = read_rows(
        db_path,
        "SELECT s.id, s.team, s.started_at, s.score_json, c.document FROM sessions s "
        f"JOIN scenarios c ON c.sha256 = s.scenario_sha256 WHERE s.id IN ({marks}) ORDER BY s.id",
        ids,
    )
    rated = read_rows(
        db_path,
        f"SELECT session_id, objective, rating, reason FROM ratings WHERE session_id IN ({marks})",
        ids,
    )
    ratings: dict[int, dict[str, tuple[str, str]]] = {}
    for sid, objective, rating, reason in rated:
        ratings.setdefault(int(sid), {})[str(objective)] = (str(rating), str(reason))
    out = []
    for sid, team, started, score_doc, document in rows:
        try:
            scenario = Scenario.model_validate(json.loads(document))
            score = score_from_json(json.loads(score_doc))
        except Exception as exc:
            raise StoreError(
                f"{_shown(db_path)}: stored session #{sid} is damaged and cannot be read "
                f"({type(exc).__name__})"
            ) from None
        out.append(
            StoredDrill(
                int(sid), str(team), str(started), scenario, score, ratings.get(int(sid), {})
            )
        )
    return out
