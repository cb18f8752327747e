"""Saving finished drills and reading them back: listing, trends, CSV export, reports."""

from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from tabletop.engine.events import Event
from tabletop.engine.journal import decode_event, replay
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
from tabletop.store.db import DEFAULT_WAIT, StoreError, connect, write
from tabletop.store.db import where as _shown
from tabletop.store.plan import ITEM_KEYS, Item, _read, record_items

COMPONENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("order", "order_score"),
    ("coverage", "coverage_score"),
    ("timeliness", "timeliness_score"),
    ("outcome", "outcome_score"),
)


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


_ROW_COLUMNS = (
    "id, scenario_id, scenario_sha256, title, team, mode, started_at, ended_at, duration, "
    "end_reason, total, grade, order_score, coverage_score, timeliness_score, outcome_score, "
    "penalties, customer_minutes, baseline_customer_minutes, reference_customer_minutes, "
    "at_risk_minutes, decisions_taken, decisions_refused"
)


# ----------------------------------------------------------------------------- time


def iso_utc(moment: datetime) -> str:
    """`2026-11-27T10:04:05Z` (naive datetimes are taken as UTC). Sorts as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# ----------------------------------------------------------------------------- saving


def save_session(
    db_path: Path | str,
    loaded: LoadedScenario,
    session: Session,
    score: Score,
    *,
    recorded_at: datetime | None = None,
    started_at: datetime | None = None,
    wait: float = DEFAULT_WAIT,
) -> int:
    """Store one finished drill (scenario, decisions, score, findings, journal); return its id.

    `recorded_at` (default: now) is when the drill ended; `started_at` defaults to the start
    time the journal recorded, else to `recorded_at`. Passing both makes tests deterministic.
    Raises `StoreError` (one line) when the database cannot be used, or stays locked for
    `wait` seconds; an unreadable file is never overwritten.
    """
    path = Path(db_path)
    ended = iso_utc(recorded_at or datetime.now(UTC))
    started = iso_utc(started_at) if started_at else (_journal_start(session) or ended)
    sc = loaded.scenario
    sha = loaded.sha256 or session.sha256
    document = json.dumps(sc.model_dump(mode="json", exclude_unset=True), sort_keys=True)
    journal = journal_text(session)
    score_doc = json.dumps(score_document(score), sort_keys=True)
    refused = sum(1 for d in session.decisions if not d.accepted)
    comp = score.components
    imp = score.impact
    session_values = (
        sc.id,
        sha,
        sc.title,
        score.team or session.team,
        session.mode,
        started,
        ended,
        session.now,
        session.end_reason,
        score.total,
        score.grade,
        comp.order,
        comp.coverage,
        comp.timeliness,
        comp.outcome,
        score.penalties,
        imp.customer_minutes,
        imp.baseline_customer_minutes,
        imp.reference_customer_minutes,
        imp.at_risk_minutes,
        len(session.decisions) - refused,
        refused,
        score_doc,
        journal,
    )

    conn = connect(path, create=True, wait=wait)
    try:

        def insert() -> int:
            conn.execute(
                "INSERT OR IGNORE INTO scenarios (sha256, id, title, document) VALUES (?,?,?,?)",
                (sha, sc.id, sc.title, document),
            )
            cur = conn.execute(
                "INSERT INTO sessions (scenario_id, scenario_sha256, title, team, mode, "
                "started_at, ended_at, duration, end_reason, total, grade, order_score, "
                "coverage_score, timeliness_score, outcome_score, penalties, customer_minutes, "
                "baseline_customer_minutes, reference_customer_minutes, at_risk_minutes, "
                "decisions_taken, decisions_refused, score_json, journal) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                session_values,
            )
            sid = cur.lastrowid
            assert sid is not None
            conn.executemany(
                "INSERT INTO components (session_id, component, weight, value, points) "
                "VALUES (?,?,?,?,?)",
                [(sid, name, *_weighted(score, name)) for name, _ in COMPONENT_COLUMNS],
            )
            conn.executemany(
                "INSERT INTO decisions (session_id, seq, t, action, accepted, reason, done_at, "
                "by, note, message) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        sid,
                        k,
                        d.t,
                        d.action,
                        int(d.accepted),
                        d.reason,
                        d.done_at,
                        d.by,
                        d.note,
                        d.message,
                    )
                    for k, d in enumerate(session.decisions, 1)
                ],
            )
            conn.executemany(
                "INSERT INTO findings (session_id, seq, kind, component, points, text, t, step, "
                "action, quote) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (sid, k, f.kind, f.component, f.points, f.text, f.t, f.step, f.action, f.quote)
                    for k, f in enumerate(score.findings, 1)
                ],
            )
            # The drill's areas for improvement become (or refresh) the team's plan items.
            record_items(conn, int(sid), sc, session, score, score.team or session.team, started)
            return int(sid)

        return write(path, conn, "saving the drill", insert, wait=wait)
    finally:
        conn.close()


def _weighted(score: Score, name: str) -> tuple[float, float, float]:
    weight = float(score.weights.get(name, 0.0))
    value = float(getattr(score.components, name))
    return weight, value, weight * value


def _journal_start(session: Session) -> str | None:
    for e in session.feed[:1]:
        for key in ("started_at", "wall", "wall_time"):
            v = e.data.get(key)
            if isinstance(v, str) and v:
                return v
    return None


def _events_of(session: Session) -> list[Event]:
    """The session's events; rebuilt from its decisions and notes when it kept no feed."""
    if session.feed:
        return list(session.feed)
    sc = session.scenario
    start = {
        "scenario": sc.id,
        "sha256": session.sha256,
        "team": session.team,
        "mode": session.mode,
        "duration": sc.duration,
    }
    events: list[Event] = [Event(1, 0.0, "start", start)]
    for d in session.decisions:
        extra = {k: v for k, v in (("by", d.by), ("note", d.note), ("message", d.message)) if v}
        if d.accepted:
            events.append(Event(len(events) + 1, d.t, "decision", {"action": d.action, **extra}))
        else:
            events.append(
                Event(
                    len(events) + 1,
                    d.t,
                    "refusal",
                    {"action": d.action, "reason": d.reason, **extra},
                )
            )
    for n in session.notes:
        events.append(Event(len(events) + 1, n.t, "note", dict(n.data)))
    events.sort(key=lambda e: (e.t, e.kind != "start", e.seq))
    if session.ended:
        events.append(
            Event(len(events) + 1, session.now, "end", {"reason": session.end_reason or "duration"})
        )
    return events


