"""A cache of loaded, validated scenarios, so that a large unchanged file is not parsed again.

Parsing YAML is most of the time a large scenario takes to load (1.6 s of 2.3 s for a 1 MB,
10k-node file); the validated model, stored as pydantic's JSON and read back with
`model_validate_json`, loads about ten times faster. The cache is safe to lose and to damage:

- An entry is keyed by the SHA-256 of the file's bytes and a fingerprint of the tabletop
  version and of the code that parses and validates scenarios, so an edited file or another
  version (or a development change to the rules) misses the cache instead of reading stale
  results.
- An entry is written only for a file that validated, atomically (a temporary file renamed
  over the entry), with the SHA-256 of its payload in its header: a damaged, truncated or
  foreign entry is ignored and rebuilt.
- The data is JSON validated again by the models on the way in, never pickle: nothing in the
  cache can run code.

Where: `TABLETOP_CACHE_DIR` when set (tests set it), else the user's cache directory
(platformdirs). `TABLETOP_NO_CACHE=1` (or `--no-cache` on a command) bypasses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tabletop import __version__
from tabletop.gc_pause import paused_gc
from tabletop.scenario import models as m
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.problems import Problem
from tabletop.scenario.yaml_safe import DEFAULT_LIMITS, Limits, read_bytes

#: Overrides the cache folder (tests point it at a temporary folder).
CACHE_DIR_ENV = "TABLETOP_CACHE_DIR"
#: Set to anything but "" or "0" to neither read nor write the cache.
NO_CACHE_ENV = "TABLETOP_NO_CACHE"
#: How many entries are kept; older ones are removed when a new one is written.
MAX_ENTRIES = 64
FORMAT = "tabletop-scenario-cache/1"
_SUFFIX = ".json"


def cache_dir() -> Path:
    """The folder of cached scenarios."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # late: only a cache miss or hit needs it

    return Path(platformdirs.user_cache_dir("tabletop", appauthor=False)) / "scenarios"


def cache_disabled_by_env() -> bool:
    """Whether `TABLETOP_NO_CACHE` asks to bypass the cache."""
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


@cache
def code_fingerprint() -> str:
    """The tabletop version and a digest of the scenario package's code.

    A release bumps the version; a development change to the format or its checks changes the
    code. Either way entries written before mean something else and must not be read.
    """
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def entry_path(sha256: str, folder: Path | None = None) -> Path:
    """Where the entry for a file with this SHA-256 lives (for this code)."""
    return (folder or cache_dir()) / f"{sha256}-{code_fingerprint()}{_SUFFIX}"


def _has_warnings_field() -> bool:
    return "warnings" in {f.name for f in fields(LoadedScenario)}


def _encode(loaded: LoadedScenario) -> bytes:
    """Header line (JSON) and the model's JSON: `{header}\\n{payload}`."""
    payload = loaded.scenario.model_dump_json().encode()
    warnings = [[w.line, w.column, w.message] for w in getattr(loaded, "warnings", ()) or ()]
    header = {
        "format": FORMAT,
        "tabletop": __version__,
        "code": code_fingerprint(),
        "file_sha256": loaded.sha256,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "warnings": warnings,
    }
    return json.dumps(header).encode() + b"\n" + payload


def _decode(blob: bytes, sha256: str, path: Path) -> LoadedScenario | None:
    """The cached scenario, or None when the entry is damaged or not this file's."""
    head, sep, payload = blob.partition(b"\n")
    if not sep:
        return None
    try:
        header: Any = json.loads(head)
    except ValueError:
        return None
    expected = {"format": FORMAT, "code": code_fingerprint(), "file_sha256": sha256}
    if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
        return None
    if header.get("payload_sha256") != hashlib.sha256(payload).hexdigest():
        return None
    try:
        with paused_gc():
            scenario = m.Scenario.model_validate_json(payload)
        warnings = tuple(
            Problem(str(path), int(line), int(column), str(message))
            for line, column, message in header.get("warnings", [])
        )
    except (ValidationError, ValueError, TypeError):
        return None
    extra: dict[str, Any] = {"warnings": warnings} if _has_warnings_field() else {}
    return LoadedScenario(scenario, path, sha256, **extra)


def _write(loaded: LoadedScenario, folder: Path) -> None:
    """Store an entry atomically; a cache that cannot be written is no error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = entry_path(loaded.sha256, folder)
        with tempfile.NamedTemporaryFile(
            "wb", dir=folder, prefix=".tmp-", suffix=_SUFFIX, delete=False
        ) as fh:
            fh.write(_encode(loaded))
        os.replace(fh.name, target)
    except OSError:
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the newest `MAX_ENTRIES` entries."""
    try:
        entries = sorted(folder.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def load_scenario_cached(
    path: str | Path, *, use_cache: bool = True, limits: Limits = DEFAULT_LIMITS
) -> LoadedScenario:
    """`load_scenario`, through the cache: same result, same problems, same warnings.

    A hit reads the file (for its SHA-256) and the entry; a miss loads the file as usual and,
    when it is valid, stores the entry. Invalid files raise `InputError` and are never cached.
    """
    if not use_cache or cache_disabled_by_env():
        return load_scenario(path, limits)
    p = Path(path)
    raw = read_bytes(p, limits)
    sha256 = hashlib.sha256(raw).hexdigest()
    folder = cache_dir()
    try:
        blob = entry_path(sha256, folder).read_bytes()
    except OSError:
        blob = b""
    if blob:
        hit = _decode(blob, sha256, p)
        if hit is not None:
            return hit
    loaded = load_scenario(p, limits)
    # The file may have changed between the two reads: store what was validated, under the
    # SHA-256 of the bytes that were validated.
    _write(loaded, folder)
    return loaded
