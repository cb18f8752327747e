"""Reports: one model (`model.py`), rendered as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

from typing import Literal

from tabletop.reports.html import render_comparison_html, render_html
from tabletop.reports.json_render import render_json
from tabletop.reports.markdown import render_comparison_markdown, render_markdown
from tabletop.reports.model import (
    REPORT_VERSION,
    Comparison,
    Report,
    build_comparison,
    build_report,
)

Format = Literal["md", "html", "json"]
FORMATS: tuple[str, ...] = ("md", "html", "json")


def render(report: Report | Comparison, fmt: str) -> str:
    """Render a report or a comparison in one of `FORMATS`."""
    if fmt == "json":
        return render_json(report)
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
    "build_comparison",
    "build_report",
    "render",
]
