"""The history of finished drills in SQLite (docs/history-db.md)."""

from __future__ import annotations

from tabletop.store.db import SCHEMA_VERSION, StoreError, connect, default_db_path
from tabletop.store.sessions import (
    SessionRow,
    StoredSession,
    export_csv,
    find_stored,
    list_sessions,
    load_session,
    save_session,
)
from tabletop.store.trend import Trend, trends

__all__ = [
    "SCHEMA_VERSION",
    "SessionRow",
    "StoreError",
    "StoredSession",
    "Trend",
    "connect",
    "default_db_path",
    "export_csv",
    "find_stored",
    "list_sessions",
    "load_session",
    "save_session",
    "trends",
]
