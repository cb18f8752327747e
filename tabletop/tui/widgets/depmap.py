"""The dependency map: every node with its status symbol and colour, grouped by layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tabletop.tui import keys
from tabletop.tui.compat import SteadyScrollbars
from tabletop.tui.keys import bindings
from tabletop.tui.view import STATUS_STYLE, STATUS_SYMBOL, fit_labels

_MIN_CELL = 14  # narrowest node cell: symbol, space, an 11-character label, padding


def columns_for(layer_sizes: list[int], width: int, height: int) -> int:
    """The fewest columns at which every layer (header + rows) fits `height` lines.

    Fewer columns mean wider cells, so longer labels; when nothing fits, as many as fit.
    """
    most = max(1, width // _MIN_CELL)
    for cols in range(1, most + 1):
        lines = sum(1 + -(-n // cols) for n in layer_sizes)
        if lines <= height:
            return cols
    return most


@dataclass(frozen=True)
class MapNode:
    """What the map needs of one node."""

    id: str
    label: str


@dataclass(frozen=True)
class _Line:
    """One rendered line: a layer header, or a row of node indexes."""

    header: str | None
    cells: tuple[int, ...] = ()


class DependencyMap(SteadyScrollbars, ScrollView, can_focus=True):
    """Nodes by layer; arrows move the selection, which is announced with `NodeSelected`."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.DEPENDENCY_MAP)

    cursor: reactive[int] = reactive(0)

    @dataclass
    class NodeSelected(Message):
        """The highlighted node changed."""

        node_id: str

    def __init__(
        self,
        layer_nodes: list[list[MapNode]],
        on_select: Callable[[str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._on_select = on_select
        self._layers = layer_nodes
        self._flat: list[MapNode] = [n for layer in layer_nodes for n in layer]
        self._index = {n.id: i for i, n in enumerate(self._flat)}
        self._status: dict[str, str] = {}
        self._lines: list[_Line] = []
        self._row_of: dict[int, int] = {}
        self._layout_width = -1
        self._layout_height = -1
        self._cell = _MIN_CELL
        # The labels as shown: cut to the cell width, so that no two read the same.
        self._shown: list[str] = []
        self._shown_width = -1

    # ------------------------------------------------------------------ data

    def set_layers(self, layer_nodes: list[list[MapNode]]) -> None:
        """Show these nodes instead (a drill-room seat hears of them after it is built); the
        selection stays on the same node when it is still there, else the first."""
        selected = self.selected
        self._layers = layer_nodes
        self._flat = [n for layer in layer_nodes for n in layer]
        self._index = {n.id: i for i, n in enumerate(self._flat)}
        self._shown_width = -1  # labels fitted again
        if self.is_mounted:
            self._relayout(max(self.scrollable_content_region.width, _MIN_CELL))
        index = self._index.get(selected, 0) if selected is not None else 0
        # Announce the node even when the index stays the same (a new list behind it).
        self.set_reactive(DependencyMap.cursor, index)
        self.watch_cursor(index, index)

    def set_statuses(self, statuses: dict[str, str]) -> None:
        """Show these displayed statuses (node id → up/degraded/down/compromised/standby)."""
        if statuses != self._status:
            self._status = dict(statuses)
            self.refresh()

    @property
    def selected(self) -> str | None:
        """Id of the highlighted node."""
        return self._flat[self.cursor].id if self._flat else None

    def select(self, node_id: str) -> None:
        """Highlight a node by id."""
        if node_id in self._index:
            self.cursor = self._index[node_id]

    # ---------------------------------------------------------------- layout

    def _relayout(self, width: int) -> None:
        height = self.scrollable_content_region.height or 1
        per_row = columns_for([len(layer) for layer in self._layers], width, height)
        cell = max(_MIN_CELL, width // per_row)
        if cell - 3 != self._shown_width:
            self._shown = fit_labels([n.label for n in self._flat], cell - 3)
            self._shown_width = cell - 3
        self._cell = cell
        lines: list[_Line] = []
        row_of: dict[int, int] = {}
        start = 0
        for depth, layer in enumerate(self._layers):
            title = "sources" if depth == 0 else f"layer {depth}"
            lines.append(_Line(f"─ {title} · {len(layer)}"))
            for k in range(0, len(layer), per_row):
                idx = tuple(range(start + k, start + min(k + per_row, len(layer))))
                for i in idx:
                    row_of[i] = len(lines)
                lines.append(_Line(None, idx))
            start += len(layer)
        self._lines, self._row_of, self._layout_width = lines, row_of, width
        self._layout_height = height
        self.virtual_size = Size(width, len(lines))

    def on_resize(self, event: events.Resize) -> None:
        self._relayout(self.scrollable_content_region.width)

    def on_mount(self) -> None:
        self._relayout(max(self.scrollable_content_region.width, _MIN_CELL))

    def render_line(self, y: int) -> Strip:
        region = self.scrollable_content_region
        width = region.width
        if width != self._layout_width or region.height != self._layout_height:
            self._relayout(width)
        n = y + self.scroll_offset.y
        base = self.rich_style
        if n >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[n]
        if line.header is not None:
            return Strip(
                [Segment(line.header, base + Style(dim=True, bold=True))]
            ).adjust_cell_length(width, base)
        segs: list[Segment] = []
        for i in line.cells:
            node = self._flat[i]
            shown = self._status.get(node.id, "up")
            label = self._shown[i].ljust(self._cell - 3)
            style = base + Style.parse(STATUS_STYLE.get(shown, ""))
            if i == self.cursor:
                style += Style(reverse=True, bold=self.has_focus)
            segs.append(Segment(STATUS_SYMBOL.get(shown, "?") + " ", style))
            segs.append(Segment(label, base + Style(reverse=i == self.cursor)))
            segs.append(Segment(" ", base))
        return Strip(segs).adjust_cell_length(width, base)

    # -------------------------------------------------------------- movement

    def watch_cursor(self, old: int, new: int) -> None:
        row = self._row_of.get(new)
        if row is not None:
            self.scroll_to_region(Region(0, row, 1, 1), animate=False, force=True)
        self.refresh()
        if self._flat:
            if self._on_select is not None:  # same frame as the map's own repaint
                self._on_select(self._flat[new].id)
            self.post_message(self.NodeSelected(self._flat[new].id))

    def action_move(self, rows: int, cols: int) -> None:
        if not self._flat:
            return
        if cols:
            self.cursor = (self.cursor + cols) % len(self._flat)
            return
        row = self._row_of.get(self.cursor, 0)
        line = self._lines[row]
        col = line.cells.index(self.cursor)
        step = 1 if rows > 0 else -1
        r = row + step
        while 0 <= r < len(self._lines):
            cells = self._lines[r].cells
            if cells:
                self.cursor = cells[min(col, len(cells) - 1)]
                return
            r += step

    def action_jump(self, index: int) -> None:
        if self._flat:
            self.cursor = index % len(self._flat)

    def on_click(self, event: events.Click) -> None:
        n = event.y + self.scroll_offset.y
        if 0 <= n < len(self._lines):
            cells = self._lines[n].cells
            k = event.x // self._cell
            if 0 <= k < len(cells):
                self.cursor = cells[k]
                self.screen.set_focus(self)  # at once: one frame (see widgets.settle)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
