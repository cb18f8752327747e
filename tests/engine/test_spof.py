"""The single-point-of-failure sweep on worked examples computed by hand."""

from __future__ import annotations

from tabletop.engine.propagation import DepGraph, NodeDeps
from tabletop.engine.spof import SpofEntry, oracle_entry, scenario_spof, sweep, top_lines
from tabletop.engine.synthetic import scenario_from_parts


def graph(**deps: NodeDeps) -> DepGraph:
    return DepGraph(dict(deps))


def by_node(entries: tuple[SpofEntry, ...]) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    return {e.node: (e.users_lost, e.nodes_lost, e.down) for e in entries}


def test_a_chain_takes_down_everything_above_it() -> None:
    # power <- db <- web (10 users) <- edge (5 users)
    g = graph(
        power=NodeDeps(),
        db=NodeDeps(hard=("power",)),
        web=NodeDeps(hard=("db",)),
        edge=NodeDeps(hard=("web",)),
    )
    r = sweep(g, {"web": 10, "edge": 5})
    assert by_node(r.entries) == {
        "power": (15, 4, ("power", "db", "web", "edge")),
        "db": (15, 3, ("db", "web", "edge")),
        "web": (15, 2, ("web", "edge")),
        "edge": (5, 1, ("edge",)),
    }
    # 15 users each for three: more nodes lost ranks first
    assert [e.node for e in r.entries] == ["power", "db", "web", "edge"]
    assert r.already_down == ()


def test_redundancy_holds_against_one_failure_and_soft_never_takes_down() -> None:
    g = graph(
        a=NodeDeps(),
        b=NodeDeps(),
        cdn=NodeDeps(),
        web=NodeDeps(soft=("cdn",), any_of=(("a", "b"),)),
    )
    r = sweep(g, {"web": 100})
    assert by_node(r.entries)["a"] == (0, 1, ("a",))
    assert by_node(r.entries)["cdn"] == (0, 1, ("cdn",))
    assert r.entries[0].node == "web"


def test_a_replica_that_needs_its_primary_is_not_redundancy() -> None:
    # api needs one of two replicas, but replica-2 reads from replica-1
    g = graph(
        **{
            "replica-1": NodeDeps(),
            "replica-2": NodeDeps(hard=("replica-1",)),
            "api": NodeDeps(any_of=(("replica-1", "replica-2"),)),
        }
    )
    r = sweep(g, {"api": 50})
    assert r.entries[0] == SpofEntry("replica-1", 50, 3, ("replica-1", "replica-2", "api"))
    assert by_node(r.entries)["replica-2"] == (0, 1, ("replica-2",))


def test_standby_nodes_are_down_from_the_start_and_not_swept() -> None:
    # The generator is on standby: until someone starts it, the utility feed is a single
    # point of failure for the web. The standby node itself is not swept.
    s = scenario_from_parts(
        nodes=[
            {"id": "utility"},
            {"id": "generator", "standby": True},
            {"id": "backup-ui", "depends_on": ["generator"], "users": 7},
            {"id": "web", "users": 1000, "depends_on": [{"any_of": ["utility", "generator"]}]},
        ],
        actions=[{"id": "start", "effects": [{"node": "generator", "status": "up"}]}],
    )
    r = scenario_spof(s)
    assert r.already_down == ("generator", "backup-ui")
    assert [e.node for e in r.entries] == ["utility", "web"]
    assert r.entries[0] == SpofEntry("utility", 1000, 2, ("utility", "web"))


def test_a_cycle_falls_together_but_stays_up_on_its_own() -> None:
    g = graph(
        a=NodeDeps(hard=("b",)),
        b=NodeDeps(hard=("a",)),
        c=NodeDeps(hard=("b",)),
        d=NodeDeps(),
    )
    r = sweep(g, {"a": 1, "b": 2, "c": 4})
    assert r.already_down == ()  # nothing in the cycle is down: it stays up
    assert by_node(r.entries)["a"] == (7, 3, ("a", "b", "c"))
    assert by_node(r.entries)["b"] == (7, 3, ("a", "b", "c"))
    assert by_node(r.entries)["c"] == (4, 1, ("c",))


def test_detail_bounds_the_down_lists_not_the_counts() -> None:
    g = graph(a=NodeDeps(), b=NodeDeps(hard=("a",)), c=NodeDeps(hard=("b",)))
    r = sweep(g, {"c": 1}, detail=1)
    assert [(e.node, e.users_lost, e.nodes_lost, e.down) for e in r.entries] == [
        ("a", 1, 3, ("a", "b", "c")),
        ("b", 1, 2, ()),
        ("c", 1, 1, ()),
    ]


def test_a_long_chain_is_exact_through_the_shortcut_and_the_vectorised_path() -> None:
    n = 3000
    deps = {f"n{i}": NodeDeps(hard=(f"n{i - 1}",) if i else ()) for i in range(n)}
    g = DepGraph(deps)
    users = {f"n{i}": i % 7 for i in range(n)}
    for budget in (0, 10, 10**9):
        r = sweep(g, users, detail=0, budget=budget)
        got = by_node(r.entries)
        for i in (0, 1, 1500, n - 1):
            expected = oracle_entry(g, users, {}, f"n{i}")
            assert got[f"n{i}"][:2] == (expected.users_lost, expected.nodes_lost)
    assert r.entries[0].node == "n0" and r.entries[0].nodes_lost == n


def test_to_json_and_top_lines() -> None:
    e = SpofEntry("db", 1200, 2, ("db", "web"))
    assert e.to_json() == {"node": "db", "users_lost": 1200, "nodes_lost": 2, "down": ["db", "web"]}
    g = graph(db=NodeDeps(), web=NodeDeps(hard=("db",)), lone=NodeDeps())
    r = sweep(g, {"web": 1200})
    # a node that takes down only itself and nobody's users is not worth a line
    assert top_lines(r, 5) == [
        "db: takes down 2 nodes, 1,200 users",
        "web: takes down 1 node, 1,200 users",
    ]


def test_every_builtin_scenario_agrees_with_full_recomputation() -> None:
    from tabletop.engine.propagation import initial_own
    from tabletop.scenario.catalog import builtin_dir
    from tabletop.scenario.loader import load_scenario

    files = sorted(builtin_dir().glob("*.yaml"))
    assert files
    for path in files:
        s = load_scenario(path).scenario
        g = DepGraph.from_nodes(s.nodes)
        users = {n.id: n.users for n in s.nodes}
        r = scenario_spof(s)
        for e in r.entries:
            assert e == oracle_entry(g, users, initial_own(s.nodes), e.node), (path.name, e.node)
