"""End to end: `tabletop run SCENARIO --decisions LOG --json` in a subprocess, one flawed log
per built-in scenario, as a manager's tooling would call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from conftest import Library

#: One flawed log per scenario, with an avoid action (or missing step) its JSON must name.
ONE_LOG_EACH = {
    "dc-power-loss": ("dc-power-loss-lone-hero", "action", "reset-breakers-alone"),
    "ransomware-attack": ("ransomware-attack-pay-and-publish", "action", "pay-ransom"),
    "payment-provider-outage": (
        "payment-provider-outage-same-vendor-fallback",
        "step",
        "workaround",
    ),
    "office-isp-loss": ("office-isp-loss-reset-firewall", "action", "reset-site-firewall"),
    "cert-expiry-cascade": ("cert-expiry-cascade-failover-first", "action", "failover-database"),
}


def _run(lib: Library, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    tabletop = Path(sys.executable).with_name("tabletop")
    # Never touch the user's own history database.
    env = {**os.environ, "TABLETOP_DB": str(db)}
    return subprocess.run(
        [str(tabletop), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=lib.repo,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("scenario_id", sorted(ONE_LOG_EACH))
def test_run_json_scores_a_flawed_log(lib: Library, scenario_id: str, tmp_path: Path) -> None:
    stem, key, value = ONE_LOG_EACH[scenario_id]
    log = lib.log_dir / f"{stem}.yaml"
    proc = _run(lib, tmp_path / "history.db", "run", scenario_id, "--decisions", str(log), "--json")
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    assert doc["scenario"] == scenario_id
    reference = lib.solved(scenario_id).reference.total
    assert doc["total"] <= reference - 10
    assert set(doc["components"]) >= {"order", "coverage", "timeliness", "outcome"}
    impact = doc["impact"]
    assert impact["customer_minutes"] > impact["reference_customer_minutes"]
    assert impact["baseline_customer_minutes"] >= impact["customer_minutes"]
    assert any(f.get(key) == value and f["points"] < 0 for f in doc["findings"])
    assert doc["team"] == yaml.safe_load(log.read_text())["team"]
    assert doc["grade"] in {"A", "B", "C", "D", "F"}


@pytest.mark.parametrize("scenario_id", sorted(ONE_LOG_EACH))
def test_run_json_puts_the_late_word_first(lib: Library, scenario_id: str, tmp_path: Path) -> None:
    """As a manager's tooling sees it: the late customer word is the first thing to fix."""
    log = lib.log_dir / f"{scenario_id}-late-word.yaml"
    proc = _run(lib, tmp_path / "history.db", "run", scenario_id, "--decisions", str(log), "--json")
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    assert doc["total"] < 90 and doc["grade"] == "B"
    assert doc["penalty_breakdown"]["critical"] == 15
    first = doc["findings"][0]
    assert (first["kind"], first["component"], first["step"]) == (
        "improvement",
        "critical",
        "communicate",
    )
    assert first["points"] == -15 and first["text"].startswith("Customers were told at")
