"""Pure helpers that turn engine and scenario data into what the UI shows.

Nothing here imports Textual, so the logic is unit-tested without a running app.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tabletop import exercise_time
from tabletop.engine.event_text import for_facilitator_only, pace_words
from tabletop.engine.events import Event, ImpactPoint

# The map's status rule lives with the statuses (the hub applies it too); re-exported here.
from tabletop.engine.status_codes import STATUS_SYMBOL as STATUS_SYMBOL
from tabletop.engine.status_codes import display_status as display_status
from tabletop.scenario.catalog import scenario_files
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.models import Scenario
from tabletop.scenario.problems import InputError
from tabletop.scoring.feedback import DecisionFeedback, feedback_text

#: Rich style per displayed status.
STATUS_STYLE: dict[str, str] = {
    "up": "green",
    "degraded": "yellow",
    "down": "bold red",
    "compromised": "bold magenta",
    "standby": "dim",
}

#: Facilitator pace levels: real seconds per exercise minute.
PACE_LEVELS: tuple[float, ...] = (0.25, 0.5, 1, 2, 5, 10, 20, 30, 60)


def format_clock(t: float) -> str:
    """An exercise instant, the one way it is written: `T+37:21`, `T+4:37:21`."""
    return exercise_time.instant(t)


def format_duration(minutes: float) -> str:
    """A length of exercise time, the one way it is written: `15:00`, `4:00:00`."""
    return exercise_time.duration(minutes)


def format_pace(seconds_per_minute: float) -> str:
    """The pace as the clock bar shows it."""
    return pace_words(seconds_per_minute)


def nearest_pace_index(seconds_per_minute: float) -> int:
    """Index of the pace level closest to the one asked for."""
    return min(range(len(PACE_LEVELS)), key=lambda i: abs(PACE_LEVELS[i] - seconds_per_minute))


def facilitator_injects(scenario: Scenario) -> frozenset[str]:
    """Ids of the injects only the facilitator sees (`audience: facilitator`)."""
    return frozenset(i.id for i in scenario.injects if i.audience == "facilitator")


def facilitator_log(feed: Sequence[Event]) -> list[Event]:
    """The facilitator injects of a drill so far (fired and skipped), in time order."""
    return [ev for ev in feed if for_facilitator_only(ev.payload)]


ELLIPSIS = "…"


def _cut(label: str, width: int, tail: int) -> str:
    """`label` in `width` cells: whole if it fits, else head…tail (tail 0: head…)."""
    if len(label) <= width:
        return label
    head = width - 1 - tail
    return label[:head] + ELLIPSIS + (label[-tail:] if tail else "")


def _numbered(label: str, width: int, k: int) -> str:
    """`label` with a `#k` tag that tells identical-looking labels apart, in `width` cells."""
    tag = f"#{k}"
    room = width - len(tag) - 1
    if len(label) <= room:
        return f"{label} {tag}"
    return label[: max(room, 0)] + ELLIPSIS + tag


def _collisions(shown: Sequence[str]) -> list[list[int]]:
    """Groups (of two or more indexes) of labels that read the same."""
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(shown):
        groups.setdefault(text, []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def fit_labels(labels: Sequence[str], width: int) -> list[str]:
    """Each label cut to at most `width` cells so that no two of them read the same.

    A label that fits is kept whole; a long one is cut at its end (`Utility power f…`). When
    two cut labels would read the same (`Control plane co…` twice), their middle goes
    instead, keeping the distinctive end (`Control…coordinator`, `Control…core database`);
    labels that differ only in the middle, or are identical, get a `#k` tag.
    """
    width = max(width, 4)
    shown = [_cut(label, width, 0) for label in labels]
    for group in _collisions(shown):
        originals = [labels[i] for i in group]
        # Balanced split first (head and tail about equal), then ever longer tails.
        half = (width - 1) // 2
        for tail in (width - 1 - half, *range(width - 2, 0, -1)):
            tried = [_cut(label, width, tail) for label in originals]
            if len(set(tried)) == len(tried):
                for i, text in zip(group, tried, strict=True):
                    shown[i] = text
                break
    # What is still ambiguous (identical labels, or a middle cut that met another label).
    for group in _collisions(shown):
        for k, i in enumerate(group, start=1):
            shown[i] = _numbered(labels[i], width, k)
    # Pathological leftovers (a label that itself ends in `#2`): a tag unique over the map.
    # A tag is the text after the last `#`, so labels with different tags never read the
    # same; each round tags at least one more label, so this ends.
    counter = len(labels)
    tagged: set[int] = set()
    while groups := _collisions(shown):
        for i in (i for g in groups for i in g if i not in tagged):
            counter += 1
            tagged.add(i)
            shown[i] = _numbered(labels[i], width, counter)
    return shown


def resample(series: Sequence[ImpactPoint], now: float, buckets: int) -> list[float]:
    """Affected users of the step function `series`, sampled at `buckets` instants in (0, now]."""
    if not series:
        return [0.0]
    if now <= 0 or buckets <= 1:
        return [series[-1].affected]
    times = [p.t for p in series]
    out = []
    for i in range(buckets):
        t = now * (i + 1) / buckets
        k = bisect.bisect_right(times, t) - 1
        out.append(series[max(k, 0)].affected)
    return out


@dataclass(frozen=True)
class Feedback:
    """One line of training-mode feedback on a decision."""

    good: bool
    text: str


def feedback_lines(scenario: Scenario, fb: DecisionFeedback) -> list[Feedback]:
    """Training-mode feedback in words, from what `tabletop.scoring.feedback` computed.

    The wording is scoring's (`feedback_text`, shared with the drill room's seats); here a
    line is only good (a tick) or not (a warning); information reads as good news.
    """
    return [Feedback(line.kind != "bad", line.text) for line in feedback_text(scenario, fb)]


@dataclass(frozen=True)
class CatalogEntry:
    """One scenario file for the picker: loaded, or invalid with its first problem."""

    path: Path
    loaded: LoadedScenario | None
    problem: str | None


def catalog(folders: Sequence[Path]) -> list[CatalogEntry]:
    """Built-in scenarios and those in `folders`; an invalid file is listed, not raised."""
    out = []
    for path in scenario_files(list(folders)):
        try:
            out.append(CatalogEntry(path, load_scenario(path), None))
        except InputError as exc:
            first = str(exc.problems[0]) if exc.problems else "invalid"
            out.append(CatalogEntry(path, None, first))
        except Exception as exc:  # the picker must list a broken file, never crash on it
            out.append(CatalogEntry(path, None, f"{path}: {type(exc).__name__}: {exc}"))
    return out
