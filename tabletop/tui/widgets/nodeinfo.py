"""Details of the selected node: status, why, dependencies and dependents."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from tabletop.engine.events import NodeView
from tabletop.tui.view import STATUS_STYLE, STATUS_SYMBOL, display_status

_MAX_LISTED = 6


class NodeDetail(Static):
    """Shows one `NodeView`; the related nodes are given with their current status."""

    _last: Text | None = None

    def show(
        self, view: NodeView, status_of: Callable[[str], str], label_of: Callable[[str], str]
    ) -> None:
        """Render `view`; `status_of(id)` gives the displayed status of a related node."""
        shown = display_status(view.own, view.effective)
        text = Text()
        text.append(f"{STATUS_SYMBOL[shown]} {shown} ", style=STATUS_STYLE[shown])
        text.append(view.label, style="bold")
        text.append(f"  ({view.id}, {view.kind}")
        if view.third_party:
            text.append(", third party")
        text.append(")")
        if view.users:
            text.append(f"  {view.users:,} users")
        if view.why:
            text.append("\nwhy: ", style="bold")
            text.append(view.why)
        for title, ids in (("needs", view.depends_on), ("used by", view.dependents)):
            text.append(f"\n{title}: ", style="bold")
            if not ids:
                text.append("nothing", style="dim")
            for k, other in enumerate(ids[:_MAX_LISTED]):
                st = status_of(other)
                if k:
                    text.append(", ")
                text.append(STATUS_SYMBOL.get(st, "?"), style=STATUS_STYLE.get(st, ""))
                text.append(f" {label_of(other)}")
            if len(ids) > _MAX_LISTED:
                text.append(f" and {len(ids) - _MAX_LISTED} more", style="dim")
        if text != self._last:
            self._last = text
            self.update(text, layout=False)  # fixed height in the stylesheet
