"""The repository's docs stand alone: no file points to a team document users do not get."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Built from parts so that this file does not name it either.
PRIVATE = "DESIGN" + ".md"


def test_no_tracked_file_names_the_private_design_document() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "git ls-files listed nothing"
    naming = []
    for name in tracked:
        path = REPO / name
        if path.is_file() and PRIVATE.encode() in path.read_bytes():
            naming.append(name)
    assert naming == []


def test_the_user_docs_exist() -> None:
    for name in ("scenario-format.md", "scoring.md", "history-db.md", "score-json.md"):
        assert (REPO / "docs" / name).stat().st_size > 1000, name
