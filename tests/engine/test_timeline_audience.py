"""The text timeline of `tabletop run` marks facilitator injects and nodes that stay down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "tui" / "fixtures" / "control-plane.yaml"
TABLETOP = Path(sys.executable).parent / "tabletop"


def _run(tmp_path: Path, log: str) -> list[str]:
    path = tmp_path / "log.yaml"
    path.write_text(log, encoding="utf-8")
    done = subprocess.run(
        [str(TABLETOP), "run", str(FIXTURE), "--decisions", str(path), "--no-history"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_facilitator_injects_and_latched_nodes_in_the_text_timeline(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        "scenario: control-plane\nteam: t\ndecisions:\n  - {at: 35, action: restart-api}\n",
    )
    lines = [line.strip() for line in out]
    power = next(line for line in lines if "Site power lost" in line)
    assert power.startswith("T+0:00  inject")
    # both control-plane nodes are `recovers: manual`: they went down and stay down
    assert power.endswith("[cp-api, cp-db stay down until restarted]")
    hints = [line for line in lines if "Hint:" in line]
    assert hints == [
        "T+0:00  inject    [facilitator only] Hint: their status page stays green for 25 "
        "minutes: Nudge them if nobody looks at it.",
        "T+40:00  inject    [facilitator only] Hint: nothing restarts by itself",
    ]
    # a team inject is not marked
    assert any(line.startswith("T+50:00  inject    A journalist calls") for line in lines)
