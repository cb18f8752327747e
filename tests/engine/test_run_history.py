"""`tabletop run` keeps every finished run in the history database (docs/history-db.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tabletop.cli import main

REPO = Path(__file__).resolve().parents[2]
LOG = REPO / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"


def test_run_appears_in_history_with_its_score(tmp_path: Path, capsys) -> None:
    db = tmp_path / "h.sqlite3"
    assert main(["run", "dc-power-loss", "--decisions", str(LOG), "--json", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    total = json.loads(out)["total"]
    assert "saved to history as session #1" in err
    assert main(["history", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    assert rows[0]["scenario_id"] == "dc-power-loss"
    assert abs(rows[0]["total"] - total) < 0.01


def test_no_history_stores_nothing(tmp_path: Path, capsys) -> None:
    db = tmp_path / "h.sqlite3"
    rc = main(["run", "dc-power-loss", "--decisions", str(LOG), "--db", str(db), "--no-history"])
    assert rc == 0
    assert "saved to history" not in capsys.readouterr().err
    assert not db.exists()


def test_unusable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "not-a-db.sqlite3"
    db.write_bytes(b"this is not sqlite, and must survive untouched" * 40)
    before = db.read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tabletop.cli",
            "run",
            "dc-power-loss",
            "--decisions",
            str(LOG),
            "--db",
            str(db),
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tabletop: history not saved:")
    assert "Traceback" not in proc.stderr
    assert db.read_bytes() == before
