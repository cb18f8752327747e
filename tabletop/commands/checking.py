"""`tabletop validate`: check scenario files, every problem as FILE:LINE:COL: message.

A module of its own, importing little: a file that validated before (same bytes, same code) is
answered from the scenario cache's summary without PyYAML or the pydantic models, so checking
an unchanged file costs about as much as starting Python with click.
"""

from __future__ import annotations

import click

from tabletop.commands.errors import Invalid
from tabletop.commands.loading import check_scenario, no_cache_option
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.problems import InputError
from tabletop.terminal_text import echo


def _check_one(name: str) -> bool:
    """Print what `validate` says of one file; whether it is valid."""
    try:
        checked = check_scenario(resolve_scenario(name))
    except FileNotFoundError as exc:
        echo(str(exc))
        return False
    except InputError as exc:
        for problem in exc.problems:
            echo(str(problem))
        return False
    for warning in checked.warnings:
        echo(str(warning))
    echo(
        f"{checked.path}: ok ({checked.nodes} nodes, {checked.actions} actions, "
        f"{checked.injects} injects"
        + (f"; {len(checked.warnings)} warning(s)" if checked.warnings else "")
        + ")"
    )
    return True


@click.command("validate")
@no_cache_option
@click.argument("files", nargs=-1, required=True)
def validate_command(files: tuple[str, ...]) -> None:
    """Check scenario FILES (paths or built-in ids): every problem as FILE:LINE:COL: message."""
    results = [_check_one(name) for name in files]
    if not all(results):
        # Not ctx.exit(1): tabletop.cli.main runs click in non-standalone mode, where click
        # returns an Exit's code instead of raising it, and the code would be lost.
        raise Invalid()
