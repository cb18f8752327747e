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
    widget._scroll_update(new)
    widget.refresh()


class SteadyScrollbars:
    """Mixin for the scrolling panels above (first in the bases): no scrollbar repaint when a
    screen layout leaves the panel's size alone.

    On every screen layout Textual hands each scrolling widget the virtual size it computed,
    which differs from the one these widgets keep themselves (the compositor's is at least
    the visible area); `ScrollView` then takes the widget's own size anyway, but repaints its
    scrollbars, and that repaint came a frame after the layout's own: every layout (the
    message box opening, a phase filter) painted two frames, 17-33 ms apart.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        widget: Widget = self  # type: ignore[assignment]
        if size == widget._size and container_size == widget.container_size:
            return False  # what ScrollView would conclude, without the scrollbar repaint
        return super()._size_updated(size, virtual_size, container_size, layout)  # type: ignore[misc]
