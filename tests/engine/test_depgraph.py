"""Every dependency of a node, walked one way: `Node.dependencies` and `NodeDeps.every`."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tabletop.engine.depgraph import DepGraph, NodeDeps
from tabletop.scenario.models import Node, Scenario

from .test_session_props import scenarios


def test_worked_example_hard_then_soft_then_group_members() -> None:
    node = Node.model_validate(
        {
            "id": "web",
            "label": "Web",
            "depends_on": [{"any_of": ["db1", "db2"]}, "lb", {"soft": "cdn"}],
        }
    )
    assert node.dependencies == ["lb", "cdn", "db1", "db2"]
    deps = NodeDeps(hard=("lb",), soft=("cdn",), any_of=(("db1", "db2"),))
    assert deps.every == ("lb", "cdn", "db1", "db2")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_graph_walks_the_same_dependencies_as_the_scenario(scenario: Scenario) -> None:
    graph = DepGraph.from_nodes(scenario.nodes)
    for node in scenario.nodes:
        assert list(graph.deps[node.id].every) == node.dependencies
    dependents = graph.dependents()
    for node in scenario.nodes:
        for dep in node.dependencies:
            assert node.id in dependents[dep]
