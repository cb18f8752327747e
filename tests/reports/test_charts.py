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
