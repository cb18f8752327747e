"""Finding scenarios: the built-in library and folders a user names."""

from __future__ import annotations

import os
from pathlib import Path

#: Overrides where the built-in scenarios are looked up (tests, packaged installs).
BUILTIN_ENV = "TABLETOP_SCENARIOS"


def builtin_dir() -> Path:
    """The folder of built-in scenarios.

    In an installed wheel, `tabletop/builtin_scenarios/` (setup.py copies them there); in a
    checkout (and an editable install), the top-level `scenarios/` folder beside the package.
    """
    override = os.environ.get(BUILTIN_ENV)
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent.parent
    packaged = package / "builtin_scenarios"
    if packaged.is_dir():
        return packaged
    return package.parent / "scenarios"


def scenario_files(folders: list[Path] | None = None) -> list[Path]:
    """Every `*.yaml`/`*.yml` scenario file in the built-in folder and the given ones, sorted."""
    found: list[Path] = []
    for folder in [builtin_dir(), *(folders or [])]:
        if folder.is_file():
            found.append(folder)
        elif folder.is_dir():
            found.extend(sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]))
    return list(dict.fromkeys(found))


def resolve_scenario(name: str) -> Path:
    """A path as given, or the built-in scenario with this id; FileNotFoundError if neither."""
    if not name.strip():
        # Path("") is the current folder: an empty name must not read as "is a folder".
        raise FileNotFoundError("an empty scenario name: give a file or a built-in id")
    p = Path(name)
    if p.exists():
        return p
    for candidate in (builtin_dir() / f"{name}.yaml", builtin_dir() / f"{name}.yml"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name}: no such file and no built-in scenario with that id")
