"""A cache of loaded, validated scenarios, so that a large unchanged file is not parsed again.

Parsing YAML is most of the time a large scenario takes (1.6 s of a 2.3 s `run` on a 1 MB,
10k-node file); the validated model, stored as pydantic's JSON and read back with
`model_validate_json`, loads about ten times faster. The cache is safe to lose and to damage:

- An entry is keyed by the SHA-256 of the file's bytes and a fingerprint of the tabletop
  version, the code that parses and validates scenarios and the pydantic version, so an
  edited file or another version (or a development change to the rules) misses the cache
  instead of reading stale results.
- An entry is written only for a file that validated, atomically (a temporary file renamed
  over the entry), with the SHA-256 of its payload in its header: a damaged, truncated or
  foreign entry is ignored and rebuilt.
- The data is JSON validated again by the models on the way in, never pickle: nothing in the
  cache can run code.

The header line of an entry also holds what `tabletop validate` prints (the counts and the
warnings), so validating a file that validated before needs neither PyYAML nor the models:
`cached_check` reads that line only, and this module imports them only when it must parse.

Where: `TABLETOP_CACHE_DIR` when set (tests set it), else the user's cache directory
(platformdirs). `TABLETOP_NO_CACHE=1` (or `--no-cache` on a command) bypasses it.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tabletop import __version__
from tabletop.scenario.problems import Problem

if TYPE_CHECKING:
    from tabletop.scenario.loader import LoadedScenario
    from tabletop.scenario.yaml_safe import Limits

#: Overrides the cache folder (tests point it at a temporary folder).
CACHE_DIR_ENV = "TABLETOP_CACHE_DIR"
#: Set to anything but "" or "0" to neither read nor write the cache.
NO_CACHE_ENV = "TABLETOP_NO_CACHE"
#: How many entries are kept; older ones are removed when a new one is written.
MAX_ENTRIES = 64
#: `Limits.max_bytes` by default (a test checks): larger files go the slow way, which refuses
#: them with the usual message.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
FORMAT = "tabletop-scenario-cache/3"
_SUFFIX = ".json"


@dataclass(frozen=True)
class Checked:
    """What `tabletop validate` says of a valid file: its counts and its warnings."""

    path: Path
    sha256: str
    nodes: int
    actions: int
    injects: int
    warnings: tuple[Problem, ...]


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
    digest.update(_pydantic_version_file())
    return digest.hexdigest()[:16]


def _pydantic_version_file() -> bytes:
    """pydantic's `version.py` (its version and the pydantic-core it pins), read without
    importing pydantic: another pydantic may validate or serialise the models differently."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return b""
    try:
        return (Path(spec.origin).parent / "version.py").read_bytes()
    except OSError:
        return b""


def entry_path(sha256: str, folder: Path | None = None) -> Path:
    """Where the entry for a file with this SHA-256 lives (for this code)."""
    return (folder or cache_dir()) / f"{sha256}-{code_fingerprint()}{_SUFFIX}"


def _encode(loaded: LoadedScenario) -> bytes:
    """Header line (JSON) and the model's JSON: `{header}\\n{payload}`."""
    s = loaded.scenario
    # Only the fields the file set, as the history store keeps a scenario: the model read back
    # is the one the file gives, fields set and all (and half the size of a full dump).
    payload = s.model_dump_json(exclude_unset=True).encode()
    header = {
        "format": FORMAT,
        "tabletop": __version__,
        "code": code_fingerprint(),
        "file_sha256": loaded.sha256,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "counts": [len(s.nodes), len(s.actions), len(s.injects)],
        "warnings": [[w.line, w.column, w.message] for w in loaded.warnings],
    }
    return json.dumps(header).encode() + b"\n" + payload


def _header(line: bytes, sha256: str) -> dict[str, Any] | None:
    """The entry's header when it is this code's entry for this file, else None."""
    try:
        header = json.loads(line)
    except ValueError:
        return None
    expected = {"format": FORMAT, "code": code_fingerprint(), "file_sha256": sha256}
    if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
        return None
    return header


