"""The journal records where the scenario came from; report, resume and history --add find
the file themselves when it is unchanged, and say exactly what to pass when it is not."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest

from tabletop.cli import main
from tabletop.engine.headless import run_decisions
from tabletop.engine.journal import JournalWriter, read_journal, replay
from tabletop.engine.session import Session, simulate
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.source import file_sha256, find_journal_scenario, scenario_source
from tests.cli_process import tabletop_in as tabletop

REPO = Path(__file__).resolve().parent.parent.parent
BUILTIN = REPO / "scenarios" / "dc-power-loss.yaml"
LOG = REPO / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"
TITLE = "Power loss at the primary data centre"
MINE = "Power loss at our own data centre"


@pytest.fixture
def drill(tmp_path: Path) -> Path:
    """A drill run from a scenario file (not a built-in: its title differs), journalled;
    the journal's path. The scenario is `tmp_path/team/mine.yaml`, named relatively."""
    team = tmp_path / "team"
    team.mkdir()
    (team / "mine.yaml").write_text(
        BUILTIN.read_text(encoding="utf-8").replace(TITLE, MINE, 1), encoding="utf-8"
    )
    done = tabletop(
        team, "run", "mine.yaml", "--decisions", str(LOG), "--journal", "j.jsonl", "--no-history"
    )
    assert done.returncode == 0, done.stderr
    return team / "j.jsonl"


def test_the_start_event_records_the_file_as_given_and_absolute(drill: Path) -> None:
    start = read_journal(drill).start.data
    assert start["source"] == {"path": "mine.yaml", "absolute": str(drill.parent / "mine.yaml")}
    assert start["sha256"] == file_sha256(drill.parent / "mine.yaml")


def test_report_finds_the_file_from_anywhere(drill: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = tabletop(elsewhere, "report", str(drill), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["scenario"]["title"] == MINE


def test_report_says_what_to_pass_when_the_file_moved(drill: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved.yaml"
    (drill.parent / "mine.yaml").rename(moved)
    done = tabletop(tmp_path, "report", str(drill))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"tabletop: {drill}: the scenario file mine.yaml ({drill.parent / 'mine.yaml'}) is no "
        "longer there; pass where it is now with --scenario PATH"
    )
    again = tabletop(tmp_path, "report", str(drill), "--scenario", str(moved), "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["summary"]["scenario"]["title"] == MINE


def test_a_file_moved_with_its_journal_is_found_beside_it(drill: Path, tmp_path: Path) -> None:
    new_home = tmp_path / "archive"
    drill.parent.rename(new_home)
    done = tabletop(tmp_path, "report", str(new_home / "j.jsonl"), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["scenario"]["title"] == MINE


def test_report_says_what_to_pass_when_the_file_changed(drill: Path) -> None:
    scenario = drill.parent / "mine.yaml"
    before = file_sha256(scenario)
    scenario.write_text(scenario.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = tabletop(drill.parent, "report", str(drill))
    assert done.returncode == 1
    line = done.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"tabletop: {drill}: the scenario file {scenario} has changed")
    assert f"SHA-256 {before[:12]}… then, {file_sha256(scenario)[:12]}… now" in line
    assert line.endswith("pass the file as it was with --scenario PATH")


def test_history_add_finds_the_file_and_names_its_own_option(drill: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    done = tabletop(tmp_path, "history", "--db", str(db), "--add", str(drill), "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["scenario_id"] == "dc-power-loss"
    (drill.parent / "mine.yaml").unlink()
    other = tmp_path / "other.jsonl"
    other.write_bytes(drill.read_bytes())
    gone = tabletop(tmp_path, "history", "--db", str(db), "--add", str(other))
    assert gone.returncode == 1
    assert gone.stderr.strip().endswith(
        "is no longer there; pass where it is now with --scenario-file PATH"
    )


def _unfinished_journal(scenario: Path, journal: Path, given: str) -> None:
    loaded = load_scenario(scenario)
    with JournalWriter(journal) as writer:
        session = Session(
            loaded.scenario,
            sha256=loaded.sha256,
            team="blue",
            sink=writer,
            source=scenario_source(given, scenario),
        )
        session.advance(5)
        session.take("assess-power", by="ops")


def test_resume_finds_the_file_or_says_what_to_pass(drill: Path, tmp_path: Path) -> None:
    scenario = drill.parent / "mine.yaml"
    journal = tmp_path / "open.jsonl"
    _unfinished_journal(scenario, journal, "team/mine.yaml")
    opened: list[object] = []
    with mock.patch("tabletop.tui.app.TabletopApp.run", lambda app: opened.append(app)):
        assert main(["resume", str(journal)]) == 0
    (app,) = opened
    assert app.loaded.path == scenario  # type: ignore[attr-defined]
    assert app.session.scenario.title == MINE  # type: ignore[attr-defined]
    # The resumed drill keeps its source: a replay of the journal still reproduces it.
    assert read_journal(journal).start.data["source"]["path"] == "team/mine.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = tabletop(tmp_path, "resume", str(journal))
    assert done.returncode == 1
    assert "has changed since this drill" in done.stderr
    assert done.stderr.strip().endswith("pass the file as it was with --scenario PATH")


def test_a_journal_without_source_falls_back_to_the_builtin(tmp_path: Path) -> None:
    journal = tmp_path / "old.jsonl"
    loaded = load_scenario(BUILTIN)
    with JournalWriter(journal) as writer:
        Session(loaded.scenario, sha256=loaded.sha256, team="x", sink=writer)
    start = read_journal(journal).start.data
    assert "source" not in start
    assert find_journal_scenario(start, journal, "--scenario").samefile(BUILTIN)
    foreign = dict(start, scenario="not-a-builtin", sha256="0" * 64)
    with pytest.raises(Exception, match="is not built in and the journal does not say where"):
        find_journal_scenario(foreign, journal, "--scenario")
    sneaky = dict(start, scenario="../scenarios/dc-power-loss", sha256="")
    with pytest.raises(Exception, match="not built in"):
        find_journal_scenario(sneaky, journal, "--scenario")


@pytest.mark.parametrize("log", sorted((REPO / "tests" / "library" / "logs").glob("*.yaml")))
def test_run_with_a_source_plays_as_simulate(log: Path) -> None:
    candidates = [p for p in (REPO / "scenarios").glob("*.yaml") if log.stem.startswith(p.stem)]
    (scenario,) = candidates
    loaded = load_scenario(scenario)
    decisions = load_decision_log(log, loaded.scenario).decisions
    plain = simulate(loaded.scenario, list(decisions), sha256=loaded.sha256, team="t")
    sourced = run_decisions(loaded, decisions, team="t", source={"path": "p", "absolute": "/p"})
    assert sourced.feed[0].data.pop("source") == {"path": "p", "absolute": "/p"}
    assert sourced.feed == plain.feed
    again = replay(
        loaded.scenario,
        run_decisions(loaded, decisions, team="t", source={"path": "p", "absolute": "/p"}).feed,
    )
    assert again.feed[0].data["source"] == {"path": "p", "absolute": "/p"}
