"""The dependency graph of a scenario as text, Mermaid or Graphviz DOT (`tabletop graph`).

Edges point from a node to what it depends on: hard (solid), redundancy group (labelled
"any of"), soft (dashed). Layers: layer 0 depends on nothing; each node sits one layer above
its deepest dependency (cycles of dependencies share a layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tabletop.scenario.models import Node, Scenario

Format = Literal["text", "mermaid", "dot"]
FORMATS: tuple[Format, ...] = ("text", "mermaid", "dot")


@dataclass(frozen=True)
class Edge:
    """One dependency edge: `source` depends on `target`."""

    source: str
    target: str
    kind: Literal["hard", "any_of", "soft"]
    group: int = 0  # which any_of group of the source, for labels


def edges(scenario: Scenario) -> list[Edge]:
    """Every dependency edge, in file order."""
    found: list[Edge] = []
    for node in scenario.nodes:
        found.extend(Edge(node.id, t, "hard") for t in node.hard)
        for g, group in enumerate(node.any_of_groups, start=1):
            found.extend(Edge(node.id, t, "any_of", g) for t in group)
        found.extend(Edge(node.id, t, "soft") for t in node.soft)
    return found


def layers(scenario: Scenario) -> list[list[str]]:
    """Node ids by layer (see the module docstring), file order within a layer."""
    # Imported here: networkx takes a tenth of a second to import, and `tabletop validate`,
    # `--help` and the picker's first paint must not pay for it (only `graph` and the drill
    # screen's map draw layers).
    import networkx as nx  # type: ignore[import-untyped]

    ids = {n.id for n in scenario.nodes}
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in scenario.nodes)
    # A dependency on an unknown id (which `validate` reports) does not lift a node a layer.
    graph.add_edges_from((e.source, e.target) for e in edges(scenario) if e.target in ids)
    condensed = nx.condensation(graph)
    level: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        successors = [level[s] for s in condensed.successors(component)]
        level[component] = 1 + max(successors) if successors else 0
    of_node = condensed.graph["mapping"]
    result: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for node in scenario.nodes:
        result[level[of_node[node.id]]].append(node.id)
    return result


def _facts(node: Node) -> str:
    facts = [node.kind]
    if node.users:
        facts.append(f"{node.users:,} users")
    facts += [
        word
        for word, on in (
            ("third party", node.third_party),
            ("standby", node.standby),
            ("sensitive", node.sensitive),
        )
        if on
    ]
    return ", ".join(facts)


def render_text(scenario: Scenario) -> str:
    """Layered plain-text listing: each node, its facts, what it needs and what needs it."""
    needed_by: dict[str, list[str]] = {n.id: [] for n in scenario.nodes}
    for edge in edges(scenario):
        if edge.source not in needed_by[edge.target]:
            needed_by[edge.target].append(edge.source)
    lines = [f"{scenario.id}: {scenario.title}", f"{len(scenario.nodes)} nodes"]
    for number, layer in enumerate(layers(scenario)):
        lines.append("")
        lines.append(f"layer {number}" + (_layer_zero_note(scenario, layer) if number == 0 else ""))
        for node_id in layer:
            node = scenario.node(node_id)
            lines.append(f"  {node.id}  {node.label}  [{_facts(node)}]")
            needs = [*node.hard]
            needs += ["any of (" + " | ".join(g) + ")" for g in node.any_of_groups]
            needs += [f"soft {s}" for s in node.soft]
            if needs:
                lines.append(f"    needs: {', '.join(needs)}")
            if needed_by[node.id]:
                lines.append(f"    needed by: {', '.join(needed_by[node.id])}")
    return "\n".join(lines) + "\n"


def _layer_zero_note(scenario: Scenario, layer: list[str]) -> str:
    # Members of a dependency cycle share a layer, so layer 0 may hold nodes that depend on
    # each other: saying "depends on nothing" of them would be wrong.
    if any(scenario.node(n).depends_on for n in layer):
        return " (depends on nothing outside its own cycle)"
    return " (depends on nothing)"


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: entity codes for what would end or break it."""
    codes = {"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;"}
    text = "".join(codes.get(ch, ch) for ch in text)
    return " ".join(text.split())  # newlines would end the statement


def mermaid_id(node_id: str) -> str:
    """A Mermaid-safe node id: ids have '-' and may be keywords such as `end`."""
    return "n_" + node_id.replace("-", "_")


def render_mermaid(scenario: Scenario) -> str:
    """A Mermaid flowchart of the dependency graph."""
    lines = ["flowchart LR"]
    for node in scenario.nodes:
        label = _mermaid_text(node.label)
        if node.users:
            label += f"<br/>{node.users:,} users"
        lines.append(f'    {mermaid_id(node.id)}["{label}"]')
    for edge in edges(scenario):
        source, target = mermaid_id(edge.source), mermaid_id(edge.target)
        if edge.kind == "hard":
            lines.append(f"    {source} --> {target}")
        elif edge.kind == "any_of":
            lines.append(f'    {source} -- "any of {edge.group}" --> {target}')
        else:
            lines.append(f"    {source} -. soft .-> {target}")
    third = [mermaid_id(n.id) for n in scenario.nodes if n.third_party]
    if third:
        lines.append("    classDef thirdParty stroke-dasharray: 5 5")
        lines.append(f"    class {','.join(third)} thirdParty")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    """A DOT double-quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def render_dot(scenario: Scenario) -> str:
    """A Graphviz digraph of the dependency graph."""
    lines = [f"digraph {_dot_text(scenario.id)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for node in scenario.nodes:
        label = node.label + (f"\n{node.users:,} users" if node.users else "")
        style = ", style=dashed" if node.third_party else ""
        lines.append(f"  {_dot_text(node.id)} [label={_dot_text(label)}{style}];")
    for edge in edges(scenario):
        attrs = {
            "hard": "",
            "any_of": f" [label={_dot_text(f'any of {edge.group}')}]",
            "soft": ' [style=dashed, label="soft"]',
        }[edge.kind]
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(scenario: Scenario, fmt: Format) -> str:
    """The graph of `scenario` in `fmt`."""
    renderers = {"text": render_text, "mermaid": render_mermaid, "dot": render_dot}
    return renderers[fmt](scenario)
