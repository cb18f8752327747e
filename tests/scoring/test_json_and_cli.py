"""The score JSON document (stable keys, rounding) and the `tabletop solve` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tabletop.cli import main
from tabletop.engine.events import Decision as D
from tabletop.engine.session import simulate
from tabletop.scenario.models import Scenario
from tabletop.scoring import Score, score
from tabletop.scoring.render import render_score_text

TOP_KEYS = [
    "scenario",
    "team",
    "total",
    "unclipped_total",
    "grade",
    "components",
    "weights",
    "penalties",
    "penalty_breakdown",
    "impact",
    "findings",
    "counterfactuals",
    "timeline",
    "ended_at",
    "scored_to",
]


def sample(mini: Scenario) -> Score:
    s = simulate(
        mini,
        [
            D(0, "assess-impact"),
            D(10, "post-status", message="Orders database down"),
            D(50, "start-generator"),
            D(60, "post-detailed-cause"),
        ],
    )
    return score(mini, s, team="Blue")


def test_json_keys_in_a_stable_order(mini: Scenario) -> None:
    doc = sample(mini).to_json()
    assert list(doc) == TOP_KEYS
    assert list(doc["components"]) == ["order", "coverage", "timeliness", "outcome"]
    assert list(doc["impact"]) == [
        "customer_minutes",
        "baseline_customer_minutes",
        "reference_customer_minutes",
        "at_risk_minutes",
    ]
    assert list(doc["findings"][0]) == [
        "kind",
        "component",
        "points",
        "t",
        "step",
        "action",
        "quote",
        "text",
    ]
    assert list(doc["timeline"][0]) == [
        "step",
        "title",
        "phase",
        "by",
        "team_started",
        "team_done",
        "reference_started",
        "reference_done",
    ]
    assert list(doc["counterfactuals"][0]) == [
        "step",
        "action",
        "at",
        "team_at",
        "customer_minutes_saved",
        "text",
    ]
    assert doc["team"] == "Blue" and doc["scenario"] == "mini-power"
    json.dumps(doc)  # JSON-ready as it is


def test_json_round_trip(mini: Scenario) -> None:
    doc = sample(mini).to_json()
    assert Score.from_json(doc).to_json() == doc


def test_text_rendering_lists_breakdown_findings_and_counterfactuals(mini: Scenario) -> None:
    text = render_score_text(sample(mini))
    assert text.startswith("Score: ")
    for word in (
        "order",
        "coverage",
        "timeliness",
        "outcome",
        "penalties",
        "Areas for improvement",
        "Strengths:",
        "What would have helped most:",
        "Had you started",
    ):
        assert word in text


def write(tmp_path: Path, data: dict[str, object]) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def test_solve_command_text_and_json(
    mini_data: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, mini_data)
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Reference decisions for mini-power (derived from the playbook)" in out
    assert "T+0:00    assess-impact" in out
    assert "Score: 100.00 / 100 (A)" in out and "Score: 0.00 / 100 (F)" in out
    assert main(["solve", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["reference"]["total"] == 100 and doc["baseline"]["total"] == 0
    assert doc["warnings"] == []


def test_solve_strict_fails_on_warnings(
    mini_data: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_data["reference"] = [{"at": 0, "action": "assess-impact"}]
    path = write(tmp_path, mini_data)
    assert main(["solve", str(path)]) == 0  # warns, but only --strict fails
    assert "warning: the reference scores" in capsys.readouterr().out
    assert main(["solve", str(path), "--strict"]) == 1


def test_solve_unknown_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "no-such-scenario"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-scenario" in err


def test_solve_builtin_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    from tabletop.scenario.catalog import builtin_dir

    if not (builtin_dir() / "dc-power-loss.yaml").exists():
        pytest.skip("built-in dc-power-loss not there yet")
    assert main(["solve", "dc-power-loss", "--strict"]) == 0
    assert "OK: the reference scores" in capsys.readouterr().out
