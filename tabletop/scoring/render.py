"""Plain-text renderings of a score and of a solve result, for the command line.

No colour and no rich/textual: the headless `run` and `solve` print these as they are.
"""

from __future__ import annotations

from typing import Any

from tabletop.scoring import wording
from tabletop.scoring.model import Finding, Score, SolveResult
from tabletop.terminal_text import one_line

_COMPONENTS = ("order", "coverage", "timeliness", "outcome")


def render_score_text(score: Score, *, findings: bool = True) -> str:
    """The score, its breakdown, the findings and the counterfactuals, as lines of text."""
    cm = wording.customer_minutes
    lines = [
        f"Score: {score.total:.2f} / 100 ({score.grade})   team {one_line(score.team or '-')}, "
        f"scenario {score.scenario}",
    ]
    for name in _COMPONENTS:
        value = getattr(score.components, name)
        weight = score.weights.get(name, 0.0)
        lines.append(f"  {name:<11} {value:4.2f} x {weight:>3g} = {value * weight:6.2f}")
    if score.penalties:
        lines.append(
            f"  {'penalties':<11} {'':>12}  {-score.penalties:6.2f}"
            f"   (avoid {score.avoid_penalties:g}, disclosure {score.disclosure_penalties:g}"
            + (f", critical {score.critical_penalties:g}" if score.critical_penalties else "")
            + ")"
        )
    if score.ended_at is not None and score.scored_to is not None:
        lines.append(
            f"Ended at {wording.t(score.ended_at)}; scored to {wording.t(score.scored_to)} "
            "(the outage ran on after the team stopped deciding)"
        )
    imp = score.impact
    lines.append(
        f"Impact: {cm(imp.customer_minutes)} customer-minutes (doing nothing "
        f"{cm(imp.baseline_customer_minutes)}, reference {cm(imp.reference_customer_minutes)})"
        + (f"; {cm(imp.at_risk_minutes)} at-risk minutes" if imp.at_risk_minutes else "")
    )
    if findings:
        bad = score.improvements
        if bad:
            lost = -sum(f.points for f in bad)
            lines += ["", f"Areas for improvement ({lost:.2f} points lost):"]
            lines += [_finding_line(f) for f in bad]
        good = score.strengths
        if good:
            lines += ["", "Strengths:"]
            lines += [_finding_line(f) for f in good]
        if score.counterfactuals:
            lines += ["", "What would have helped most:"]
            lines += [f"  {cf.text}" for cf in score.counterfactuals]
    return "\n".join(lines)


def _finding_line(f: Finding) -> str:
    when = wording.t(f.t) if f.t is not None else ""
    return f"  {f.points:+6.2f}  {when:<9} {f.text}"


def render_solve_text(result: SolveResult) -> str:
    """The reference decisions, the reference score and the doing-nothing score."""
    source = "derived from the playbook" if result.derived else "from the scenario"
    lines = [f"Reference decisions for {result.scenario} ({source}):"]
    for d in result.decisions:
        msg = f"  message: {d.message}" if d.message else ""
        lines.append(f"  {wording.t(d.at):<9} {d.action}{msg}")
    lines += [
        "",
        "Reference run:",
        render_score_text(result.reference, findings=False),
    ]
    ref_bad = result.reference.improvements
    if ref_bad:
        lines.append("  Points the reference loses:")
        lines += [_finding_line(f) for f in ref_bad]
    lines += ["", "Doing nothing:", render_score_text(result.baseline, findings=False)]
    if result.warnings:
        lines.append("")
        lines += [f"warning: {w}" for w in result.warnings]
    else:
        lines += ["", "OK: the reference scores >= 90 and doing nothing <= 15."]
    return "\n".join(lines)


def merge_run_payload(payload: dict[str, Any], score: Score) -> dict[str, Any]:
    """`tabletop run --json`: the run's own keys merged with the score document.

    Key order: the score's keys first (scenario, team, total, unclipped_total, grade,
    components, weights, penalties, penalty_breakdown, impact, findings, counterfactuals),
    then `timeline` (the run's event timeline), `step_timeline` (the score's per-step
    timeline: team vs reference), then the run's other keys. `impact` holds the score's four
    figures and the run's extra ones (peak affected, ...).
    """
    doc = score.to_json()
    merged: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "timeline":
            continue
        if key == "impact":
            merged[key] = {
                **value,
                **{k: v for k, v in payload.get("impact", {}).items() if k not in value},
            }
        else:
            merged[key] = value
    merged["timeline"] = payload.get("timeline", doc["timeline"])
    merged["step_timeline"] = doc["timeline"]
    for key, value in payload.items():
        merged.setdefault(key, value)
    return merged
