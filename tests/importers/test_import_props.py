"""Property tests: whatever the names in the source, the imported scenario validates as
written, every component is one node with a valid unique id and its name as label, and every
edge is a dependency."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.importers import scenario_text
from tabletop.importers.common import ImportedGraph, ImportedNode
from tabletop.importers.dot import parse_dot
from tabletop.scenario.loader import parse_scenario

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text but backslashes (DOT keeps "\x" as written, so a name ending in one cannot be
# quoted) and NUL; newlines, quotes, YAML specials and non-ASCII letters included.
NAMES = st.text(
    st.characters(blacklist_characters="\\\x00", blacklist_categories=("Cs",)), max_size=12
)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


@SETTINGS
@given(
    names=st.lists(NAMES, min_size=1, max_size=8, unique=True),
    data=st.data(),
)
def test_any_names_import_into_a_valid_scenario(names: list[str], data: st.DataObject) -> None:
    edges = data.draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=12)
    )
    text = "digraph {\n" + "".join(f"  {quoted(n)}\n" for n in names)
    text += "".join(f"  {quoted(a)} -> {quoted(b)}\n" for a, b in edges) + "}\n"
    dot = parse_dot("g.dot", text)
    assert list(dot.nodes) == names
    assert [(a, b) for a, b, _ in dot.edges] == edges
    graph = ImportedGraph("dot", ["g.dot"])
    for n in names:
        graph.add(ImportedNode(n, n, hard=[b for a, b in edges if a == n]))
    s = parse_scenario(scenario_text(graph, "props", "Props", "out.yaml"), "out.yaml")
    assert len(s.nodes) == len(names)
    assert len({n.id for n in s.nodes}) == len(names)
    id_of = {}
    for name, node in zip(names, s.nodes, strict=True):
        assert node.label == (name if name.strip() else node.id)
        id_of[name] = node.id
    for a, b in edges:
        if a != b:  # a self-edge says nothing and is dropped
            assert id_of[b] in next(n for n in s.nodes if n.id == id_of[a]).hard
