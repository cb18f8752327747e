"""The decision log: every decision with its time and result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

from tabletop.engine.events import DecisionRecord
from tabletop.tui.view import format_clock


class DecisionLog(DataTable[Text | str]):
    """Rebuilt when the decisions or their state change (they are few)."""

    def __init__(self, labels: Mapping[str, str], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._labels = labels
        self._key: tuple[object, ...] = ()

    def on_mount(self) -> None:
        self.add_columns("time", "result", "action")

    def sync(
        self, decisions: Sequence[DecisionRecord], done: Mapping[str, float], now: float
    ) -> None:
        """Show these decisions; `done` is the session's first-done times."""
        key = tuple(
            (d.action, d.accepted, d.done_at is not None and d.done_at <= now) for d in decisions
        )
        if key == self._key:
            return
        self._key = key
        self.clear()
        for d in decisions:
            if not d.accepted:
                result = Text("✖ refused", style="red")
            elif d.done_at is not None and d.done_at <= now:
                result = Text(f"✓ {format_clock(d.done_at)}", style="green")
            else:
                result = Text(f"▶ {format_clock(d.done_at or now)}", style="cyan")
            self.add_row(format_clock(d.t), result, self._labels.get(d.action, d.action))
        if decisions:
            self.move_cursor(row=len(decisions) - 1)
