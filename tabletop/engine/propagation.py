"""Effective status of every node from the own statuses (DESIGN.md § Engine semantics).

`compute_effective` is the small, obviously correct full recomputation: the test oracle.
`StatusGraph` is what the engine uses per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tabletop.scenario.models import Node

UP = "up"
DEGRADED = "degraded"
DOWN = "down"
COMPROMISED = "compromised"
STANDBY = "standby"

_OWN_DOWN = frozenset({DOWN, STANDBY})


@dataclass(frozen=True)
class NodeDeps:
    """The dependency structure of one node, by id."""

    hard: tuple[str, ...] = ()
    soft: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()


@dataclass
class DepGraph:
    """Dependencies and their reverse (dependents) for a set of nodes."""

    deps: dict[str, NodeDeps] = field(default_factory=dict)

    @classmethod
    def from_nodes(cls, nodes: Iterable[Node]) -> DepGraph:
        """Build from scenario nodes."""
        return cls(
            {
                n.id: NodeDeps(
                    tuple(n.hard), tuple(n.soft), tuple(tuple(g) for g in n.any_of_groups)
                )
                for n in nodes
            }
        )

    def dependents(self) -> dict[str, list[str]]:
        """For every node, the nodes that depend on it (hard, soft or any_of), sorted."""
        rev: dict[str, set[str]] = {n: set() for n in self.deps}
        for node, d in self.deps.items():
            for dep in (*d.hard, *d.soft, *(m for g in d.any_of for m in g)):
                rev.setdefault(dep, set()).add(node)
        return {k: sorted(v) for k, v in rev.items()}


def compute_down(graph: DepGraph, own: Mapping[str, str]) -> set[str]:
    """The least fixed point of "down": iterate from the own-down nodes until stable."""
    down = {n for n, s in own.items() if s in _OWN_DOWN}
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


class StatusGraph:
    """Own and effective statuses of a scenario's nodes, updated one own-status change at a time.

    Current implementation recomputes everything per change; the engine issue replaces it with
    an incremental update that keeps this interface.
    """

    def __init__(self, graph: DepGraph, own: Mapping[str, str]) -> None:
        self.graph = graph
        self.own: dict[str, str] = dict(own)
        self.effective: dict[str, str] = compute_effective(graph, self.own)

    def set_own(self, node: str, status: str) -> list[tuple[str, str, str]]:
        """Set one node's own status; return (node, old, new) for every effective change."""
        self.own[node] = status
        new = compute_effective(self.graph, self.own)
        changes = [(n, self.effective[n], s) for n, s in new.items() if self.effective[n] != s]
        self.effective = new
        return changes

    def why(self, node: str) -> str | None:
        """Why the node is down or degraded, in words; None when it is up or compromised."""
        eff = self.effective[node]
        own = self.own[node]
        d = self.graph.deps[node]
        if eff == DOWN:
            if own == STANDBY:
                return "on standby: not started"
            if own == DOWN:
                return "down itself"
            for h in d.hard:
                if self.effective[h] == DOWN:
                    return f"depends on {h}, which is down"
            for g in d.any_of:
                if all(self.effective[m] == DOWN for m in g):
                    return f"every one of {', '.join(g)} is down"
            return "down"
        if eff == DEGRADED:
            if own == DEGRADED:
                return "degraded itself"
            for x in (*d.hard, *d.soft):
                if self.effective[x] in (DOWN, DEGRADED):
                    return f"depends on {x}, which is {self.effective[x]}"
            return "degraded"
        return None


def initial_own(nodes: Sequence[Node]) -> dict[str, str]:
    """Own status at T+0: standby nodes start on standby, all others up."""
    return {n.id: STANDBY if n.standby else UP for n in nodes}
