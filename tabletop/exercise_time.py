"""How exercise time is written, everywhere: one stopwatch style.

Exercise time is kept in minutes (a float) by the engine and the scenario files. People read
it the way a stopwatch shows it:

- an instant is `T+` and the elapsed time: `T+0:00`, `T+37:21` (37 min 21 s), and from one
  hour on, hours first: `T+1:00:00`, `T+4:37:21`, `T+11:10:00` (minute 670);
- a duration is the same digits without `T+`: `7:21` (7 min 21 s), `15:00`, `1:02:00`; the
  sentence around it says what it is ("7:21 late", "takes 15:00").

Seconds are always shown, so `37:21` can never be read as hours and minutes, and a third
field appears only from one hour on. Values are rounded to the nearest second, half a
second up, so minute 59.9999 is `T+1:00:00`, never `T+59:60`.

This module is the bottom layer: it imports nothing from the rest of tabletop, so the engine,
scoring, reports and UI all use it.
"""

from __future__ import annotations

import math

#: What an absent time (a step never done, no target) is written as.
ABSENT = "—"
#: Minus sign for times before zero (a typographic minus, not a hyphen).
MINUS = "−"


def _seconds(minutes: float) -> int:
    """Whole seconds in `minutes` (≥ 0), rounded half up.

    Rounded to the microsecond first so that binary fractions such as 59 + 59.5/60 minutes
    (3599.4999999… s in floating point) land on the half second they stand for.
    """
    return math.floor(round(minutes * 60, 6) + 0.5)


def _digits(seconds: int) -> str:
    """`m:ss` below an hour, `h:mm:ss` from one hour on (seconds ≥ 0)."""
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{mins:02d}:{secs:02d}"
    return f"{mins}:{secs:02d}"


def _signed(minutes: float) -> tuple[str, str]:
    """(sign, digits) for a finite or infinite minute value; NaN is a caller's bug."""
    if math.isnan(minutes):
        raise ValueError("exercise time is not a number (NaN)")
    if math.isinf(minutes):
        return ("" if minutes > 0 else MINUS), "∞"
    seconds = _seconds(abs(minutes))
    # A value that rounds to zero seconds has no sign: -0.001 min is T+0:00, not T−0:00.
    sign = MINUS if minutes < 0 and seconds else ""
    return sign, _digits(seconds)


def instant(minutes: float | None) -> str:
    """An exercise instant: `T+37:21`, `T+4:37:21`; `—` when absent (None).

    A negative instant counts down (`T−5:00`, as in "T minus five"); infinity is `T+∞`.
    """
    if minutes is None:
        return ABSENT
    sign, digits = _signed(minutes)
    return f"T{sign or '+'}{digits}"


def duration(minutes: float | None) -> str:
    """A length of exercise time: `7:21`, `15:00`, `1:02:00`; `—` when absent (None).

    Negative durations carry a minus sign (`−7:21`); infinity is `∞`.
    """
    if minutes is None:
        return ABSENT
    sign, digits = _signed(minutes)
    return f"{sign}{digits}"
