"""Build hook: the wheel carries the built-in scenarios.

The repository keeps them in the top-level `scenarios/` folder (where authors find them); a
wheel puts a copy inside the package, as `tabletop/builtin_scenarios/`, where
`tabletop.scenario.catalog.builtin_dir` looks first. Everything else is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SCENARIOS = Path("scenarios")
PACKAGED = Path("tabletop") / "builtin_scenarios"


class BuildPyWithScenarios(build_py):  # type: ignore[misc]
    """`build_py` that also copies `scenarios/*.yaml` into the built package."""

    def run(self) -> None:
        """Build the package, then add the scenario files to it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads scenarios/ where it is
        target = Path(self.build_lib) / PACKAGED
        self.mkpath(str(target))
        for source in sorted([*SCENARIOS.glob("*.yaml"), *SCENARIOS.glob("*.yml")]):
            self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithScenarios})
