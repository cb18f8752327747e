"""Storing a finished drill: its scenario, decisions, score, findings, plan items and journal."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tabletop.engine.events import Event
from tabletop.engine.journal import iso_utc, journal_started_at
from tabletop.engine.session import Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scoring.model import Score
from tabletop.store.db import DEFAULT_WAIT, connect, write
from tabletop.store.plan import record_items
from tabletop.store.records import COMPONENT_COLUMNS


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

    `recorded_at` (default: now) is when the drill ended; `started_at` defaults to the
    journal's start event's `started_at` (what live drills record), else to `recorded_at`.
    Passing both makes tests deterministic.
    Raises `StoreError` (one line) when the database cannot be used, or stays locked for
    `wait` seconds; an unreadable file is never overwritten.
    """
    path = Path(db_path)
    ended = iso_utc(recorded_at or datetime.now(UTC))
    started = iso_utc(started_at) if started_at else (_journal_start(session) or ended)
    scenario = loaded.scenario
    sha = loaded.sha256 or session.sha256
    document = json.dumps(scenario.model_dump(mode="json", exclude_unset=True), sort_keys=True)
    journal = journal_text(session)
    score_doc = json.dumps(score_document(score), sort_keys=True)
    refused = sum(1 for d in session.decisions if not d.accepted)
    comp = score.components
    imp = score.impact
    session_values = (
        scenario.id,
        sha,
        scenario.title,
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
                (sha, scenario.id, scenario.title, document),
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
            record_items(
                conn, int(sid), scenario, session, score, score.team or session.team, started
            )
            return int(sid)

        return write(path, conn, "saving the drill", insert, wait=wait)
    finally:
        conn.close()


def _weighted(score: Score, name: str) -> tuple[float, float, float]:
    weight = float(score.weights.get(name, 0.0))
    value = float(getattr(score.components, name))
    return weight, value, weight * value


def _journal_start(session: Session) -> str | None:
    """When the drill began on the wall clock, as its start event recorded it (live drills
    write `started_at`; a headless run does not), normalised; None when absent or unreadable."""
    value = journal_started_at(session.feed)
    if not value:
        return None
    try:
        return iso_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _events_of(session: Session) -> list[Event]:
    """The session's events; rebuilt from its decisions and notes when it kept no feed."""
    if session.feed:
        return list(session.feed)
    scenario = session.scenario
    start = {
        "scenario": scenario.id,
        "sha256": session.sha256,
        "team": session.team,
        "mode": session.mode,
        "duration": scenario.duration,
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


def journal_text(session: Session) -> str:
    """The session's events as stored: one sorted-key JSON object per line."""
    return "\n".join(json.dumps(e.to_json(), sort_keys=True) for e in _events_of(session))


def score_document(score: Score) -> dict[str, Any]:
    """The score with full precision (`Score.to_json` rounds for display), as stored."""
    return asdict(score)
