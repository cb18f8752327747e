"""The cache of loaded scenarios: same result as a fresh load, rebuilt when damaged or stale,
never written for an invalid file, bypassed with --no-cache or TABLETOP_NO_CACHE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.synthetic import generate_scenario_data
from tabletop.scenario import cache
from tabletop.scenario import loader as loader_module
from tabletop.scenario.problems import InputError

REPO = Path(__file__).resolve().parent.parent.parent
BUILTIN = REPO / "scenarios" / "dc-power-loss.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The cache folder of this test (conftest points TABLETOP_CACHE_DIR at a fresh one)."""
    return cache.cache_dir()


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any YAML parse fail: a cache hit must not parse."""

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("parsed the YAML file: the cache was not used")

    monkeypatch.setattr(cache, "_load_fresh", refuse)


def test_cache_dir_is_the_tests_folder_not_the_users() -> None:
    assert os.environ["TABLETOP_CACHE_DIR"] == str(cache.cache_dir())
    assert "pytest" in str(cache.cache_dir())


def test_second_load_is_a_hit_equal_to_a_fresh_load(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    fresh = loader_module.load_scenario(path)
    first = cache.load_scenario_cached(path)
    assert first == fresh
    (entry,) = _entries(folder)
    assert entry.name.startswith(fresh.sha256)
    _no_parse(monkeypatch)
    again = cache.load_scenario_cached(path)
    assert again.scenario == fresh.scenario
    assert (again.path, again.sha256) == (path, fresh.sha256)
    assert getattr(again, "warnings", ()) == getattr(fresh, "warnings", ())


def test_same_content_elsewhere_is_a_hit_named_by_its_new_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_bytes(BUILTIN.read_bytes())
    b.write_bytes(BUILTIN.read_bytes())
    cache.load_scenario_cached(a)
    _no_parse(monkeypatch)
    hit = cache.load_scenario_cached(b)
    assert hit.path == b
    assert all(w.file == str(b) for w in getattr(hit, "warnings", ()))


def test_an_edited_file_misses_and_gets_its_own_entry(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "s.yaml"
    text = BUILTIN.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = cache.load_scenario_cached(path)
    path.write_text(text.replace("duration: 240", "duration: 250", 1), encoding="utf-8")
    after = cache.load_scenario_cached(path)
    assert (before.scenario.duration, after.scenario.duration) == (240, 250)
    assert before.sha256 != after.sha256
    assert len(_entries(folder)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",
        lambda blob: blob[: len(blob) // 2],
        lambda blob: b"not json\n" + blob.partition(b"\n")[2],
        lambda blob: blob.replace(b'"duration":240', b'"duration":999', 1),
        lambda blob: blob.partition(b"\n")[0],
        lambda blob: b"\x00" * 100,
    ],
    ids=["empty", "truncated", "bad-header", "edited-payload", "no-payload", "garbage"],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path: Path, folder: Path, damage) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    good = cache.load_scenario_cached(path)
    (entry,) = _entries(folder)
    intact = entry.read_bytes()
    assert damage(intact) != intact
    entry.write_bytes(damage(intact))
    again = cache.load_scenario_cached(path)
    assert again.scenario == good.scenario
    assert again.scenario.duration == 240
    assert entry.read_bytes() == intact  # rebuilt


def test_an_entry_of_another_version_is_not_read(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    cache.load_scenario_cached(path)
    (old,) = _entries(folder)
    monkeypatch.setattr(cache, "__version__", "999.0")
    cache.code_fingerprint.cache_clear()
    try:
        new_entry = cache.entry_path(cache.load_scenario_cached(path).sha256)
        assert new_entry != old
        assert new_entry.is_file()
        # The old entry renamed to the new version's name is still refused: its header says
        # which code wrote it.
        new_entry.write_bytes(old.read_bytes())
        _no_parse(monkeypatch)
        with pytest.raises(AssertionError, match="cache was not used"):
            cache.load_scenario_cached(path)
    finally:
        cache.code_fingerprint.cache_clear()


def test_an_invalid_file_is_never_cached(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        BUILTIN.read_text(encoding="utf-8").replace("duration: 240", "duration: -5", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as fresh:
        loader_module.load_scenario(path)
    for _ in range(2):
        with pytest.raises(InputError) as cached:
            cache.load_scenario_cached(path)
        assert cached.value.problems == fresh.value.problems
    assert _entries(folder) == []


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("TABLETOP_CACHE_DIR", str(blocker / "cache"))
    loaded = cache.load_scenario_cached(BUILTIN)
    assert loaded.scenario.id == "dc-power-loss"


def test_old_entries_are_pruned(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    text = BUILTIN.read_text(encoding="utf-8")
    for k in range(4):
        path = tmp_path / f"s{k}.yaml"
        path.write_text(text.replace("duration: 240", f"duration: {200 + k}", 1), "utf-8")
        loaded = cache.load_scenario_cached(path)
        os.utime(cache.entry_path(loaded.sha256), (k, k))  # distinct ages, oldest first
    assert len(_entries(folder)) == 2


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(2, 60), seed=st.integers(0, 10_000), actions=st.integers(1, 8))
def test_a_hit_equals_a_fresh_load_for_generated_scenarios(
    tmp_path: Path, n: int, seed: int, actions: int
) -> None:
    path = tmp_path / f"g-{n}-{seed}-{actions}.yaml"
    path.write_text(yaml.safe_dump(generate_scenario_data(n, actions=actions, seed=seed)), "utf-8")
    fresh = loader_module.load_scenario(path)
    cache.load_scenario_cached(path)
    hit = cache.load_scenario_cached(path)
    assert hit.scenario == fresh.scenario
    assert hit.scenario.model_dump() == fresh.scenario.model_dump()
    assert hit.scenario.model_dump(exclude_unset=True) == fresh.scenario.model_dump(
        exclude_unset=True
    )
    assert hit.sha256 == fresh.sha256


EXAMPLES = sorted(
    p
    for p in [*(REPO / "scenarios").glob("*.yaml"), *(REPO / "docs" / "examples").glob("*.yaml")]
    if not p.name.endswith("-log.yaml")  # docs/examples holds decision logs too
)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_shipped_scenario_is_a_real_hit(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stored model the models refused on the way back would silently fall back to parsing
    # every time: the second load must not parse.
    fresh = loader_module.load_scenario(path)
    cache.load_scenario_cached(path)
    _no_parse(monkeypatch)
    hit = cache.load_scenario_cached(path)
    assert hit.scenario == fresh.scenario
    # The fields the file set, as the history store keeps them.
    assert hit.scenario.model_dump(exclude_unset=True) == fresh.scenario.model_dump(
        exclude_unset=True
    )
    assert hit.warnings == fresh.warnings


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tabletop.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_cli_uses_the_cache_unless_told_not_to(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    done = _cli("validate", "--no-cache", str(path))
    assert done.returncode == 0, done.stderr
    assert _entries(folder) == []
    done = _cli("solve", str(path), env={"TABLETOP_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    assert _entries(folder) == []
    first = _cli("validate", str(path))
    assert first.returncode == 0
    (entry,) = _entries(folder)
    second = _cli("validate", str(path))
    assert second.stdout == first.stdout
    assert "ok (25 nodes" in second.stdout
    assert _entries(folder) == [entry]


def test_run_from_the_cache_scores_as_a_fresh_run(tmp_path: Path) -> None:
    log = REPO / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"
    args = ("run", "dc-power-loss", "--decisions", str(log), "--json")
    fresh = _cli(*args, "--no-cache")
    _cli(*args)
    cached = _cli(*args)
    assert fresh.returncode == cached.returncode == 0, cached.stderr
    assert cached.stdout == fresh.stdout
    assert '"total"' in cached.stdout


def test_validate_of_a_cached_file_builds_no_model(tmp_path: Path) -> None:
    # The header line of an entry holds what validate prints: an unchanged file is checked
    # without PyYAML or the pydantic models (the start-up goal of `validate`).
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    script = (
        "import contextlib, io, sys\n"
        "from tabletop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['validate', {str(path)!r}])\n"
        "print(code, out.getvalue().strip())\n"
        "print(sorted(m for m in sys.modules if m in ('yaml', 'tabletop.scenario.models')))\n"
    )

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    first = run()
    assert first[0] == f"0 {path}: ok (25 nodes, 20 actions, 11 injects)"
    assert first[1] == "['tabletop.scenario.models', 'yaml']"
    again = run()
    assert again == [first[0], "[]"]


def test_a_cached_summary_keeps_warnings_named_by_the_current_path(
    tmp_path: Path, folder: Path
) -> None:
    # base.yaml with a soft dependency closing a cycle: one warning (see test_warnings.py).
    text = (REPO / "tests" / "scenario" / "base.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      - any_of: [utility, generator]\n",
        "      - any_of: [utility, generator]\n      - soft: web\n",
    )
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = cache.load_scenario_cached(path)
    assert len(loaded.warnings) == 1
    moved = tmp_path / "moved.yaml"
    path.rename(moved)
    checked = cache.cached_check(moved)
    assert checked is not None
    s = loaded.scenario
    assert (checked.nodes, checked.actions, checked.injects) == (
        len(s.nodes),
        len(s.actions),
        len(s.injects),
    )
    assert checked.warnings == tuple(
        type(w)(str(moved), w.line, w.column, w.message) for w in loaded.warnings
    )


def test_a_cached_summary_is_not_read_for_an_edited_file_or_with_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUILTIN.read_bytes())
    assert cache.cached_check(path) is None  # nothing cached yet
    cache.load_scenario_cached(path)
    assert cache.cached_check(path) is not None
    monkeypatch.setenv("TABLETOP_NO_CACHE", "1")
    assert cache.cached_check(path) is None
    monkeypatch.delenv("TABLETOP_NO_CACHE")
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert cache.cached_check(path) is None


def test_the_size_limit_matches_the_loaders() -> None:
    from tabletop.scenario.yaml_safe import DEFAULT_LIMITS

    assert DEFAULT_LIMITS.max_bytes == cache.MAX_SOURCE_BYTES


def test_another_pydantic_is_another_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.code_fingerprint.cache_clear()
    try:
        before = cache.code_fingerprint()
        assert b"VERSION" in cache._pydantic_version_file()
        monkeypatch.setattr(cache, "_pydantic_version_file", lambda: b"VERSION = '9.9'")
        cache.code_fingerprint.cache_clear()
        assert cache.code_fingerprint() != before
    finally:
        cache.code_fingerprint.cache_clear()


def test_entries_are_private_to_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "fresh" / "cache"
    monkeypatch.setenv("TABLETOP_CACHE_DIR", str(folder))
    loaded = cache.load_scenario_cached(BUILTIN)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert cache.entry_path(loaded.sha256).stat().st_mode & 0o777 == 0o600
