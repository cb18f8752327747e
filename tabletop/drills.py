"""The drill service: one way from a drill to its score, its place in the history and its
report, whichever client ran it.

A drill comes from a decision log (`run_log`, what `tabletop run` does), from a journal
(`open_journal` then `drill_from_journal`: `report`, `history --add`), from the history
(`stored_drill`), or from a live session that has just ended (`finished`: the drill screen's
debrief, the drill room's hub). Each way ends in the same `Drill`, scored the same way, stored
by `save_drill` and reported by `Drill.report`.

Errors a user can fix come out as `DrillError` (one line) or the scenario layer's
`tabletop.scenario.problems.InputError` (file, line, column); clients decide how to show them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tabletop.engine.events import Event
from tabletop.engine.journal import iso_utc, journal_started_at, read_journal, replay
from tabletop.engine.session import EventSink, Session
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.source import ScenarioNotFound, find_journal_scenario
from tabletop.scoring.model import Counterfactual, Score

if TYPE_CHECKING:
    # The history and the reports are imported where used: the drill UI and `tabletop run`
    # start without them (the store pulls in the report templates).
    from tabletop.reports.model import Report, StoredItem
    from tabletop.scenario.decision_log import DecisionLog

#: Loads a scenario file (the commands pass their cached loader).
ScenarioLoader = Callable[[Path], LoadedScenario]


class DrillError(Exception):
    """A drill that cannot be run, read, scored or stored, said in one line."""


@dataclass(frozen=True)
class Drill:
    """A finished drill: its scenario, the ended session and its score, and where the history
    knows it from (`session_id`, its `date`, evaluator ratings and improvement items)."""

    loaded: LoadedScenario
    session: Session
    score: Score
    date: str | None = None
    session_id: int | None = None
    ratings: dict[str, tuple[str, str]] | None = None
    items: list[StoredItem] | None = None
    retested: list[StoredItem] | None = None

    def report(self) -> Report:
        """Its after-action report (with the history's ratings and plan items when stored)."""
        from tabletop.reports import build_report

        return build_report(
            self.loaded,
            self.session,
            self.score,
            date=self.date,
            session_id=self.session_id,
            ratings=self.ratings,
            stored_items=self.items,
            retested=self.retested,
        )

    def with_counterfactuals(self, items: list[Counterfactual]) -> Drill:
        """The same drill, its score completed by counterfactuals computed later (the UI
        shows the score first and computes these in a worker)."""
        return dataclasses.replace(
            self, score=dataclasses.replace(self.score, counterfactuals=items)
        )


@dataclass(frozen=True)
class Saved:
    """Where `save_drill` left the drill: its id, and whether it was already there."""

    session_id: int
    already_stored: bool = False


# ----------------------------------------------------------------------------- running


def run_log(
    loaded: LoadedScenario,
    log: DecisionLog,
    *,
    journal: Path | None = None,
    source: dict[str, str] | None = None,
) -> Session:
    """Run a decision log's decisions to the end of the drill (journalled to the new file
    `journal` when given); `source` (where the scenario came from) goes into the start
    event, so that `report` finds the scenario again."""
    # Here, not at the top: the drill UI imports this module and never runs a log.
    from tabletop.engine.headless import run_decisions

    if journal is not None and journal.is_dir():
        raise DrillError(f"{journal}: is a folder; --journal names the new journal file")
    try:
        return run_decisions(
            loaded,
            log.decisions,
            team=log.team or "",
            journal=journal,
            source=source,
            end_at=log.end,
        )
    except FileExistsError as exc:
        raise DrillError(str(exc)) from None
    except OSError as exc:
        raise DrillError(f"{journal}: cannot write journal: {exc.strerror or exc}") from None


def live_session(
    loaded: LoadedScenario,
    *,
    team: str,
    mode: str,
    sink: EventSink | None,
    source: dict[str, str] | None,
) -> Session:
    """A new drill played live (`play`, `serve`, `host`): journalled to `sink`, with its
    wall-clock start in the start event — the history stores it, and a resumed drill keeps it.
    (A headless run has none, so its journal is the same bytes every time.)"""
    return Session(
        loaded.scenario,
        sha256=loaded.sha256,
        team=team,
        mode=mode,
        sink=sink,
        source=source,
        started_at=iso_utc(datetime.now(UTC)),
    )


def score_drill(loaded: LoadedScenario, session: Session, *, counterfactuals: bool = True) -> Score:
    """The score of an ended session, for the team the session names. Counterfactuals are
    the slow part: the UI and the hub skip them first (`counterfactuals=False`)."""
    from tabletop.scoring import score

    team = session.team or None
    return score(loaded.scenario, session, team=team, counterfactuals=counterfactuals)


def finished(
    loaded: LoadedScenario,
    session: Session,
    *,
    counterfactuals: bool = True,
    date: str | None = None,
) -> Drill:
    """A session that has just ended (or was replayed), scored."""
    result = score_drill(loaded, session, counterfactuals=counterfactuals)
    return Drill(loaded, session, result, date=date)


def counterfactuals_of(drill: Drill) -> list[Counterfactual]:
    """What each late or missing step of the drill would have saved (slow: a simulation per
    step)."""
    from tabletop.scoring import counterfactuals

    return counterfactuals(drill.loaded.scenario, drill.session)


# ----------------------------------------------------------------------------- journals


@dataclass(frozen=True)
class OpenedJournal:
    """A journal read from its file: its scenario, its events and what the reader warned."""

    path: Path
    loaded: LoadedScenario
    events: list[Event]
    warnings: list[str]

    @property
    def start(self) -> Event:
        """The journal's start event (the reader refuses a journal that does not begin with
        one)."""
        return self.events[0]


def open_journal(
    path: Path,
    load: ScenarioLoader,
    *,
    scenario: Path | None = None,
    option: str = "--scenario",
) -> OpenedJournal:
    """Read a journal and load its scenario: `scenario` when given, else the file the drill
    ran from (recorded in the start event), if it is unchanged. `option` names the command's
    option for giving the scenario, in the message that asks for it."""
    # The reader refuses a file without a start event (InputError at line 1).
    read = read_journal(path)
    if scenario is None:
        try:
            scenario = find_journal_scenario(read.start.data, path, option)
        except ScenarioNotFound as exc:
            raise DrillError(str(exc)) from None
    return OpenedJournal(path, load(scenario), list(read.events), list(read.warnings))


def replay_journal(opened: OpenedJournal) -> Session:
    """The journal's session, replayed against its scenario and ended: a journal that stops
    mid-drill (a crash, a closed terminal) is reported as far as it went ("interrupted")."""
    loaded = opened.loaded
    session = replay(loaded.scenario, opened.events, sha256=loaded.sha256, journal=opened.path)
    if not session.ended:
        session.end("interrupted")
    return session


def drill_from_journal(opened: OpenedJournal, *, counterfactuals: bool = True) -> Drill:
    """A journal as a scored drill; its date is the wall-clock start the journal recorded."""
    session = replay_journal(opened)
    date = journal_started_at(opened.events)
    return finished(opened.loaded, session, counterfactuals=counterfactuals, date=date)


# ----------------------------------------------------------------------------- history


def stored_drill(db: Path, session_id: int) -> Drill:
    """A drill from the history, with its evaluator ratings and improvement items."""
    from tabletop.store import StoreError, load_session
    from tabletop.store.db import where
    from tabletop.store.plan import ratings_for, stored_items

    try:
        stored = load_session(db, session_id)
        own, retested = stored_items(db, session_id)
        ratings = ratings_for(db, session_id)
    except KeyError:
        raise DrillError(
            f"{where(db)}: no stored session #{session_id} (see `tabletop history`)"
        ) from None
    except StoreError as exc:
        raise DrillError(str(exc)) from None
    return Drill(
        stored.loaded,
        stored.session,
        stored.score,
        date=stored.ended_at,
        session_id=session_id,
        ratings=ratings,
        items=own,
        retested=retested,
    )


def save_drill(
    db: Path,
    drill: Drill,
    *,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    once: bool = False,
) -> Saved:
    """Keep the drill in the history. With `once`, a drill already stored (the same events of
    the same scenario file: a hub resumed after it stored the drill, a journal added twice)
    is not stored again. `started_at`/`ended_at` are the wall-clock times of the drill
    (default: the start its journal recorded, and now). Raises `StoreError` (one line)."""
    from tabletop.store import find_stored, save_session

    if once:
        known = find_stored(db, drill.loaded, drill.session)
        if known is not None:
            return Saved(known, already_stored=True)
    sid = save_session(
        db, drill.loaded, drill.session, drill.score, started_at=started_at, recorded_at=ended_at
    )
    return Saved(sid)


# ----------------------------------------------------------------------------- reports


#: The report files the debrief's export writes, beside the score's own JSON.
EXPORT_FORMATS = ("md", "html")


def export_files(drill: Drill, base: Path, formats: Iterable[str] = EXPORT_FORMATS) -> list[Path]:
    """Write the score's JSON and the report in `formats` next to each other, as
    `base.json`, `base.md`, `base.html`; return the paths written."""
    base.parent.mkdir(parents=True, exist_ok=True)
    score_path = base.with_suffix(".json")
    score_path.write_text(json.dumps(drill.score.to_json(), indent=2) + "\n", encoding="utf-8")
    from tabletop.reports import render

    report = drill.report()
    out = [score_path]
    for fmt in formats:
        path = base.with_suffix(f".{fmt}")
        path.write_text(render(report, fmt), encoding="utf-8")
        out.append(path)
    return out
