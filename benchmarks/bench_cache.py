"""Large scenarios, whole process: `tabletop run --json` of 1,000 decisions on a generated
10,000-node scenario (about 1 MB of YAML), the first time and from the second time on.

Baseline in the same run: the bare parse of the same file, `yaml.load(text, CSafeLoader)` in
this process (as a plain call does it, garbage collector on; the figure with it off is printed
too). The first run starts with an empty scenario cache (parse, validate, store the entry); the
later runs read the validated scenario from the cache. Each figure is the median of RUNS runs,
interleaved. Each run stores the finished drill in a (temporary) history, as `run` does by
default. Targets: first run ≤ 1.2x the bare parse, later runs ≤ 0.5x.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.bench_replay import DECISIONS, NODES, decision_log
from tabletop.engine.synthetic import generate_scenario_data
from tabletop.scenario.models import Scenario

RUNS = 3


def write_inputs(folder: Path) -> tuple[Path, Path]:
    """The generated scenario and a decision log for it, as files."""
    data = generate_scenario_data(NODES, actions=200)
    scenario = folder / "generated.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    parsed = Scenario.model_validate(data)
    log = {
        "scenario": parsed.id,
        "team": "bench",
        "decisions": [
            {"at": d.at, "action": d.action, "by": d.by} for d in decision_log(parsed, DECISIONS)
        ],
    }
    decisions = folder / "log.yaml"
    decisions.write_text(yaml.safe_dump(log, sort_keys=False), encoding="utf-8")
    return scenario, decisions


def _bare_parse(text: str, gc_off: bool = False) -> float:
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        yaml.load(text, Loader=yaml.CSafeLoader)
        return time.perf_counter() - t0
    finally:
        gc.enable()


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - t0
    if done.returncode != 0 or '"total"' not in done.stdout:
        raise RuntimeError(f"run failed: exit {done.returncode}: {done.stderr.strip()[:300]}")
    return took


def main() -> None:
    """Print the medians and the ratios against the bare parse."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        scenario, decisions = write_inputs(folder)
        text = scenario.read_text(encoding="utf-8")
        cache = folder / "cache"
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(folder / "data"),
            "TABLETOP_DB": str(folder / "history.sqlite3"),
            "TABLETOP_CACHE_DIR": str(cache),
        }
        env.pop("TABLETOP_NO_CACHE", None)
        script = Path(sys.executable).parent / "tabletop"
        tabletop = [str(script)] if script.exists() else [sys.executable, "-m", "tabletop.cli"]
        # As a user runs it: the finished run is stored in the history (a temporary one).
        cmd = [*tabletop, "run", str(scenario), "--decisions", str(decisions), "--json"]
        bare, bare_no_gc, first, later = [], [], [], []
        for _ in range(RUNS):
            bare.append(_bare_parse(text))
            bare_no_gc.append(_bare_parse(text, gc_off=True))
            shutil.rmtree(cache, ignore_errors=True)
            first.append(_run(cmd, env, folder))
            later.append(_run(cmd, env, folder))
            later.append(_run(cmd, env, folder))
        b, f, s = statistics.median(bare), statistics.median(first), statistics.median(later)
        size = scenario.stat().st_size / 1e6
        print(f"   file: {NODES:,} nodes, {size:.1f} MB; {DECISIONS:,} decisions")
        print(f"   bare CSafeLoader parse (baseline):         {b * 1e3:7.0f} ms")
        no_gc = statistics.median(bare_no_gc)
        print(f"   bare CSafeLoader parse, GC off:            {no_gc * 1e3:7.0f} ms")
        print(f"   run --json, whole process, first time:     {f * 1e3:7.0f} ms", end="")
        print(f" ({f / b:.2f}x; target <= 1.2x)")
        print(f"   run --json, whole process, from the cache: {s * 1e3:7.0f} ms", end="")
        print(f" ({s / b:.2f}x; target <= 0.5x)")
        ok = f / b <= 1.2 and s / b <= 0.5
        print(f"   targets: {'met' if ok else 'MISSED'}")
