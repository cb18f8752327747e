"""The `tabletop` command line: one click group, sub-commands registered from `commands/`.

Every error a user can cause is one line and exit 1; usage errors exit 2; an unexpected error
writes its traceback to a file, names it and says how to report it: never a raw traceback.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import traceback
from typing import NamedTuple

import click

from tabletop import __version__
from tabletop.commands.errors import ExitCode
from tabletop.scenario.problems import InputError


class LazyCommand(NamedTuple):
    """Where a sub-command lives, and its one-line help for `tabletop --help`."""

    module: str
    attribute: str
    short_help: str


#: Every sub-command. Modules are imported only when their command runs (or its own --help is
#: asked for): importing them all costs more than half a second (networkx, numpy, Jinja2, the
#: engine, Textual). `short_help` is what `tabletop --help` lists without importing anything;
#: a test checks that it matches the command's docstring. To add a command, add a line here.
COMMANDS: dict[str, LazyCommand] = {
    "compare": LazyCommand(
        "tabletop.commands.reporting",
        "compare_command",
        "Set several drills side by side: components, timelines, findings that repeat.",
    ),
    "export": LazyCommand(
        "tabletop.commands.reporting",
        "export_command",
        "Export stored drills as CSV for spreadsheets (one row per drill).",
    ),
    "graph": LazyCommand(
        "tabletop.commands.authoring",
        "graph_command",
        "Print the dependency graph of scenario FILE as text, Mermaid or Graphviz DOT.",
    ),
    "history": LazyCommand(
        "tabletop.commands.reporting",
        "history_command",
        "List stored drills (oldest first), or their trends with --trend.",
    ),
    "host": LazyCommand(
        "tabletop.commands.room",
        "host_command",
        "Host a drill room: one drill of SCENARIO that several seats join with a code.",
    ),
    "import": LazyCommand(
        "tabletop.commands.importing",
        "import_command",
        "Write a scenario from the dependency graph in FILES of KIND.",
    ),
    "join": LazyCommand(
        "tabletop.commands.room",
        "join_command",
        "Join a drill room as a seat: tabletop join ws://HOST:PORT/hub --code CODE.",
    ),
    "list": LazyCommand(
        "tabletop.commands.authoring",
        "list_command",
        "List the built-in scenarios and those in FOLDERS: id, kind, title, nodes, duration.",
    ),
    "new": LazyCommand(
        "tabletop.commands.authoring",
        "new_command",
        "Write a commented starter scenario ID of KIND that validates; never overwrites.",
    ),
    "plan": LazyCommand(
        "tabletop.commands.planning",
        "plan_command",
        "The improvement plan: open items with owners and due dates, across drills.",
    ),
    "play": LazyCommand("tabletop.commands.play", "play_command", "Play a drill."),
    "rate": LazyCommand(
        "tabletop.commands.planning",
        "rate_command",
        "Rate an objective of a stored drill P, S, M or U (the report shows both ratings).",
    ),
    "report": LazyCommand(
        "tabletop.commands.reporting",
        "report_command",
        "After-action report of one drill, from its journal or its stored session id.",
    ),
    "resume": LazyCommand(
        "tabletop.commands.play",
        "resume_command",
        "Reopen a drill from its journal, after a crash or a closed terminal: nothing is lost.",
    ),
    "run": LazyCommand(
        "tabletop.commands.run",
        "run_command",
        "Run a decision log against SCENARIO (a file or a built-in id), without the UI.",
    ),
    "schema": LazyCommand(
        "tabletop.commands.authoring",
        "schema_command",
        "Print the JSON Schema of the tabletop/v1 format (for editor completion).",
    ),
    "serve": LazyCommand(
        "tabletop.commands.play",
        "serve_command",
        "Serve the drill UI to a web browser (each browser tab gets its own drill).",
    ),
    "solve": LazyCommand(
        "tabletop.commands.solve",
        "solve_command",
        "Play the reference decisions and doing nothing, and score both.",
    ),
    "spof": LazyCommand(
        "tabletop.commands.importing",
        "spof_command",
        "For every node of SCENARIO, what goes down if it alone fails, worst first.",
    ),
    "validate": LazyCommand(
        "tabletop.commands.checking",
        "validate_command",
        "Check scenario FILES (paths or built-in ids): every problem as FILE:LINE:COL: message.",
    ),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted, without importing any command module."""
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module on first use; None for an unknown name."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.module}.{entry.attribute} is not a click command")
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The Commands section of --help from the table's one-liners (nothing imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            entry = COMMANDS.get(name)
            if entry is not None and name not in self.commands:
                rows.append((name, click.utils.make_default_short_help(entry.short_help, limit)))
            else:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="tabletop")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Outage tabletop exercises: play a scripted outage, get every point of the score explained.

    With no command, opens the drill UI on the scenario picker.
    """
    if ctx.invoked_subcommand is None:
        play = cli.get_command(ctx, "play")
        assert play is not None  # in COMMANDS
        ctx.invoke(play)


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
