"""The improvement plan: one row per area for improvement, with an owner and dates suggested.

The owner is who acted on the area, else who acted most in its phase; the dates run from the
drill's day. A stored drill's rows carry its improvement items' owners, dates and status
(`tabletop plan set` edits them).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

from tabletop.reports.acts import Act
from tabletop.reports.improvement_areas import Area
from tabletop.reports.model import PlanRow, StoredItem
from tabletop.scenario.models import Scenario

#: The HSEEP capability elements an improvement item is filed under.
ELEMENTS: tuple[str, ...] = ("planning", "organisation", "equipment", "training", "exercise")

#: Status of an improvement item, in the order work moves through them.
STATUSES: tuple[str, ...] = ("open", "in progress", "done", "re-tested")

#: Days from the drill to an item's suggested due date: a failed critical task or an avoid
#: action taken is urgent; the rest fits a quarter's work.
DUE_DAYS_URGENT = 30
DUE_DAYS = 90


def suggest_owner(area: Area, acts: list[Act], phase_of: dict[str, str], scenario: Scenario) -> str:
    """Who should own an item: who acted on it, else who acted most in its phase, else who
    acted most; "" when nobody is named in the journal."""
    if area.who:
        return area.who[0]
    phase = None
    if area.step is not None:
        phase = next((str(s.phase) for s in scenario.playbook if s.id == area.step), None)
    elif area.action is not None:
        phase = phase_of.get(area.action)
    named = [a for a in acts if a.by]
    in_phase = Counter(a.by for a in named if phase and a.phase == phase)
    if in_phase:
        return sorted(in_phase.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] or ""
    overall = Counter(a.by for a in named)
    if overall:
        return sorted(overall.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] or ""
    return ""


def drill_day(when: str | None) -> date | None:
    """The calendar day of an ISO date or date-time, None when absent or unreadable."""
    if not when:
        return None
    try:
        return date.fromisoformat(when[:10])
    except ValueError:
        return None


def plan_rows(
    areas: list[Area],
    acts: list[Act],
    scenario: Scenario,
    when: str | None,
    stored: list[StoredItem] | None = None,
) -> list[PlanRow]:
    """The improvement plan: one row per area, with the stored item's fields when it has one.

    Start is the drill's day, due 30 days later for a failed critical task or an avoid action
    taken, else 90; both are None when the drill's date is unknown. Every field is editable
    (`tabletop plan set`).
    """
    phase_of = {a.id: str(a.phase) for a in scenario.actions}
    day = drill_day(when)
    items = {i.subject: i for i in stored or []}
    rows = []
    for a in areas:
        urgent = a.critical or a.component == "penalty"
        due = day + timedelta(days=DUE_DAYS_URGENT if urgent else DUE_DAYS) if day else None
        row = PlanRow(
            a.subject,
            a.issue,
            a.corrective_action,
            a.capability,
            a.element,
            suggest_owner(a, acts, phase_of, scenario),
            day.isoformat() if day else None,
            due.isoformat() if due else None,
            "open",
            a.points,
            a.objective,
        )
        item = items.get(a.subject)
        if item is not None:
            row = dataclasses.replace(
                row,
                owner=item.owner,
                start=item.start,
                due=item.due,
                status=item.status,
                item_id=item.id,
                retested_by=item.retested_by,
            )
        rows.append(row)
    return rows
