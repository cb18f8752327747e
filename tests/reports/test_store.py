"""The SQLite history: saving, reading back, schema, damaged and locked databases."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.store import (
    SCHEMA_VERSION,
    StoreError,
    default_db_path,
    export_csv,
    list_sessions,
    load_session,
    save_session,
    trends,
)
from tabletop.store.db import MIGRATIONS, connect
from tabletop.store.sessions import parse_since

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _save(db: Path, drill, **kw) -> int:
    loaded, session, score = drill
    return save_session(db, loaded, session, score, recorded_at=kw.pop("at", WHEN), **kw)


def test_save_and_list(history_db: Path | str, drill) -> None:
    db = history_db
    sid = _save(db, drill, started_at=datetime(2026, 11, 20, 8, 0))
    assert sid == 1
    [row] = list_sessions(db)
    assert (row.id, row.team, row.scenario_id, row.grade, row.total) == (
        1,
        "Blue team",
        "mini-outage",
        "C",
        72.5,
    )
    assert (row.started_at, row.ended_at) == ("2026-11-20T08:00:00Z", "2026-11-20T09:30:00Z")
    assert (row.order, row.coverage, row.decisions_taken, row.decisions_refused) == (
        0.67,
        1.0,
        3,
        0,
    )
    assert row.scenario_sha256 == drill[0].sha256
    conn = _raw(db)
    try:
        if isinstance(db, Path):
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        else:
            version = conn.execute("SELECT version FROM tabletop_schema").fetchone()[0]
            assert version == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 4
        comps = dict(conn.execute("SELECT component, points FROM components").fetchall())
        assert comps == pytest.approx(
            {"order": 23.45, "coverage": 20, "timeliness": 7.5, "outcome": 21}
        )
    finally:
        conn.close()


def _raw(db: Path | str):
    """A plain connection to either backend, to look at the tables themselves."""
    if isinstance(db, Path):
        return sqlite3.connect(db)
    import psycopg

    return psycopg.connect(db)


def test_filters(history_db: Path | str, make_drill) -> None:
    db = history_db
    for day, team in [(1, "Blue"), (5, "Red"), (9, "Blue")]:
        _save(db, make_drill(team=team), at=datetime(2026, 11, day, tzinfo=UTC))
    assert [r.id for r in list_sessions(db, team="Blue")] == [1, 3]
    assert [r.id for r in list_sessions(db, since=parse_since("2026-11-05"))] == [2, 3]
    assert list_sessions(db, scenario="other") == []
    assert [r.id for r in list_sessions(db, ids=[3, 1])] == [1, 3]


def test_stored_session_rebuilds_the_same_report(history_db: Path | str, drill) -> None:
    from tabletop.reports import build_report

    db = history_db
    sid = _save(db, drill)
    stored = load_session(db, sid)
    loaded, session, score = drill
    assert stored.session.decisions == session.decisions
    assert stored.session.impact_series == session.impact_series
    assert [n.data for n in stored.session.notes] == [n.data for n in session.notes]
    assert stored.score.total == score.total and stored.score.grade == score.grade
    original = build_report(loaded, session, score, date=stored.ended_at, session_id=sid)
    again = build_report(
        stored.loaded, stored.session, stored.score, date=stored.ended_at, session_id=sid
    )
    assert again.timeline == original.timeline and again.decisions == original.decisions
    assert again.impact_series == original.impact_series and again.notes == original.notes
    with pytest.raises(KeyError):
        load_session(db, 99)


def test_session_without_a_feed_is_still_stored(history_db: Path | str, kit) -> None:
    scenario = kit.mini_scenario()
    session = simulate(
        scenario, [Decision(1, "assess"), Decision(2, "start-gen")], record_feed=False
    )
    db = history_db
    sid = save_session(
        db, kit.loaded_for(scenario), session, kit.hand_score(session), recorded_at=WHEN
    )
    assert load_session(db, sid).session.decisions == session.decisions


def test_default_path_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TABLETOP_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("TABLETOP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "tabletop" / "history.sqlite3"


def test_reading_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    assert list_sessions(tmp_path / "none.sqlite3") == []
    assert not (tmp_path / "none.sqlite3").exists()


def test_migrations_run_once_from_version_one(tmp_path: Path, drill) -> None:
    db = tmp_path / "h.sqlite3"
    conn = connect(db, create=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
    conn = connect(db, create=True)  # opening again applies nothing twice
    conn.close()
    assert _save(db, drill) == 1


def _damaged(tmp_path: Path, content: bytes) -> Path:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(content)
    return db


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["garbage", "torn-header"],
)
def test_corrupted_database_gives_one_line_and_is_left_untouched(
    tmp_path: Path, drill, content: bytes
) -> None:
    db = _damaged(tmp_path, content)
    with pytest.raises(StoreError) as err:
        _save(db, drill)
    message = str(err.value)
    assert "\n" not in message and str(db) in message and "left untouched" in message
    assert db.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["h.sqlite3"]
    with pytest.raises(StoreError):
        list_sessions(db)
    assert db.read_bytes() == content


def test_newer_schema_is_refused(tmp_path: Path, drill) -> None:
    db = tmp_path / "h.sqlite3"
    _save(db, drill)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer tabletop"):
        _save(db, drill)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_foreign_sqlite_database_is_refused(tmp_path: Path, drill) -> None:
    db = tmp_path / "h.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="not a tabletop history"):
        _save(db, drill)


def test_locked_database_gives_a_clear_error_then_works(tmp_path: Path, drill) -> None:
    db = tmp_path / "h.sqlite3"
    _save(db, drill)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreError, match="locked") as err:
            _save(db, drill, wait=0.3)
        assert "\n" not in str(err.value)
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
    # Held briefly by someone else: the save waits and succeeds.
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    assert _save(db, drill, wait=20) == 2
    holder.close()
    assert len(list_sessions(db)) == 2


def test_csv_export_defuses_formulas(history_db: Path | str, make_drill) -> None:
    db = history_db
    _save(db, make_drill(team='=HYPERLINK("http://x")'))
    _save(db, make_drill(team='Blue, "the best"'))
    rows = list(csv.DictReader(io.StringIO(export_csv(list_sessions(db)))))
    assert rows[0]["team"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["team"] == 'Blue, "the best"'
    # 2 decimals, components in % as the screens show them, penalties negative.
    assert rows[0]["total"] == "72.50" and rows[0]["order_pct"] == "67.00"
    assert rows[0]["penalties"] == "0.00"


def test_trends_follow_time_per_team(history_db: Path | str, make_drill) -> None:
    db = history_db
    for day, team, total in [
        (3, "Blue", 50.0),
        (1, "Blue", 40.0),
        (2, "Red", 90.0),
        (4, "Blue", 80.0),
    ]:
        _save(db, make_drill(team=team, total=total), at=datetime(2026, 11, day, tzinfo=UTC))
    found = {(t.team, t.measure): t for t in trends(list_sessions(db))}
    blue = found[("Blue", "total")]
    assert blue.values == [40.0, 50.0, 80.0] and blue.change == 40.0
    assert len(blue.sparkline) == 3 and blue.sparkline[0] < blue.sparkline[-1]
    assert found[("Red", "coverage")].values == [100.0]


def test_parse_since() -> None:
    assert parse_since("2026-11-05") == "2026-11-05T00:00:00Z"
    assert parse_since("2026-11-05T10:00:00+01:00") == "2026-11-05T09:00:00Z"
    assert parse_since("7d") < parse_since("1d")
    with pytest.raises(ValueError, match="not a date"):
        parse_since("last tuesday")


def test_a_later_migration_upgrades_a_version_one_database(
    tmp_path: Path, drill, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tabletop.store import db as dbmod

    path = tmp_path / "h.sqlite3"
    # A history written by a tabletop that knew only the first schema.
    with monkeypatch.context() as m:
        m.setattr(dbmod, "MIGRATIONS", dbmod.MIGRATIONS[:1])
        m.setattr(dbmod, "SCHEMA_VERSION", 1)
        dbmod.connect(path, create=True).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    # Today's migrations plus one more, as a later release would add it.
    later = (
        "ALTER TABLE sessions ADD COLUMN facilitator TEXT; "
        "CREATE INDEX s_fac ON sessions(facilitator)"
    )
    monkeypatch.setattr(dbmod, "MIGRATIONS", [*dbmod.MIGRATIONS, later])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", len(dbmod.MIGRATIONS))
    assert _save(path, drill) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        cols = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
        assert "facilitator" in cols
        # Migration 2: the drill's areas for improvement are plan items.
        assert conn.execute("SELECT count(*) FROM improvement_items").fetchone()[0] > 0


def test_recorded_time_defaults_to_now(history_db: Path | str, drill) -> None:
    loaded, session, score = drill
    before = datetime.now(UTC).replace(microsecond=0)
    save_session(history_db, loaded, session, score)
    after = datetime.now(UTC)
    [row] = list_sessions(history_db)
    ended = datetime.fromisoformat(row.ended_at.replace("Z", "+00:00"))
    assert before <= ended <= after and row.started_at == row.ended_at


def test_score_round_trips_exactly(kit) -> None:
    import json

    from tabletop.scoring import score
    from tabletop.store.sessions import score_document, score_from_json

    scenario = kit.mini_scenario()
    session = simulate(
        scenario, [Decision(0, "assess"), Decision(5, "post-status", message="v1.2.3")]
    )
    original = score(scenario, session, team="Blue")
    assert score_from_json(json.loads(json.dumps(score_document(original)))) == original


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("journal", '{"seq": "x", "t": 0, "kind": "start"}\n', "'seq' must be a whole number"),
        ("score_json", "{}", "KeyError: 'components'"),
        ("score_json", "not json", "JSONDecodeError"),
    ],
)
def test_a_damaged_stored_session_is_a_store_error_not_a_crash_or_missing(
    tmp_path: Path, drill, column: str, value: str, reason: str
) -> None:
    db = tmp_path / "h.sqlite3"
    sid = _save(db, drill)
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, sid))
    with pytest.raises(StoreError) as err:
        load_session(db, sid)
    message = str(err.value)
    assert f"stored session #{sid} is damaged" in message and reason in message
    assert "\n" not in message


def test_a_damaged_stored_scenario_is_a_store_error(tmp_path: Path, drill) -> None:
    db = tmp_path / "h.sqlite3"
    sid = _save(db, drill)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE scenarios SET document = '{}'")
    with pytest.raises(StoreError, match="ValidationError") as err:
        load_session(db, sid)
    assert "\n" not in str(err.value)
