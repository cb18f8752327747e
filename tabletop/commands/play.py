"""`tabletop play` and `tabletop resume`: the drill UI."""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.problems import InputError, Problem


def _default_journal_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("tabletop")) / "journals"


def _fail(message: str) -> click.ClickException:
    from tabletop.cli import UserError  # late: cli imports this module

    return UserError(message)


@click.command("play")
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
def play_command(
    args: tuple[str, ...], team: str, mode: str, pace: float, journal: Path | None
) -> None:
    """Play a drill. SCENARIO is a built-in id or a file; FOLDERs add scenarios to the picker.

    Without a SCENARIO the picker opens on the built-ins and the given folders.
    """
    from tabletop.tui.app import TabletopApp, open_journal

    scenario_arg: str | None = None
    folders = [Path(a) for a in args]
    if args and not Path(args[0]).is_dir():
        scenario_arg, folders = args[0], folders[1:]
    for folder in folders:
        if not folder.exists():
            raise _fail(f"{folder}: no such folder")
    if scenario_arg is None:
        TabletopApp(
            scenario_folders=folders,
            team=team,
            mode=mode,
            pace=pace,
            journal_path=journal,
            journal_dir=_default_journal_dir(),
        ).run()
        return
    try:
        path = resolve_scenario(scenario_arg)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    loaded = load_scenario(path)
    from tabletop.engine.session import Session

    if journal is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        journal = _default_journal_dir() / f"{loaded.scenario.id}-{stamp}.jsonl"
    sink = open_journal(journal)
    session = Session(
        loaded.scenario, sha256=loaded.sha256, team=team or "team", mode=mode, sink=sink
    )
    TabletopApp(
        session,
        loaded=loaded,
        scenario_folders=folders,
        pace=pace,
        journal_path=journal if sink is not None else None,
    ).run()
    if sink is not None:
        click.echo(f"journal: {journal}  (tabletop resume {journal})")


def _journal_start(path: Path) -> dict[str, Any]:
    """The `start` event of a journal (first line), for its scenario id."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror or exc}") from None
    try:
        obj = json.loads(first)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), 1, exc.colno, f"not a journal: {exc.msg}")]) from None
    if not isinstance(obj, dict) or obj.get("kind") != "start":
        raise InputError([Problem(str(path), 1, 1, "not a journal: no start event")])
    return obj


@click.command("resume")
@click.argument("journal_path", metavar="JOURNAL", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Scenario file (default: the built-in named in the journal).",
)
@click.option("--pace", type=click.FloatRange(min=0.01), default=5.0, show_default=True)
def resume_command(journal_path: Path, scenario_path: Path | None, pace: float) -> None:
    """Reopen a drill from its journal, after a crash or a closed terminal: nothing is lost."""
    from tabletop.tui.app import TabletopApp

    start = _journal_start(journal_path)
    if scenario_path is None:
        try:
            scenario_path = resolve_scenario(str(start.get("scenario", "")))
        except FileNotFoundError:
            raise _fail(
                f"{journal_path}: scenario {start.get('scenario')!r} is not a built-in; "
                "give it with --scenario PATH"
            ) from None
    loaded = load_scenario(scenario_path)
    try:
        journal = importlib.import_module("tabletop.engine.journal")
    except ImportError:
        raise _fail("resuming needs the journal module, which is not installed") from None
    session = journal.resume(loaded, journal_path)
    TabletopApp(session, loaded=loaded, pace=pace, journal_path=journal_path).run()


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(play_command)
    group.add_command(resume_command)
