"""Self-contained HTML rendering: one file, no network request, inline SVG charts.

Jinja2 autoescapes every value; the only markup not produced by the templates is our own
stylesheet, whose SHA-256 goes into the Content-Security-Policy so nothing else can style or
script the page. Scenario and team text can therefore never become a live tag or attribute.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from tabletop.reports.charts import impact_chart, timeline_chart, timeline_span
from tabletop.reports.model import (
    Comparison,
    Report,
    fmt_minutes,
    fmt_number,
    fmt_percent,
    fmt_points,
    played_text,
)


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
    )
    env.filters.update(
        minutes=fmt_minutes, number=fmt_number, percent=fmt_percent, points=fmt_points
    )
    return env


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
        played=played_text(report.summary),
        impact=impact_chart(report),
        timeline=timeline_chart(report.timeline, report.summary.minutes_played),
        labels={n.id: n.label for n in report.graph_nodes},
        # A symbol beside the colour, so the status reads in black and white too.
        status_symbols={"up": "✓", "degraded": "◐", "down": "✗", "compromised": "⚠"},
    )


def render_comparison_html(cmp: Comparison) -> str:
    """Several drills side by side as one self-contained HTML document."""
    # One time scale for every drill, so the charts can be read against each other.
    span = max(
        (timeline_span(d.timeline, d.summary.minutes_played) for d in cmp.drills), default=1.0
    )
    timelines = [
        timeline_chart(d.timeline, d.summary.minutes_played, span=span) for d in cmp.drills
    ]
    return _page("compare.html.j2", c=cmp, timelines=timelines)
