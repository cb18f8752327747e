"""How the report writes its values: times, numbers, shares, dates and points, the one way.

Markdown and HTML both print through these (HTML as Jinja filters), so a value reads the same
in every rendering.
"""

from __future__ import annotations

from datetime import date as date_type

from tabletop import exercise_time
from tabletop.reports.model import Summary


def fmt_minutes(t: float | None) -> str:
    """An exercise instant the one way it is written (`T+12:30`, `T+4:37:21`), `—` when absent."""
    return exercise_time.instant(t)


def fmt_duration(minutes: float | None) -> str:
    """A length of exercise time the one way it is written (`25:00`, `4:00:00`)."""
    return exercise_time.duration(minutes)


def played_text(s: Summary) -> str:
    """How long the drill ran, in words: says when an early end and the scoring differ.

    "ended at T+2:00:00 (facilitator); scored to T+4:00:00" · "ran to its end, T+4:00:00" ·
    "stopped at T+1:10:00 of 4:00:00, not ended".
    """
    if s.ended_at is not None and s.scored_to is not None and s.ended_at < s.scored_to:
        reason = f" ({s.end_reason})" if s.end_reason else ""
        return f"ended at {fmt_minutes(s.ended_at)}{reason}; scored to {fmt_minutes(s.scored_to)}"
    if s.end_reason is None:
        return (
            f"stopped at {fmt_minutes(s.minutes_played)} of "
            f"{fmt_duration(s.scenario.duration)}, not ended"
        )
    return f"ran to its end, {fmt_minutes(s.scenario.duration)}"


def fmt_number(x: float) -> str:
    """A count with thousands separators, rounded."""
    return f"{round(x):,}"


def fmt_percent(x: float) -> str:
    """A 0-1 share as a whole percentage."""
    return f"{round(100 * x)} %"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(when: str | None) -> str:
    """An ISO date or date-time as people read it: `27 Nov 2026, 10:04 UTC`, `27 Nov 2026`;
    "not recorded" when absent; text that is not a date is shown as it is."""
    if not when:
        return "not recorded"
    try:
        day = date_type.fromisoformat(when[:10])
    except ValueError:
        return when
    text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    clock = when[11:16] if len(when) >= 16 and when[10] in "T " else ""
    if clock and clock[2] == ":":
        zone = " UTC" if when.endswith(("Z", "+00:00")) else ""
        text += f", {clock}{zone}"
    return text


def fmt_signed(x: float | None) -> str:
    """Points lost or won with their sign: `−20`, `+3.5`, `0`."""
    if x is None or round(x, 2) == 0:
        return "0"
    return f"−{fmt_points(-x)}" if x < 0 else f"+{fmt_points(x)}"


def fmt_points(x: float) -> str:
    """Score points with at most two decimals (as the score JSON rounds them)."""
    r = round(x, 2) + 0.0
    return f"{r:g}"
