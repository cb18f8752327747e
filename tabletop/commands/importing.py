"""`tabletop import` (a scenario from Compose, Backstage, Kubernetes or DOT files) and
`tabletop spof` (the single-point-of-failure sweep of a scenario)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.options import FILE, check_scenario_id
from tabletop.engine.spof import SpofReport, scenario_spof
from tabletop.importers import IMPORTERS, ImportedGraph, scenario_text
from tabletop.importers.common import slug
from tabletop.output_path import OutputRefused, write_output
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.loader import parse_scenario
from tabletop.scenario.problems import InputError, Problem
from tabletop.terminal_text import echo

#: How many entries `spof` prints as text when --top is not given.
TEXT_TOP = 10


def _edges(graph: ImportedGraph) -> int:
    return sum(
        len(n.hard) + len(n.soft) + sum(len(g) for g in n.any_of) for n in graph.nodes.values()
    )


@click.command("import")
@click.argument("kind", type=click.Choice(tuple(IMPORTERS)))
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", type=FILE, required=True, help="The scenario file to write.")
@click.option(
    "--id", "scenario_id", callback=check_scenario_id, help="Scenario id (default: from -o)."
)
@click.option("--title", help="Scenario title (default: from the files).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_command(
    kind: str,
    files: tuple[str, ...],
    output: Path,
    scenario_id: str | None,
    title: str | None,
    force: bool,
) -> None:
    """Write a scenario from the dependency graph in FILES of KIND.

    \b
    compose    Docker Compose files (services, depends_on, links, network_mode)
    backstage  Backstage catalog files (Component, Resource, System, API entities)
    k8s        Kubernetes manifests (workloads; env values naming Services)
    dot        Graphviz DOT digraphs, e.g. `terraform graph` (a -> b: a depends on b)

    Every component becomes a node with its dependencies, plus a commented starter
    (one failure, actions, a playbook) to finish. Check it with `tabletop validate`.
    """
    graph = IMPORTERS[kind](list(files))
    if not graph.nodes:
        raise InputError([Problem(files[0], 1, 1, f"no components found to import as {kind}")])
    sid = scenario_id or slug(output.stem)
    heading = title or f"Outage drill: {', '.join(Path(f).name for f in files)}"
    text = scenario_text(graph, sid, heading, str(output))
    parse_scenario(text, str(output))  # what is written must validate as written
    if output.exists() and not force:
        raise UserError(f"{output}: already exists; not overwriting it (use --force)")
    try:
        # --force may replace an earlier scenario, never the files imported from.
        inputs = [Path(f) for f in files]
        write_output(text, output, inputs=inputs, what="scenario", replaces="scenario")
    except OutputRefused as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    for note in graph.notes:
        echo(note, err=True)
    echo(
        f"wrote {output}: {len(graph.nodes)} nodes, {_edges(graph)} dependencies; "
        f"check it with: tabletop validate {output}"
    )


def spof_text(report: SpofReport, scenario_id: str, top: int) -> str:
    """The sweep as text: the worst `top` entries as a table, then what was left out."""
    lines = [f"Single points of failure of {scenario_id}, worst first (each node failing alone):"]
    shown = report.entries[:top]
    width = max([4, *(len(e.node) for e in shown)])
    lines.append(f"  {'NODE':<{width}}  {'USERS LOST':>10}  {'NODES LOST':>10}  ALSO DOWN")
    for e in shown:
        others = [d for d in e.down if d != e.node]
        also = ", ".join(others[:6]) + (f", ... {len(others) - 6} more" if len(others) > 6 else "")
        lines.append(
            f"  {e.node:<{width}}  {e.users_lost:>10,}  {e.nodes_lost:>10,}  {also or '-'}"
        )
    rest = len(report.entries) - len(shown)
    if rest > 0:
        lines.append(f"  ... {rest} more (--top N to see more)")
    if report.already_down:
        names = ", ".join(report.already_down[:10])
        more = (
            f", ... {len(report.already_down) - 10} more" if len(report.already_down) > 10 else ""
        )
        lines.append(
            f"Not swept, already down at the start (standby, and what needs it): {names}{more}"
        )
    return "\n".join(lines)


@click.command("spof")
@no_cache_option
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, worst first.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help=f"Only the N worst (default: all with --json, {TEXT_TOP} as text).",
)
def spof_command(scenario: str, as_json: bool, top: int | None) -> None:
    """For every node of SCENARIO, what goes down if it alone fails, worst first.

    SCENARIO is a file or the id of a built-in scenario. Ranked by users lost, then nodes
    lost; any_of groups, soft dependencies, standby nodes and cycles count as in the drill.
    Nodes already down at the start (standby) are not swept.
    """
    try:
        path = resolve_scenario(scenario)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    loaded = load_scenario(path)
    if as_json:
        report = scenario_spof(loaded.scenario, detail=top)
        entries = report.entries if top is None else report.entries[:top]
        echo(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        return
    limit = top or TEXT_TOP
    report = scenario_spof(loaded.scenario, detail=limit)
    echo(spof_text(report, loaded.scenario.id, limit))


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(import_command)
    group.add_command(spof_command)
