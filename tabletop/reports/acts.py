"""What the after-action parts read of a drill's decisions: who took which action, and when.

The report builder and the history's improvement plan (`tabletop.store.plan`) both make their
acts here, so a report and the stored plan suggest the same owners.
"""

from __future__ import annotations

from dataclasses import dataclass

from tabletop.engine.session import Session


@dataclass(frozen=True)
class Act:
    """One decision as the AAR needs it: who took which action, when, in which phase."""

    t: float
    action: str
    phase: str
    by: str | None
    accepted: bool


def acts_of(session: Session) -> list[Act]:
    """Every decision of the session (accepted or refused), in order, with its action's phase
    ("" for an action the scenario does not have)."""
    phase = {a.id: str(a.phase) for a in session.scenario.actions}
    return [
        Act(d.t, d.action, phase.get(d.action, ""), d.by, d.accepted) for d in session.decisions
    ]


def who_acted(acts: list[Act], actions: set[str]) -> list[str]:
    """The names that took any of `actions` (accepted or not), in the order they first did."""
    return list(dict.fromkeys(a.by for a in acts if a.by and a.action in actions))
