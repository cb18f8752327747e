"""The drill service (`tabletop.drills`): a drill from a decision log, a journal or the
history reaches the same score, is stored once, and is reported the same way. Its clients
(the commands, the UI's debrief, the drill room's hub) score, store and report only through
it — the last test holds them to that."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tabletop.drills import (
    DrillError,
    counterfactuals_of,
    drill_from_journal,
    export_files,
    finished,
    open_journal,
    run_log,
    save_drill,
    stored_drill,
)
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.problems import InputError

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "dc-power-loss.yaml"
LOG = REPO / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"
PACKAGE = REPO / "tabletop"

#: `tabletop run dc-power-loss --decisions dc-power-loss-talk-first.yaml`, as the library's
#: flawed-log tests pin it: the team spoke before it fixed anything.
TALK_FIRST_TOTAL = 64.07


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def _load(path: Path) -> LoadedScenario:
    return load_scenario(path)


def test_a_log_run_is_scored_as_the_run_command_scores_it(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    drill = finished(loaded, run_log(loaded, log, journal=tmp_path / "j.jsonl"))
    assert round(drill.score.total, 2) == TALK_FIRST_TOTAL
    assert drill.score.team == "talk-first"
    assert drill.score.counterfactuals, "the service scores with counterfactuals by default"
    assert (tmp_path / "j.jsonl").read_text(encoding="utf-8").count("\n") > 5


def test_a_journal_replays_to_the_same_drill_and_keeps_its_wall_clock_start(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    journal = tmp_path / "j.jsonl"
    live = finished(loaded, run_log(loaded, log, journal=journal))
    opened = open_journal(journal, _load, scenario=SCENARIO)
    again = drill_from_journal(opened)
    assert again.score.to_json() == live.score.to_json()
    assert again.date is None, "a headless run records no wall-clock start"
    # A live drill's journal carries its start: the report dates the drill by it.
    lines = journal.read_text(encoding="utf-8").splitlines()
    start = json.loads(lines[0])
    start["started_at"] = "2026-11-30T09:15:00Z"
    dated = tmp_path / "dated.jsonl"
    dated.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n", encoding="utf-8")
    assert drill_from_journal(open_journal(dated, _load, scenario=SCENARIO)).date == (
        "2026-11-30T09:15:00Z"
    )


def test_a_journal_cut_short_is_reported_as_interrupted(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    journal = tmp_path / "j.jsonl"
    run_log(loaded, log, journal=journal)
    lines = journal.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    drill = drill_from_journal(open_journal(cut, _load, scenario=SCENARIO), counterfactuals=False)
    assert drill.session.end_reason == "interrupted"
    assert drill.score.total < TALK_FIRST_TOTAL


def test_a_file_without_a_start_event_is_one_located_problem(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text('{"seq": 1, "t": 0, "kind": "note", "text": "hi"}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_journal(journal, _load, scenario=SCENARIO)
    assert str(caught.value).startswith(f"{journal}:1:1: not a journal")


def test_the_journal_names_where_the_scenario_is_when_none_is_given(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    journal = tmp_path / "j.jsonl"
    run_log(loaded, log, journal=journal, source={"path": str(SCENARIO), "given": "x"})
    assert open_journal(journal, _load).loaded.sha256 == loaded.sha256
    unnamed = tmp_path / "unnamed.jsonl"
    run_log(loaded, log, journal=unnamed)
    lines = unnamed.read_text(encoding="utf-8").splitlines()
    start = json.loads(lines[0])
    start["scenario"] = "no-such-scenario"
    unnamed.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(DrillError, match="--scenario-file"):
        open_journal(unnamed, _load, option="--scenario-file")


def test_a_journal_path_that_is_taken_or_a_folder_is_refused(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    with pytest.raises(DrillError, match="is a folder"):
        run_log(loaded, log, journal=tmp_path)
    taken = tmp_path / "taken.jsonl"
    taken.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(DrillError):
        run_log(loaded, log, journal=taken)
    assert taken.read_text(encoding="utf-8") == "keep me\n"


def test_a_drill_is_stored_once_and_read_back_whole(loaded: LoadedScenario, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    log = load_decision_log(LOG, loaded.scenario)
    drill = finished(loaded, run_log(loaded, log))
    began = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ended = datetime(2026, 11, 30, 11, 30, tzinfo=UTC)
    first = save_drill(db, drill, started_at=began, ended_at=ended, once=True)
    second = save_drill(db, drill, once=True)
    assert (first.session_id, first.already_stored) == (1, False)
    assert (second.session_id, second.already_stored) == (1, True)
    assert save_drill(db, drill).session_id == 2, "without `once` a rerun is a new drill"
    back = stored_drill(db, 1)
    assert back.session_id == 1
    assert back.date is not None and back.date.startswith("2026-11-30T11:30")
    assert back.score.total == pytest.approx(drill.score.total, abs=0.01)
    summary = back.report().summary
    assert (summary.session_id, summary.total) == (1, back.score.total)
    with pytest.raises(DrillError, match="no stored session #9"):
        stored_drill(db, 9)


def test_counterfactuals_computed_later_complete_the_score(loaded: LoadedScenario) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    quick = finished(loaded, run_log(loaded, log), counterfactuals=False)
    assert quick.score.counterfactuals == []
    whole = quick.with_counterfactuals(counterfactuals_of(quick))
    full = finished(loaded, run_log(loaded, log))
    assert whole.score.to_json() == full.score.to_json()


def test_export_writes_the_score_and_the_report_side_by_side(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    log = load_decision_log(LOG, loaded.scenario)
    drill = finished(loaded, run_log(loaded, log))
    paths = export_files(drill, tmp_path / "out" / "dc-talk-first")
    assert [p.name for p in paths] == [
        "dc-talk-first.json",
        "dc-talk-first.md",
        "dc-talk-first.html",
    ]
    assert json.loads(paths[0].read_text(encoding="utf-8"))["total"] == TALK_FIRST_TOTAL
    assert "talk-first" in paths[1].read_text(encoding="utf-8")
    assert paths[2].read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


#: What only the drill service may call: scoring a session, storing it, building a report.
SERVICE_ONLY = {
    ("tabletop.scoring", "score"),
    ("tabletop.scoring.scorer", "score"),
    ("tabletop.scoring", "counterfactuals"),
    ("tabletop.store", "save_session"),
    ("tabletop.store.sessions", "save_session"),
    ("tabletop.store.saving", "save_session"),
    ("tabletop.store", "find_stored"),
    ("tabletop.store.sessions", "find_stored"),
    ("tabletop.reports", "build_report"),
    ("tabletop.reports.builder", "build_report"),
}


def _service_bypasses(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if (node.module, alias.name) in SERVICE_ONLY:
                        found.append(f"{path.name}:{node.lineno} {node.module}.{alias.name}")
    return found


@pytest.mark.parametrize("client", ["commands", "tui", "hub"])
def test_clients_score_store_and_report_only_through_the_service(client: str) -> None:
    assert _service_bypasses(PACKAGE / client) == []


def test_the_bypass_check_sees_a_planted_bypass(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "def f():\n    from tabletop.store import save_session\n", encoding="utf-8"
    )
    assert len(_service_bypasses(tmp_path)) == 1


def test_the_drill_ui_starts_without_the_history_and_the_report_templates() -> None:
    # The debrief reaches the history and the reports through the service when a drill ends;
    # opening the UI must not pay for them (the store pulls in Jinja and the report package),
    # nor for the headless run of a decision log (~6 ms of pydantic models).
    import subprocess
    import sys

    code = (
        "import sys, tabletop.tui.app; "
        "print(sorted(m for m in ('jinja2', 'tabletop.store', 'tabletop.reports', "
        "'tabletop.engine.headless', 'tabletop.scenario.decision_log') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
