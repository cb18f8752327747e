"""Options several commands share, as decorators: each flag defined once, so that its type,
default and meaning are the same in every command that takes it.

A command whose help words an option its own way passes `help=`; the type and default stay
shared. Apply them in the order the options should be listed in `--help`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: The drill modes: feedback after each decision, or the score only at the debrief.
MODES = ("training", "exam")

#: `--team` where the picker asks for the name when it is not given.
TEAM_HELP = "Team name (asked in the picker when omitted)."

#: `--db` of the commands that save a finished drill.
DB_HELP = "History database for the finished drill (default: TABLETOP_DB or the user data dir)."

#: `--journal` of the commands that start a drill.
JOURNAL_HELP = "Journal file (default: a new file in the user data directory)."

#: A file argument of an option (`--journal`, `--db`, `--certfile` ...): a path, not a folder.
FILE = click.Path(dir_okay=False, path_type=Path)


def team_option(help: str = TEAM_HELP) -> Callable[[F], F]:
    """`--team NAME` (default: empty, the command or the picker decides)."""
    return click.option("--team", default="", help=help)


def mode_option(help: str | None = None) -> Callable[[F], F]:
    """`--mode training|exam` (default: training)."""
    return click.option(
        "--mode", type=click.Choice(list(MODES)), default="training", show_default=True, help=help
    )


def pace_option(help: str | None = None) -> Callable[[F], F]:
    """`--pace SECONDS`: real seconds per exercise minute (default 5)."""
    return click.option(
        "--pace", type=click.FloatRange(min=0.01), default=5.0, show_default=True, help=help
    )


def journal_option(help: str = JOURNAL_HELP) -> Callable[[F], F]:
    """`--journal FILE`: the journal of a new drill (default: None, the command picks one)."""
    return click.option("--journal", type=FILE, default=None, help=help)


def db_option(help: str = DB_HELP) -> Callable[[F], F]:
    """`--db FILE`: the history database (default: None, the store's default)."""
    return click.option("--db", type=FILE, default=None, help=help)


def listen_options(port: int) -> Callable[[F], F]:
    """`--host ADDRESS` (default 127.0.0.1) and `--port N` (default `port`) of a server."""
    host = click.option(
        "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
    )
    tcp_port = click.option(
        "--port", type=click.IntRange(1, 65535), default=port, show_default=True, help="TCP port."
    )

    def decorate(command: F) -> F:
        return host(tcp_port(command))

    return decorate


def at_most_option(name: str, default: int, bounds: tuple[int, int], help: str) -> Callable[[F], F]:
    """`--max-… N`: a server's limit of things at once, `default` unless given, within `bounds`
    (inclusive)."""
    low, high = bounds
    return click.option(
        name, type=click.IntRange(low, high), default=default, show_default=True, help=help
    )


def allow_host_option(help: str) -> Callable[[F], F]:
    """`--allow-host NAME`, repeated: more names a server answers to (as `allow_hosts`)."""
    return click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME", help=help)


def tls_options(command: F) -> F:
    """`--certfile FILE` and `--keyfile FILE`: the certificate a server presents (TLS)."""
    certfile = click.option("--certfile", type=FILE, default=None)
    keyfile = click.option("--keyfile", type=FILE, default=None)
    return certfile(keyfile(command))


def check_scenario_id(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """Click callback of an option or argument naming a new scenario's id: the format's ids
    only (a usage error otherwise)."""
    # Imported here: the models load pydantic, which the commands sharing this module skip.
    from tabletop.scenario.models import ID_PATTERN

    if value is not None and not re.match(ID_PATTERN, value):
        raise click.BadParameter(
            f"{value!r}: use lowercase letters, digits and '-', starting with a letter or digit"
        )
    return value


#: `--db` of the commands that read and edit the history (report, history, export, plan, rate).
HISTORY_HELP = "History database (default: $TABLETOP_DB or the user data directory)."


def history_option(command: F) -> F:
    """`--db PATH`: the history database the command reads (default: `history_path(None)`)."""
    return click.option("--db", "db", metavar="PATH", help=HISTORY_HELP)(command)


def history_path(db: str | None) -> Path:
    """The history database `--db` names (`~` expanded), else the store's default."""
    from tabletop.store import default_db_path

    return Path(db).expanduser() if db else default_db_path()
