"""Start-up: the CLI imports a sub-command's module only when that command runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click

from tabletop.cli import COMMANDS, cli

HEAVY = ("networkx", "numpy", "jinja2", "textual")


def _loaded_after(code: str) -> list[str]:
    """Top-level packages among HEAVY (plus the engine) imported by running `code`."""
    script = (
        f"{code}\n"
        "import sys\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        "or m.startswith('tabletop.engine')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip().splitlines()[-1:]


def test_importing_the_cli_imports_no_heavy_package() -> None:
    assert _loaded_after("import tabletop.cli") == ["[]"]


def test_help_and_validate_import_no_heavy_package() -> None:
    for args in (["--help"], ["validate", "dc-power-loss"], ["list"]):
        code = (
            "import contextlib, io\n"
            "from tabletop.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    assert main({args!r}) == 0\n"
            "assert out.getvalue()\n"
        )
        assert _loaded_after(code) == ["[]"], args


def test_table_help_is_each_commands_own_one_liner() -> None:
    # The table's one-liners are what `tabletop --help` prints without importing a module:
    # they must say what the command's docstring says.
    for name, entry in COMMANDS.items():
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        assert isinstance(command, click.Command)
        assert command.name == name
        assert entry.short_help == command.get_short_help_str(limit=300), name


def test_every_command_module_command_is_in_the_table() -> None:
    # A command added to a module but not to the table would be unreachable.
    modules = {entry.module for entry in COMMANDS.values()}
    values = [
        value
        for module in modules
        for value in vars(importlib.import_module(module)).values()
        if isinstance(value, click.Command)
    ]
    # A group's own sub-commands (`plan list`) are reached through the group.
    nested = {id(c) for v in values if isinstance(v, click.Group) for c in v.commands.values()}
    defined = {value.name for value in values if id(value) not in nested}
    assert defined <= set(COMMANDS)


def test_help_lists_every_command_and_unknown_command_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tabletop.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line]
    assert listed == sorted(COMMANDS)
    assert "Play a drill." in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "tabletop.cli", "no-such-command"], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "No such command" in bad.stderr
    ctx = click.Context(cli)
    assert cli.get_command(ctx, "no-such-command") is None


def test_no_command_opens_the_picker_through_the_lazy_table() -> None:
    from unittest import mock

    from tabletop.cli import main

    opened: list[object] = []
    with mock.patch("tabletop.tui.app.TabletopApp.run", lambda app: opened.append(app)):
        assert main([]) == 0
    (app,) = opened
    assert type(app).__name__ == "TabletopApp"
    assert app._initial is None  # type: ignore[attr-defined]  # the picker, no drill yet
