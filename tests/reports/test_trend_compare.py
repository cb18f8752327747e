"""Comparison across scenarios (by phase and capability) and the trend report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.reports import build_comparison, build_report, build_trend, render
from tabletop.scoring import score
from tabletop.store import save_session
from tabletop.store.sessions import stored_drills

GOOD = [Decision(0, "assess"), Decision(1, "post-status"), Decision(6, "start-gen")]
LATE = [Decision(1, "assess"), Decision(35, "start-gen")]


def _other(kit):
    """Another scenario with the same step ids meaning other things (the issue's case)."""
    doc = json.loads(json.dumps(kit.MINI))
    doc["id"] = "payments"
    doc["title"] = "Payments down"
    doc["playbook"][2]["title"] = "Move payments to the fallback provider"
    doc["objectives"] = [
        {
            "id": "pay",
            "title": "Payments flow",
            "capability": "Economic recovery",
            "steps": ["s-fix"],
        }
    ]
    return kit.mini_scenario(**{k: doc[k] for k in ("id", "title", "playbook", "objectives")})


def _report(kit, scenario, decisions, team, day=None):
    session = simulate(scenario, decisions)
    date = f"2026-11-{day:02d}T09:00:00Z" if day else None
    return build_report(
        kit.loaded_for(scenario), session, score(scenario, session, team=team), date=date
    )


def test_different_scenarios_are_compared_by_phase_never_by_step_wording(kit) -> None:
    a = _report(kit, kit.mini_scenario(), GOOD, "Blue", 1)
    b = _report(kit, _other(kit), LATE, "Red", 2)
    cmp = build_comparison([a, b])
    assert not cmp.same_scenario and cmp.steps == []
    assert cmp.phases == ["assess", "communicate", "fix"]
    assert cmp.drills[0].phases["fix"].verdict == "on time"
    assert cmp.drills[1].phases["fix"].verdict == "late"  # done T+45, target T+30
    assert cmp.drills[1].phases["communicate"].verdict == "not done"
    assert cmp.capabilities == ["Assess", "Communicate", "Economic recovery", "Fix"]
    html = render(cmp, "html")
    md = render(cmp, "md")
    for text in (html, md):
        # Neither scenario's step title labels a row: the step ids are the same, the meaning not.
        assert "Restore power" not in text and "Move payments to the fallback" not in text
    # The same step id in two scenarios is not "a finding that repeats".
    assert all(len(f.drills) < 2 for f in cmp.repeated if "s-fix" in f.text)


def test_twenty_drills_fit_one_row_each(kit) -> None:
    reports = [_report(kit, kit.mini_scenario(), LATE, f"T{k % 3}", 1 + k) for k in range(22)]
    html = render(build_comparison(reports), "html")
    assert html.count('<tr><td class="nw">#') + html.count('<tr><td class="nw">drill') >= 22
    # Charts per drill only for a handful; the score over time for all.
    assert 'id="timeline-chart-1"' not in html and 'id="score-chart"' in html


def test_trend_from_the_history(tmp_path: Path, kit) -> None:
    db = tmp_path / "h.sqlite3"
    start = datetime(2026, 9, 1, 9, tzinfo=UTC)
    plan = [
        ("Blue", kit.mini_scenario(), LATE),
        ("Red", _other(kit), LATE),
        ("Blue", kit.mini_scenario(), [*GOOD, Decision(7, "blame-vendor")]),
    ]
    for k, (team, scenario, decisions) in enumerate(plan):
        session = simulate(scenario, decisions)
        when = start + timedelta(days=7 * k)
        save_session(
            db,
            kit.loaded_for(scenario),
            session,
            score(scenario, session, team=team),
            started_at=when,
            recorded_at=when + timedelta(hours=1),
        )
    trend = build_trend(stored_drills(db, [1, 2, 3]))
    assert trend.teams == ["Blue", "Red"]
    assert [p.scenario_tag for p in trend.points] == ["S1", "S2", "S1"]
    assert trend.points[2].penalties == 10  # the avoid action
    phases = {r.name: (r.failed, r.drills) for r in trend.phases}
    # communicate never done in drills 1 and 2; fix late in 1 and 2; all on time in 3.
    assert phases == {"assess": (0, 3), "communicate": (2, 3), "fix": (2, 3)}
    assert trend.phases[0].name in ("communicate", "fix")
    html = render(trend, "html")
    assert 'id="score-chart"' in html and "1 Sep 2026" in html and "−10" in html
    assert "Date of the drill (UTC)" in html and "Score (0–100)" in html


def test_history_trend_html_from_the_cli(tmp_path: Path, kit, run_cli) -> None:
    db = tmp_path / "h.sqlite3"
    scenario = kit.mini_scenario()
    for k in range(2):
        session = simulate(scenario, LATE)
        when = datetime(2026, 10, 1 + k, tzinfo=UTC)
        save_session(
            db,
            kit.loaded_for(scenario),
            session,
            score(scenario, session, team="Blue"),
            started_at=when,
            recorded_at=when,
        )
    out = tmp_path / "trend.html"
    r = run_cli("history", "--trend", "--db", str(db), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Most-failed phases" in out.read_text()
    r = run_cli("history", "--trend", "--db", str(db), "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["kind"] == "tabletop-trend" and len(doc["points"]) == 2
    assert run_cli("history", "--db", str(db), "--format", "html").returncode == 2
