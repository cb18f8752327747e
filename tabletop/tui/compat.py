"""Every use of a private Textual API, in one place (Textual is pinned to one minor version).

Textual's public API does not cover a few things the drill screen needs to stay within a
frame per key (see benchmarks/bench_ui.py) or to behave as a drill should (a stray click must
not take an action). Each such use is wrapped here, and tests/tui/test_compat.py checks that
the private names still exist with the signatures used below: when a Textual upgrade changes
one, that test fails and names it, rather than the UI breaking quietly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.notifications import Notification
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Resize the widget's scrollbar thumbs for content of this size, without a layout.

    Private: `Widget._scroll_update`, what a layout calls; the public way is a screen layout.
    """
    widget._scroll_update(virtual_size)


class SteadyScrollbars:
    """Mixin for scrolling panels (first in the bases): no scrollbar repaint when a screen
    layout leaves the panel's size alone.

    On every screen layout Textual hands each scrolling widget the virtual size it computed,
    which differs from the one these widgets keep themselves (the compositor's is at least
    the visible area); `ScrollView` then takes the widget's own size anyway, but repaints its
    scrollbars, and that repaint came a frame after the layout's own: every layout (the
    message box opening, a phase filter) painted two frames, 17-33 ms apart.

    Private: overrides `Widget._size_updated` and reads `Widget._size`.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        widget: Widget = self  # type: ignore[assignment]
        if size == widget._size and container_size == widget.container_size:
            return False  # what ScrollView would conclude, without the scrollbar repaint
        return super()._size_updated(size, virtual_size, container_size, layout)  # type: ignore[misc,no-any-return]


def option_lines(option_list: OptionList, index: int) -> tuple[int, int] | None:
    """(first line, number of lines) of option `index` in the list's content, if laid out.

    Private: `OptionList._update_lines`, `_index_to_line` and `_heights` (its line cache).
    """
    option_list._update_lines()
    try:
        return option_list._index_to_line[index], option_list._heights[index]
    except (KeyError, IndexError):
        return None


class ClickHighlightsOptionList(OptionList):
    """An option list where a single click only highlights and a double click selects.

    Private: overrides `OptionList._on_click` (the base selects on every click, and a
    handler of the public `Click` message runs after it).
    """

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()
        clicked: int | None = event.style.meta.get("option")
        if clicked is None or self.options[clicked].disabled:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()


def screen_key_bindings(screen: Screen[Any]) -> dict[str, list[Binding]]:
    """The screen's own bindings by key, shadowed or not by the focused widget's.

    Private: `DOMNode._bindings.key_to_bindings` (`active_bindings` keeps only the winner).
    """
    return screen._bindings.key_to_bindings


def screen_lines(screen: Screen[Any]) -> list[str]:
    """What the screen shows now, one string per row (for tests).

    Private: `Screen._compositor.render_strips()`.
    """
    return [strip.text for strip in screen._compositor.render_strips()]


def repaints_held(app: App[Any]) -> bool:
    """True while a batch holds the app's repaints (for tests).

    Private: `App._batch_count`.
    """
    return app._batch_count > 0


def notifications(app: App[Any]) -> list[Notification]:
    """The toasts the app shows now (for tests).

    Private: `App._notifications`.
    """
    return list(app._notifications)


@contextmanager
def paint_times(painted: list[float], clock: Callable[[], float]) -> Iterator[None]:
    """While inside, append `clock()` to `painted` each time any screen paints (benchmarks).

    Private: wraps `Screen._compositor_refresh`, where a screen writes its changes out.
    """
    original = Screen._compositor_refresh

    def timed(self: Screen[Any]) -> None:
        original(self)
        painted.append(clock())

    Screen._compositor_refresh = timed  # type: ignore[method-assign]
    try:
        yield
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]
