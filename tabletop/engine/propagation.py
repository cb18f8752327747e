"""Effective statuses of nodes: a facade over the modules that hold the pieces.

- `tabletop.engine.status_codes`: status names and their integer codes;
- `tabletop.engine.depgraph`: `DepGraph` and the oracle `compute_effective`;
- `tabletop.engine.csr_index`: the graph in compressed sparse rows;
- `tabletop.engine.status_graph`: `StatusGraph`, the incremental engine.

Kept so that `from tabletop.engine.propagation import ...` goes on working.
"""

from __future__ import annotations

from tabletop.engine.depgraph import (
    DepGraph,
    NodeDeps,
    compute_down,
    compute_effective,
    initial_own,
)
from tabletop.engine.status_codes import (
    C_COMPROMISED,
    C_DEGRADED,
    C_DOWN,
    C_STANDBY,
    C_UP,
    CODE_NAMES,
    CODES,
    COMPROMISED,
    DEGRADED,
    DOWN,
    STANDBY,
    UP,
)
from tabletop.engine.status_graph import (
    MAX_BUDGET,
    MIN_BUDGET,
    Changes,
    StatusGraph,
    default_budget,
)

__all__ = [
    "CODES",
    "CODE_NAMES",
    "COMPROMISED",
    "C_COMPROMISED",
    "C_DEGRADED",
    "C_DOWN",
    "C_STANDBY",
    "C_UP",
    "DEGRADED",
    "DOWN",
    "MAX_BUDGET",
    "MIN_BUDGET",
    "STANDBY",
    "UP",
    "Changes",
    "DepGraph",
    "NodeDeps",
    "StatusGraph",
    "compute_down",
    "compute_effective",
    "default_budget",
    "initial_own",
]
