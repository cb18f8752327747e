"""Geometry of the report charts, for inline SVG.

Only numbers are computed here; the HTML template draws them and escapes every piece of text,
so no scenario text is ever pasted into markup by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tabletop.reports.formatting import fmt_minutes, fmt_number
from tabletop.reports.model import Report, TimelineRow

_LEFT = 78
_RIGHT = 30
_TOP = 28
_MARKER_ROW = 18.0
_BOTTOM = 34


@dataclass(frozen=True)
class Tick:
    """An axis tick: position in px and its label."""

    pos: float
    label: str


@dataclass(frozen=True)
class ChartMarker:
    """A decision or inject marker on the impact chart."""

    x: float
    y: float
    number: int
    kind: str
    title: str


@dataclass(frozen=True)
class PlotArea:
    """A chart's size and where its plot area starts and ends, in SVG units."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class ImpactChart(PlotArea):
    """A step chart of users affected (and at risk) over the drill."""

    affected_path: str
    affected_area: str
    at_risk_path: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    markers: list[ChartMarker]
    #: Users affected had the team done nothing, and with the recommended decisions.
    baseline_path: str = ""
    reference_path: str = ""
    x_title: str = "Exercise time (T+hours:minutes)"
    y_title: str = "Users affected"


@dataclass(frozen=True)
class Bar:
    """A horizontal bar from x (px) over w (px); `open` when the step was never finished."""

    x: float
    w: float
    open: bool
    title: str


@dataclass(frozen=True)
class TimelineLane:
    """One playbook step: the team's bar above the recommended one."""

    y: float
    label: str
    lines: list[str]  # the label on at most two lines, each distinct from other lanes'
    phase: str
    verdict: str
    team: Bar | None
    reference: Bar | None
    target_x: float | None
    missing_x: float


@dataclass(frozen=True)
class TimelineChart(PlotArea):
    """Team vs recommended timeline, one lane per playbook step."""

    lane_height: float
    lanes: list[TimelineLane]
    x_ticks: list[Tick]
    x_title: str = "Exercise time (T+hours:minutes)"


