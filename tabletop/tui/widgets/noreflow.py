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

from tabletop.tui.compat import update_scrollbars


def quiet_virtual_size() -> Reactive[Size]:
    """A `virtual_size` reactive that repaints the widget but does not reflow the screen."""
    return Reactive(Size(0, 0), layout=False)


def _scrollbars(widget: Widget, content: Size) -> tuple[bool, bool]:
    """Which scrollbars (horizontal, vertical) the widget shows for content of this size."""
    region = widget.scrollable_content_region
    styles = widget.styles

    def shown(overflow: str, over: bool) -> bool:
        return overflow == "scroll" or (overflow == "auto" and over)

    return (
        shown(styles.overflow_x, content.width > region.width),
        shown(styles.overflow_y, content.height > region.height),
    )


def relayout_if_scrollbars_change(widget: Widget, old: Size, new: Size) -> None:
    """Refresh the widget; ask for a layout only when a scrollbar appears or disappears.

    The feed and the decision log have `overflow-y: scroll` (a permanent scrollbar) and
    `overflow-x: hidden` in the stylesheet, so that case never comes up while they fill up:
    the first line past the panel's height used to cost a full-screen relayout (40-80 ms).
    """
    if _scrollbars(widget, old) != _scrollbars(widget, new):
        widget.refresh(layout=True)
        return
    # Same scrollbars: update the thumb's size in place (a layout would do it, at a price).
    update_scrollbars(widget, new)
    widget.refresh()
