"""Reports: one model (`model.py`), built by `builder.py` (after-action parts in `objectives`,
`improvement_areas`, `improvement_plan`, `participants`, `executive_summary`), compared in
`comparison.py`, followed over time in `trend.py`, rendered as Markdown, self-contained HTML or
JSON."""

from __future__ import annotations

from typing import Literal

from tabletop.reports.builder import build_report
from tabletop.reports.comparison import Comparison, build_comparison
from tabletop.reports.html import render_comparison_html, render_html, render_trend_html
from tabletop.reports.json_render import render_json
from tabletop.reports.markdown import (
    render_comparison_markdown,
    render_markdown,
    render_trend_markdown,
)
from tabletop.reports.model import REPORT_VERSION, Report
from tabletop.reports.trend import TrendReport, build_trend

Format = Literal["md", "html", "json"]
FORMATS: tuple[str, ...] = ("md", "html", "json")


def render(report: Report | Comparison | TrendReport, fmt: str) -> str:
    """Render a report, a comparison or a trend in one of `FORMATS`."""
    if fmt == "json":
        return render_json(report)
    if isinstance(report, TrendReport):
        return render_trend_html(report) if fmt == "html" else render_trend_markdown(report)
    if isinstance(report, Comparison):
        return (
            render_comparison_html(report) if fmt == "html" else render_comparison_markdown(report)
        )
    return render_html(report) if fmt == "html" else render_markdown(report)


__all__ = [
    "FORMATS",
    "REPORT_VERSION",
    "Comparison",
    "Format",
    "Report",
    "TrendReport",
    "build_comparison",
    "build_report",
    "build_trend",
    "render",
]
