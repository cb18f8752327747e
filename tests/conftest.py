"""Suite-wide isolation: no test may write to the real user's data or cache directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    # Commands store finished drills and journals under the XDG data dir by default; point it
    # (and TABLETOP_DB) at a fresh folder so tests and their subprocesses never touch ~/.local.
    home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("TABLETOP_DB", str(home / "history.sqlite3"))
    # Loaded scenarios are cached in the user's cache dir: a fresh one per test, so that no
    # test reads an entry another wrote (or the user's).
    monkeypatch.setenv("TABLETOP_CACHE_DIR", str(tmp_path_factory.mktemp("scenario-cache")))
    return home
