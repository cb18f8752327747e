"""Cross-reference checks of a scenario: what the models cannot see one value at a time.

The checks read the plain data as loaded from YAML (not the models), so that they still run
when some other part of the file has a shape error: an author sees every problem at once.
Anything of the wrong shape is skipped here; the models report it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tabletop.scenario.errors import did_you_mean
from tabletop.scenario.models import ID_PATTERN, AnyOfDependency, Node, Scenario, SoftDependency
from tabletop.scenario.yaml_safe import Loc, Located

_ID = re.compile(ID_PATTERN)

#: Gives the line of a location, for messages such as "first at line 12".
LineOf = Callable[[Loc], int]


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _entries(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, entry) of the mapping entries of list `key`."""
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield index, item


@dataclass
class _Checker:
    data: dict[str, Any]
    line_of: LineOf
    found: list[Located] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes = self._ids("nodes", "node")
        self.actions = self._ids("actions", "action")
        self.injects = self._ids("injects", "inject")
        self.steps = self._ids("playbook", "playbook step")
        duration = _number(self.data.get("duration"))
        self.duration = duration if duration is not None and duration > 0 else None

    def add(self, loc: Loc, message: str) -> None:
        self.found.append(Located(loc, message))

    def _ids(self, key: str, what: str) -> dict[str, int]:
        """Ids of list `key` → index of the first entry; duplicates reported."""
        first: dict[str, int] = {}
        for index, entry in _entries(self.data, key):
            ident = entry.get("id")
            if not isinstance(ident, str):
                continue
            if ident in first:
                line = self.line_of((key, first[ident], "id"))
                self.add(
                    (key, index, "id"), f"duplicate {what} id {ident!r} (first at line {line})"
                )
            else:
                first[ident] = index
        return first

    def ref(self, loc: Loc, value: Any, known: dict[str, int], what: str, where: str) -> None:
        """Report `value` at `loc` when it is a string naming no known `what`."""
        # A malformed id is the model's to report; "unknown" on top of it would be noise.
        if isinstance(value, str) and value not in known and _ID.match(value):
            hint = did_you_mean(value, known)
            self.add(loc, f"unknown {what} {value!r} in {where}{hint}")

    def refs(self, loc: Loc, values: Any, known: dict[str, int], what: str, where: str) -> None:
        for index, value in _strings(values):
            self.ref((*loc, index), value, known, what, where)

    def within_duration(self, loc: Loc, value: Any, name: str) -> None:
        minute = _number(value)
        if minute is not None and self.duration is not None and minute > self.duration:
            self.add(
                loc,
                f"{name} {minute:g} is after the end of the drill (duration {self.duration:g})",
            )

    def effects(self, loc: Loc, effects: Any) -> None:
        for index, effect in enumerate(effects if isinstance(effects, list) else []):
            if isinstance(effect, dict):
                where = (*loc, index, "node")
                self.ref(where, effect.get("node"), self.nodes, "node", "effects")

    def check_nodes(self) -> None:
        for index, node in _entries(self.data, "nodes"):
            deps = node.get("depends_on")
            for d_index, dep in enumerate(deps if isinstance(deps, list) else []):
                loc: Loc = ("nodes", index, "depends_on", d_index)
                if isinstance(dep, str):
                    self.node_ref(loc, dep, node.get("id"), "depends_on")
                elif isinstance(dep, dict):
                    if "soft" in dep:
                        self.node_ref((*loc, "soft"), dep["soft"], node.get("id"), "soft")
                    for m_index, member in _strings(dep.get("any_of")):
                        self.node_ref((*loc, "any_of", m_index), member, node.get("id"), "any_of")

    def node_ref(self, loc: Loc, value: Any, owner: Any, where: str) -> None:
        if isinstance(value, str) and value == owner:
            self.add(loc, f"node {value!r} cannot depend on itself")
        else:
            self.ref(loc, value, self.nodes, "node", where)

    def check_actions(self) -> None:
        for index, action in _entries(self.data, "actions"):
            loc: Loc = ("actions", index)
            for r_index, req in _strings(action.get("requires")):
                if req == action.get("id"):
                    self.add((*loc, "requires", r_index), f"action {req!r} cannot require itself")
                else:
                    self.ref((*loc, "requires", r_index), req, self.actions, "action", "requires")
            self.refs((*loc, "needs"), action.get("needs"), self.nodes, "node", "needs")
            self.effects((*loc, "effects"), action.get("effects"))
        self.check_requires_cycles()

    def check_requires_cycles(self) -> None:
        graph = {
            action["id"]: [r for _, r in _strings(action.get("requires")) if r in self.actions]
            for _, action in _entries(self.data, "actions")
            if isinstance(action.get("id"), str)
        }
        for cycle in find_cycles(graph):
            start = cycle[0]
            index = self.actions[start]
            requires = self.data["actions"][index].get("requires")
            r_index = requires.index(cycle[1]) if cycle[1] in requires else 0
            path = " → ".join([*cycle, start])
            self.add(
                ("actions", index, "requires", r_index),
                f"requires cycle {path}: these actions can never be taken",
            )

    def check_injects(self) -> None:
        for index, inject in _entries(self.data, "injects"):
            loc: Loc = ("injects", index)
            self.within_duration((*loc, "at"), inject.get("at"), "'at'")
            self.effects((*loc, "effects"), inject.get("effects"))
            when = inject.get("when")
            if isinstance(when, dict):
                for key, known, what in (
                    ("done", self.actions, "action"),
                    ("not_done", self.actions, "action"),
                    ("started", self.actions, "action"),
                    ("not_started", self.actions, "action"),
                    ("down", self.nodes, "node"),
                    ("up", self.nodes, "node"),
                ):
                    self.refs((*loc, "when", key), when.get(key), known, what, f"when.{key}")
            after = inject.get("after")
            if isinstance(after, dict):
                where = (*loc, "after", "action")
                self.ref(where, after.get("action"), self.actions, "action", "inject after")

    def check_playbook(self) -> None:
        graph: dict[str, list[str]] = {}
        previous: str | None = None
        for index, step in _entries(self.data, "playbook"):
            loc: Loc = ("playbook", index)
            ident = step.get("id")
            self.refs((*loc, "any_of"), step.get("any_of"), self.actions, "action", "any_of")
            self.within_duration((*loc, "by"), step.get("by"), "'by'")
            after = step.get("after")
            if "after" in step and isinstance(after, list):
                for a_index, name in _strings(after):
                    if name == ident:
                        self.add(
                            (*loc, "after", a_index), f"step {name!r} cannot come after itself"
                        )
                    else:
                        self.ref((*loc, "after", a_index), name, self.steps, "step", "after")
                edges = [a for _, a in _strings(after) if a in self.steps and a != ident]
            else:
                edges = [previous] if previous is not None else []
            if isinstance(ident, str):
                graph.setdefault(ident, []).extend(edges)
                previous = ident
        for cycle in find_cycles(graph):
            index = self.steps[cycle[0]]
            step = self.data["playbook"][index]
            loc = ("playbook", index, "after") if "after" in step else ("playbook", index, "id")
            path = " → ".join([*cycle, cycle[0]])
            self.add(loc, f"playbook `after` cycle {path}: no order satisfies it")

    def check_avoid_and_reference(self) -> None:
        seen: dict[str, int] = {}
        for index, avoid in _entries(self.data, "avoid"):
            action = avoid.get("action")
            self.ref(("avoid", index, "action"), action, self.actions, "action", "avoid")
            if isinstance(action, str):
                if action in seen:
                    line = self.line_of(("avoid", seen[action], "action"))
                    self.add(
                        ("avoid", index, "action"),
                        f"action {action!r} is already in avoid (line {line})",
                    )
                seen.setdefault(action, index)
        # An avoided action that also completes a step, or that the model answer takes, makes
        # the scenario contradict itself: the recommended response would cost points.
        for index, step in _entries(self.data, "playbook"):
            for a_index, action in _strings(step.get("any_of")):
                if action in seen:
                    self.add(
                        ("playbook", index, "any_of", a_index),
                        f"action {action!r} is in avoid (line "
                        f"{self.line_of(('avoid', seen[action], 'action'))}): a playbook step "
                        "cannot be done by an action that costs points",
                    )
        for index, decision in _entries(self.data, "reference"):
            loc: Loc = ("reference", index)
            action = decision.get("action")
            self.ref((*loc, "action"), action, self.actions, "action", "reference")
            self.within_duration((*loc, "at"), decision.get("at"), "'at'")
            if isinstance(action, str) and action in seen:
                self.add(
                    (*loc, "action"),
                    f"action {action!r} is in avoid (line "
                    f"{self.line_of(('avoid', seen[action], 'action'))}): the model answer "
                    "cannot take an action that costs points",
                )

    def check_objectives(self) -> None:
        self._ids("objectives", "objective")
        for index, objective in _entries(self.data, "objectives"):
            loc: Loc = ("objectives", index, "steps")
            self.refs(loc, objective.get("steps"), self.steps, "playbook step", "objective steps")


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle (a list of vertices, first = earliest in `graph` order) per strongly
    connected component that has one. Self-loops are left to the caller.

    Iterative Tarjan: scenario graphs may be deep enough to exhaust Python's recursion.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            vertex, child = work.pop()
            if child == 0:
                index[vertex] = low[vertex] = len(index)
                stack.append(vertex)
                on_stack.add(vertex)
            successors = graph.get(vertex, [])
            if child < len(successors):
                work.append((vertex, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[vertex] = min(low[vertex], index[nxt])
                continue
            if low[vertex] == index[vertex]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == vertex:
                        break
                if len(component) > 1:
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[vertex])
    order = {v: i for i, v in enumerate(graph)}
    return [_cycle_in(graph, sorted(c, key=order.__getitem__)) for c in components]


def _cycle_in(graph: dict[str, list[str]], component: list[str]) -> list[str]:
    """A simple cycle through component[0] inside the component (breadth-first)."""
    members = set(component)
    start = component[0]
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for vertex in frontier:
            for nxt in graph.get(vertex, []):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [vertex]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return path[::-1]
                if nxt not in parents:
                    parents[nxt] = vertex
                    following.append(nxt)
        frontier = following
    return component  # unreachable for a strongly connected component


def check_references(data: Any, line_of: LineOf | None = None) -> list[Located]:
    """Every cross-reference problem of the scenario data (see the module docstring)."""
    if not isinstance(data, dict):
        return []
    checker = _Checker(data, line_of or (lambda _loc: 0))
    checker.check_nodes()
    checker.check_actions()
    checker.check_injects()
    checker.check_playbook()
    checker.check_avoid_and_reference()
    checker.check_objectives()
    return checker.found


def scenario_warnings(scenario: Scenario) -> list[Located]:
    """What is allowed but probably a mistake, for `validate` and `solve` (exit 0).

    - a dependency cycle: each node needs the others, which in real systems often means
      none can restart first; the drill brings the cycle back as soon as none of its nodes
      is down on its own, so the author should know it is there (and may want
      `recovers: manual`);
    - a `by` target earlier than the quickest of the step's actions could be done (its
      minutes after its `requires`, which may run in parallel): no team can meet it;
    - a standby node that no effect ever brings up: the backup can never take over, so the
      action meant to start it changes nothing (and the reference may avoid no impact).
    """
    found: list[Located] = _standby_never_up(scenario)
    node_pos = {n.id: k for k, n in enumerate(scenario.nodes)}
    graph = {n.id: list(dict.fromkeys(dependency_ids(n))) for n in scenario.nodes}
    for cycle in find_cycles(graph):
        start = scenario.nodes[node_pos[cycle[0]]]
        d_index = next(
            (k for k, d in enumerate(start.depends_on) if cycle[1] in _dependency_members(d)), 0
        )
        path = " → ".join([*cycle, cycle[0]])
        found.append(
            Located(
                ("nodes", node_pos[start.id], "depends_on", d_index),
                f"warning: dependency cycle {path}: each needs the other; the drill brings "
                "them back as soon as none is down on its own (a real restart may not)",
            )
        )
    earliest = _earliest_done(scenario)
    for index, step in enumerate(scenario.playbook):
        if step.by is None:
            continue
        quickest = min(step.any_of, key=lambda a: (earliest.get(a, float("inf")), a))
        soonest = earliest.get(quickest, float("inf"))
        if step.by < soonest:
            found.append(
                Located(
                    ("playbook", index, "by"),
                    f"warning: 'by' {step.by:g} cannot be met: the quickest of this step's "
                    f"actions ({quickest}) is done at minute {soonest:g} at the earliest",
                )
            )
    return found


#: Own statuses in which a node serves: an effect setting one of them brings a standby node up.
_SERVING = frozenset({"up", "degraded", "compromised"})


def _standby_never_up(scenario: Scenario) -> list[Located]:
    effects = [e for a in scenario.actions for e in a.effects]
    effects += [e for i in scenario.injects for e in i.effects]
    brought_up = {e.node for e in effects if e.status in _SERVING}
    return [
        Located(
            ("nodes", index, "standby"),
            f"warning: standby node {node.id!r} never comes up: no action or inject has an "
            "effect setting it up, degraded or compromised",
        )
        for index, node in enumerate(scenario.nodes)
        if node.standby and node.id not in brought_up
    ]


def dependency_ids(node: Node) -> list[str]:
    """Every node `node` depends on (hard, soft and `any_of` members), in file order."""
    return [m for d in node.depends_on for m in _dependency_members(d)]


def _dependency_members(dep: str | AnyOfDependency | SoftDependency) -> list[str]:
    if isinstance(dep, str):
        return [dep]
    if isinstance(dep, SoftDependency):
        return [dep.soft]
    return list(dep.any_of)


def _earliest_done(scenario: Scenario) -> dict[str, float]:
    """Earliest minute each action can be done: its minutes after all its `requires` (which
    may run in parallel) are done. Actions on or behind a requires cycle (an error) are left
    out. Iterative: generated scenarios have requires chains deeper than Python's stack."""
    actions = scenario.action_index
    memo: dict[str, float] = {}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = finished
    for root in actions:
        if root in state:
            continue
        stack = [root]
        while stack:
            aid = stack[-1]
            if state.get(aid) is None:
                state[aid] = 1
                for req in actions[aid].requires:
                    if req in actions and req not in state:
                        stack.append(req)
                continue
            stack.pop()
            if state[aid] == 2:
                continue
            state[aid] = 2
            ready = 0.0
            for req in actions[aid].requires:
                ready = max(
                    ready, memo.get(req, float("inf")) if state.get(req) == 2 else float("inf")
                )
            memo[aid] = ready + actions[aid].minutes
    return {a: t for a, t in memo.items() if t != float("inf")}
