"""The dependency graph by node id, and the full recomputation of effective statuses.

`compute_effective` is the small, obviously correct full recomputation: the oracle that the
incremental engine (`tabletop.engine.status_graph`) is tested against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tabletop.engine.status_codes import (
    COMPROMISED,
    DEGRADED,
    DOWN,
    OWN_DOWN,
    STANDBY,
    UP,
)
from tabletop.scenario.models import Node, SoftDependency


@dataclass(frozen=True)
class NodeDeps:
    """The dependency structure of one node, by id."""

    hard: tuple[str, ...] = ()
    soft: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()

    @property
    def every(self) -> tuple[str, ...]:
        """Every id depended on in any way: hard, then soft, then the groups' members (as
        `Node.dependencies`)."""
        return (*self.hard, *self.soft, *(m for g in self.any_of for m in g))


@dataclass
class DepGraph:
    """Dependencies and their reverse (dependents) for a set of nodes."""

    deps: dict[str, NodeDeps] = field(default_factory=dict)

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node]) -> DepGraph:
        """Build from scenario nodes (one pass over each node's `depends_on`)."""
        deps: dict[str, NodeDeps] = {}
        for n in nodes:
            hard: list[str] = []
            soft: list[str] = []
            groups: list[tuple[str, ...]] = []
            for d in n.depends_on:
                if isinstance(d, str):
                    hard.append(d)
                elif isinstance(d, SoftDependency):
                    soft.append(d.soft)
                else:
                    groups.append(tuple(d.any_of))
            deps[n.id] = NodeDeps(tuple(hard), tuple(soft), tuple(groups))
        return cls(deps)

    def dependents(self) -> dict[str, list[str]]:
        """For every node, the nodes that depend on it (hard, soft or any_of), sorted."""
        rev: dict[str, set[str]] = {n: set() for n in self.deps}
        for node, d in self.deps.items():
            for dep in d.every:
                rev.setdefault(dep, set()).add(node)
        return {k: sorted(v) for k, v in rev.items()}


def compute_down(graph: DepGraph, own: Mapping[str, str]) -> set[str]:
    """The least fixed point of "down": iterate from the own-down nodes until stable."""
    down = {n for n, s in own.items() if s in OWN_DOWN}
    changed = True
    while changed:
        changed = False
        for node, d in graph.deps.items():
            if node in down:
                continue
            if any(h in down for h in d.hard) or any(all(m in down for m in g) for g in d.any_of):
                down.add(node)
                changed = True
    return down


def compute_effective(graph: DepGraph, own: Mapping[str, str]) -> dict[str, str]:
    """Effective status of every node: the oracle the incremental engine is tested against."""
    down = compute_down(graph, own)
    degraded = {n for n, s in own.items() if s == DEGRADED and n not in down}
    changed = True
    while changed:
        changed = False
        for node, d in graph.deps.items():
            if node in down or node in degraded:
                continue
            if any(x in down or x in degraded for x in (*d.hard, *d.soft)):
                degraded.add(node)
                changed = True
    result: dict[str, str] = {}
    for node in graph.deps:
        if node in down:
            result[node] = DOWN
        elif node in degraded:
            result[node] = DEGRADED
        elif own[node] == COMPROMISED:
            result[node] = COMPROMISED
        else:
            result[node] = UP
    return result


def initial_own(nodes: Sequence[Node]) -> dict[str, str]:
    """Own status at T+0: standby nodes start on standby, all others up."""
    return {n.id: STANDBY if n.standby else UP for n in nodes}
