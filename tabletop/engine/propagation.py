"""Effective statuses of nodes: a facade over the modules that hold the pieces.

- `tabletop.engine.status_codes`: status names and their integer codes;
- `tabletop.engine.depgraph`: `DepGraph` and the oracle `compute_effective`;
- `tabletop.engine.csr_index`: the graph in compressed sparse rows;
- `tabletop.engine.status_graph`: `StatusGraph`, the incremental engine.

Kept so that the names imported from `tabletop.engine.propagation` before the split still are;
new code imports from the module that holds the name.
"""

from __future__ import annotations

from tabletop.engine.depgraph import (
    DepGraph,
    NodeDeps,
    compute_down,
    compute_effective,
    initial_own,
)
from tabletop.engine.status_codes import C_DOWN, DEGRADED, DOWN, STANDBY
from tabletop.engine.status_graph import Changes, StatusGraph

__all__ = [
    "C_DOWN",
    "DEGRADED",
    "DOWN",
    "STANDBY",
    "Changes",
    "DepGraph",
    "NodeDeps",
    "StatusGraph",
    "compute_down",
    "compute_effective",
    "initial_own",
]
