"""Pure helpers that turn engine and scenario data into what the UI shows.

Nothing here imports Textual, so the logic is unit-tested without a running app.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]

from tabletop.engine.events import ImpactPoint
from tabletop.engine.propagation import DepGraph
from tabletop.scenario.catalog import scenario_files
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError

#: Symbol per displayed status, so the map reads without colour.
STATUS_SYMBOL: dict[str, str] = {
    "up": "●",
    "degraded": "◐",
    "down": "✖",
    "compromised": "☣",
    "standby": "○",
}
#: Rich style per displayed status.
STATUS_STYLE: dict[str, str] = {
    "up": "green",
    "degraded": "yellow",
    "down": "bold red",
    "compromised": "bold magenta",
    "standby": "dim",
}

#: Facilitator pace levels: real seconds per exercise minute.
PACE_LEVELS: tuple[float, ...] = (0.25, 0.5, 1, 2, 5, 10, 20, 30, 60)


def display_status(own: str, effective: str) -> str:
    """The status the map shows: `standby` while a standby node has not been started."""
    if own == "standby" and effective == "down":
        return "standby"
    return effective


def status_label(own: str, effective: str) -> str:
    """Symbol and word, e.g. `✖ down`."""
    shown = display_status(own, effective)
    return f"{STATUS_SYMBOL.get(shown, '?')} {shown}"


def format_clock(t: float) -> str:
    """Exercise time as `T+mm:ss` (minutes may exceed 99)."""
    total = round(t * 60)
    return f"T+{total // 60:02d}:{total % 60:02d}"


def format_minutes(t: float | None) -> str:
    """A minute figure as `T+12` / `T+12.5`, or an en dash when absent."""
    return "–" if t is None else f"T+{t:g}"


def format_pace(seconds_per_minute: float) -> str:
    """The pace as the clock bar shows it."""
    return f"1 min / {seconds_per_minute:g} s"


def nearest_pace_index(seconds_per_minute: float) -> int:
    """Index of the pace level closest to the one asked for."""
    return min(range(len(PACE_LEVELS)), key=lambda i: abs(PACE_LEVELS[i] - seconds_per_minute))


def layers(scenario: Scenario) -> list[list[str]]:
    """Node ids grouped by topological depth (dependencies above dependents), file order within.

    Nodes on a dependency cycle share the layer of their strongly connected component.
    """
    deps = DepGraph.from_nodes(scenario.nodes).deps
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(deps)
    for node, d in deps.items():
        for dep in (*d.hard, *d.soft, *(m for g in d.any_of for m in g)):
            if dep in deps:
                graph.add_edge(dep, node)
    cond = nx.condensation(graph)
    depth: dict[str, int] = {}
    for level, comps in enumerate(nx.topological_generations(cond)):
        for comp in comps:
            for node in cond.nodes[comp]["members"]:
                depth[node] = level
    out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for n in scenario.nodes:
        out[depth[n.id]].append(n.id)
    return out


def resample(series: Sequence[ImpactPoint], now: float, buckets: int) -> list[float]:
    """Affected users of the step function `series`, sampled at `buckets` instants in (0, now]."""
    if not series:
        return [0.0]
    if now <= 0 or buckets <= 1:
        return [series[-1].affected]
    times = [p.t for p in series]
    out = []
    for i in range(buckets):
        t = now * (i + 1) / buckets
        k = bisect.bisect_right(times, t) - 1
        out.append(series[max(k, 0)].affected)
    return out


@dataclass(frozen=True)
class Feedback:
    """One line of training-mode feedback on a decision."""

    good: bool
    text: str


def _predecessors(scenario: Scenario) -> dict[str, set[str]]:
    """Transitive `after` of every playbook step (ids)."""
    direct = {s.id: set(scenario.step_after(i)) for i, s in enumerate(scenario.playbook)}
    closed: dict[str, set[str]] = {}

    def visit(step: str, seen: frozenset[str]) -> set[str]:
        if step in closed:
            return closed[step]
        acc: set[str] = set()
        for p in direct.get(step, ()):
            if p in seen:
                continue
            acc.add(p)
            acc |= visit(p, seen | {p})
        closed[step] = acc
        return acc

    for s in direct:
        visit(s, frozenset({s}))
    return closed


def decision_feedback(
    scenario: Scenario,
    started: Mapping[str, float],
    action: str,
    now: float,
    done_at: float,
) -> list[Feedback]:
    """Training feedback on an accepted decision: in order against the playbook, and on time.

    `started` maps each action to the first time it was taken (the session's `started`),
    already including this decision.
    """
    out: list[Feedback] = []
    for avoid in scenario.avoid:
        if avoid.action == action:
            out.append(Feedback(False, f"Avoid this: {avoid.why} (−{avoid.penalty:g} points)"))
    steps = [s for s in scenario.playbook if action in s.any_of]
    if not steps:
        if not out:
            out.append(Feedback(True, "Not a playbook step: fine if it helps, but stay calm."))
        return out
    step_start = {
        s.id: min((started[a] for a in s.any_of if a in started), default=None)
        for s in scenario.playbook
    }
    titles = {s.id: s.title for s in scenario.playbook}
    preds = _predecessors(scenario)
    for step in steps:
        began = step_start[step.id]
        if began is not None and began < now:
            out.append(Feedback(True, f"“{step.title}” was already under way since T+{began:g}."))
            continue
        missing = [p for p in sorted(preds[step.id]) if step_start[p] is None]
        later = [
            other
            for other, before in preds.items()
            if step.id in before and (t := step_start[other]) is not None and t < now
        ]
        if missing:
            names = "; ".join(f"“{titles[p]}”" for p in missing)
            out.append(Feedback(False, f"Out of order: {names} should come first."))
        elif later:
            names = "; ".join(f"“{titles[p]}”" for p in sorted(later))
            out.append(Feedback(False, f"Late in the order: it should come before {names}."))
        else:
            out.append(Feedback(True, f"In order: “{step.title}”."))
        if step.by is not None:
            if done_at <= step.by:
                out.append(Feedback(True, f"On time: done by T+{done_at:g}, target T+{step.by:g}."))
            else:
                late = done_at - step.by
                out.append(
                    Feedback(
                        False, f"Late: done T+{done_at:g}, target T+{step.by:g} ({late:g} min)."
                    )
                )
    return out


@dataclass(frozen=True)
class CatalogEntry:
    """One scenario file for the picker: loaded, or invalid with its first problem."""

    path: Path
    loaded: LoadedScenario | None
    problem: str | None


def catalog(folders: Sequence[Path]) -> list[CatalogEntry]:
    """Built-in scenarios and those in `folders`; an invalid file is listed, not raised."""
    out = []
    for path in scenario_files(list(folders)):
        try:
            out.append(CatalogEntry(path, load_scenario(path), None))
        except InputError as exc:
            first = str(exc.problems[0]) if exc.problems else "invalid"
            out.append(CatalogEntry(path, None, first))
        except Exception as exc:  # the picker must list a broken file, never crash on it
            out.append(CatalogEntry(path, None, f"{path}: {type(exc).__name__}: {exc}"))
    return out
