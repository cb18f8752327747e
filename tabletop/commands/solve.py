"""`tabletop solve`: the reference run and its score, for scenario authors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scoring.render import render_solve_text
from tabletop.scoring.solve import solve
from tabletop.terminal_text import echo, json_text

if TYPE_CHECKING:
    from tabletop.scenario.models import Scenario


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(solve_command)


@click.command("solve")
@no_cache_option
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--strict",
    is_flag=True,
    help=(
        "Exit 1 when there is a warning (reference < 90, nothing > 15, a reference that "
        "avoids no impact, ...)."
    ),
)
def solve_command(scenario: str, as_json: bool, strict: bool) -> None:
    """Play the reference decisions and doing nothing, and score both.

    SCENARIO is a file or the id of a built-in scenario. Warns when the reference scores
    below 90 or doing nothing above 15: the scenario is then not winnable or not fair.
    """
    from tabletop.commands.errors import UserError

    try:
        path = resolve_scenario(scenario)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    loaded = load_scenario(path)
    for warning in loaded.warnings:
        echo(f"tabletop: {warning}", err=True)
    result = solve(loaded.scenario)
    if as_json:
        echo(json_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False)))
    else:
        echo(render_solve_text(result))
        _echo_single_points(loaded.scenario)
    for warning in result.warnings if as_json else ():
        echo(f"tabletop: warning: {warning}", err=True)
    if strict and result.warnings:
        raise UserError(
            f"{len(result.warnings)} warning(s) with --strict: the scenario fails the check"
        )


def _echo_single_points(scenario: Scenario) -> None:
    """The worst single points of failure, for the author checking the scenario."""
    from tabletop.engine.spof import scenario_top_lines

    lines = scenario_top_lines(scenario)
    if lines:
        echo("\nSingle points of failure (all of them: tabletop spof):")
        for line in lines:
            echo(f"  {line}")
