"""Self-contained HTML rendering: one file, no network request, inline SVG charts.

Jinja2 autoescapes every value; the only markup not produced by the templates is our own
stylesheet, whose SHA-256 goes into the Content-Security-Policy so nothing else can style or
script the page. Scenario and team text can therefore never become a live tag or attribute.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from tabletop.reports import formatting
from tabletop.reports.charts import impact_chart, score_chart, timeline_chart, timeline_span
from tabletop.reports.comparison import Comparison
from tabletop.reports.improvement_areas import subject_of
from tabletop.reports.model import Point, Report
from tabletop.reports.trend import TrendReport
from tabletop.scoring.model import Finding
from tabletop.terminal_text import clean_block


def _templates_dir() -> str:
    return str(resources.files("tabletop.reports") / "templates")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(
        minutes=formatting.fmt_minutes,
        number=formatting.fmt_number,
        percent=formatting.fmt_percent,
        points=formatting.fmt_points,
        when=formatting.fmt_date,
        day=lambda d: formatting.fmt_date(d) if d else "—",
        signed=formatting.fmt_signed,
    )
    return env


def _visible(value: object) -> object:
    """Every value a template prints, with control and format characters (ESC, BEL, the
    bidirectional overrides that display text reversed) as spaces; markup stays markup."""
    if isinstance(value, Markup):
        return Markup(clean_block(str(value)))
    return clean_block(value) if isinstance(value, str) else value


_UNIT_GAP = re.compile(r"(\d) (%|pts\b|points\b|min\b)")


def _keep_together(value: object) -> object:
    """Every printed value: a number and its unit ("100 %") never split across lines."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _UNIT_GAP.sub("\\1\u00a0\\2", value)
    return value


def _finalize(value: object) -> object:
    # Cleaned first: the cleaner shows a no-break space as a plain one.
    return _keep_together(_visible(value))


def _stylesheet() -> str:
    return (resources.files("tabletop.reports") / "templates" / "report.css").read_text("utf-8")


def csp_for(css: str) -> str:
    """The Content-Security-Policy of a report whose only stylesheet is `css`."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _page(template: str, **context: object) -> str:
    css = _stylesheet()
    # The stylesheet is ours (package data), not user text: mark it safe so CSS selectors such
    # as `a > b` survive, and pin it with a hash in the CSP.
    return (
        _environment().get_template(template).render(css=Markup(css), csp=csp_for(css), **context)
    )


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML document."""
    return _page(
        "report.html.j2",
        r=report,
        played=formatting.played_text(report.summary),
        impact=impact_chart(report),
        timeline=timeline_chart(report.timeline, report.summary.minutes_played),
        labels={n.id: n.label for n in report.graph_nodes},
        # A symbol beside the colour, so the status reads in black and white too.
        subject_of=_subject_of_point,
        status_symbols={"up": "✓", "degraded": "◐", "down": "✗", "compromised": "⚠"},
    )


def _subject_of_point(p: Point) -> str:
    return subject_of(Finding("improvement", p.component, p.points, p.text, p.t, p.step, p.action))  # type: ignore[arg-type]


#: Up to this many drills, a comparison draws each drill's timeline chart.
COMPARE_CHART_LIMIT = 6


def render_comparison_html(cmp: Comparison) -> str:
    """Several drills side by side as one self-contained HTML document.

    One row per drill (so 20 or 200 drills fit the width of a phone or a page), matrices by
    phase and capability, the score over time, and timeline charts for a handful of drills.
    """
    # One time scale for every drill, so the charts can be read against each other.
    span = max(
        (timeline_span(d.timeline, d.summary.minutes_played) for d in cmp.drills), default=1.0
    )
    timelines = (
        [timeline_chart(d.timeline, d.summary.minutes_played, span=span) for d in cmp.drills]
        if len(cmp.drills) <= COMPARE_CHART_LIMIT
        else []
    )
    tags: dict[str, tuple[str, str]] = {}
    points = []
    for d in cmp.drills:
        scenario = d.summary.scenario
        tag = tags.setdefault(scenario.id, (f"S{len(tags) + 1}", scenario.title))[0]
        if d.summary.date:
            points.append(
                (
                    d.summary.team,
                    d.summary.date,
                    d.summary.total,
                    d.penalties,
                    tag,
                    f"{d.label}: {formatting.fmt_points(d.summary.total)}",
                )
            )
    return _page(
        "compare.html.j2",
        c=cmp,
        timelines=timelines,
        chart_limit=COMPARE_CHART_LIMIT,
        score=score_chart(points) if len(points) >= 2 else None,
        scenario_tags=list(tags.values()),
    )


def render_trend_html(trend: TrendReport) -> str:
    """The trend (scores over time per team, most-failed phases and objectives) as HTML."""
    points = [
        (
            p.team,
            p.date,
            p.total,
            p.penalties,
            p.scenario_tag,
            f"#{p.session_id} {formatting.fmt_date(p.date)}, {p.scenario_title}: "
            f"{formatting.fmt_points(p.total)} "
            f"({p.grade})",
        )
        for p in trend.points
    ]
    return _page(
        "trend.html.j2",
        t=trend,
        chart=score_chart(points),
        tag_of={sid: tag for tag, sid, _ in trend.scenarios},
    )
