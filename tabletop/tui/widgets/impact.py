"""Impact: users affected now, at risk, customer-minutes so far, and a sparkline over time."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from tabletop.engine.events import Impact, ImpactPoint
from tabletop.tui.view import resample

_BUCKETS = 40


class ImpactPanel(Vertical):
    """Figures on one line, the sparkline under them."""

    def __init__(self, total_users: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._total = total_users
        self._last: tuple[float, ...] = ()
        self._last_text = Text()

    def compose(self) -> ComposeResult:
        yield Static("", id="impact-figures")
        yield Sparkline([0.0], id="impact-spark", min_color="green", max_color="red")

    def show(self, impact: Impact, series: Sequence[ImpactPoint], now: float) -> None:
        """Update the figures and the sparkline."""
        text = Text("affected ", style="bold")
        style = "bold red" if impact.affected_now else "green"
        text.append(f"{impact.affected_now:,.0f}", style=style)
        if self._total:
            text.append(f"/{self._total:,}", style="dim")
        # Two short lines: at 100 columns the panel is 31 wide.
        text.append("\nat risk ", style="bold")
        text.append(f"{impact.at_risk_now:,}", style="magenta" if impact.at_risk_now else "")
        text.append(f" · cust-min {impact.customer_minutes:,.0f}")
        if impact.at_risk_minutes:
            text.append(f"  at-risk-min {impact.at_risk_minutes:,.0f}", style="magenta")
        if text != self._last_text:
            self._last_text = text
            self.query_one("#impact-figures", Static).update(text, layout=False)
        # A leading 0 (before the outage) anchors the scale: the Sparkline scales min..max,
        # so a constant 12,000 would otherwise draw as a flat low line.
        data = (0.0, *resample(series, now, _BUCKETS))
        if data != self._last:
            self._last = data
            self.query_one(Sparkline).data = list(data)
