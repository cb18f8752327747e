"""The HTML report as a browser sees it (headless Chromium; skipped when not installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tabletop.reports import build_report, render

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_chromium_renders_the_charts_without_csp_violations(tmp_path: Path, drill) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(build_report(*drill, date="2026-11-27"), "html"), "utf-8")
    r = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    assert '<svg class="chart" id="impact-chart"' in dom
    assert '<svg class="chart" id="timeline-chart"' in dom
    assert dom.count('class="decision-marker"') == 3
    assert dom.count('class="team-bar"') == 3
    # Our stylesheet matches the CSP hash: the browser refused nothing.
    assert "Content Security Policy" not in r.stderr
    shot = tmp_path / "report.png"
    r = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri())
    assert r.returncode == 0 and shot.stat().st_size > 10_000
