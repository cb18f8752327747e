"""JSON rendering of the report: stable keys, documented in docs/report-json.md."""

from __future__ import annotations

import json
import math
from typing import Any

from tabletop.reports.comparison import Comparison
from tabletop.reports.model import Report
from tabletop.reports.trend import TrendReport


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity; tools downstream choke on them, so they become null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def report_document(report: Report | Comparison | TrendReport) -> dict[str, Any]:
    """The JSON-ready document of a report or a comparison."""
    doc: dict[str, Any] = _clean(report.to_json())
    # `version` and `kind` first so a reader can tell what it holds from the first line.
    return {"version": doc.pop("version"), "kind": doc.pop("kind"), **doc}


def render_json(report: Report | Comparison | TrendReport) -> str:
    """The report as indented JSON text (UTF-8, trailing newline)."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
