"""The decision log: every decision with its time and result, newest at the bottom.

A small line-API widget rather than a DataTable: the table sizes its rows after the next
refresh, which cost a second repaint (about 30 ms) for every decision taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tabletop.engine.events import DecisionRecord
from tabletop.tui import keys
from tabletop.tui.compat import SteadyScrollbars
from tabletop.tui.keys import bindings
from tabletop.tui.view import format_clock
from tabletop.tui.widgets.noreflow import quiet_virtual_size, relayout_if_scrollbars_change

#: (time, result, result style, action label) of one row.
Row = tuple[str, str, str, str]


def decision_row(d: DecisionRecord, now: float, label: str) -> Row:
    """The row of one decision as the log shows it at time `now`."""
    if not d.accepted:
        return (format_clock(d.t), "✖ refused", "red", label)
    if d.done_at is not None and d.done_at <= now:
        return (format_clock(d.t), f"✓ {format_clock(d.done_at)}", "green", label)
    return (format_clock(d.t), f"▶ {format_clock(d.done_at or now)}", "cyan", label)


class DecisionLog(SteadyScrollbars, ScrollView, can_focus=True):
    """One line per decision: when, the result (refused, running until, done at), the action."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.DECISION_LOG)

    virtual_size = quiet_virtual_size()  # see tabletop.tui.widgets.noreflow

    def __init__(self, labels: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._labels = labels
        self._rows: list[Row] = []

    @property
    def rows(self) -> list[Row]:
        """The rows shown, oldest first."""
        return list(self._rows)

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        relayout_if_scrollbars_change(self, old, new)

    def sync(
        self, decisions: Sequence[DecisionRecord], done: Mapping[str, float], now: float
    ) -> None:
        """Show these decisions: new rows appended, changed results redrawn in place."""
        grew = False
        for k, d in enumerate(decisions):
            row = decision_row(d, now, self._labels.get(d.action, d.action))
            if k < len(self._rows):
                if row != self._rows[k]:
                    self._rows[k] = row
                    self.refresh_line(k)
                continue
            self._rows.append(row)
            grew = True
        if grew:
            self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
            # Scroll in this frame: the new row and the scroll are painted together.
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def refresh_line(self, k: int) -> None:
        """Repaint row k if it is visible."""
        y = k - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh_lines(y)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        k = y + self.scroll_offset.y
        if not 0 <= k < len(self._rows):
            if k == 0 and not self._rows:
                return Strip(
                    [Segment("no decision yet", base + Style(dim=True))]
                ).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        when, result, style, label = self._rows[k]
        segs = [
            Segment(f"{when} ", base + Style(dim=True)),
            Segment(f"{result:<11} ", base + Style.parse(style)),
            Segment(label, base),
        ]
        return Strip(segs).adjust_cell_length(width, base)
