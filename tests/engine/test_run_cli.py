"""`tabletop run SCENARIO --decisions LOG [--journal PATH] [--json]`, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tabletop.cli import main
from tabletop.engine.journal import read_journal, replay
from tabletop.scenario.loader import load_scenario

SCENARIO = {
    "format": "tabletop/v1",
    "id": "run-test",
    "title": "Run test",
    "kind": "power",
    "summary": "s",
    "duration": 60,
    "nodes": [
        {"id": "feed", "label": "Feed"},
        {"id": "web", "label": "Web", "users": 100, "depends_on": ["feed"]},
        {"id": "admin", "label": "Admin", "users": 10},
    ],
    "actions": [
        {"id": "assess", "label": "Assess", "phase": "assess", "minutes": 5, "reveals": "Feed."},
        {
            "id": "fix-feed",
            "label": "Fix the feed",
            "phase": "fix",
            "minutes": 10,
            "requires": ["assess"],
            "effects": [{"node": "feed", "status": "up"}],
        },
    ],
    "injects": [
        {
            "id": "cut",
            "at": 0,
            "title": "Feed lost",
            "effects": [{"node": "feed", "status": "down"}],
        },
        {
            "id": "breach",
            "at": 30,
            "title": "Admin breached",
            "effects": [{"node": "admin", "status": "compromised"}],
        },
    ],
    "playbook": [{"id": "fix", "phase": "fix", "title": "Fix", "any_of": ["fix-feed"]}],
}

LOG = """scenario: run-test
team: Blue
decisions:
  - {at: 0, action: fix-feed, by: ana}
  - {at: 0, action: assess, by: ana}
  - {at: 5, action: fix-feed, by: bo, note: now it works}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    sc = tmp_path / "run-test.yaml"
    sc.write_text(yaml.safe_dump(SCENARIO, sort_keys=False), encoding="utf-8")
    log = tmp_path / "log.yaml"
    log.write_text(LOG, encoding="utf-8")
    return sc, log


def test_run_prints_the_timeline_and_impact(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sc, log = files
    assert main(["run", str(sc), "--decisions", str(log)]) == 0
    out = capsys.readouterr().out
    assert "run-test: Run test — team Blue" in out
    assert " T+0:00  inject    Feed lost [2 changed: feed up→down, web up→down]" in out
    assert " T+0:00  REFUSED   fix-feed (by ana): first needs done: Assess" in out
    assert (
        "T+15:00  done      Fix the feed [fix-feed] [2 changed: feed down→up, web down→up]" in out
    )
    assert "T+1:00:00  end       drill ended (duration)" in out
    # web (100 users) down 0-15; admin (10) at risk 30-60
    assert "customer-minutes   1,500" in out
    assert "at-risk minutes    300" in out
    assert "peak affected      100 users (from T+0:00)" in out


def test_run_json_has_the_stable_keys(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sc, log = files
    assert main(["run", str(sc), "--decisions", str(log), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "run-test" and data["team"] == "Blue"
    assert data["impact"]["customer_minutes"] == 1500
    assert data["impact"]["at_risk_minutes"] == 300
    assert data["impact"]["peak_affected"] == 100
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds[0] == "inject" and kinds[-1] == "end" and "refusal" in kinds
    refusal = next(e for e in data["timeline"] if e["kind"] == "refusal")
    assert refusal["reason"] == "first needs done: Assess" and refusal["clock"] == "T+0:00"


def test_run_with_journal_writes_a_replayable_journal(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sc, log = files
    journal = tmp_path / "out" / "run.jsonl"
    assert main(["run", str(sc), "--decisions", str(log), "--journal", str(journal)]) == 0
    loaded = load_scenario(sc)
    events = read_journal(journal).events
    assert replay(loaded.scenario, events, sha256=loaded.sha256).feed == events
    # A second run must not mix two drills into one journal.
    capsys.readouterr()
    assert main(["run", str(sc), "--decisions", str(log), "--journal", str(journal)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and len(err.strip().splitlines()) == 1


def test_a_bad_log_gets_one_line_per_problem_with_its_position(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sc, _ = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: run-test\ndecisions:\n  - {at: 3, action: asses}\n", encoding="utf-8")
    assert main(["run", str(sc), "--decisions", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith(f"{bad}:") for line in err)
    assert any("asses" in line for line in err)


def test_an_unknown_scenario_is_one_line(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = files
    assert main(["run", "no-such-scenario", "--decisions", str(log)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-scenario" in err[0]


def test_timeline_entries_keep_the_event_fields_beside_their_summary() -> None:
    from tabletop.engine.events import Event
    from tabletop.engine.headless import format_clock, format_entry, timeline_entry

    note = timeline_entry(Event(3, 12.5, "note", {"text": "calm", "by": "obs"}))
    assert (note["summary"], note["text"], note["clock"]) == ("calm by obs", "calm", "T+12:30")
    fire = timeline_entry(Event(4, 13, "facilitator", {"command": "fire-inject", "inject": "x"}))
    assert format_entry(fire) == "   T+13:00  facilitator inject x fired by hand"
    assert format_clock(240) == "T+4:00:00"


def test_scenario_may_be_a_builtin_id(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sc, log = files
    monkeypatch.setenv("TABLETOP_SCENARIOS", str(sc.parent))
    assert main(["run", "run-test", "--decisions", str(log)]) == 0
    assert "T+1:00:00  end       drill ended (duration)" in capsys.readouterr().out
