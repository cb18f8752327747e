"""Property test: the sweep agrees with two full recomputations per node (the oracle) on
random graphs with cycles, self-loops, redundancy groups (members repeated too), soft edges,
standby nodes and unknown ids, through the Python search, the numpy path and the chain
shortcut."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.propagation import DepGraph, NodeDeps, compute_down
from tabletop.engine.spof import oracle_entry, sweep

from .test_propagation_props import graphs

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_sweep_equals_full_recomputation(data: st.DataObject) -> None:
    graph, own = data.draw(graphs(max_nodes=12))
    users = {n: data.draw(st.integers(0, 50)) for n in graph.deps}
    budget = data.draw(st.sampled_from([0, 1, 3, 10**9]))
    report = sweep(graph, users, own, budget=budget)
    base = compute_down(graph, own)
    assert set(report.already_down) == base
    assert list(report.already_down) == [n for n in graph.deps if n in base]
    assert {e.node for e in report.entries} == set(graph.deps) - base
    for e in report.entries:
        assert e == oracle_entry(graph, users, own, e.node)
    keys = [(-e.users_lost, -e.nodes_lost, list(graph.deps).index(e.node)) for e in report.entries]
    assert keys == sorted(keys)


@st.composite
def chains(draw: st.DrawFn) -> DepGraph:
    """Long single-dependent chains hanging off a small random core: the shortcut's case."""
    graph, _ = draw(graphs(max_nodes=6))
    deps = dict(graph.deps)
    core = list(deps)
    for c in range(draw(st.integers(1, 4))):
        length = draw(st.integers(1, 30))
        prev = draw(st.sampled_from(core))
        for k in range(length):
            node = f"c{c}-{k}"
            deps[node] = NodeDeps(hard=(prev,))
            prev = node
    return DepGraph(deps)


@SETTINGS
@given(graph=chains(), budget=st.sampled_from([0, 5, 10**9]))
def test_chains_hanging_off_cycles_and_groups(graph: DepGraph, budget: int) -> None:
    users = {n: i % 5 for i, n in enumerate(graph.deps)}
    report = sweep(graph, users, budget=budget)
    for e in report.entries:
        assert e == oracle_entry(graph, users, {}, e.node)
