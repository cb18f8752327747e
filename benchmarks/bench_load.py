"""Scenario loading: load + validate of a generated 100k-node scenario against a bare parse.

Baseline: `yaml.load(text, CSafeLoader)` of the same file (no limits, no positions, no models),
measured in the same run. Target: load + validate ≤ 3x the baseline.
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

import yaml

from tabletop.scenario.loader import load_scenario

NODES = 100_000


def generate(path: Path, nodes: int = NODES) -> None:
    """Write a valid scenario with `nodes` nodes, each depending on earlier ones."""
    out = [
        "format: tabletop/v1",
        "id: generated",
        "title: Generated scenario",
        "kind: other",
        "summary: A large generated scenario for the loading benchmark.",
        "duration: 240",
        "nodes:",
    ]
    for i in range(nodes):
        out += [f"  - id: n{i}", f"    label: Node number {i}", "    kind: service"]
        if i % 3 == 0:
            out.append(f"    users: {i % 1000}")
        if i >= 2:
            out.append(f"    depends_on: [n{i // 2}, {{any_of: [n{i - 1}, n{i - 2}]}}]")
    out += ["actions:"]
    for i in range(50):
        out += [
            f"  - id: a{i}",
            f"    label: Action {i}",
            "    phase: fix",
            "    minutes: 5",
            f"    effects: [{{node: n{i}, status: up}}]",
        ]
    out += [
        "injects:",
        "  - {id: drop, at: 0, title: Drop, effects: [{node: n0, status: down}]}",
        "playbook:",
        "  - {id: fix, phase: fix, title: Fix, any_of: [a0], by: 30}",
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _best(fn: object, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print the sizes, times and the ratio against the bare parse."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        generate(path)
        size = path.stat().st_size
        text = path.read_text(encoding="utf-8")

        def bare() -> None:
            yaml.load(text, Loader=yaml.CSafeLoader)

        def bare_no_gc() -> None:
            gc.disable()
            try:
                yaml.load(text, Loader=yaml.CSafeLoader)
            finally:
                gc.enable()

        def ours() -> None:
            load_scenario(path)

        t_bare = _best(bare)
        t_bare_no_gc = _best(bare_no_gc)
        t_ours = _best(ours)
        print(f"   file: {NODES:,} nodes, {size / 1e6:.1f} MB")
        rate = size / 1e6 / t_bare
        print(f"   bare CSafeLoader parse:           {t_bare:.2f} s ({rate:.1f} MB/s)")
        print(f"   bare CSafeLoader parse, GC off:   {t_bare_no_gc:.2f} s")
        print(f"   load_scenario (limits+models+checks): {t_ours:.2f} s")
        print(f"   ratio load_scenario / bare parse: {t_ours / t_bare:.2f}x (target <= 3x)")
        print(f"   ratio load_scenario / bare parse with GC off: {t_ours / t_bare_no_gc:.2f}x")
