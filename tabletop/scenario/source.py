"""Where a drill's scenario came from, and finding it again from the drill's journal.

The journal's start event records the scenario file as it was named and its absolute path
(`source`) beside its SHA-256. `report`, `resume` and `history --add` look there first, then
among the built-ins, and take a file only when its bytes still hash to the journal's SHA-256:
a replay on another file would not reproduce the drill.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tabletop.scenario.catalog import builtin_dir


def scenario_source(given: str | Path, path: str | Path) -> dict[str, str]:
    """The start event's `source`: the scenario as named (a path or built-in id) and the
    absolute path of the file that was loaded."""
    return {"path": str(given), "absolute": str(Path(path).absolute())}


class ScenarioNotFound(Exception):
    """The journal's scenario file cannot be found as it was; the message says what to pass."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, as `LoadedScenario.sha256`."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _recorded(start: Mapping[str, Any]) -> tuple[str, str]:
    """(as given, absolute) from the start event, "" for what is missing or not text."""
    source = start.get("source")
    if not isinstance(source, Mapping):
        return "", ""
    given, absolute = source.get("path"), source.get("absolute")
    return (given if isinstance(given, str) else ""), (
        absolute if isinstance(absolute, str) else ""
    )


def _builtins(scenario_id: str) -> list[Path]:
    # An id from a (possibly hand-edited) journal must not walk out of the built-in folder.
    if not scenario_id or any(c in scenario_id for c in "/\\") or scenario_id.startswith("."):
        return []
    folder = builtin_dir()
    return [folder / f"{scenario_id}.yaml", folder / f"{scenario_id}.yml"]


def _candidates(start: Mapping[str, Any], journal: Path) -> list[tuple[Path, bool]]:
    """Where to look, in order, each with whether a file there that has changed is worth
    naming: the recorded file is; a built-in of the same id is only when nothing is recorded
    (a drill on an edited copy of a built-in did not run from the built-in)."""
    given, absolute = _recorded(start)
    found: list[Path] = []
    if absolute:
        found.append(Path(absolute))
    if given:
        found.append(Path(given))
        if not Path(given).is_absolute():
            found.append(journal.parent / given)  # moved together with its journal
    recorded = bool(found)
    builtins = [(p, not recorded) for p in _builtins(str(start.get("scenario", "")))]
    return list(dict.fromkeys([*((p, True) for p in found), *builtins]))


def find_journal_scenario(start: Mapping[str, Any], journal: Path, option: str) -> Path:
    """The scenario file of a journal whose start event is `start`.

    Tries the recorded file (absolute, then as given, then beside the journal), then the
    built-in with the journal's scenario id; a file is taken only when its SHA-256 is the
    journal's. Raises `ScenarioNotFound` saying what to pass with `option` otherwise.
    """
    sha256 = str(start.get("sha256") or "")
    changed: list[tuple[Path, str]] = []
    for candidate, worth_naming in _candidates(start, journal):
        try:
            if not candidate.is_file():
                continue
            digest = file_sha256(candidate)
        except OSError:
            continue
        if not sha256 or digest == sha256:
            return candidate
        if worth_naming:
            changed.append((candidate, digest))
    raise ScenarioNotFound(_explain(start, journal, option, sha256, changed))


def _explain(
    start: Mapping[str, Any],
    journal: Path,
    option: str,
    sha256: str,
    changed: list[tuple[Path, str]],
) -> str:
    scenario_id = str(start.get("scenario", ""))
    given, absolute = _recorded(start)
    if changed:
        path, digest = changed[0]
        return (
            f"{journal}: the scenario file {path} has changed since this drill "
            f"(SHA-256 {sha256[:12]}… then, {digest[:12]}… now); pass the file as it was "
            f"with {option} PATH"
        )
    if given or absolute:
        named = absolute if not given or given == absolute else f"{given} ({absolute})"
        return (
            f"{journal}: the scenario file {named} is no longer there; pass where it is now "
            f"with {option} PATH"
        )
    return (
        f"{journal}: the journal's scenario {scenario_id!r} is not built in and the journal "
        f"does not say where its file was; pass it with {option} PATH"
    )
