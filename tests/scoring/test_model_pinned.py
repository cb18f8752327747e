"""The score's JSON document, figure by figure, from a Score built by hand."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from tabletop.engine.events import Decision
from tabletop.scoring import wording
from tabletop.scoring.model import (
    Components,
    Counterfactual,
    Finding,
    ImpactFigures,
    Score,
    SolveResult,
    TimelineEntry,
    _apportion_cents,
    _r,
    grade_for,
)
from tabletop.scoring.render import merge_run_payload, render_score_text, render_solve_text


def _score() -> Score:
    return Score(
        scenario="s",
        team="blue",
        total=87.654321,
        grade="B",
        components=Components(0.5, 0.25, 1 / 3, 1.0),
        weights={"outcome": 30.0, "order": 35.0, "coverage": 20.0, "timeliness": 15.0},
        penalties=11.0,
        impact=ImpactFigures(1234.56, 5000.04, 100.05, 7.25),
        findings=[
            Finding("improvement", "order", -10 / 3, "a", 12.345, "assess", None, None),
            Finding("improvement", "coverage", -10 / 3, "b"),
            Finding("improvement", "critical", -10 / 3, "c", None, "comms", "post", "q"),
            Finding("strength", "timeliness", 1 / 3, "d", 5.0),
        ],
        counterfactuals=[Counterfactual("fix", "restart", 20.004, None, 1500.06, "had you")],
        timeline=[TimelineEntry("fix", "Fix", "fix", 30.0, 1.001, None, 0.5, 10.0)],
        unclipped_total=90.0,
        avoid_penalties=5.0,
        disclosure_penalties=2.5,
        critical_penalties=3.5,
        ended_at=120.456,
        scored_to=240.0,
    )


EXPECTED: dict[str, Any] = {
    "scenario": "s",
    "team": "blue",
    "total": 87.65,
    "unclipped_total": 90.0,
    "grade": "B",
    "components": {"order": 0.5, "coverage": 0.25, "timeliness": 0.3333, "outcome": 1.0},
    "weights": {"order": 35.0, "coverage": 20.0, "timeliness": 15.0, "outcome": 30.0},
    "penalties": 11.0,
    "penalty_breakdown": {"avoid": 5.0, "disclosure": 2.5, "critical": 3.5},
    "impact": {
        "customer_minutes": 1234.6,
        "baseline_customer_minutes": 5000.0,
        "reference_customer_minutes": 100.0,  # round(100.05, 1): binary 100.04999...
        "at_risk_minutes": 7.2,  # round half to even
    },
    "findings": [
        # three thirds of 10 points: -3.33, -3.33, -3.34 add up to -(100 - 90) exactly
        {
            "kind": "improvement",
            "component": "order",
            "points": -3.33,
            "t": 12.35,
            "step": "assess",
            "action": None,
            "quote": None,
            "text": "a",
        },
        {
            "kind": "improvement",
            "component": "coverage",
            "points": -3.33,
            "t": None,
            "step": None,
            "action": None,
            "quote": None,
            "text": "b",
        },
        {
            "kind": "improvement",
            "component": "critical",
            "points": -3.34,
            "t": None,
            "step": "comms",
            "action": "post",
            "quote": "q",
            "text": "c",
        },
        {
            "kind": "strength",
            "component": "timeliness",
            "points": 0.33,
            "t": 5.0,
            "step": None,
            "action": None,
            "quote": None,
            "text": "d",
        },
    ],
    "counterfactuals": [
        {
            "step": "fix",
            "action": "restart",
            "at": 20.0,
            "team_at": None,
            "customer_minutes_saved": 1500.1,
            "text": "had you",
        },
    ],
    "timeline": [
        {
            "step": "fix",
            "title": "Fix",
            "phase": "fix",
            "by": 30.0,
            "team_started": 1.0,
            "team_done": None,
            "reference_started": 0.5,
            "reference_done": 10.0,
        },
    ],
    "ended_at": 120.46,
    "scored_to": 240.0,
}


def test_to_json_rounds_each_figure_and_keeps_the_key_order() -> None:
    doc = _score().to_json()
    assert doc == EXPECTED
    assert list(doc) == list(EXPECTED)
    assert list(doc["weights"]) == ["order", "coverage", "timeliness", "outcome"]


def test_from_json_reads_back_every_field() -> None:
    back = Score.from_json(EXPECTED)
    assert back.to_json() == EXPECTED
    assert (back.unclipped_total, back.ended_at, back.scored_to) == (90.0, 120.46, 240.0)
    assert (back.avoid_penalties, back.disclosure_penalties, back.critical_penalties) == (
        5.0,
        2.5,
        3.5,
    )
    assert back.weights == {"order": 35.0, "coverage": 20.0, "timeliness": 15.0, "outcome": 30.0}
    assert back.findings[2] == Finding(
        "improvement", "critical", -3.34, "c", None, "comms", "post", "q"
    )


def test_from_json_of_an_older_document_uses_the_defaults() -> None:
    newer = ("weights", "penalty_breakdown", "unclipped_total", "ended_at", "scored_to")
    lists = ("findings", "counterfactuals", "timeline")
    old = {k: v for k, v in EXPECTED.items() if k not in newer + lists}
    back = Score.from_json(old)
    assert (back.findings, back.counterfactuals, back.timeline) == ([], [], [])
    assert back.weights == {}
    assert (back.avoid_penalties, back.disclosure_penalties, back.critical_penalties) == (0, 0, 0)
    assert (back.unclipped_total, back.ended_at, back.scored_to) == (None, None, None)
    # Without an unclipped total the total stands for it.
    assert back.to_json()["unclipped_total"] == 87.65


def test_to_json_without_findings_or_unclipped_total() -> None:
    bare = Score("s", "", 0.004, "F", Components(0, 0, 0, 0), {}, 0.0, ImpactFigures(0, 0, 0, 0))
    doc = bare.to_json()
    assert (doc["total"], doc["unclipped_total"], doc["weights"], doc["findings"]) == (
        0.0,
        0.0,
        {},
        [],
    )


def test_rounding_never_prints_minus_zero() -> None:
    tiny = _r(-0.0001, 2)
    assert tiny is not None and math.copysign(1, tiny) == 1
    assert _r(None, 2) is None
    assert _r(2.675, 1) == 2.7


def test_cents_are_apportioned_by_largest_remainder() -> None:
    # floors -334 x 3 = -1002 cents for a -1000 target: the first two get a cent back
    assert _apportion_cents([-10 / 3] * 3, -10.0) == [-3.33, -3.33, -3.34]
    # floors 200 cents for a 199 target: float noise, one cent is taken back (the first)
    assert _apportion_cents([1.0, 1.0], 1.99) == [0.99, 1.0]
    # the larger remainder gets the cent: 0.3333 -> 33 + 0.33, 0.6667 -> 66 + 0.67
    assert _apportion_cents([1 / 3, 2 / 3], 1.0) == [0.33, 0.67]
    assert _apportion_cents([0.25, 0.5], 0.75) == [0.25, 0.5]


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "A"), (90, "A"), (89.995, "A"), (89.994, "B"), (80, "B"), (79.99, "C"), (70, "C"),
     (69.99, "D"), (60, "D"), (59.99, "F"), (0, "F")],
)  # fmt: skip
def test_grade_for_each_floor(total: float, grade: str) -> None:
    assert grade_for(total) == grade


def _rendered_head() -> list[str]:
    t = wording.t
    return [
        "Score: 87.65 / 100 (B)   team blue, scenario s",
        "  order       0.50 x  35 =  17.50",
        "  coverage    0.25 x  20 =   5.00",
        "  timeliness  0.33 x  15 =   5.00",
        "  outcome     1.00 x  30 =  30.00",
        "  penalties" + " " * 17 + "-11.00   (avoid 5, disclosure 2.5, critical 3.5)",
        f"Ended at {t(120.456)}; scored to {t(240)} "
        "(the outage ran on after the team stopped deciding)",
        "Impact: 1,235 customer-minutes (doing nothing 5,000, reference 100); 7 at-risk minutes",
    ]


def test_score_text_line_by_line() -> None:
    t = wording.t
    assert render_score_text(_score()).splitlines() == [
        *_rendered_head(),
        "",
        "Areas for improvement (10.00 points lost):",
        f"   -3.33  {t(12.345):<9} a",
        "   -3.33" + " " * 12 + "b",
        "   -3.33" + " " * 12 + "c",
        "",
        "Strengths:",
        f"   +0.33  {t(5):<9} d",
        "",
        "What would have helped most:",
        "  had you",
    ]
    assert render_score_text(_score(), findings=False).splitlines() == _rendered_head()


def test_score_text_leaves_out_what_is_not_there() -> None:
    bare = Score("s", "", 0.0, "F", Components(0, 0, 0, 0), {}, 0.0, ImpactFigures(10, 20, 0, 0))
    assert render_score_text(bare).splitlines() == [
        "Score: 0.00 / 100 (F)   team -, scenario s",
        "  order       0.00 x   0 =   0.00",
        "  coverage    0.00 x   0 =   0.00",
        "  timeliness  0.00 x   0 =   0.00",
        "  outcome     0.00 x   0 =   0.00",
        "Impact: 10 customer-minutes (doing nothing 20, reference 0)",
    ]
    # Every score now says what it was scored to; only an early end adds a line.
    assert render_score_text(replace(bare, scored_to=240)) == render_score_text(bare)
    no_critical = replace(bare, penalties=5.0, avoid_penalties=5.0, ended_at=1.0)
    assert render_score_text(no_critical).splitlines()[5] == (
        "  penalties" + " " * 17 + " -5.00   (avoid 5, disclosure 0)"
    )


def test_solve_text_lists_the_reference_and_both_scores() -> None:
    bare = Score("s", "", 0.0, "F", Components(0, 0, 0, 0), {}, 0.0, ImpactFigures(10, 20, 0, 0))
    result = SolveResult(
        "s", [Decision(0, "assess"), Decision(10, "post", message="hi")], True, _score(), bare,
        [], [],
    )  # fmt: skip
    t = wording.t
    bare_text = render_score_text(bare, findings=False).splitlines()
    assert render_solve_text(result).splitlines() == [
        "Reference decisions for s (derived from the playbook):",
        f"  {t(0):<9} assess",
        f"  {t(10):<9} post  message: hi",
        "",
        "Reference run:",
        *_rendered_head(),
        "  Points the reference loses:",
        f"   -3.33  {t(12.345):<9} a",
        "   -3.33" + " " * 12 + "b",
        "   -3.33" + " " * 12 + "c",
        "",
        "Doing nothing:",
        *bare_text,
        "",
        "OK: the reference scores >= 90 and doing nothing <= 15.",
    ]
    # The doing-nothing score is shown without its findings.
    busy = replace(result, baseline=_score())
    assert render_solve_text(busy).splitlines()[-len(_rendered_head()) - 2 :] == [
        *_rendered_head(),
        "",
        "OK: the reference scores >= 90 and doing nothing <= 15.",
    ]
    warned = replace(result, derived=False, reference=bare, warnings=["w1", "w2"])
    lines = render_solve_text(warned).splitlines()
    assert lines[0] == "Reference decisions for s (from the scenario):"
    assert lines[-3:] == ["", "warning: w1", "warning: w2"]
    assert "  Points the reference loses:" not in lines


def test_run_payload_merges_under_the_score_document() -> None:
    payload = {
        "scenario": "other",
        "timeline": [{"t": 0}],
        "impact": {"peak_affected": 5, "customer_minutes": 999},
        "events": 3,
    }
    merged = merge_run_payload(payload, _score())
    assert list(merged) == [
        *[k for k in EXPECTED if k != "timeline"],
        "timeline",
        "step_timeline",
        "events",
    ]
    assert merged["scenario"] == "s"  # the score's keys win
    assert merged["impact"] == {**EXPECTED["impact"], "peak_affected": 5}
    assert (merged["timeline"], merged["step_timeline"]) == ([{"t": 0}], EXPECTED["timeline"])
    assert merged["events"] == 3
    bare = merge_run_payload({}, _score())
    assert bare["timeline"] == bare["step_timeline"] == EXPECTED["timeline"]
    assert bare["impact"] == EXPECTED["impact"]


def test_more_cents_taken_back_than_one() -> None:
    # floors 300 cents for a 299 target: one cent back, from the first of equal remainders
    assert _apportion_cents([1.0, 1.0, 1.0], 2.99) == [0.99, 1.0, 1.0]
    assert _apportion_cents([1.0, 1.0, 1.0], 2.98) == [0.99, 0.99, 1.0]


def test_components_to_four_decimals() -> None:
    sc = replace(_score(), components=Components(1 / 7, 2 / 7, 1 / 3, 5 / 7))
    assert sc.to_json()["components"] == {
        "order": 0.1429,
        "coverage": 0.2857,
        "timeliness": 0.3333,
        "outcome": 0.7143,
    }


def test_every_figure_is_rounded_to_its_own_decimals() -> None:
    ugly = replace(
        _score(),
        weights={"order": 35.123456, "coverage": 20, "timeliness": 15, "outcome": 29.876544},
        penalties=11.23456,
        avoid_penalties=5.12345,
        disclosure_penalties=2.34567,
        critical_penalties=3.45678,
        impact=ImpactFigures(1234.56, 5000.44, 100.26, 7.25),
        counterfactuals=[Counterfactual("fix", "restart", 20.256, 12.3456, 1500.06, "x")],
        timeline=[TimelineEntry("fix", "Fix", "fix", 30.123, 1.2367, 44.4444, 0.5551, 10.1234)],
        scored_to=240.456,
    )
    doc = ugly.to_json()
    assert doc["weights"] == {
        "order": 35.1235,
        "coverage": 20.0,
        "timeliness": 15.0,
        "outcome": 29.8765,
    }
    assert (doc["penalties"], doc["penalty_breakdown"]) == (
        11.23,
        {"avoid": 5.12, "disclosure": 2.35, "critical": 3.46},
    )
    assert doc["impact"] == {
        "customer_minutes": 1234.6,
        "baseline_customer_minutes": 5000.4,
        "reference_customer_minutes": 100.3,
        "at_risk_minutes": 7.2,
    }
    assert doc["counterfactuals"] == [
        {"step": "fix", "action": "restart", "at": 20.26, "team_at": 12.35,
         "customer_minutes_saved": 1500.1, "text": "x"},
    ]  # fmt: skip
    assert doc["timeline"] == [
        {"step": "fix", "title": "Fix", "phase": "fix", "by": 30.12, "team_started": 1.24,
         "team_done": 44.44, "reference_started": 0.56, "reference_done": 10.12},
    ]  # fmt: skip
    assert doc["scored_to"] == 240.46
