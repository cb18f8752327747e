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
from tabletop.engine.events import Decision, Event
from tabletop.engine.journal import JournalWriter
from tabletop.engine.session import Session, simulate
from tabletop.scenario.loader import LoadedScenario
from tabletop.terminal_text import one_line

_CHANGES_SHOWN = 5


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
        "summary": _TEXT.get(event.kind, _text_other)(event.data),
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


def _changes_text(d: dict[str, Any]) -> str:
    changes = d.get("changes") or []
    count = int(d.get("changed", len(changes)))
    if not count:
        return ""
    shown = ", ".join(f"{n} {old}→{new}" for n, old, new in changes[:_CHANGES_SHOWN])
    more = f", … {count - _CHANGES_SHOWN} more" if count > _CHANGES_SHOWN else ""
    return f" [{count} changed: {shown}{more}]{_latched_text(d)}"


def _latched_text(d: dict[str, Any]) -> str:
    """`recovers: manual` nodes that went down here and stay down until an action restarts them."""
    latched = [str(n) for n in d.get("latched") or ()]
    if not latched:
        return ""
    verb = "stays" if len(latched) == 1 else "stay"
    return f" [{', '.join(latched)} {verb} down until restarted]"


def _audience_text(d: dict[str, Any]) -> str:
    """Marks an inject only the facilitator sees (the team's feed never shows it)."""
    return "[facilitator only] " if d.get("audience") == "facilitator" else ""


def _who(d: dict[str, Any]) -> str:
    parts = []
    if d.get("by"):
        parts.append(f" by {d['by']}")
    if d.get("note"):
        parts.append(f" — note: {d['note']}")
    if d.get("message"):
        parts.append(f' — message: "{d["message"]}"')
    return "".join(parts)


def _text_inject(d: dict[str, Any]) -> str:
    message = f": {d['message']}" if d.get("message") else ""
    return f"{_audience_text(d)}{d.get('title', d.get('inject'))}{message}{_changes_text(d)}"


def _text_skipped(d: dict[str, Any]) -> str:
    return (
        f"{_audience_text(d)}{d.get('title', d.get('inject'))} "
        f"(not fired: {d.get('reason', 'condition')})"
    )


def _text_decision(d: dict[str, Any]) -> str:
    return (
        f"{d.get('label', d['action'])} [{d['action']}]{_who(d)}, "
        f"done at {format_clock(float(d['done_at']))}"
    )


def _text_refusal(d: dict[str, Any]) -> str:
    by = f" (by {d['by']})" if d.get("by") else ""
    return f"{d['action']}{by}: {d['reason']}{_who({**d, 'by': None})}"


def _text_facilitator(d: dict[str, Any]) -> str:
    details = ", ".join(f"{k} {v}" for k, v in d.items() if k != "command")
    return f"{d.get('command')}{': ' + details if details else ''}"


def _text_done(d: dict[str, Any]) -> str:
    reveals = f" — {d['reveals']}" if d.get("reveals") else ""
    return f"{d.get('label', d['action'])} [{d['action']}]{reveals}{_changes_text(d)}"


def _text_note(d: dict[str, Any]) -> str:
    return f"{d.get('text', '')}{_who(d)}"


def _text_end(d: dict[str, Any]) -> str:
    so_far = (
        f"{float(d.get('customer_minutes', 0)):,.0f} customer-minutes, "
        f"{float(d.get('at_risk_minutes', 0)):,.0f} at-risk minutes"
    )
    scored_to = d.get("scored_to")
    if isinstance(scored_to, int | float) and not isinstance(scored_to, bool):
        # An early end: the team stops deciding, the outage runs on for the score.
        return (
            f"drill ended ({d.get('reason')}): {so_far} so far; the outage runs on to "
            f"{format_clock(float(scored_to))} and is scored to then"
        )
    return f"drill ended ({d.get('reason')}): {so_far}"


def _text_other(d: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in d.items())


_TEXT = {
    "inject": _text_inject,
    "inject-skipped": _text_skipped,
    "decision": _text_decision,
    "refusal": _text_refusal,
    "action-done": _text_done,
    "note": _text_note,
    "facilitator": _text_facilitator,
    "end": _text_end,
}
