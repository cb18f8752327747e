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
        self._results: list[Text] = []

    def on_mount(self) -> None:
        self.add_column("time", key="time")
        self.add_column("result", key="result")
        self.add_column("action", key="action")

    def sync(
        self, decisions: Sequence[DecisionRecord], done: Mapping[str, float], now: float
    ) -> None:
        """Show these decisions: new ones are appended, changed results updated in place."""
        for k, d in enumerate(decisions):
            result = self._result(d, now)
            if k < len(self._results):
                if result != self._results[k]:
                    self._results[k] = result
                    self.update_cell(str(k), "result", result)
                continue
            self._results.append(result)
            self.add_row(
                format_clock(d.t), result, self._labels.get(d.action, d.action), key=str(k)
            )
            self.move_cursor(row=k)

    @staticmethod
    def _result(d: DecisionRecord, now: float) -> Text:
        if not d.accepted:
            return Text("✖ refused", style="red")
        if d.done_at is not None and d.done_at <= now:
            return Text(f"✓ {format_clock(d.done_at)}", style="green")
        return Text(f"▶ {format_clock(d.done_at or now)}", style="cyan")
