"""Growing content in a fixed-size scrolling widget (feed, decision log) without a reflow.

Textual's `virtual_size` asks for a screen layout on every change, which repaints every
panel: appending one feed line cost a full-screen repaint. These widgets' sizes are fixed by
the stylesheet, so a layout is only needed when a scrollbar appears or disappears. Classes
declare `virtual_size = quiet_virtual_size()` and call `relayout_if_scrollbars_change` from
`watch_virtual_size`.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget


def quiet_virtual_size() -> Reactive[Size]:
    """A `virtual_size` reactive that repaints the widget but does not reflow the screen."""
    return Reactive(Size(0, 0), layout=False)


def relayout_if_scrollbars_change(widget: Widget, old: Size, new: Size) -> None:
    """Refresh the widget; ask for a layout only when the content starts or stops overflowing."""
    region = widget.scrollable_content_region
    before = (old.width > region.width, old.height > region.height)
    after = (new.width > region.width, new.height > region.height)
    widget.refresh(layout=before != after)
