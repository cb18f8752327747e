"""The one way exercise time is written: worked examples and properties."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tabletop.exercise_time import ABSENT, duration, instant


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "T+0:00"),
        (0.5, "T+0:30"),  # half a minute is 30 s
        (1, "T+1:00"),
        (12.5, "T+12:30"),
        (37.35, "T+37:21"),  # 0.35 min = 21 s
        (59, "T+59:00"),
        (59.99, "T+59:59"),  # 59 min 59.4 s rounds down
        (59 + 59.5 / 60, "T+1:00:00"),  # 59 min 59.5 s rounds half up, to the hour
        (59.9999, "T+1:00:00"),  # never T+59:60
        (60, "T+1:00:00"),
        (61.5, "T+1:01:30"),
        (240, "T+4:00:00"),
        (277.35, "T+4:37:21"),
        (670, "T+11:10:00"),  # not T+670:00, which reads like hours
        (1440, "T+24:00:00"),  # hours do not wrap into days
        (2.5 / 60, "T+0:03"),  # 2.5 s rounds half up
        (1.5 / 60, "T+0:02"),  # 1.5 s too (not to even, as round() would)
        (0.4 / 60, "T+0:00"),
    ],
)
def test_instant_worked_examples(minutes: float, text: str) -> None:
    assert instant(minutes) == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0:00"),
        (7.35, "7:21"),
        (15, "15:00"),
        (59.99, "59:59"),
        (59 + 59.5 / 60, "1:00:00"),
        (62, "1:02:00"),
        (670, "11:10:00"),
    ],
)
def test_duration_worked_examples(minutes: float, text: str) -> None:
    assert duration(minutes) == text


def test_absent_is_a_dash() -> None:
    assert instant(None) == ABSENT == "—"
    assert duration(None) == "—"


def test_negative_counts_down_with_a_real_minus() -> None:
    assert instant(-5) == "T−5:00"
    assert duration(-7.35) == "−7:21"
    assert instant(-61) == "T−1:01:00"


def test_a_negative_that_rounds_to_zero_has_no_sign() -> None:
    # floating-point noise below half a second must not print "T−0:00"
    assert instant(-1e-9) == "T+0:00"
    assert duration(-0.001) == "0:00"


def test_infinity_and_nan_are_guarded() -> None:
    assert instant(math.inf) == "T+∞"
    assert instant(-math.inf) == "T−∞"
    assert duration(math.inf) == "∞"
    with pytest.raises(ValueError, match="NaN"):
        instant(math.nan)
    with pytest.raises(ValueError, match="NaN"):
        duration(math.nan)


_SHAPE = re.compile(r"^T\+(?:(\d+):([0-5]\d)|([1-9]\d*):([0-5]\d):([0-5]\d))$")


def _back_to_seconds(text: str) -> int:
    m = _SHAPE.match(text)
    assert m is not None, text
    if m.group(1) is not None:
        return int(m.group(1)) * 60 + int(m.group(2))
    return int(m.group(3)) * 3600 + int(m.group(4)) * 60 + int(m.group(5))


@given(st.floats(min_value=0, max_value=100_000, allow_nan=False))
def test_instant_is_the_nearest_second_in_stopwatch_shape(minutes: float) -> None:
    text = instant(minutes)
    seconds = _back_to_seconds(text)
    assert abs(seconds - minutes * 60) <= 0.5 + 1e-6
    # minutes field has no leading zero below an hour, and hours appear exactly from 3600 s
    assert (text.count(":") == 2) == (seconds >= 3600)
    assert duration(minutes) == text.removeprefix("T+")


@given(
    st.floats(min_value=0, max_value=10_000, allow_nan=False),
    st.floats(min_value=0, max_value=10_000, allow_nan=False),
)
def test_later_is_never_written_earlier(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert _back_to_seconds(instant(lo)) <= _back_to_seconds(instant(hi))


def test_it_is_the_bottom_layer() -> None:
    # every package imports it; it must import none of them (no cycles, no UI libraries)
    import subprocess
    import sys

    script = (
        "import sys, tabletop.exercise_time\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tabletop', 'textual', 'rich'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "['tabletop', 'tabletop.exercise_time']"
