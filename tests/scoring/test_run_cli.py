"""End to end: `tabletop run SCENARIO --decisions LOG [--json]` prints the score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tabletop.cli import main

LOG = {
    "scenario": "mini-power",
    "team": "Blue",
    "decisions": [
        {"at": 0, "action": "post-status", "message": "Looking into it"},  # refused: no assess
        {"at": 2, "action": "assess-impact", "by": "Ana"},
        {"at": 12, "action": "post-status", "message": "The Orders database at 10.0.0.9 is down"},
        {"at": 20, "action": "start-generator"},
        {"at": 60, "action": "call-utility"},
        {"at": 70, "action": "post-detailed-cause"},
    ],
}


@pytest.fixture
def files(tmp_path: Path, mini_data: dict[str, Any]) -> tuple[Path, Path]:
    scenario = tmp_path / "mini.yaml"
    scenario.write_text(yaml.safe_dump(mini_data, sort_keys=False))
    log = tmp_path / "log.yaml"
    log.write_text(yaml.safe_dump(LOG, sort_keys=False))
    return scenario, log


def test_run_json_has_the_score_keys(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, log = files
    assert main(["run", str(scenario), "--decisions", str(log), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in (
        "scenario",
        "team",
        "total",
        "grade",
        "components",
        "penalties",
        "impact",
        "findings",
        "counterfactuals",
        "timeline",
    ):
        assert key in doc, key
    assert doc["scenario"] == "mini-power" and doc["team"] == "Blue"
    assert set(doc["components"]) == {"order", "coverage", "timeliness", "outcome"}
    for key in (
        "customer_minutes",
        "baseline_customer_minutes",
        "reference_customer_minutes",
        "at_risk_minutes",
    ):
        assert key in doc["impact"], key
    # avoid 10 + one disclosing message 5.
    assert doc["penalties"] == 15
    assert doc["grade"] in "ABCDF" and 0 <= doc["total"] <= 100
    lost = sum(f["points"] for f in doc["findings"] if f["kind"] == "improvement")
    assert round(lost, 2) == round(doc["unclipped_total"] - 100, 2)
    assert [s["step"] for s in doc["step_timeline"]][:2] == ["assess", "escalate"]
    quotes = {f["quote"] for f in doc["findings"] if f["component"] == "disclosure"}
    assert quotes == {"Orders database", "10.0.0.9"}


def test_run_text_prints_score_findings_and_counterfactuals(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, log = files
    assert main(["run", str(scenario), "--decisions", str(log)]) == 0
    out = capsys.readouterr().out
    assert "Score: " in out and "Areas for improvement" in out
    assert "You took “Post the failed part and its firmware” at T+1:10:00" in out
    # The 40-minute restore starts at T+50:00 to be done by its T+1:30:00 target.
    assert (
        "Had you started “Restore the utility feed” at T+50:00 instead of never, "
        "so that it was done by its T+1:30:00 target" in out
    )


def test_run_is_deterministic(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    scenario, log = files
    main(["run", str(scenario), "--decisions", str(log), "--json"])
    first = capsys.readouterr().out
    main(["run", str(scenario), "--decisions", str(log), "--json"])
    assert capsys.readouterr().out == first


def _run_json(scenario: Path, log: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    assert (
        main(["run", str(scenario), "--decisions", str(log), "--json", "--no-history", *extra]) == 0
    )
    return json.loads(capsys.readouterr().out)


def test_a_log_that_ends_early_scores_like_the_same_decisions_and_says_so(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, log = files
    whole = _run_json(scenario, log, capsys)
    # The facilitator ended the drill at 100, after the last decision (70).
    ended_log = tmp_path / "ended.yaml"
    ended_log.write_text(yaml.safe_dump({**LOG, "end": 100}, sort_keys=False))
    ended = _run_json(scenario, ended_log, capsys)
    assert (ended["ended_at"], ended["scored_to"]) == (100, 240)
    assert (whole["ended_at"], whole["scored_to"]) == (None, 240)
    for key in ("total", "components", "penalties", "impact", "findings", "counterfactuals"):
        assert ended[key] == whole[key], key
    end = next(e for e in ended["timeline"] if e["kind"] == "end")
    assert end["t"] == 100
    # The text says when it ended and what it was scored to.
    assert main(["run", str(scenario), "--decisions", str(ended_log), "--no-history"]) == 0
    out = capsys.readouterr().out
    assert "Ended at T+1:40:00; scored to T+4:00:00" in out


def test_a_decision_after_the_logs_end_is_refused(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, _ = files
    log = tmp_path / "late.yaml"
    log.write_text(
        yaml.safe_dump(
            {
                "scenario": "mini-power",
                "end": 30,
                "decisions": [
                    {"at": 0, "action": "assess-impact"},
                    {"at": 40, "action": "call-utility"},
                ],
            },
            sort_keys=False,
        )
    )
    doc = _run_json(scenario, log, capsys)
    refusals = [e for e in doc["timeline"] if e["kind"] == "refusal"]
    assert [r["reason"] for r in refusals] == ["the drill has ended"]
    assert doc["refused"] == 1


def test_team_option_names_the_team_over_the_log(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, log = files
    assert _run_json(scenario, log, capsys, "--team", "Red")["team"] == "Red"
    assert _run_json(scenario, log, capsys)["team"] == "Blue"


def test_an_end_after_the_duration_is_one_located_error(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, _ = files
    log = tmp_path / "bad.yaml"
    log.write_text("scenario: mini-power\nend: 500\ndecisions: []\n")
    assert main(["run", str(scenario), "--decisions", str(log), "--no-history"]) == 1
    err = capsys.readouterr().err
    assert err == f"{log}:2:6: 'end' 500 is after the end of the drill (duration 240)\n"
