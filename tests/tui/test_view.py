"""The pure helpers behind the UI: layers, clock, sparkline data, training feedback, catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tabletop.engine.events import DecisionRecord, ImpactPoint
from tabletop.engine.session import Session
from tabletop.scenario.graph_render import layers
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scoring.feedback import decision_feedback
from tabletop.tui.view import Feedback, catalog, feedback_lines, format_clock, resample


def test_clock_formats_minutes_and_seconds() -> None:
    # the one style of tabletop.exercise_time: hours from one hour on, never T+240:00
    assert format_clock(0) == "T+0:00"
    assert format_clock(12.5) == "T+12:30"
    assert format_clock(239.999) == "T+4:00:00"


def test_layers_put_dependencies_above_dependents(mini: LoadedScenario) -> None:
    got = layers(mini.scenario)
    assert got == [["utility", "generator", "cdn"], ["racks"], ["db"], ["web"]]


def test_layers_keep_a_cycle_in_one_layer() -> None:
    sc = Scenario.model_validate(
        {
            "format": "tabletop/v1",
            "id": "cyc",
            "title": "t",
            "kind": "other",
            "summary": "s",
            "duration": 10,
            "nodes": [
                {"id": "a", "label": "A", "depends_on": ["b"]},
                {"id": "b", "label": "B", "depends_on": ["a"]},
                {"id": "c", "label": "C", "depends_on": ["a"]},
            ],
            "actions": [{"id": "x", "label": "X", "phase": "fix"}],
            "playbook": [{"id": "s", "phase": "fix", "title": "S", "any_of": ["x"]}],
        }
    )
    assert layers(sc) == [["a", "b"], ["c"]]


def test_resample_follows_the_step_function() -> None:
    series = [ImpactPoint(0, 0, 0), ImpactPoint(5, 100, 0), ImpactPoint(8, 40, 0)]
    # sampled at T+2, 4, 6, 8, 10
    assert resample(series, 10, 5) == [0, 0, 100, 40, 40]


def _lines(mini: LoadedScenario, s: Session, rec: DecisionRecord) -> list[Feedback]:
    return feedback_lines(mini.scenario, decision_feedback(mini.scenario, s, rec))


def test_feedback_flags_out_of_order_and_late(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    s.advance(40)
    rec = s.take("post-status")
    fb = _lines(mini, s, rec)
    texts = " ".join(f.text for f in fb)
    assert "Out of order" in texts and "Establish what failed" in texts
    assert "Late" in texts
    assert not any(f.good for f in fb)


def test_feedback_praises_in_order_on_time(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    rec = s.take("assess-impact")
    fb = _lines(mini, s, rec)
    assert [f.good for f in fb] == [True, True]
    assert "On time" in fb[1].text


def test_feedback_warns_about_avoid_actions(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    rec = s.take("post-detailed-cause")
    fb = _lines(mini, s, rec)
    assert fb[0].good is False and "attackers" in fb[0].text


def test_catalog_lists_an_invalid_file_with_its_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("format: tabletop/v1\nid: x\nbogus: 1\n")
    entries = catalog([tmp_path])
    broken = [e for e in entries if e.path.name == "broken.yaml"]
    assert broken and broken[0].loaded is None and broken[0].problem
    assert any(e.loaded is not None and e.loaded.scenario.id == "dc-power-loss" for e in entries)


def test_feedback_words_a_disclosing_message(
    mini: LoadedScenario, new_session: Callable[..., Session]
) -> None:
    s = new_session(mini)
    s.take("assess-impact")
    s.advance(10)
    rec = s.take("post-status", message="Web storefront is down after firmware 4.2 failed")
    texts = [f.text for f in _lines(mini, s, rec) if not f.good]
    assert any("discloses" in t and "“firmware 4.2” gives a software version" in t for t in texts)
