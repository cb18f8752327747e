"""Starting a drill from the command line (`play`, `host`): the scenario, its new journal and
the session, with one-line errors; and where journals and finished drills go by default."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario

if TYPE_CHECKING:
    from tabletop.engine.journal import JournalWriter
    from tabletop.engine.session import Session
    from tabletop.scenario.loader import LoadedScenario


def default_journal_dir() -> Path:
    """Where a drill's journal goes when no `--journal` is given: the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tabletop")) / "journals"


def history_db(db: Path | None) -> Path:
    """Where finished drills are kept: --db, else the store's default (TABLETOP_DB or XDG)."""
    if db is not None:
        return db
    from tabletop.store import default_db_path  # here: `--help` does not load the history

    return default_db_path()


def refuse_existing_journal(journal: Path | None, resume_command: str) -> None:
    """A new drill never writes over a journal: say how to continue it instead."""
    if journal is not None and journal.exists() and journal.stat().st_size > 0:
        raise UserError(f"{journal}: journal exists; continue it with: {resume_command} {journal}")


def start_session(
    scenario_arg: str,
    team: str,
    mode: str,
    journal: Path | None,
    resume_command: str,
) -> tuple[LoadedScenario, Session, JournalWriter]:
    """A new drill of `scenario_arg` (a built-in id or a file) journalled to `journal` (default:
    a new file in `default_journal_dir`); `resume_command` is how an existing journal would be
    continued, named in the error."""
    from tabletop.drills import live_session
    from tabletop.engine.journal import JournalWriter, create_journal
    from tabletop.scenario.catalog import resolve_scenario
    from tabletop.scenario.source import scenario_source

    try:
        path = resolve_scenario(scenario_arg)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    loaded = load_scenario(path)
    refuse_existing_journal(journal, resume_command)
    try:
        writer = (
            create_journal(default_journal_dir(), loaded.scenario.id)
            if journal is None
            else JournalWriter(journal)
        )
    except FileExistsError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{journal}: cannot write journal: {exc.strerror or exc}") from None
    session = live_session(
        loaded,
        team=team or "team",
        mode=mode,
        sink=writer,
        source=scenario_source(scenario_arg, loaded.path),
    )
    return loaded, session, writer
