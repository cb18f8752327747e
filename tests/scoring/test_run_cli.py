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
