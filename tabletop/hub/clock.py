"""The exercise clock a drill room runs: paused, or counting exercise minutes at a pace."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tabletop.engine.events import Pace
from tabletop.engine.session import Session

#: Real seconds between clock ticks while the clock runs.
TICK_SECONDS = 0.1


@dataclass
class Clock:
    """The exercise clock the hub runs: paused or running at `pace` real seconds a minute."""

    pace: float = 5.0
    running: bool = False
    base_now: float = 0.0
    base_real: float = field(default_factory=time.monotonic)

    def now(self, duration: float) -> float:
        """The exercise minute now (to a thousandth), never beyond the duration."""
        t = self.base_now
        if self.running:
            t += (time.monotonic() - self.base_real) / self.pace
        return min(int(t * 1000) / 1000, duration)

    def rebase(self, now: float) -> None:
        """Count on from exercise minute `now`, from this real instant."""
        self.base_now = now
        self.base_real = time.monotonic()


def journalled_pace(session: Session, default: float) -> float:
    """The pace last set in the journal (a resumed hub keeps it), else `default`."""
    for ev in reversed(session.feed):
        if isinstance(p := ev.payload, Pace) and p.seconds_per_minute > 0:
            return float(p.seconds_per_minute)
    return default
