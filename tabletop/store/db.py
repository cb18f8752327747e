"""The SQLite history database: where it lives, opening it safely, its schema and migrations.

Several processes may write at once (several teams on one server), so every write runs in a
`BEGIN IMMEDIATE` transaction, with SQLite's busy timeout plus a retry loop with backoff on
SQLITE_BUSY/SQLITE_LOCKED. A file we cannot read is reported in one line and never touched:
no rename, no delete, no "repair" that could lose a manager's history.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from tabletop.store import pg

#: Overrides the default history path (docs/history-db.md).
DB_ENV = "TABLETOP_DB"

#: How long one operation keeps retrying a busy database before giving up, in seconds.
DEFAULT_WAIT = 60.0

T = TypeVar("T")

#: Schema migrations: MIGRATIONS[k] brings `PRAGMA user_version` from k to k + 1.
#: Never edit a released entry; append a new one.
MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE scenarios (
        sha256   TEXT PRIMARY KEY,
        id       TEXT NOT NULL,
        title    TEXT NOT NULL,
        document TEXT NOT NULL              -- the validated scenario as JSON
    );
    CREATE TABLE sessions (
        id                         INTEGER PRIMARY KEY AUTOINCREMENT,
        scenario_id                TEXT NOT NULL,
        scenario_sha256            TEXT NOT NULL REFERENCES scenarios(sha256),
        title                      TEXT NOT NULL,
        team                       TEXT NOT NULL,
        mode                       TEXT NOT NULL,
        started_at                 TEXT NOT NULL,  -- ISO 8601 UTC
        ended_at                   TEXT NOT NULL,  -- ISO 8601 UTC
        duration                   REAL NOT NULL,  -- exercise minutes played
        end_reason                 TEXT,
        total                      REAL NOT NULL,
        grade                      TEXT NOT NULL,
        order_score                REAL NOT NULL,  -- components, each 0-1
        coverage_score             REAL NOT NULL,
        timeliness_score           REAL NOT NULL,
        outcome_score              REAL NOT NULL,
        penalties                  REAL NOT NULL,
        customer_minutes           REAL NOT NULL,
        baseline_customer_minutes  REAL NOT NULL,
        reference_customer_minutes REAL NOT NULL,
        at_risk_minutes            REAL NOT NULL,
        decisions_taken            INTEGER NOT NULL,
        decisions_refused          INTEGER NOT NULL,
        score_json                 TEXT NOT NULL,  -- Score.to_json()
        journal                    TEXT NOT NULL   -- the session's events, JSON Lines
    );
    CREATE INDEX sessions_by_team ON sessions(team, ended_at);
    CREATE INDEX sessions_by_scenario ON sessions(scenario_id, ended_at);
    CREATE INDEX sessions_by_time ON sessions(ended_at);
    CREATE TABLE components (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        component  TEXT NOT NULL,
        weight     REAL NOT NULL,
        value      REAL NOT NULL,
        points     REAL NOT NULL,
        PRIMARY KEY (session_id, component)
    );
    CREATE TABLE decisions (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        t          REAL NOT NULL,
        action     TEXT NOT NULL,
        accepted   INTEGER NOT NULL,
        reason     TEXT,
        done_at    REAL,
        by         TEXT,
        note       TEXT,
        message    TEXT,
        PRIMARY KEY (session_id, seq)
    );
    CREATE TABLE findings (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        component  TEXT NOT NULL,
        points     REAL NOT NULL,
        text       TEXT NOT NULL,
        t          REAL,
        step       TEXT,
        action     TEXT,
        quote      TEXT,
        PRIMARY KEY (session_id, seq)
    );
    """,
    # 2: the improvement plan (items carried from drill to drill) and evaluator ratings.
    """
    CREATE TABLE improvement_items (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        team              TEXT NOT NULL,
        scenario_id       TEXT NOT NULL,
        subject           TEXT NOT NULL,  -- step:ID | action:ID | disclosure | outcome
        session_id        INTEGER NOT NULL REFERENCES sessions(id),
        last_session_id   INTEGER NOT NULL REFERENCES sessions(id),
        issue             TEXT NOT NULL,
        corrective_action TEXT NOT NULL,
        capability        TEXT NOT NULL,
        element           TEXT NOT NULL,
        owner             TEXT NOT NULL,
        start             TEXT,           -- YYYY-MM-DD
        due               TEXT,           -- YYYY-MM-DD
        status            TEXT NOT NULL,  -- open | in progress | done | re-tested
        retested_by       INTEGER REFERENCES sessions(id),
        UNIQUE (team, scenario_id, subject)
    );
    CREATE INDEX items_by_team ON improvement_items(team, status);
    CREATE TABLE ratings (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        objective  TEXT NOT NULL,
        rating     TEXT NOT NULL,         -- P | S | M | U
        reason     TEXT NOT NULL,
        rated_at   TEXT NOT NULL,         -- ISO 8601 UTC
        PRIMARY KEY (session_id, objective)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

_OUR_TABLES = {"scenarios", "sessions", "components", "decisions", "findings"}


class StoreError(Exception):
    """A history database problem, as one line for the user. Nothing was written or lost."""


def where(target: object) -> str:
    """A history's name for messages: the file, or the server URL without its password."""
    return pg.shown(target) if pg.is_url(target) else str(target)


