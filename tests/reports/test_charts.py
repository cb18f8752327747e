"""Chart geometry: ticks, stacked decision markers, bars on a shared scale."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.reports import build_report
from tabletop.reports.charts import impact_chart, marker_rows, nice_ticks, timeline_chart


@settings(max_examples=100, deadline=None)
@given(hi=st.floats(min_value=0.01, max_value=1e9, allow_nan=False))
def test_nice_ticks_cover_the_range(hi: float) -> None:
    ticks = nice_ticks(hi)
    assert ticks[0] == 0 and ticks[-1] >= hi * (1 - 1e-9)
    assert 2 <= len(ticks) <= 12
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert all(math.isclose(d, steps[0], rel_tol=1e-9) for d in steps)


@settings(max_examples=100, deadline=None)
@given(xs=st.lists(st.floats(min_value=0, max_value=800), max_size=60))
def test_markers_in_one_row_never_overlap(xs: list[float]) -> None:
    xs = sorted(xs)
    rows = marker_rows(xs, gap=17, max_rows=4)
    assert all(0 <= r < 4 for r in rows)
    for row in range(3):  # the last row may overlap, by design
        placed = [x for x, r in zip(xs, rows, strict=True) if r == row]
        assert all(b - a >= 17 for a, b in itertools.pairwise(placed))


def test_impact_chart_geometry(drill) -> None:
    r = build_report(*drill)
    ch = impact_chart(r)
    assert ch.affected_path.startswith("M") and ch.affected_area.endswith("Z")
    assert ch.at_risk_path == ""  # nobody at risk in this drill
    decisions = [m for m in ch.markers if m.kind == "decision"]
    assert [m.number for m in decisions] == [1, 2, 3]
    assert all(ch.left <= m.x <= ch.right for m in ch.markers)
    assert ch.x_ticks[0].label == "T+0:00" and ch.y_ticks[-1].label == "1,000"


def test_timeline_chart_shares_a_scale(drill) -> None:
    r = build_report(*drill)
    fitted = timeline_chart(r.timeline, 120)
    wide = timeline_chart(r.timeline, 120, span=200)
    assert fitted.x_ticks[-1].label == "T+40:00" and wide.x_ticks[-1].label == "T+3:20:00"
    team = [lane.team for lane in fitted.lanes]
    assert all(b is not None and b.w >= 3 for b in team)


def test_reports_and_store_do_not_import_textual_or_rich() -> None:
    code = (
        "import sys, tabletop.reports, tabletop.store, tabletop.store.loadtest; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "assert not bad, bad"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# ----------------------------------------------------------------------------- readability


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str = "#ffffff") -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_worked_examples() -> None:
    assert round(contrast("#000000"), 1) == 21.0
    assert round(contrast("#ffffff"), 1) == 1.0
    assert round(contrast("#9aa5b8"), 1) == 2.5  # the old recommended bar: too faint


def test_data_colours_reach_3_to_1_and_swatches_match_what_is_plotted() -> None:
    import re
    from importlib import resources

    from tabletop.reports.charts import TEAM_COLOURS

    templates = resources.files("tabletop.reports") / "templates"
    css = (templates / "report.css").read_text("utf-8")
    svg = (templates / "_charts.html.j2").read_text("utf-8")
    variables = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    swatches = {}
    for name, value in re.findall(r"\.(sw-[a-z]+) \{ background: ([^;]*);", css):
        found = re.search(r"#[0-9a-f]{6}", value) or re.search(r"var\(--([a-z]+)\)", value)
        assert found, name
        swatches[name] = found[0] if found[0].startswith("#") else variables[found[1]]
    # Each legend swatch of the impact and timeline charts is the colour the chart draws.
    for name in ("sw-team", "sw-ref", "sw-affected", "sw-baseline", "sw-recommended", "sw-risk"):
        assert swatches[name] in svg, name
        assert contrast(swatches[name]) >= 3, name
    team_swatches = dict(re.findall(r"\.team-(\d) \{ background: (#[0-9a-f]{6}); \}", css))
    for k, colour in enumerate(TEAM_COLOURS):
        assert contrast(colour) >= 3, colour
        assert team_swatches[str(k)] == colour  # the score chart's line k and its swatch


def test_lane_labels_stay_distinct() -> None:
    from tabletop.reports.charts import lane_labels

    titles = [
        "Tell customers and partners what is affected and what to expect",
        "Tell customers and partners what changes, without a map for the next attacker",
        "Restore from a clean backup",
    ]
    wrapped = lane_labels(titles)
    assert len({tuple(w) for w in wrapped}) == 3
    assert wrapped[2] == ["Restore from a clean backup"]
    assert all(len(w) <= 2 and all(len(line) <= 36 for line in w) for w in wrapped)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abc de", min_size=1, max_size=90), min_size=1, max_size=8))
def test_lane_labels_fit_two_lines(titles: list[str]) -> None:
    from tabletop.reports.charts import lane_labels

    for lines in lane_labels(titles):
        assert 1 <= len(lines) <= 2 and all(len(line) <= 37 for line in lines)


def test_impact_chart_has_axis_titles_and_comparison_lines(drill) -> None:
    from tabletop.reports import render

    report = build_report(*drill)
    chart = impact_chart(report)
    assert chart.baseline_path and chart.reference_path
    html = render(report, "html")
    for text in ("Exercise time (T+hours:minutes)", "Users affected", "doing nothing"):
        assert text in html
    assert 'class="inject-num"' in html and ">I1<" in html