# ----------------------------------------------------------------------------- reading


def journal_text(session: Session) -> str:
    """The session's events as stored: one sorted-key JSON object per line."""
    return "\n".join(json.dumps(e.to_json(), sort_keys=True) for e in _events_of(session))


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
    conn = _open_for_reading(db_path)
    if conn is None:
        return []
    where: list[str] = []
    args: list[Any] = []
    if team is not None:
        where.append("team = ?")
        args.append(team)
    if scenario is not None:
        where.append("scenario_id = ?")
        args.append(scenario)
    if since is not None:
        where.append("ended_at >= ?")
        args.append(since)
    if ids is not None:
        where.append(f"id IN ({','.join('?' * len(ids))})")
        args.extend(ids)
    sql = f"SELECT {_ROW_COLUMNS} FROM sessions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY ended_at, id"
    try:
        rows = conn.execute(sql, args).fetchall()
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        raise StoreError(f"{_shown(db_path)}: cannot read the history database ({exc})") from None
    finally:
        conn.close()
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
    conn = _open_for_reading(db_path)
    if conn is None:
        raise KeyError(session_id)
    try:
        row = conn.execute(
            "SELECT s.scenario_sha256, s.team, s.mode, s.ended_at, s.score_json, s.journal, "
            "c.document FROM sessions s LEFT JOIN scenarios c ON c.sha256 = s.scenario_sha256 "
            "WHERE s.id = ?",
            (session_id,),
        ).fetchone()
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        raise StoreError(f"{_shown(db_path)}: cannot read the history database ({exc})") from None
    finally:
        conn.close()
    if row is None:
        raise KeyError(session_id)
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


def score_document(score: Score) -> dict[str, Any]:
    """The score with full precision (`Score.to_json` rounds for display), as stored."""
    return asdict(score)


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


