"""The executive summary: the few sentences a manager reads first."""

from __future__ import annotations

from collections import Counter

from tabletop.reports.formatting import fmt_points, fmt_signed
from tabletop.reports.improvement_areas import Area
from tabletop.reports.model import RATINGS, ObjectiveRating


def executive_summary(
    team: str,
    scenario_title: str,
    total: float,
    grade: str,
    played: str,
    areas: list[Area],
    strengths: list[str],
    objectives: list[ObjectiveRating],
) -> list[str]:
    """A few sentences a manager reads first: how the team did and why."""
    who = team or "The team"
    out = [
        f"{who} scored {fmt_points(total)} / 100 (grade {grade}) on “{scenario_title}”; "
        f"the drill {played}."
    ]
    critical = [a for a in areas if a.critical]
    if critical:
        names = "; ".join(a.issue.split(". ")[0].rstrip(".") for a in critical)
        out.append(
            f"{len(critical)} critical task{'s' if len(critical) > 1 else ''} failed: {names}."
        )
    else:
        out.append("No critical task failed.")
    if areas:
        worst = areas[0]
        out.append(
            f"The biggest loss ({fmt_signed(worst.points)} points): "
            f"{worst.issue.split('. ')[0].rstrip('.')}. Corrective action: "
            f"{worst.corrective_action}"
        )
    else:
        out.append("No point was lost.")
    if strengths:
        out.append(f"The best strength: {strengths[0].rstrip('.')}.")
    if objectives:
        counts = Counter(o.rating for o in objectives)
        met = counts["P"] + counts["S"]
        out.append(
            f"{met} of {len(objectives)} objective{'s' if len(objectives) > 1 else ''} "
            f"performed (P or S); "
            + ", ".join(f"{counts[k]} {k}" for k in RATINGS if counts[k])
            + "."
        )
    return out
