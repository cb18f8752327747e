"""The after-action report / improvement plan parts: ratings, areas, plan, participants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.reports import build_report, render
from tabletop.reports.acts import Act
from tabletop.reports.formatting import fmt_date, fmt_signed
from tabletop.reports.objectives import derive_rating, step_credit
from tabletop.scoring import score
from tabletop.scoring.model import TimelineEntry


def _s(by: float | None, done: float | None, started: float | None = None) -> TimelineEntry:
    return TimelineEntry("x", "X", "fix", by, started, done, None, None)


def test_step_credit_worked_examples() -> None:
    assert step_credit(_s(20, 20)) == 1.0  # on the target
    assert step_credit(_s(20, 30)) == 0.5  # half way to twice the target
    assert step_credit(_s(20, 40)) == 0.0  # twice the target
    assert step_credit(_s(None, 99)) == 1.0  # no target, done
    assert step_credit(_s(20, None, 5)) == 0.0  # started, never done


def test_ratings_worked_examples() -> None:
    assert derive_rating([_s(20, 10), _s(30, 30)]) == "P"
    # Both done, credits 1 and 0.5: mean 0.75 >= 0.5.
    assert derive_rating([_s(20, 10), _s(20, 30)]) == "S"
    # Both done, credits 0.5 and 0: mean 0.25 < 0.5.
    assert derive_rating([_s(20, 30), _s(20, 45)]) == "M"
    assert derive_rating([_s(20, 10), _s(20, None)]) == "M"
    assert derive_rating([_s(20, None, 3), _s(20, None)]) == "U"
    assert derive_rating([]) == "U"


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.floats(1, 100)), st.one_of(st.none(), st.floats(0, 300))),
        min_size=1,
        max_size=6,
    )
)
def test_rating_never_rises_when_a_step_gets_later(steps) -> None:
    order = "PSMU"
    states = [_s(by, done) for by, done in steps]
    later = [_s(by, None if done is None else done + 50) for by, done in steps]
    assert order.index(derive_rating(later)) >= order.index(derive_rating(states))


def test_objectives_default_to_one_per_phase_and_overrides_show_both(kit) -> None:
    scenario = kit.mini_scenario()
    session = simulate(
        scenario, [Decision(0, "assess", by="Ana"), Decision(6, "start-gen", by="Bo")]
    )
    r = build_report(
        kit.loaded_for(scenario),
        session,
        score(scenario, session, team="Green"),
        ratings={"phase-fix": ("S", "generator started but not load-tested")},
    )
    got = {o.id: (o.derived, o.rating, o.override_reason) for o in r.objectives}
    assert got == {
        "phase-assess": ("P", "P", None),  # done T+5, target T+10
        "phase-communicate": ("U", "U", None),  # never posted
        "phase-fix": ("P", "S", "generator started but not load-tested"),  # done T+16 <= 30
    }
    html = render(r, "html")
    assert "derived P" in html and "generator started but not load-tested" in html


def test_plan_rows_owner_dates_and_order(kit) -> None:
    scenario = kit.mini_scenario()
    decisions = [
        Decision(0, "blame-vendor", by="Cy"),
        Decision(1, "assess", by="Ana"),
        Decision(35, "start-gen", by="Bo"),
    ]
    session = simulate(scenario, decisions)
    r = build_report(
        kit.loaded_for(scenario), session, score(scenario, session), date="2026-11-27T10:00:00Z"
    )
    plan = {p.subject: p for p in r.improvement_plan}
    # The avoid action is urgent (30 days) and owned by who took it.
    avoid = plan["action:blame-vendor"]
    assert (avoid.owner, avoid.start, avoid.due) == ("Cy", "2026-11-27", "2026-12-27")
    assert avoid.corrective_action == "Do not blame the vendor by name."
    # The late fix is Bo's; a quarter to practise it.
    fix = plan["step:s-fix"]
    assert (fix.owner, fix.due, fix.element) == ("Bo", "2027-02-25", "training")
    # The missing communication step: nobody acted on it nor in its phase but Cy, who blamed
    # the vendor (a communicate action).
    comm = plan["step:s-communicate"]
    assert comm.owner == "Cy" and comm.element == "planning"
    # Most costly first, one recommendation per subject.
    points = [x.points for x in r.recommendations]
    assert points == sorted(points)
    assert len({x.subject for x in r.recommendations}) == len(r.recommendations)
    # "Tell customers" never done: order -11.67, coverage -6.67, timeliness -5 → -23.33 first,
    # its issue opening with the coverage finding; then the avoid action, -10.
    assert [(x.subject, x.points) for x in r.recommendations[:2]] == [
        ("step:s-communicate", -23.33),
        ("action:blame-vendor", -10.0),
    ]
    assert r.improvement_plan[0].issue.startswith("Never done: “Tell customers”")
    assert [p.name for p in r.participants] == ["Ana", "Bo", "Cy"]
    assert r.executive_summary[0].startswith("The team scored 56.01 / 100 (grade F)")
    assert r.executive_summary[2].startswith("The biggest loss (−23.33 points): Never done")


def test_dates_and_signs_in_words() -> None:
    assert fmt_date("2026-11-27T10:04:05Z") == "27 Nov 2026, 10:04 UTC"
    assert fmt_date("2026-11-03") == "3 Nov 2026"
    assert fmt_date(None) == "not recorded"
    assert fmt_date("yesterday") == "yesterday"
    assert fmt_signed(-20) == "−20" and fmt_signed(0.1) == "+0.1" and fmt_signed(0.001) == "0"


def test_acts_feed_participants_roles(kit) -> None:
    from tabletop.reports.participants import participants

    acts = [Act(0, "a", "assess", "Ana", True), Act(1, "b", "fix", "Ana", True)]
    got = participants(acts, [("Olu", 3.0)], ["Fay"])
    assert [(p.name, p.role, p.decisions, p.notes) for p in got] == [
        ("Ana", "team", 2, 0),
        ("Fay", "facilitator", 0, 0),
        ("Olu", "observer", 0, 1),
    ]
    assert got[0].phases == ["assess", "fix"]


def test_room_seats_are_participants_with_their_roles(kit) -> None:
    scenario = kit.mini_scenario()
    session = simulate(scenario, [Decision(0, "assess", by="Ana")])
    # A drill room journals each seat that joins as a facilitator `join` event.
    session.facilitator("join", seat=1, name="Fay", role="facilitator")
    session.facilitator("join", seat=2, name="Ana", role="responder")
    session.facilitator("join", seat=3, name="Olu", role="observer")
    r = build_report(kit.loaded_for(scenario), session, score(scenario, session))
    got = [(p.name, p.role, p.seat, p.decisions) for p in r.participants]
    assert got == [
        ("Ana", "responder", 2, 1),
        ("Fay", "facilitator", 1, 0),
        ("Olu", "observer", 3, 0),
    ]
    assert "(seat 2)" in render(r, "html")


_ACTIONS = ["assess", "post-status", "start-gen", "blame-vendor"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 119), st.sampled_from(_ACTIONS), st.sampled_from(["A", "B"])),
        max_size=6,
    )
)
def test_any_drill_gives_one_recommendation_per_subject_costliest_first(kit, moves) -> None:
    scenario = kit.mini_scenario()
    decisions = [Decision(t, a, by=who) for t, a, who in sorted(moves)]
    session = simulate(scenario, decisions)
    result = score(scenario, session)
    r = build_report(kit.loaded_for(scenario), session, result, date="2026-11-27")
    subjects = [x.subject for x in r.recommendations]
    assert len(subjects) == len(set(subjects))
    points = [x.points for x in r.recommendations]
    assert points == sorted(points)
    # Every point lost is in some recommendation: the areas add up to the findings.
    lost = sum(f.points for f in result.findings if f.kind == "improvement")
    assert sum(points) == pytest.approx(lost, abs=0.01 * max(1, len(points)))
    # The plan has a row per recommendation, each with an owner who acted when anyone did.
    assert [p.subject for p in r.improvement_plan] == subjects
    if any(d.by for d in decisions):
        assert all(p.owner in ("A", "B") for p in r.improvement_plan)
    ratings = {o.rating for o in r.objectives}
    assert ratings <= set("PSMU")
