"""The headless packages never import the UI libraries (textual, rich)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

PACKAGES = [
    "tabletop.scenario",
    "tabletop.engine",
    "tabletop.scoring",
    "tabletop.reports",
    "tabletop.store",
]


def test_headless_packages_import_neither_textual_nor_rich() -> None:
    present = [p for p in PACKAGES if importlib.util.find_spec(p) is not None]
    assert present[:3] == PACKAGES[:3]
    script = (
        "import importlib, sys\n"
        f"for name in {present!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_scenario_modules_import_neither_textual_nor_rich() -> None:
    modules = [
        "tabletop.scenario.loader",
        "tabletop.scenario.validate",
        "tabletop.scenario.schema",
        "tabletop.scenario.decision_log",
        "tabletop.scenario.graph_render",
        "tabletop.scenario.starter",
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