def recurring_findings(db_path: Path | str, ids: Sequence[int]) -> list[tuple[str, str, int]]:
    """(component, text, drills) of improvement findings found in more than one of `ids`."""
    conn = _open_for_reading(db_path)
    if conn is None or not ids:
        return []
    try:
        return [
            (str(c), str(t), int(n))
            for c, t, n in conn.execute(
                "SELECT component, text, COUNT(DISTINCT session_id) AS n FROM findings "
                f"WHERE kind = 'improvement' AND session_id IN ({','.join('?' * len(ids))}) "
                "GROUP BY component, text HAVING COUNT(DISTINCT session_id) > 1 "
                "ORDER BY n DESC, component, text",
                list(ids),
            )
        ]
    except (sqlite3.Error, TypeError, ValueError) as exc:  # UnicodeError is a ValueError
        raise StoreError(f"{_shown(db_path)}: cannot read the history database ({exc})") from None
    finally:
        conn.close()


# ----------------------------------------------------------------------------- export


#: Leading characters a spreadsheet would read as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS: tuple[str, ...] = tuple(SessionRow.__dataclass_fields__)


def _csv_value(v: Any) -> Any:
    if isinstance(v, str) and _looks_like_formula(v):
        return "'" + v
    return v


def _looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula: it starts with one of
    `_FORMULA_START`, or does after leading spaces and invisible characters (NBSP, zero-width
    space) with full-width forms (`＝`) read as their ASCII twins."""
    if text.startswith(_FORMULA_START):
        return True
    rest = text.lstrip()
    while rest and (rest[0].isspace() or unicodedata.category(rest[0]) == "Cf"):
        rest = rest[1:]
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]).startswith(_FORMULA_START)


#: Columns shown as percentages (0-100), like the screens and reports show them.
_PERCENT_COLUMNS = frozenset({"order", "coverage", "timeliness", "outcome"})
_TIME_COLUMNS = frozenset({"started_at", "ended_at"})


def _csv_figure(column: str, v: Any) -> Any:
    """A figure as a spreadsheet should show it: 2 decimals, components in %, penalties
    negative (points taken off, as reports print them), times `YYYY-MM-DD HH:MM:SS` UTC."""
    if column in _TIME_COLUMNS and isinstance(v, str):
        return v.replace("T", " ").removesuffix("Z")
    if isinstance(v, bool) or not isinstance(v, float):
        return v
    if column in _PERCENT_COLUMNS:
        v = 100 * v
    elif column == "penalties":
        v = -v
    return f"{round(v, 2) + 0.0:.2f}"


#: The CSV header: the column names say the unit where it is not obvious.
CSV_HEADER: tuple[str, ...] = tuple(
    f"{c}_pct"
    if c in _PERCENT_COLUMNS
    else (f"{c}_utc" if c in _TIME_COLUMNS else ("duration_minutes" if c == "duration" else c))
    for c in CSV_COLUMNS
)


def export_csv(rows: Iterable[SessionRow]) -> str:
    """The rows as CSV text (header first); text that a spreadsheet would run is defused.

    Components are percentages (`order_pct` ...), penalties negative, figures rounded to 2
    decimals, times `YYYY-MM-DD HH:MM:SS` in UTC (`started_at_utc`, `ended_at_utc`).
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for r in rows:
        # Only text the user typed is defused: our own "-5.00" is a number, not a formula.
        w.writerow(
            [
                _csv_value(v)
                if isinstance(v, str) and c not in _TIME_COLUMNS
                else _csv_figure(c, v)
                for c in CSV_COLUMNS
                for v in (getattr(r, c),)
            ]
        )
    return out.getvalue()


def export_plan_csv(items: Iterable[Item]) -> str:
    """The items as CSV (the keys of `plan list --json`); formula-looking text defused."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(ITEM_KEYS)
    for item in items:
        w.writerow([_csv_value("" if v is None else v) for v in item.to_json().values()])
    return out.getvalue()


def stored_drills(db_path: Path | str, ids: list[int]) -> list[Any]:
    """The drills `ids` as the trend needs them (scenario, score, ratings), without replaying
    their journals."""
    from tabletop.reports.trend import StoredDrill

    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = _read(
        db_path,
        "SELECT s.id, s.team, s.started_at, s.score_json, c.document FROM sessions s "
        f"JOIN scenarios c ON c.sha256 = s.scenario_sha256 WHERE s.id IN ({marks}) ORDER BY s.id",
        ids,
    )
    rated = _read(
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
