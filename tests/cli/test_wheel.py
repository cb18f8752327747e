"""Packaging: the wheel, installed in a fresh virtual environment outside the checkout, carries
the built-in scenarios and plays every one of them.

The wheel is built offline from a copy of the source tree (`--no-build-isolation`, with the
dev environment's setuptools). The fresh environment gets the runtime dependencies through a
`.pth` line naming the dev environment's site-packages: installing them from an index would
take minutes. That directory's own `.pth` files (the editable install's finder) are not
processed, so `tabletop` can only come from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
LOGS = REPO / "tests" / "library" / "logs"
BUILTINS = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", ".*_cache", ".hypothesis", "__pycache__"
)


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel built from this checkout; its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(REPO, source, ignore=COPY_IGNORE)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), "./src"],
        work,
        env,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("tabletop-*.whl")
    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        work,
        env,
    ).stdout.strip()
    Path(purelib, "_tabletop_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = _run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], work, env)
    assert done.returncode == 0, done.stderr
    return target / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working folder outside the checkout and an environment naming no part of it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TABLETOP_SCENARIOS")}
    return tmp_path, env


def test_the_package_comes_from_the_wheel(installed: Path, outside) -> None:
    cwd, env = outside
    done = _run(
        [str(installed / "python"), "-c", "import tabletop; print(tabletop.__file__)"], cwd, env
    )
    assert Path(done.stdout.strip()).is_relative_to(installed.parent)


def test_list_and_validate_every_builtin(installed: Path, outside) -> None:
    cwd, env = outside
    listed = _run([str(installed / "tabletop"), "list"], cwd, env)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == BUILTINS
    checked = _run([str(installed / "tabletop"), "validate", *BUILTINS], cwd, env)
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert len(lines) == len(BUILTINS)
    for name, line in zip(BUILTINS, lines, strict=True):
        path = Path(line.split(":")[0])
        assert path.name == f"{name}.yaml"
        assert path.is_relative_to(installed.parent), line  # the wheel's copy, not the checkout
        assert line.endswith("injects)")


def test_solve_a_builtin(installed: Path, outside) -> None:
    cwd, env = outside
    done = _run([str(installed / "tabletop"), "solve", "dc-power-loss", "--json"], cwd, env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["scenario"] == "dc-power-loss"
    assert result["reference"]["total"] >= 90


@pytest.mark.parametrize("scenario", BUILTINS)
def test_headless_run_of_every_builtin(installed: Path, outside, scenario: str) -> None:
    cwd, env = outside
    (log,) = sorted(LOGS.glob(f"{scenario}-*.yaml"))[:1]
    shutil.copy(log, cwd / "log.yaml")
    done = _run(
        [str(installed / "tabletop"), "run", scenario, "--decisions", "log.yaml", "--json"],
        cwd,
        env,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["scenario"] == scenario
    assert 0 <= payload["total"] <= 100
    assert set(payload["components"]) == {"order", "coverage", "timeliness", "outcome"}


_FIRST_PAINT = """
import sys
from textual.screen import Screen
from tabletop.tui.app import TabletopApp
original = Screen._compositor_refresh
def refresh(self):
    original(self)
    if type(self) is not Screen and not getattr(refresh, "done", False):
        refresh.done = True
        lines = self.app.export_screenshot()
        print(type(self).__name__, "generator" in lines)  # SVG: one-word text only
        self.app.exit()
Screen._compositor_refresh = refresh
run = TabletopApp.run
TabletopApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
from tabletop.cli import main
main(["play", "dc-power-loss", "--team", "blue", "--journal", "j.jsonl"])
"""


def test_the_drill_ui_opens_from_the_wheel(installed: Path, outside) -> None:
    # The stylesheet and every other file the UI reads come from the wheel.
    cwd, env = outside
    done = _run([str(installed / "python"), "-c", _FIRST_PAINT], cwd, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "DrillScreen True"
    assert '"kind": "start"' in (cwd / "j.jsonl").read_text(encoding="utf-8")