def nice_ticks(hi: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `hi` (1-2-5 steps)."""
    if hi <= 0:
        return [0.0, 1.0]
    raw = hi / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(hi / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def impact_chart(report: Report, width: int = 760, height: int = 260) -> ImpactChart:
    """The impact-over-time step chart with numbered decision markers."""
    series = report.impact_series
    end = max(report.summary.minutes_played, max((p.t for p in series), default=0.0), 1.0)
    x_vals = nice_ticks(end)
    x_max = x_vals[-1]
    peak = max(
        [p.affected for p in series]
        + [p.at_risk for p in series]
        + [p.affected for p in report.baseline_series]
        + [0.0]
    )
    y_vals = nice_ticks(peak, 4)
    y_max = y_vals[-1]
    left, right = _LEFT, width - _RIGHT
    xs = [left + (right - left) * m.t / x_max for m in report.markers if m.kind == "decision"]
    rows = marker_rows(xs)
    # Decisions close in time get stacked circles; the plot starts below the deepest row.
    top = _TOP + _MARKER_ROW * max(rows, default=0)
    height += int(top - _TOP)
    bottom = height - _BOTTOM

    def sx(t: float) -> float:
        return left + (right - left) * t / x_max

    def sy(v: float) -> float:
        return bottom - (bottom - top) * v / y_max

    def step_path(values: list[tuple[float, float]]) -> str:
        if not values:
            return ""
        parts = [f"M{_f(sx(values[0][0]))} {_f(sy(values[0][1]))}"]
        for t, v in values[1:]:
            parts.append(f"H{_f(sx(t))}V{_f(sy(v))}")
        parts.append(f"H{_f(sx(end))}")
        return "".join(parts)

    affected = [(p.t, p.affected) for p in series]
    line = step_path(affected)
    area = f"{line}V{_f(bottom)}H{_f(sx(affected[0][0]))}Z" if affected else ""
    at_risk = [(p.t, p.at_risk) for p in series]
    risk_line = step_path(at_risk) if any(v for _, v in at_risk) else ""
    row_of = iter(rows)
    injects = iter(range(1, len(report.markers) + 1))
    markers = [
        ChartMarker(
            sx(m.t),
            (_TOP - 9 + _MARKER_ROW * next(row_of)) if m.kind == "decision" else bottom,
            m.number if m.kind == "decision" else next(injects),
            m.kind,
            f"{fmt_minutes(m.t)} {m.label}",
        )
        for m in report.markers
    ]
    baseline = [(p.t, p.affected) for p in report.baseline_series]
    reference = [(p.t, p.affected) for p in report.reference_series]
    return ImpactChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        line,
        area,
        risk_line,
        [Tick(sx(v), fmt_minutes(v)) for v in x_vals],
        [Tick(sy(v), fmt_number(v)) for v in y_vals],
        markers,
        step_path(baseline),
        step_path(reference),
    )


def marker_rows(xs: list[float], gap: float = 17.0, max_rows: int = 4) -> list[int]:
    """Row of each marker (0 = top) so that circles `gap` px wide do not overlap.

    At most `max_rows` rows: a flurry of decisions overlaps in the last row rather than
    pushing the chart down the page (their numbers are listed below the chart anyway).
    """
    last_x: list[float] = []  # right-most x placed in each row
    rows = []
    for x in xs:
        row = next((k for k, lx in enumerate(last_x) if x - lx >= gap), len(last_x))
        row = min(row, max_rows - 1)
        if row == len(last_x):
            last_x.append(x)
        else:
            last_x[row] = max(last_x[row], x)
        rows.append(row)
    return rows


def timeline_span(rows: list[TimelineRow], end: float) -> float:
    """The minute a timeline chart of these rows should reach."""
    times = [
        t
        for r in rows
        for t in (r.by, r.team_done, r.reference_done, r.team_started, r.reference_started)
        if t is not None
    ]
    # Scale to the steps (not the whole drill) so early steps stay readable; a step never
    # finished runs to the right edge.
    return max(min(max(times) * 1.15, end) if times else end, 1.0)


def timeline_chart(
    rows: list[TimelineRow], end: float, width: int = 760, span: float | None = None
) -> TimelineChart:
    """One lane per playbook step: team bar, recommended bar, target tick.

    `span` sets the minute the x axis reaches (several charts on one scale); default: fitted.
    """
    lane_h = 40.0
    label_w = 262.0
    top, left, right = _TOP, label_w, width - _RIGHT
    height = int(top + lane_h * max(len(rows), 1) + _BOTTOM + 14)
    x_vals = nice_ticks(span if span is not None else timeline_span(rows, end))
    x_max = x_vals[-1]

    def sx(t: float) -> float:
        return left + (right - left) * t / x_max

    def bar(start: float | None, done: float | None, who: str) -> Bar | None:
        if start is None and done is None:
            return None
        s = start if start is not None else done
        assert s is not None
        e = done if done is not None else x_max
        x0, x1 = sx(min(s, x_max)), sx(min(e, x_max))
        title = (
            f"{who}: started {fmt_minutes(start)}, done {fmt_minutes(done)}"
            if done is not None
            else f"{who}: started {fmt_minutes(start)}, never done"
        )
        return Bar(x0, max(x1 - x0, 3.0), done is None, title)

    wrapped = lane_labels([r.title for r in rows])
    lanes = [
        TimelineLane(
            top + k * lane_h,
            r.title,
            wrapped[k],
            r.phase,
            r.verdict,
            bar(r.team_started, r.team_done, "Team"),
            bar(r.reference_started, r.reference_done, "Recommended"),
            sx(r.by) if r.by is not None else None,
            sx(0),
        )
        for k, r in enumerate(rows)
    ]
    ticks = [Tick(sx(v), fmt_minutes(v)) for v in x_vals]
    return TimelineChart(
        width, height, left, right, top, height - _BOTTOM - 14, lane_h, lanes, ticks
    )


def wrap_label(text: str, width: int = 36, lines: int = 2) -> list[str]:
    """`text` on at most `lines` lines of `width` characters, cut with … at the end."""
    words = text.split()
    out: list[str] = []
    current = ""
    for w in words:
        if current and len(current) + 1 + len(w) > width:
            out.append(current)
            current = w
        else:
            current = f"{current} {w}".strip()
    if current:
        out.append(current)
    out = [line if len(line) <= width else line[: width - 1] + "…" for line in out]
    if len(out) > lines:
        last = out[lines - 1]
        out = [*out[: lines - 1], (last[: width - 1] if len(last) >= width else last) + "…"]
    return out or [""]


def lane_labels(titles: list[str], width: int = 36) -> list[list[str]]:
    """Each title wrapped on two lines; where two would read the same once cut, the second
    line keeps the title's distinctive end instead ("… what changes")."""
    wrapped = [wrap_label(t, width) for t in titles]
    for k, lines in enumerate(wrapped):
        clash = [j for j, other in enumerate(wrapped) if j != k and other == lines]
        if clash and len(titles[k]) > width:
            tail = titles[k][-(width - 1) :]
            wrapped[k] = [lines[0], "…" + tail.lstrip()]
    return wrapped


#: Line colours of the score-over-time chart: each at least 4.5:1 against white.
TEAM_COLOURS: tuple[str, ...] = (
    "#1f5fbf",
    "#b3261e",
    "#217a3c",
    "#8a5a00",
    "#6a3fa0",
    "#00707a",
    "#a3306b",
    "#4d5566",
)


@dataclass(frozen=True)
class ScoreDot:
    """One drill on the score-over-time chart."""

    x: float
    y: float
    penalty_y: float  # where the total would be without penalties (== y when none)
    penalties: float
    tag: str  # the scenario's short tag (S1, S2 ...)
    title: str


@dataclass(frozen=True)
class ScoreLine:
    """One team's drills, in time order."""

    team: str
    colour: str
    path: str
    dots: list[ScoreDot]


@dataclass(frozen=True)
class ScoreChart(PlotArea):
    """Score (0-100) over the drills' dates, one line per team."""

    lines: list[ScoreLine]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title: str = "Date of the drill (UTC)"
    y_title: str = "Score (0–100)"


def _day_number(when: str) -> float:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return moment.timestamp() / 86400.0


def _day_label(day: float) -> str:
    from datetime import UTC, datetime

    d = datetime.fromtimestamp(day * 86400.0, UTC)
    return f"{d.day} {d.strftime('%b')} {d.year}"


def score_chart(
    points: list[tuple[str, str, float, float, str, str]], width: int = 760, height: int = 300
) -> ScoreChart:
    """`points`: (team, when ISO, total, penalties, scenario tag, title) in any order."""
    left, right, top = 56.0, width - 44.0, 20.0
    bottom = height - 46.0
    days = [_day_number(p[1]) for p in points] or [0.0]
    lo, hi = min(days), max(days)
    if hi - lo < 1.0:
        lo, hi = lo - 1.0, hi + 1.0

    def sx(day: float) -> float:
        return left + (right - left) * (day - lo) / (hi - lo)

    def sy(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(100.0, v)) / 100.0

    teams: dict[str, list[tuple[float, tuple[str, str, float, float, str, str]]]] = {}
    for p in points:
        teams.setdefault(p[0], []).append((_day_number(p[1]), p))
    lines = []
    for k, team in enumerate(sorted(teams)):
        drills = sorted(teams[team], key=lambda dp: dp[0])
        dots = [ScoreDot(sx(day), sy(p[2]), sy(p[2] + p[3]), p[3], p[4], p[5]) for day, p in drills]
        path = "".join(f"{'M' if i == 0 else 'L'}{_f(d.x)} {_f(d.y)}" for i, d in enumerate(dots))
        lines.append(ScoreLine(team, TEAM_COLOURS[k % len(TEAM_COLOURS)], path, dots))
    count = 5 if width >= 600 else 3
    x_ticks = [
        Tick(sx(lo + (hi - lo) * i / count), _day_label(lo + (hi - lo) * i / count))
        for i in range(count + 1)
    ]
    y_ticks = [Tick(sy(v), f"{v}") for v in range(0, 101, 20)]
    return ScoreChart(width, height, left, right, top, bottom, lines, x_ticks, y_ticks)