def default_db_path() -> Path:
    """`$TABLETOP_DB`, else `history.sqlite3` in the user's data directory (XDG)."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("tabletop", appauthor=False)) / "history.sqlite3"


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def with_retry(path: Path, what: str, fn: Callable[[], T], wait: float = DEFAULT_WAIT) -> T:
    """Run `fn`, retrying with jittered backoff while the database is busy, up to `wait` s.

    SQLite's busy handler covers most waits; this loop covers the cases it does not (a lock
    upgrade that would deadlock, WAL recovery by another process, `journal_mode` changes).
    """
    deadline = time.monotonic() + wait
    delay = 0.005
    while True:
        try:
            return fn()
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # a bug of ours, not a state of the file: let the crash report show it
        except UnicodeError as exc:  # a damaged schema: sqlite_master names are not UTF-8
            raise _unreadable(path, exc) from None
        except sqlite3.Error as exc:
            # (PostgreSQL errors come wrapped as sqlite3 errors, see pg.PgError.)
            if not (_is_busy(exc) or pg.retryable(exc)):
                raise _unreadable(path, exc) from None
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: the history database stayed locked by another process for "
                    f"{wait:g} s while {what}; nothing was changed, try again"
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


def _unreadable(path: Path, exc: sqlite3.Error | UnicodeError) -> StoreError:
    return StoreError(
        f"{path}: cannot use the history database ({exc}); the file was left untouched — "
        "move it aside or choose another with --db / TABLETOP_DB"
    )


def connect(path: Path, *, create: bool, wait: float = DEFAULT_WAIT) -> sqlite3.Connection:
    """Open the history database, migrating it to the current schema.

    With `create=False` a missing file raises `FileNotFoundError` (reading commands should not
    leave an empty database behind). Raises `StoreError` for anything it cannot use.
    """
    if pg.is_url(path):
        return _pg_connect(path, wait)  # type: ignore[return-value]  # the same methods
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a history database file")
    if not create and path.is_file() and path.stat().st_size == 0:
        # An empty file is an empty history; SQLite would write a schema into it, and a
        # reading command must leave what it is given as it found it.
        raise FileNotFoundError(str(path))
    if not path.exists():
        if not create:
            raise FileNotFoundError(str(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from None
    try:
        conn = sqlite3.connect(
            str(path), timeout=min(wait, 10.0), isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(min(wait, 10.0) * 1000)}")
        with_retry(path, "opening it", lambda: _check_and_migrate(conn, path), wait)
        conn.execute("PRAGMA foreign_keys = ON")
        # FULL: a committed drill survives a power cut too (WAL is fsynced on every commit).
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _pg_connect(target: object, wait: float) -> pg.PgConnection:
    """A connection to the PostgreSQL history, migrated; `StoreError` when unusable."""
    where = pg.shown(target)
    try:
        import psycopg  # noqa: F401  (optional dependency: say how to get it)
    except ImportError:
        raise StoreError(
            f"{where}: a PostgreSQL history needs psycopg: pip install 'tabletop[postgres]'"
        ) from None

    def open_and_migrate() -> pg.PgConnection:
        conn = pg.PgConnection(pg.normal_url(target), min(wait, 10.0))
        try:
            version = pg.migrate(conn, MIGRATIONS, _statements)
        except BaseException:
            conn.close()
            raise
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{where}: written by a newer tabletop (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade tabletop to read it"
            )
        return conn

    return with_retry(Path(where), "opening it", open_and_migrate, wait)


def _check_and_migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < 0:  # a damaged header: no tabletop ever wrote this
        raise StoreError(
            f"{path}: its schema version ({version}) is damaged; the file was left untouched"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer tabletop (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade tabletop to read it"
        )
    if version == 0:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables - {"sqlite_sequence"} and not tables >= _OUR_TABLES:
            raise StoreError(
                f"{path}: is an SQLite database but not a tabletop history; left untouched"
            )
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError("database is locked (could not switch to WAL)")
    if version < SCHEMA_VERSION:
        migrate(conn)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending migrations in one transaction; return the resulting version.

    The version is read again inside the write lock, so two processes opening a new database
    at once apply each migration exactly once.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for k in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[k]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {k + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT the open transaction; split on `;` instead (the schema has
    # no `;` inside strings or triggers).
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def write(
    path: Path, conn: sqlite3.Connection, what: str, fn: Callable[[], T], wait: float = DEFAULT_WAIT
) -> T:
    """Run `fn` inside one `BEGIN IMMEDIATE` transaction, retried while the database is busy."""

    def attempt() -> T:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    return with_retry(path, what, attempt, wait)


def read_rows(db_path: Path | str, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of one query; none when there is no history yet. `StoreError` (one line) when
    the file cannot be read as a history."""
    try:
        conn = connect(Path(db_path), create=False)
    except FileNotFoundError:
        return []
    try:
        return [tuple(r) for r in conn.execute(sql, list(args)).fetchall()]
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        raise StoreError(f"{where(db_path)}: cannot read the history database ({exc})") from None
    finally:
        conn.close()


def filter_sql(sql: str, conditions: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """`sql` with a WHERE clause AND-ing the conditions whose value is not None, and the
    query's arguments. A condition is (`"team = ?"`, value), or (`"id IN ({})"`, a list or
    tuple of values): `{}` becomes one `?` per value."""
    clauses: list[str] = []
    args: list[Any] = []
    for clause, value in conditions:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            clauses.append(clause.format(",".join("?" * len(value))))
            args.extend(value)
        else:
            clauses.append(clause)
            args.append(value)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return sql, args
