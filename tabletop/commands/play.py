"""`tabletop play` and `tabletop resume`: the drill UI."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from tabletop.commands import options
from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.starting import (
    default_journal_dir,
    history_db,
    refuse_existing_journal,
    start_session,
)
from tabletop.scenario.source import ScenarioNotFound, find_journal_scenario
from tabletop.terminal_text import echo


@click.command("play")
@no_cache_option
@click.argument("args", nargs=-1, metavar="[SCENARIO] [FOLDER]...")
@options.team_option()
@options.mode_option("training: feedback after each decision; exam: score only at the debrief.")
@options.pace_option("Real seconds per exercise minute (changed live with + and -).")
@options.journal_option()
@options.db_option()
def play_command(
    args: tuple[str, ...],
    team: str,
    mode: str,
    pace: float,
    journal: Path | None,
    db: Path | None,
) -> None:
    """Play a drill. SCENARIO is a built-in id or a file; FOLDERs add scenarios to the picker.

    Without a SCENARIO the picker opens on the built-ins and the given folders.
    """
    from tabletop.tui.app import TabletopApp

    scenario_arg: str | None = None
    folders = [Path(a) for a in args]
    if args and not Path(args[0]).is_dir():
        scenario_arg, folders = args[0], folders[1:]
    for folder in folders:
        if not folder.exists():
            raise UserError(f"{folder}: no such folder")
    refuse_existing_journal(journal, "tabletop resume")
    if scenario_arg is None:
        TabletopApp(
            scenario_folders=folders,
            team=team,
            mode=mode,
            pace=pace,
            journal_path=journal,
            journal_dir=default_journal_dir(),
            db_path=history_db(db),
        ).run()
        return
    loaded, session, writer = start_session(scenario_arg, team, mode, journal, "tabletop resume")
    journal = writer.path
    TabletopApp(
        session,
        loaded=loaded,
        scenario_folders=folders,
        pace=pace,
        journal_path=journal,
        db_path=history_db(db),
    ).run()
    hint = "" if session.ended else f"  (continue with: tabletop resume {journal})"
    echo(f"journal: {journal}{hint}")


@click.command("resume")
@no_cache_option
@click.argument("journal_path", metavar="JOURNAL", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    "scenario_path",
    type=options.FILE,
    default=None,
    help="Scenario file (default: the file the drill ran from, if unchanged).",
)
@options.pace_option()
@options.db_option()
def resume_command(
    journal_path: Path, scenario_path: Path | None, pace: float, db: Path | None
) -> None:
    """Reopen a drill from its journal, after a crash or a closed terminal: nothing is lost."""
    from tabletop.engine.journal import read_journal, resume
    from tabletop.tui.app import TabletopApp

    if journal_path.is_dir():
        raise UserError(f"{journal_path}: is a folder, not a journal file")
    if not journal_path.is_file():
        raise UserError(f"{journal_path}: no such journal file")
    record = read_journal(journal_path)
    if scenario_path is None:
        # The file the drill ran from (recorded in the start event), if unchanged.
        try:
            scenario_path = find_journal_scenario(record.start.data, journal_path, "--scenario")
        except ScenarioNotFound as exc:
            raise UserError(str(exc)) from None
    loaded = load_scenario(scenario_path)
    session = resume(loaded, journal_path, record=record)
    TabletopApp(
        session, loaded=loaded, pace=pace, journal_path=journal_path, db_path=history_db(db)
    ).run()


def serve_command_line(folders: tuple[Path, ...], team: str, mode: str) -> str:
    """The shell command textual-serve runs for each browser: `tabletop play` in this Python."""
    parts = [sys.executable, "-m", "tabletop.cli", "play", *map(str, folders), "--mode", mode]
    if team:
        parts += ["--team", team]
    return " ".join(shlex.quote(p) for p in parts)


def web_templates() -> Path:
    """The page template for the browser: textual-serve's, without requests to other hosts."""
    return Path(__file__).resolve().parent.parent / "tui" / "web"


@click.command("serve")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path), metavar="[FOLDER]...")
@options.listen_options(port=8000)
@options.team_option()
@options.mode_option()
@options.at_most_option(
    "--max-clients", 4, (1, 64), "Drills at once (each browser tab runs one, ~85 MB each)."
)
@options.allow_host_option("Another name browsers reach this server by (with --host 0.0.0.0, say).")
def serve_command(
    folders: tuple[Path, ...],
    host: str,
    port: int,
    team: str,
    mode: str,
    max_clients: int,
    allow_hosts: tuple[str, ...],
) -> None:
    """Serve the drill UI to a web browser (each browser tab gets its own drill).

    FOLDERs add scenarios to the picker. The page and its scripts and fonts come from this
    server only. Listens on 127.0.0.1 unless --host says otherwise; answers only to its own
    names (127.0.0.1, localhost, --allow-host) and to pages it served itself.
    """
    for folder in folders:
        if not folder.is_dir():
            raise UserError(f"{folder}: no such folder")
    try:
        from tabletop.serve import GuardedServer
    except ImportError:
        raise UserError("the browser mode needs textual-serve: pip install textual-serve") from None
    server = GuardedServer(
        serve_command_line(folders, team, mode),
        host=host,
        port=port,
        title="tabletop",
        templates_path=web_templates(),
        max_clients=max_clients,
        allow_hosts=allow_hosts,
    )
    server.serve()


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(play_command)
    group.add_command(resume_command)
    group.add_command(serve_command)
