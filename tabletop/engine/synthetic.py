"""Generated dependency graphs and scenarios, for benchmarks and scale tests.

Deterministic for a seed. See `generate_deps` for the shape of the graphs.
"""

from __future__ import annotations

import random
from typing import Any

from tabletop.engine.depgraph import DepGraph, NodeDeps
from tabletop.scenario.models import Scenario


def node_id(i: int) -> str:
    """Id of generated node i."""
    return f"n{i}"


def generate_deps(n: int, seed: int = 1) -> dict[str, NodeDeps]:
    """Dependencies of n generated nodes, about three edges each: one hard and one soft
    dependency on uniformly chosen earlier nodes, an any_of pair for half of the nodes, and for
    1% of the nodes a hard edge back from their parent (a two-node cycle).

    With one hard parent per node most failures take down a small subtree, while the soft
    edges make the degraded region of an early node span much of the graph: a median event
    changes a few nodes, a p99 event tens of thousands.
    """
    rng = random.Random(seed)
    hard: list[list[int]] = [[] for _ in range(n)]
    soft: list[list[int]] = [[] for _ in range(n)]
    groups: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i in range(1, n):
        hard[i].append(rng.randrange(i))
        soft[i].append(rng.randrange(i))
        if rng.random() < 0.5:
            groups[i].append((rng.randrange(i), rng.randrange(i)))
    for i in range(1, n):
        if rng.random() < 0.01:
            hard[hard[i][0]].append(i)  # parent and child depend on each other
    return {
        node_id(i): NodeDeps(
            tuple(node_id(j) for j in hard[i]),
            tuple(node_id(j) for j in soft[i]),
            tuple((node_id(a), node_id(b)) for a, b in groups[i]),
        )
        for i in range(n)
    }


def generate_graph(n: int, seed: int = 1) -> DepGraph:
    """A generated `DepGraph` of n nodes."""
    return DepGraph(generate_deps(n, seed))


def generate_scenario_data(
    n: int, actions: int = 200, seed: int = 1, duration: float = 1000
) -> dict[str, Any]:
    """A generated `tabletop/v1` scenario (as plain data) of n nodes and some actions.

    Actions fail or restore random nodes (1–10 minutes each); injects fail a few nodes early.
    """
    rng = random.Random(seed + 1)
    nodes: list[dict[str, Any]] = []
    for nid, d in generate_deps(n, seed).items():
        depends_on: list[Any] = [*d.hard, *({"soft": s} for s in d.soft)]
        depends_on.extend({"any_of": list(g)} for g in d.any_of)
        node: dict[str, Any] = {"id": nid, "label": f"Node {nid}", "users": rng.randrange(0, 500)}
        if depends_on:
            node["depends_on"] = depends_on
        nodes.append(node)
    acts = []
    for k in range(actions):
        status = rng.choice(["up", "up", "down", "degraded", "compromised"])
        acts.append(
            {
                "id": f"a{k}",
                "label": f"Action {k}",
                "phase": rng.choice(["assess", "fix", "communicate", "verify"]),
                "minutes": rng.randrange(0, 11),
                "effects": [{"node": node_id(rng.randrange(n)), "status": status}],
            }
        )
    injects = [
        {
            "id": f"i{k}",
            "at": k * 5,
            "title": f"Inject {k}",
            "effects": [{"node": node_id(rng.randrange(n)), "status": "down"}],
        }
        for k in range(10)
    ]
    return {
        "format": "tabletop/v1",
        "id": f"synthetic-{n}",
        "title": f"Synthetic {n}-node scenario",
        "kind": "other",
        "summary": "Generated for benchmarks.",
        "duration": duration,
        "nodes": nodes,
        "actions": acts,
        "injects": injects,
        "playbook": [{"id": "fix", "phase": "fix", "title": "Fix", "any_of": ["a0"]}],
    }


def scenario_from_parts(
    nodes: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    injects: list[dict[str, Any]] | None = None,
    **top: Any,
) -> Scenario:
    """A valid scenario from the parts that matter (labels, titles, phases and a playbook
    filled in): for tests and examples."""
    data: dict[str, Any] = {
        "format": "tabletop/v1",
        "id": "t",
        "title": "Test",
        "kind": "other",
        "summary": "s",
        "duration": 100,
        "nodes": [{"label": n["id"], **n} for n in nodes],
        "actions": [{"label": a["id"], "phase": "fix", **a} for a in actions],
        "injects": [{"title": i["id"], **i} for i in injects or []],
        "playbook": [{"id": "p", "phase": "fix", "title": "p", "any_of": [actions[0]["id"]]}],
        **top,
    }
    return Scenario.model_validate(data)
