"""The report model: the after-action shape, built the same way every time."""

from __future__ import annotations

import dataclasses

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.reports import build_comparison, build_report
from tabletop.scoring import score


def test_report_has_the_after_action_shape(drill) -> None:
    loaded, session, result = drill
    r = build_report(loaded, session, result, date="2026-11-27T10:00:00Z", session_id=7)
    s = r.summary
    assert (s.scenario.id, s.team, s.grade, s.session_id) == ("mini-outage", "Blue team", "C", 7)
    assert s.minutes_played == 120
    keys = [f.key for f in s.headline]
    assert keys[:4] == ["total", "customer_minutes", "avoided", "steps_done"]
    assert [p.text for p in r.strengths] == ["Every playbook step was done."]
    # Areas for improvement: most costly first.
    assert [p.points for p in r.improvements] == sorted(p.points for p in r.improvements)
    # One recommendation per subject, most costly first: the order (-11.55) and timeliness
    # (-7.5) findings of "Tell customers" make one, -19.05; then the outcome (-9), which names
    # the step whose earlier action saves most (the generator, 10,000 customer-minutes).
    assert [(x.subject, x.points) for x in r.recommendations] == [
        ("step:s-communicate", -19.05),
        ("outcome", -9.0),
        ("step:s-fix", 0.0),  # no finding, but on time it saves 10,000 customer-minutes
    ]
    assert "Start the generator by T+5:00" in r.recommendations[1].text
    assert "10,000 customer-minutes fewer" in r.recommendations[1].text
    assert [c.name for c in r.components] == ["order", "coverage", "timeliness", "outcome"]
    assert r.components[1].points == 20


def test_timeline_verdicts_and_markers(drill) -> None:
    loaded, session, result = drill
    r = build_report(loaded, session, result)
    verdicts = {row.step: row.verdict for row in r.timeline}
    assert verdicts == {"s-assess": "on time", "s-communicate": "late", "s-fix": "on time"}
    decisions = [m for m in r.markers if m.kind == "decision"]
    assert [(m.t, m.number) for m in decisions] == [(2, 1), (15, 2), (25, 3)]
    assert [n.text for n in r.notes] == ["Team calm, good hand-over."]
    assert [(i.id, i.fired) for i in r.injects] == [("drop", True), ("press", False)]
    assert r.decisions[2].message == "We know the shop is down; fix by 10:40."


def test_graph_edges_point_from_dependency_to_dependent(drill) -> None:
    loaded, session, result = drill
    r = build_report(loaded, session, result)
    edges = {(e.source, e.target, e.kind) for e in r.graph_edges}
    assert ("db", "web", "hard") in edges
    assert ("cdn", "web", "soft") in edges
    assert {("utility", "db", "any-of"), ("gen", "db", "any-of")} <= edges
    status = {n.id: n.status for n in r.graph_nodes}
    assert status["utility"] == "down" and status["web"] == "up"


def test_strengths_are_derived_when_scoring_gives_none(drill) -> None:
    loaded, session, result = drill
    result = dataclasses.replace(
        result, findings=[f for f in result.findings if f.kind != "strength"]
    )
    r = build_report(loaded, session, result)
    texts = [p.text for p in r.strengths]
    assert any(t.startswith("Coverage 100 %") for t in texts)
    assert any("Establish what failed" in t for t in texts)


def test_same_drill_same_report(kit) -> None:
    scenario = kit.mini_scenario()
    a = simulate(scenario, kit.TEAM_DECISIONS)
    b = simulate(scenario, kit.TEAM_DECISIONS)
    loaded = kit.loaded_for(scenario)
    assert build_report(loaded, a, kit.hand_score(a)) == build_report(loaded, b, kit.hand_score(b))


def test_report_from_the_real_scorer_recommends_the_missing_step(kit) -> None:
    scenario = kit.mini_scenario()
    session = simulate(scenario, [Decision(0, "assess"), Decision(6, "start-gen")])
    r = build_report(kit.loaded_for(scenario), session, score(scenario, session, team="Green"))
    assert r.summary.team == "Green"
    assert any("Tell customers" in rec.text for rec in r.recommendations)
    assert any(row.verdict == "not done" for row in r.timeline)


def test_comparison_finds_repeated_findings(make_drill) -> None:
    reports = [
        build_report(*make_drill(team=t, total=x), session_id=k)
        for k, (t, x) in enumerate([("Blue", 60.0), ("Red", 70.0)], 1)
    ]
    cmp = build_comparison(reports)
    assert [d.label for d in cmp.drills] == ["#1 Blue (mini-outage)", "#2 Red (mini-outage)"]
    assert [s for s, _ in cmp.steps] == ["s-assess", "s-communicate", "s-fix"]
    repeated = {f.text: f for f in cmp.repeated}
    order = repeated["Order: “Tell customers”"]
    assert order.drills == [d.label for d in cmp.drills]
    assert order.details == ["Fixed before telling customers."] * 2
    # Unrelated to a step or action: matched by its text.
    assert repeated["30 % of the avoidable impact remained."].points == -18.0


def test_comparison_matches_findings_by_step_not_wording(make_drill) -> None:
    import dataclasses

    a = make_drill()
    late = [dataclasses.replace(f, text=f"{f.text} (drill 2 wording)") for f in a[2].findings]
    b = make_drill()
    b = (b[0], b[1], dataclasses.replace(b[2], findings=late))
    cmp = build_comparison([build_report(*a), build_report(*b)])
    texts = {f.text for f in cmp.repeated}
    assert "Timeliness: “Tell customers”" in texts
    assert "30 % of the avoidable impact remained." not in texts
