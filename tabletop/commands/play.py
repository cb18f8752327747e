"""`tabletop play`: the drill UI (placeholder until the UI issue lands)."""

from __future__ import annotations

import click


@click.command("play")
def play_command() -> None:
    """Open the drill UI on the scenario picker."""
    click.echo("The drill UI is not built yet.")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(play_command)