def _warnings(header: dict[str, Any], path: Path) -> tuple[Problem, ...]:
    """The warnings, named by the file's current path; ValueError/TypeError when damaged."""
    return tuple(
        Problem(str(path), int(line), int(column), str(message))
        for line, column, message in header.get("warnings", [])
    )


def _decode(blob: bytes, sha256: str, path: Path) -> LoadedScenario | None:
    """The cached scenario, or None when the entry is damaged or not this file's."""
    from pydantic import ValidationError

    from tabletop.gc_pause import paused_gc
    from tabletop.scenario.loader import LoadedScenario
    from tabletop.scenario.models import Scenario

    head, sep, payload = blob.partition(b"\n")
    header = _header(head, sha256) if sep else None
    if header is None or header.get("payload_sha256") != hashlib.sha256(payload).hexdigest():
        return None
    try:
        with paused_gc():
            scenario = Scenario.model_validate_json(payload)
            # The scenario lives as long as the command: move it (and all before it) out of
            # the collector's reach. Else the first collection after the pause walks its
            # hundreds of thousands of new objects (80 ms at 10k nodes), and every full one
            # after that again.
            gc.freeze()
        warnings = _warnings(header, path)
    except (ValidationError, ValueError, TypeError):
        return None
    return LoadedScenario(scenario, path, sha256, warnings)


def _write(loaded: LoadedScenario, folder: Path) -> None:
    """Store an entry atomically; a cache that cannot be written is no error."""
    try:
        # The entries describe the user's systems: private to them, like the files (0600).
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
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


def _load_fresh(path: Path, limits: Limits | None) -> LoadedScenario:
    """Parse and validate the file (no cache)."""
    from tabletop.scenario.loader import load_scenario

    return load_scenario(path) if limits is None else load_scenario(path, limits)


def _source_sha256(path: Path, max_bytes: int) -> str | None:
    """SHA-256 of a regular file of at most `max_bytes`; None when it is not one (the slow
    way then says why, with the usual message)."""
    try:
        if not path.is_file():  # before opening: opening a FIFO would wait for a writer
            return None
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > max_bytes:
                return None
            return hashlib.sha256(fh.read(max_bytes + 1)).hexdigest()
    except OSError:
        return None


def cached_check(path: str | Path) -> Checked | None:
    """What `validate` prints for `path`, from its entry's header alone, when this file (these
    bytes) validated before with this code; None otherwise. Neither PyYAML nor the models are
    imported."""
    if cache_disabled_by_env():
        return None
    p = Path(path)
    sha256 = _source_sha256(p, MAX_SOURCE_BYTES)
    if sha256 is None:
        return None
    try:
        with entry_path(sha256).open("rb") as fh:
            header = _header(fh.readline(), sha256)
        if header is None:
            return None
        nodes, actions, injects = (int(n) for n in header["counts"])
        return Checked(p, sha256, nodes, actions, injects, _warnings(header, p))
    except (OSError, KeyError, ValueError, TypeError):
        return None


def load_scenario_cached(
    path: str | Path, *, use_cache: bool = True, limits: Limits | None = None
) -> LoadedScenario:
    """`load_scenario`, through the cache: same result, same problems, same warnings.

    A hit reads the file (for its SHA-256) and the entry; a miss loads the file as usual and,
    when it is valid, stores the entry. Invalid files raise `InputError` and are never cached.
    """
    p = Path(path)
    if not use_cache or cache_disabled_by_env():
        return _load_fresh(p, limits)
    max_bytes = MAX_SOURCE_BYTES if limits is None else limits.max_bytes
    sha256 = _source_sha256(p, max_bytes)
    folder = cache_dir()
    if sha256 is not None:
        try:
            blob = entry_path(sha256, folder).read_bytes()
        except OSError:
            blob = b""
        hit = _decode(blob, sha256, p) if blob else None
        if hit is not None:
            return hit
    loaded = _load_fresh(p, limits)
    # The file may have changed between the two reads: store what was validated, under the
    # SHA-256 of the bytes that were validated.
    _write(loaded, folder)
    return loaded
