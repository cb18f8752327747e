"""Property tests: the incremental `StatusGraph` always equals the full recomputation oracle.

Random small graphs with cycles (self-loops included), redundancy groups, soft edges, standby
and compromised nodes; random sequences of own-status changes; the per-node path, the
vectorised path and a per-event mix of both.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.propagation import (
    DepGraph,
    NodeDeps,
    StatusGraph,
    compute_effective,
)

STATUSES = ["up", "degraded", "down", "compromised", "standby"]
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def graphs(draw: st.DrawFn, max_nodes: int = 10) -> tuple[DepGraph, dict[str, str]]:
    """A random dependency graph (cycles allowed) and random initial own statuses."""
    n = draw(st.integers(1, max_nodes))
    ids = [f"n{i}" for i in range(n)]
    # Now and then a dependency on an id that is not a node (validation reports those; the
    # engine must still agree with the oracle: such a dependency never goes down).
    node = st.sampled_from(ids) | st.just("ghost")
    deps: dict[str, NodeDeps] = {}
    for i in ids:
        hard = draw(st.lists(node, max_size=3))
        soft = draw(st.lists(node, max_size=2))
        groups = draw(st.lists(st.lists(node, min_size=1, max_size=3), max_size=2))
        deps[i] = NodeDeps(tuple(hard), tuple(soft), tuple(tuple(g) for g in groups))
    own = {i: draw(st.sampled_from(STATUSES)) for i in ids}
    return DepGraph(deps), own


def steps(ids: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """A sequence of own-status changes."""
    return st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(STATUSES)), max_size=25)


def _check_sequence(
    graph: DepGraph, own: dict[str, str], seq: list[tuple[str, str]], budgets: list[int]
) -> None:
    sg = StatusGraph(graph, own, budget=budgets[0])
    assert dict(sg.effective) == compute_effective(graph, own)
    for k, (node, status) in enumerate(seq):
        sg.budget = budgets[k % len(budgets)]
        before = dict(sg.effective)
        changes = sg.set_own(node, status)
        own[node] = status
        expected = compute_effective(graph, own)
        assert dict(sg.effective) == expected
        assert dict(sg.own) == own
        # The change list is exactly the difference, in file (index) order.
        assert list(changes) == [
            (x, before[x], expected[x]) for x in graph.deps if before[x] != expected[x]
        ]


@SETTINGS
@given(data=st.data())
def test_per_node_path_equals_oracle(data: st.DataObject) -> None:
    graph, own = data.draw(graphs())
    seq = data.draw(steps(list(graph.deps)))
    _check_sequence(graph, own, seq, [10**9])


@SETTINGS
@given(data=st.data())
def test_vectorised_path_equals_oracle(data: st.DataObject) -> None:
    graph, own = data.draw(graphs())
    seq = data.draw(steps(list(graph.deps)))
    _check_sequence(graph, own, seq, [0])


@SETTINGS
@given(data=st.data())
def test_mixed_paths_equal_oracle(data: st.DataObject) -> None:
    graph, own = data.draw(graphs(max_nodes=14))
    seq = data.draw(steps(list(graph.deps)))
    budgets = data.draw(st.lists(st.sampled_from([0, 1, 2, 4, 10**9]), min_size=1, max_size=5))
    _check_sequence(graph, own, seq, budgets)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_why_names_a_real_cause(data: st.DataObject) -> None:
    graph, own = data.draw(graphs())
    sg = StatusGraph(graph, own)
    for node, status in data.draw(steps(list(graph.deps))):
        sg.set_own(node, status)
    for node in graph.deps:
        reason = sg.why(node)
        assert (reason is None) == (sg.effective[node] in ("up", "compromised"))
        assert reason not in ("down", "degraded")  # a concrete cause is always found


def test_generated_graph_incremental_state_matches_recomputation() -> None:
    """On a generated 3k-node graph (the benchmarks' shape), 400 fail/restore events keep the
    incremental state equal to a from-scratch recomputation, through both update paths."""
    import random

    from tabletop.engine.synthetic import generate_graph

    graph = generate_graph(3000, seed=11)
    own = {k: "up" for k in graph.deps}
    sg = StatusGraph(graph, own)
    rng = random.Random(11)
    ids = list(graph.deps)
    failed: list[str] = []
    for _ in range(400):
        if failed and rng.random() < 0.5:
            node, status = failed.pop(rng.randrange(len(failed))), rng.choice(["up", "degraded"])
        else:
            node, status = rng.choice(ids), rng.choice(["down", "degraded", "compromised"])
            failed.append(node)
        sg.set_own(node, status)
        own[node] = status
    assert sg.path_counts["incremental"] > 0 and sg.path_counts["vectorised"] > 0
    assert len(sg.recompute()) == 0  # nothing left to correct
    assert dict(sg.effective) == compute_effective(graph, own)
