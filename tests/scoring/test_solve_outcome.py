"""`solve` warns when the reference avoids no customer impact: the outcome component then
gives every team, even one that does nothing, its full points, so it cannot tell teams apart.

The scenario below is worked by hand. The utility drops at 0 and comes back by itself at 45;
the shop (1,000 users) depends on it. Doing nothing: the shop is down 0-45, 45,000
customer-minutes. The reference (derived: assess 0-5, workaround 5-10) sets the shop's own
status degraded at 10, which outlives the power cut: down 0-45, then degraded (x 0.5) 45-120,
45,000 + 75 x 500 = 82,500 customer-minutes, more than doing nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import load_scenario, parse_scenario
from tabletop.scoring.solve import outcome_warning, solve

DOC_EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"

BAD = """\
format: tabletop/v1
id: no-good-reference
title: A reference that does no good
kind: power
summary: The utility comes back by itself; the workaround leaves the shop degraded.
duration: 120
nodes:
  - {id: utility, label: Utility feed, kind: power, third_party: true}
  - {id: shop, label: Web shop, users: 1000, depends_on: [utility]}
actions:
  - {id: assess, label: Assess, phase: assess, minutes: 5}
  - id: workaround
    label: Serve a static page
    phase: workaround
    minutes: 5
    effects: [{node: shop, status: degraded}]
injects:
  - {id: drop, at: 0, title: Power drops, effects: [{node: utility, status: down}]}
  - {id: back, at: 45, title: Power is back, effects: [{node: utility, status: up}]}
playbook:
  - {id: assess, phase: assess, title: Assess, any_of: [assess]}
  - {id: workaround, phase: workaround, title: Work around, any_of: [workaround]}
scoring: {order: 45, coverage: 30, timeliness: 15, outcome: 10}
"""

WORSE = (
    "the reference run costs 82,500 customer-minutes, more than doing nothing (45,000): "
    "the outcome component cannot tell teams apart (every team gets its 10 points); the "
    "reference must restore service: check that its effects bring the failed nodes back up "
    "(the right node, a standby node set up) and that no workaround leaves a node degraded "
    "after the fix"
)


def _tabletop(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("tabletop")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_hand_worked_figures_and_the_free_outcome_points() -> None:
    result = solve(parse_scenario(BAD))
    impact = result.baseline.impact
    assert (impact.baseline_customer_minutes, impact.reference_customer_minutes) == (
        45_000,
        82_500,
    )
    # What the warning is about: doing nothing gets the whole outcome component.
    assert result.baseline.components.outcome == 1.0
    assert result.warnings == [WORSE]


def test_solve_said_ok_before_and_now_warns(tmp_path: Path) -> None:
    """Outcome weighs 10 here, so doing nothing scores 10 (<= 15) and the reference 100:
    without the check `solve` printed OK."""
    path = _write(tmp_path, BAD)
    ran = _tabletop("solve", str(path))
    assert ran.returncode == 0, ran.stderr
    assert "Score: 100.00 / 100 (A)" in ran.stdout and "Score: 10.00 / 100 (F)" in ran.stdout
    assert "Impact: 45,000 customer-minutes (doing nothing 45,000, reference 82,500)" in ran.stdout
    assert f"warning: {WORSE}" in ran.stdout.splitlines()
    assert "OK:" not in ran.stdout


def test_json_lists_the_warning_and_strict_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, BAD)
    ran = _tabletop("solve", str(path), "--json")
    assert ran.returncode == 0
    assert json.loads(ran.stdout)["warnings"] == [WORSE]
    assert f"tabletop: warning: {WORSE}" in ran.stderr.splitlines()
    strict = _tabletop("solve", str(path), "--strict")
    assert strict.returncode == 1
    assert "1 warning(s) with --strict: the scenario fails the check" in strict.stderr


def test_a_reference_as_costly_as_doing_nothing_warns() -> None:
    text = BAD.replace("    effects: [{node: shop, status: degraded}]\n", "")
    assert solve(parse_scenario(text)).warnings == [
        WORSE.replace(
            "costs 82,500 customer-minutes, more than", "costs 45,000 customer-minutes, as much as"
        )
    ]


def test_no_customer_impact_at_all_warns_with_its_own_fix() -> None:
    text = BAD.replace("users: 1000", "users: 0")
    assert solve(parse_scenario(text)).warnings == [
        "neither the reference nor doing nothing costs any customer-minutes: the outcome "
        "component cannot tell teams apart (every team gets its 10 points); give the "
        "customer-facing nodes their `users`, or set `scoring.outcome` to 0"
    ]


def test_no_warning_when_outcome_has_no_weight() -> None:
    text = BAD.replace(
        "scoring: {order: 45, coverage: 30, timeliness: 15, outcome: 10}",
        "scoring: {order: 45, coverage: 40, timeliness: 15, outcome: 0}",
    )
    assert solve(parse_scenario(text)).warnings == []


def test_no_warning_when_the_reference_restores_service() -> None:
    text = BAD.replace("{node: shop, status: degraded}", "{node: utility, status: up}")
    result = solve(parse_scenario(text))
    # Utility back at 10 instead of 45: the reference costs 10,000 against 45,000.
    assert result.reference.impact.reference_customer_minutes == 10_000
    assert result.warnings == []


@pytest.mark.parametrize(
    ("reference", "nothing", "warned"),
    [(0.0, 0.0, True), (1.0, 1.0, True), (2.0, 1.0, True), (10.0, 0.0, True), (0.5, 1.0, False)],
)
def test_outcome_warning_follows_the_outcome_formula(
    reference: float, nothing: float, warned: bool
) -> None:
    """Warned exactly when outcome_component gives 1 to everyone: nothing - reference <= 0."""
    scenario = parse_scenario(BAD)
    assert (outcome_warning(scenario, reference, nothing) is not None) is warned


def _shipped() -> list[Path]:
    examples = [p for p in sorted(DOC_EXAMPLES.glob("*.yaml")) if not p.stem.endswith("-log")]
    return sorted(builtin_dir().glob("*.yaml")) + examples


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.stem)
def test_built_ins_and_doc_examples_have_a_reference_that_helps(path: Path) -> None:
    scenario = load_scenario(path).scenario
    result = solve(scenario)
    impact = result.reference.impact
    assert impact.reference_customer_minutes < impact.baseline_customer_minutes
    assert not [w for w in result.warnings if "outcome component" in w]


def test_the_shipped_list_is_not_empty() -> None:
    assert len(_shipped()) >= 8


def test_the_warning_quoted_in_the_scenario_doc_is_what_solve_writes() -> None:
    doc = (DOC_EXAMPLES.parent / "scenario-format.md").read_text(encoding="utf-8")
    scenario = parse_scenario(
        BAD.replace(
            "scoring: {order: 45, coverage: 30, timeliness: 15, outcome: 10}",
            "scoring: {order: 35, coverage: 20, timeliness: 15, outcome: 30}",
        )
    )
    warning = outcome_warning(scenario, 180_000, 135_000)
    assert warning is not None
    assert f"\nwarning: {warning}\n" in doc
