"""`tabletop play` and `tabletop resume`: the drill UI."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.source import ScenarioNotFound, find_journal_scenario, scenario_source
from tabletop.terminal_text import echo


def _default_journal_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("tabletop")) / "journals"


def _db_path(db: Path | None) -> Path | None:
    """Where finished drills are kept: --db, else the store's default (TABLETOP_DB or XDG)."""
    if db is not None:
        return db
    try:
        from tabletop.store import default_db_path
    except ImportError:
        return None
    return Path(default_db_path())


_DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="History database for the finished drill (default: TABLETOP_DB or the user data dir).",
)


def _fail(message: str) -> click.ClickException:
    from tabletop.commands.errors import UserError

    return UserError(message)


@click.command("play")
@no_cache_option
@click.argument("args", nargs=-1, metavar="[SCENARIO] [FOLDER]...")
@click.option("--team", default="", help="Team name (asked in the picker when omitted).")
@click.option(
    "--mode",
    type=click.Choice(["training", "exam"]),
    default="training",
    show_default=True,
    help="training: feedback after each decision; exam: score only at the debrief.",
)
@click.option(
    "--pace",
    type=click.FloatRange(min=0.01),
    default=5.0,
    show_default=True,
    help="Real seconds per exercise minute (changed live with + and -).",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Journal file (default: a new file in the user data directory).",
)
@_DB_OPTION
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
    from tabletop.engine.journal import JournalWriter, create_journal
    from tabletop.tui.app import TabletopApp

    scenario_arg: str | None = None
    folders = [Path(a) for a in args]
    if args and not Path(args[0]).is_dir():
        scenario_arg, folders = args[0], folders[1:]
    for folder in folders:
        if not folder.exists():
            raise _fail(f"{folder}: no such folder")
    if journal is not None and journal.exists() and journal.stat().st_size > 0:
        raise _fail(f"{journal}: journal exists; continue it with: tabletop resume {journal}")
    if scenario_arg is None:
        TabletopApp(
            scenario_folders=folders,
            team=team,
            mode=mode,
            pace=pace,
            journal_path=journal,
            journal_dir=_default_journal_dir(),
            db_path=_db_path(db),
        ).run()
        return
    try:
        path = resolve_scenario(scenario_arg)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    loaded = load_scenario(path)
    from tabletop.engine.session import Session

    try:
        if journal is None:
            sink = create_journal(_default_journal_dir(), loaded.scenario.id)
            journal = sink.path
        else:
            sink = JournalWriter(journal)
    except FileExistsError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{journal}: cannot write journal: {exc.strerror or exc}") from None
    session = Session(
        loaded.scenario,
        sha256=loaded.sha256,
        team=team or "team",
        mode=mode,
        sink=sink,
        source=scenario_source(scenario_arg, loaded.path),
    )
    TabletopApp(
        session,
        loaded=loaded,
        scenario_folders=folders,
        pace=pace,
        journal_path=journal,
        db_path=_db_path(db),
    ).run()
    hint = "" if session.ended else f"  (continue with: tabletop resume {journal})"
    echo(f"journal: {journal}{hint}")


@click.command("resume")
@no_cache_option
@click.argument("journal_path", metavar="JOURNAL", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Scenario file (default: the file the drill ran from, if unchanged).",
)
@click.option("--pace", type=click.FloatRange(min=0.01), default=5.0, show_default=True)
@_DB_OPTION
def resume_command(
    journal_path: Path, scenario_path: Path | None, pace: float, db: Path | None
) -> None:
    """Reopen a drill from its journal, after a crash or a closed terminal: nothing is lost."""
    from tabletop.engine.journal import read_journal, resume
    from tabletop.tui.app import TabletopApp

    if journal_path.is_dir():
        raise _fail(f"{journal_path}: is a folder, not a journal file")
    if not journal_path.is_file():
        raise _fail(f"{journal_path}: no such journal file")
    record = read_journal(journal_path)
    if scenario_path is None:
        # The file the drill ran from (recorded in the start event), if unchanged.
        try:
            scenario_path = find_journal_scenario(record.start.data, journal_path, "--scenario")
        except ScenarioNotFound as exc:
            raise _fail(str(exc)) from None
    loaded = load_scenario(scenario_path)
    session = resume(loaded, journal_path, record=record)
    TabletopApp(
        session, loaded=loaded, pace=pace, journal_path=journal_path, db_path=_db_path(db)
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
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option("--team", default="", help="Team name (asked in the picker when omitted).")
@click.option(
    "--mode", type=click.Choice(["training", "exam"]), default="training", show_default=True
)
@click.option(
    "--max-clients",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Drills at once (each browser tab runs one, ~85 MB each).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name browsers reach this server by (with --host 0.0.0.0, say).",
)
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
            raise _fail(f"{folder}: no such folder")
    try:
        from tabletop.serve import GuardedServer
    except ImportError:
        raise _fail("the browser mode needs textual-serve: pip install textual-serve") from None
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
