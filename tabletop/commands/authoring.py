"""Authoring commands: schema, list, new, graph (validate lives in `checking`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.options import FILE, check_scenario_id
from tabletop.exercise_time import duration
from tabletop.output_path import OutputRefused, write_output
from tabletop.scenario.catalog import builtin_dir, resolve_scenario, scenario_files
from tabletop.scenario.graph_render import FORMATS, render
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.problems import InputError
from tabletop.scenario.schema import scenario_json_schema
from tabletop.scenario.starter import KINDS, starter_text
from tabletop.terminal_text import echo


def _load(name: str) -> LoadedScenario:
    """A scenario by path or built-in id; problems propagate as `InputError`."""
    try:
        path = resolve_scenario(name)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    return load_scenario(path)


@click.command("schema")
@click.option("-o", "--output", type=FILE, help="Write to this file.")
def schema_command(output: Path | None) -> None:
    """Print the JSON Schema of the tabletop/v1 format (for editor completion)."""
    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        echo(text, nl=False)
        return
    try:
        write_output(text, output, what="JSON Schema", make_folder=False)
    except OutputRefused as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    echo(f"wrote {output}", err=True)


def _row(path: Path) -> list[str] | str:
    """Columns of one scenario for `list`, or the one line saying it is invalid."""
    try:
        s = load_scenario(path).scenario
    except InputError as exc:
        n = len(exc.problems)
        return f"{path}: invalid ({n} problem{'s' if n != 1 else ''}; see tabletop validate {path})"
    return [s.id, s.kind, s.title, str(len(s.nodes)), duration(s.duration), s.difficulty or "-"]


@click.command("list")
@no_cache_option
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def list_command(folders: tuple[Path, ...]) -> None:
    """List the built-in scenarios and those in FOLDERS: id, kind, title, nodes, duration."""
    missing = [f for f in folders if not f.exists()]
    if missing:
        raise UserError(f"{missing[0]}: no such file or folder")
    files = scenario_files(list(folders))
    if not files:
        echo(f"no scenarios found (built-in folder: {builtin_dir()})")
        return
    header = ["ID", "KIND", "TITLE", "NODES", "DURATION", "DIFFICULTY"]
    rows = [_row(p) for p in files]
    table = [header, *(r for r in rows if isinstance(r, list))]
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)]
        echo("  ".join([*cells, row[-1]]).rstrip())
    for row in rows:
        if isinstance(row, str):
            echo(row)
    for line in _duplicate_ids(files, rows):
        echo(line)


def _duplicate_ids(files: list[Path], rows: list[list[str] | str]) -> list[str]:
    """One line per scenario id that several files share: a facilitator must know which plays."""
    by_id: dict[str, list[Path]] = {}
    for path, row in zip(files, rows, strict=True):
        if isinstance(row, list):
            by_id.setdefault(row[0], []).append(path)
    return [
        f"note: id {sid!r} is in {len(paths)} files ({', '.join(str(p) for p in paths)}); "
        "name the file to play a given one"
        for sid, paths in by_id.items()
        if len(paths) > 1
    ]


@click.command("new")
@click.argument("scenario_id", metavar="ID", callback=check_scenario_id)
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Kind of outage.")
@click.option("-o", "--output", type=FILE, help="Where to write it (default: ID.yaml here).")
def new_command(scenario_id: str, kind: str, output: Path | None) -> None:
    """Write a commented starter scenario ID of KIND that validates; never overwrites."""
    path = output or Path(f"{scenario_id}.yaml")
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(starter_text(scenario_id, kind))
    except FileExistsError:
        raise UserError(f"{path}: already exists; not overwriting it") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None
    echo(f"wrote {path}; check it with: tabletop validate {path}")


@click.command("graph")
@no_cache_option
@click.argument("file")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
def graph_command(file: str, fmt: str) -> None:
    """Print the dependency graph of scenario FILE as text, Mermaid or Graphviz DOT."""
    loaded = _load(file)
    echo(render(loaded.scenario, fmt), nl=False)  # type: ignore[arg-type]


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    for command in (schema_command, list_command, new_command, graph_command):
        group.add_command(command)
