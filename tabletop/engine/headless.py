"""Headless runs: a decision log against a scenario, and the readable account of a session.

`run_decisions` is the engine side of `tabletop run`; `timeline`, `impact_figures` and
`format_entry` turn an ended session into the data and lines the command prints (scoring adds
its own section beside these).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tabletop import exercise_time
from tabletop.engine.event_text import summary
from tabletop.engine.events import Decision, Event
from tabletop.engine.journal import JournalWriter
from tabletop.engine.session import Session, simulate
from tabletop.scenario.loader import LoadedScenario
from tabletop.terminal_text import one_line


def run_decisions(
    loaded: LoadedScenario,
    decisions: Iterable[Decision],
    *,
    team: str = "",
    journal: str | Path | None = None,
    source: dict[str, str] | None = None,
    end_at: float | None = None,
) -> Session:
    """Run decisions (each at its minute) to the end of the drill; return the ended session.

    With `journal`, every event is written to that new file (refused if it already holds a
    journal: two drills in one journal could not be replayed). `source` (where the scenario
    file is, see `tabletop.scenario.source`) goes into the start event. `end_at` is when the
    facilitator ended the drill (a log's `end`): later decisions are refused, and the outage
    still runs on to the duration.
    """
    # The writer creates the file exclusively: `FileExistsError` when it holds anything.
    writer = JournalWriter(Path(journal)) if journal is not None else None
    try:
        return simulate(
            loaded.scenario,
            list(decisions),
            end_at=end_at,
            sha256=loaded.sha256,
            team=team,
            sink=writer,
            source=source,
        )
    finally:
        if writer is not None:
            writer.close()


def format_clock(t: float) -> str:
    """An exercise instant, the one way it is written: `T+37:21`, `T+4:00:00`."""
    return exercise_time.instant(t)


def impact_figures(session: Session) -> dict[str, float]:
    """Customer-minutes, at-risk minutes, peak affected users (and when), affected at the end."""
    peak = max(session.impact_series, key=lambda p: p.affected, default=None)
    now = session.impact()
    return {
        "customer_minutes": now.customer_minutes,
        "at_risk_minutes": now.at_risk_minutes,
        "peak_affected": peak.affected if peak is not None else 0.0,
        "peak_at": peak.t if peak is not None and peak.affected > 0 else 0.0,
        "peak_at_risk": max((p.at_risk for p in session.impact_series), default=0),
        "affected_at_end": now.affected_now,
    }


def timeline(session: Session) -> list[dict[str, Any]]:
    """The session's events after the start, each as a JSON-ready entry with its text."""
    return [timeline_entry(e) for e in session.feed if e.kind != "start"]


def timeline_entry(event: Event) -> dict[str, Any]:
    """One event as a timeline entry: time, clock, kind, a one-line summary, and its data."""
    return {
        "t": event.t,
        "clock": format_clock(event.t),
        "kind": event.kind,
        # not "text": a note's own text is one of the event's fields
        "summary": summary(event),
        **event.data,
    }


def format_entry(entry: dict[str, Any]) -> str:
    """A timeline entry as one readable line."""
    return (
        f"{entry['clock']:>10}  {_LABELS.get(entry['kind'], entry['kind']):<9} "
        f"{one_line(entry['summary'])}"
    )


_LABELS = {
    "inject": "inject",
    "inject-skipped": "skipped",
    "decision": "decision",
    "refusal": "REFUSED",
    "action-done": "done",
    "note": "note",
    "facilitator": "facilitator",
    "end": "end",
}
