"""A decision as a client submits it: the one type decision logs, the engine and the UIs share.

It lives in `scenario/` (the bottom layer) because a decision log is part of the format a
user writes; the engine imports it from here, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """A decision as a client submits it (and as a decision log lists it)."""

    at: float
    action: str
    by: str | None = None
    note: str | None = None
    message: str | None = None
