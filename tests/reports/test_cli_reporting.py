"""End to end: `tabletop report/history/export/compare` as a manager runs them."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest

from tabletop.cli import main
from tabletop.engine.session import Session
from tabletop.store import save_session


def tabletop(
    *args: str, env: dict[str, str] | None = None, sub: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the CLI: in a subprocess as a user would (`sub`), else in-process (4x faster)."""
    if sub:
        return subprocess.run(
            [sys.executable, "-m", "tabletop.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **(env or {})},
        )
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env or {}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def write_journal(session: Session, path: Path) -> Path:
    """The session's events as a JSON Lines journal."""
    path.write_text("".join(json.dumps(e.to_json()) + "\n" for e in session.feed), "utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, make_drill) -> Path:
    """A history with three drills: Blue twice, Red once."""
    path = tmp_path / "history.sqlite3"
    for day, team, total in [(1, "Blue", 60.0), (2, "Red", 70.0), (3, "Blue", 85.0)]:
        loaded, session, score = make_drill(team=team, total=total)
        save_session(path, loaded, session, score, recorded_at=datetime(2026, 11, day, tzinfo=UTC))
    return path


def test_report_from_a_journal_in_three_formats(tmp_path: Path, kit) -> None:
    scenario = kit.mini_scenario()
    loaded = kit.loaded_for(scenario, tmp_path)
    session = Session(scenario, sha256=loaded.sha256, team="Ops <b>")
    session.take("assess", by="Ana")
    session.advance(6)
    session.take("start-gen")
    session.add_note("calm")
    session.advance(scenario.duration)
    journal = write_journal(session, tmp_path / "drill.jsonl")
    html = tmp_path / "out" / "report.html"
    r = tabletop("report", str(journal), "--scenario", str(loaded.path), "-o", str(html), sub=True)
    assert r.returncode == 0, r.stderr
    text = html.read_text()
    assert "<svg" in text and "Ops &lt;b&gt;" in text and "calm" in text
    r = tabletop("report", str(journal), "--scenario", str(loaded.path), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["summary"]["team"] == "Ops <b>" and doc["version"] == 2
    assert [d["action"] for d in doc["decisions"]] == ["assess", "start-gen"]
    md = tmp_path / "r.md"
    r = tabletop("report", str(journal), "--scenario", str(loaded.path), "-o", str(md))
    assert r.returncode == 0 and md.read_text().startswith(
        "# After-action report and improvement plan: Mini outage"
    )


def test_report_from_a_journal_of_a_builtin_scenario(tmp_path: Path) -> None:
    from tabletop.engine.session import simulate
    from tabletop.scenario.catalog import resolve_scenario
    from tabletop.scenario.decision_log import load_decision_log
    from tabletop.scenario.loader import load_scenario

    loaded = load_scenario(resolve_scenario("dc-power-loss"))
    log_path = Path(__file__).parents[1] / "library" / "logs" / "dc-power-loss-talk-first.yaml"
    if not log_path.exists():
        pytest.skip("library decision log not present")
    log = load_decision_log(log_path, loaded.scenario)
    session = Session(loaded.scenario, sha256=loaded.sha256, team=log.team or "t")
    for d in log.decisions:
        session.advance(d.at)
        session.take(d.action, by=d.by, note=d.note, message=d.message)
    session.advance(loaded.scenario.duration)
    assert simulate(loaded.scenario, log.decisions).customer_minutes == session.customer_minutes
    journal = write_journal(session, tmp_path / "j.jsonl")
    r = tabletop("report", str(journal), "--format", "md")
    assert r.returncode == 0, r.stderr
    assert "### Areas for improvement, costliest first" in r.stdout and "```mermaid" in r.stdout
    # --scenario takes a built-in id as well as a file, like every other command.
    by_id = tabletop("report", str(journal), "--scenario", "dc-power-loss", "--format", "md")
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout == r.stdout
    missing = tabletop("report", str(journal), "--scenario", "no-such-scenario")
    assert missing.returncode == 1
    assert missing.stderr == (
        "tabletop: no-such-scenario: no such file and no built-in scenario with that id\n"
    )


def test_report_from_a_stored_session(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = tabletop("report", "3", "--db", str(db), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "#3" in out.read_text() and "3 Nov 2026" in out.read_text()
    r = tabletop("report", "#2", "--format", "json", env={"TABLETOP_DB": str(db)}, sub=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["summary"]["team"] == "Red"


def test_report_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    r = tabletop("report", "42", "--db", str(db), sub=True)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no stored session #42" in r.stderr
    r = tabletop("report", "no-such-file.jsonl", "--db", str(db))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not sqlite" * 50)
    r = tabletop("history", "--db", str(bad))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "left untouched" in r.stderr
    assert bad.read_bytes() == b"not sqlite" * 50
    r = tabletop("history", "--db", str(db), "--since", "someday")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_a_folder_given_as_a_journal_is_named_as_such(db: Path, tmp_path: Path) -> None:
    for args in (("report", str(tmp_path)), ("history", "--add", str(tmp_path))):
        r = tabletop(*args, "--db", str(db))
        assert r.returncode == 1
        assert r.stderr == f"tabletop: {tmp_path}: is a folder, not a journal file\n"


def test_history_lists_filters_and_trends(db: Path, tmp_path: Path) -> None:
    r = tabletop("history", "--db", str(db), sub=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "ended", "(UTC)", "team"]
    assert [line.split()[0] for line in lines[1:4]] == ["1", "2", "3"]
    r = tabletop("history", "--db", str(db), "--team", "Blue", "--json")
    assert [row["id"] for row in json.loads(r.stdout)] == [1, 3]
    r = tabletop("history", "--db", str(db), "--trend")
    assert r.returncode == 0, r.stderr
    blue_total = next(line for line in r.stdout.splitlines() if line.startswith("Blue"))
    assert blue_total.split()[1:6] == ["total", "2", "60", "85", "+25"]
    # Dates beside each team, penalties as the reports show them (taken off: negative or 0).
    assert blue_total.endswith("1 Nov 2026 → 3 Nov 2026")
    assert any(line.split()[:2] == ["penalties", "2"] for line in r.stdout.splitlines())
    r = tabletop("history", "--db", str(tmp_path / "empty.sqlite3"))
    assert r.returncode == 0 and "No history yet" in r.stdout


def test_export_csv(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    r = tabletop("export", "--csv", str(out), "--db", str(db), "--since", "2026-11-02", sub=True)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(row["id"], row["team"], row["grade"]) for row in rows] == [
        ("2", "Red", "C"),
        ("3", "Blue", "B"),
    ]


def test_compare(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp.html"
    r = tabletop("compare", "1", "2", "3", "--db", str(db), "-o", str(out), sub=True)
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    # Three timelines and the score over time (the drills have dates).
    assert html.count('class="chart"') == 4 and 'id="score-chart"' in html
    assert "Findings that repeat" in html
    r = tabletop("compare", "--team", "Blue", "--db", str(db), "--format", "md")
    assert r.returncode == 0, r.stderr
    assert "# Comparison of 2 drills" in r.stdout and "#3 Blue" in r.stdout
    r = tabletop("compare", "1", "--db", str(db))
    assert r.returncode == 1 and "at least two drills" in r.stderr


def _journal_of_mini(tmp_path: Path, kit, *, end: bool = True) -> tuple[Path, Path]:
    scenario = kit.mini_scenario()
    loaded = kit.loaded_for(scenario, tmp_path)
    session = Session(scenario, sha256=loaded.sha256, team="Blue")
    session.take("assess")
    session.advance(30)
    if end:
        session.advance(scenario.duration)
    return write_journal(session, tmp_path / "drill.jsonl"), loaded.path


def test_report_of_an_interrupted_and_torn_journal(tmp_path: Path, kit) -> None:
    journal, scenario = _journal_of_mini(tmp_path, kit, end=False)
    with journal.open("a") as fh:
        fh.write('{"seq": 99, "t": 31, "kind": "deci')  # the crash cut this write short
    r = tabletop("report", str(journal), "--scenario", str(scenario), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "torn last line" in r.stderr
    doc = json.loads(r.stdout)
    assert (
        doc["summary"]["end_reason"] == "interrupted" and doc["summary"]["minutes_played"] == 5
    )  # its last event


def test_report_refuses_a_changed_scenario(tmp_path: Path, kit) -> None:
    journal, scenario = _journal_of_mini(tmp_path, kit)
    scenario.write_text(scenario.read_text().replace("Mini outage", "Mini outage v2"))
    r = tabletop("report", str(journal), "--scenario", str(scenario))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert str(journal) in r.stderr and "changed" in r.stderr


def test_history_add_stores_a_drill_from_its_journal(tmp_path: Path, kit) -> None:
    journal, scenario = _journal_of_mini(tmp_path, kit)
    db = tmp_path / "h.sqlite3"
    args = ("--db", str(db), "--add", str(journal), "--scenario-file", str(scenario))
    r = tabletop("history", *args, "--json")
    assert r.returncode == 0, r.stderr
    assert "stored" in r.stderr and "session #1" in r.stderr
    [row] = json.loads(r.stdout)
    assert (row["team"], row["scenario_id"]) == ("Blue", "mini-outage")
    from_db = json.loads(tabletop("report", "1", "--db", str(db), "--format", "json").stdout)
    from_journal = json.loads(
        tabletop("report", str(journal), "--scenario", str(scenario), "--format", "json").stdout
    )
    # Adding alone says what it stored, in one line, and prints no table.
    again = tabletop(
        "history", "--db", str(db), "--add", str(journal), "--scenario-file", str(scenario)
    )
    assert again.returncode == 0 and again.stdout == ""
    assert again.stderr.count("\n") == 1 and "already stored as session #1" in again.stderr
    for key in ("timeline", "decisions", "impact_series", "components", "findings"):
        assert from_db[key] == from_journal[key], key
    # The same drill added again is recognised, not stored a second time (it would count
    # twice in --trend and compare).
    again = tabletop("history", *args, "--json")
    assert again.returncode == 0, again.stderr
    assert "already stored as session #1" in again.stderr
    assert len(json.loads(again.stdout)) == 1


def test_output_to_a_device_a_pipe_or_a_symlink_writes_through_it(db: Path, tmp_path: Path) -> None:
    # Renaming a temporary file over /dev/null (as root) once replaced the device with a
    # plain file: special files are written in place, symlinks through to their target.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert tabletop("export", "--csv", str(fifo), "--db", str(db)).returncode == 0
    reader.join(timeout=30)
    assert fifo.is_fifo() and received[0].startswith(b"id,")

    target = tmp_path / "real.md"
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert tabletop("report", "1", "-o", str(link), "--db", str(db)).returncode == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("# ")


def test_a_written_report_follows_the_umask_and_leaves_no_temporary_file(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    old = os.umask(0o022)
    try:
        assert tabletop("report", "1", "-o", str(out), "--db", str(db)).returncode == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
