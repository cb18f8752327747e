"""The history as CSV for spreadsheets (`export --csv`, `export --plan-csv`), formulas defused."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from typing import Any

from tabletop.store.plan import ITEM_KEYS, Item
from tabletop.store.records import SessionRow

#: Leading characters a spreadsheet would read as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS: tuple[str, ...] = tuple(SessionRow.__dataclass_fields__)


def defused(v: Any) -> Any:
    """`v`, with text a spreadsheet would run as a formula prefixed with `'`."""
    if isinstance(v, str) and _looks_like_formula(v):
        return "'" + v
    return v


def _looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula: it starts with one of
    `_FORMULA_START`, or does after leading spaces and invisible characters (NBSP, zero-width
    space) with full-width forms (`＝`) read as their ASCII twins."""
    if text.startswith(_FORMULA_START):
        return True
    rest = text.lstrip()
    while rest and (rest[0].isspace() or unicodedata.category(rest[0]) == "Cf"):
        rest = rest[1:]
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]).startswith(_FORMULA_START)


#: Columns shown as percentages (0-100), like the screens and reports show them.
_PERCENT_COLUMNS = frozenset({"order", "coverage", "timeliness", "outcome"})
_TIME_COLUMNS = frozenset({"started_at", "ended_at"})


def _csv_figure(column: str, v: Any) -> Any:
    """A figure as a spreadsheet should show it: 2 decimals, components in %, penalties
    negative (points taken off, as reports print them), times `YYYY-MM-DD HH:MM:SS` UTC."""
    if column in _TIME_COLUMNS and isinstance(v, str):
        return v.replace("T", " ").removesuffix("Z")
    if isinstance(v, bool) or not isinstance(v, float):
        return v
    if column in _PERCENT_COLUMNS:
        v = 100 * v
    elif column == "penalties":
        v = -v
    return f"{round(v, 2) + 0.0:.2f}"


#: The CSV header: the column names say the unit where it is not obvious.
CSV_HEADER: tuple[str, ...] = tuple(
    f"{c}_pct"
    if c in _PERCENT_COLUMNS
    else (f"{c}_utc" if c in _TIME_COLUMNS else ("duration_minutes" if c == "duration" else c))
    for c in CSV_COLUMNS
)


def export_csv(rows: Iterable[SessionRow]) -> str:
    """The rows as CSV text (header first); text that a spreadsheet would run is defused.

    Components are percentages (`order_pct` ...), penalties negative, figures rounded to 2
    decimals, times `YYYY-MM-DD HH:MM:SS` in UTC (`started_at_utc`, `ended_at_utc`).
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for r in rows:
        # Only text the user typed is defused: our own "-5.00" is a number, not a formula.
        w.writerow(
            [
                defused(v) if isinstance(v, str) and c not in _TIME_COLUMNS else _csv_figure(c, v)
                for c in CSV_COLUMNS
                for v in (getattr(r, c),)
            ]
        )
    return out.getvalue()


def export_plan_csv(items: Iterable[Item]) -> str:
    """The items as CSV (the keys of `plan list --json`); formula-looking text defused."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(ITEM_KEYS)
    for item in items:
        w.writerow([defused("" if v is None else v) for v in item.to_json().values()])
    return out.getvalue()
