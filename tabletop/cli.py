"""The `tabletop` command line: one click group, sub-commands registered from `commands/`.

Every error a user can cause is one line and exit 1; usage errors exit 2; an unexpected error
writes its traceback to a file, names it and says how to report it: never a raw traceback.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from enum import IntEnum

import click

from tabletop import __version__
from tabletop.commands import authoring, drill, play, reporting, scoring_cmds
from tabletop.scenario.problems import InputError


class ExitCode(IntEnum):
    """Exit status of every command (DESIGN.md § Command line)."""

    OK = 0
    INVALID = 1
    USAGE = 2


class UserError(click.ClickException):
    """One clear line for the user, exit 1."""

    exit_code = ExitCode.INVALID

    def show(self, file: object = None) -> None:
        click.echo(f"tabletop: {self.format_message()}", err=True)


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="tabletop")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Outage tabletop exercises: play a scripted outage, get every point of the score explained.

    With no command, opens the drill UI on the scenario picker.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(play.play_command)


for _module in (authoring, drill, play, scoring_cmds, reporting):
    _module.register(cli)


def _first_line(exc: BaseException) -> str:
    # Some exceptions (pydantic's) span many lines; the user gets one, the file has the rest.
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def _report_crash(exc: BaseException) -> int:
    with tempfile.NamedTemporaryFile(
        "w", prefix="tabletop-crash-", suffix=".txt", delete=False
    ) as fh:
        traceback.print_exception(exc, file=fh)
        where = fh.name
    click.echo(
        f"tabletop: unexpected error: {type(exc).__name__}: {_first_line(exc)}. Details in "
        f"{where}; "
        "please attach that file to a bug report.",
        err=True,
    )
    return ExitCode.INVALID


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        # Outside standalone mode click returns the code of `ctx.exit(code)` instead of raising.
        result = cli.main(args=argv, prog_name="tabletop", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("tabletop: aborted", err=True)
        return ExitCode.INVALID
    except click.UsageError as exc:
        exc.show()
        return ExitCode.USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except InputError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return ExitCode.INVALID
    except KeyboardInterrupt:
        return ExitCode.INVALID
    except Exception as exc:
        return _report_crash(exc)
    return result if isinstance(result, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
