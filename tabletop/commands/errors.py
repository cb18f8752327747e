"""Exit codes and the one-line user error of every command: the leaf of `commands/`.

Every command module raises `UserError` from here; `tabletop.cli` (the entry point, above all
of them) catches it. Nothing here imports another command module or the CLI, so no command
has to import the CLI back.
"""

from __future__ import annotations

from enum import IntEnum

import click

from tabletop.terminal_text import capped, one_line


class ExitCode(IntEnum):
    """Exit status of every command: 0 success, 1 invalid input or a failed check, 2 usage."""

    OK = 0
    INVALID = 1
    USAGE = 2


class UserError(click.ClickException):
    """One clear line for the user, exit 1."""

    exit_code = ExitCode.INVALID

    def show(self, file: object = None) -> None:
        # One line whatever the message quotes (a file name, a team): cleaned and capped.
        click.echo(capped(one_line(f"tabletop: {self.format_message()}")), err=True)


class Invalid(click.ClickException):
    """Exit 1 after the command has already printed why (e.g. validate's problems)."""

    exit_code = ExitCode.INVALID

    def __init__(self) -> None:
        super().__init__("")

    def show(self, file: object = None) -> None:
        """Nothing more to say: the problems are printed."""
