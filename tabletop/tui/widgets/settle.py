"""One frame per focus change: repaints held until every widget the change touched reported.

A focus change restyles the old and the new focused widget on their Blur and Focus events,
each in its own task, and every widget repainted (those two, their scrollbars, a panel's
border, the key bar) reports to the screen from its own task when it next goes idle. The
first report used to start a frame and the rest landed in a second one, 17-33 ms later
(Textual's frame timer waits one to two periods after a pause): two frames per key.

`FocusSettle` holds the app's repaints (`App.batch_update`, public) from the change until
each touched widget has handled what was queued for it: `call_later` queues a callback
behind the widget's pending events, and the widget reports its repaint when it goes idle
right after, so that when the last callback has run the screen has every report queued
before it can paint. A fixed 5 ms hold did the same when the machine was quiet, and ended
too early when it was busy. A backstop timer ends the hold anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

#: At most this many seconds of repaints held after a focus change (a backstop: the hold
#: normally ends within a few milliseconds, when the last touched widget has reported).
SETTLE_MAX = 0.05


def _scrollbars(widget: Widget) -> list[Widget]:
    """The scrollbars `widget` shows (restyled with it on a focus change)."""
    bars: list[Widget] = []
    if widget.show_vertical_scrollbar:
        bars.append(widget.vertical_scrollbar)
    if widget.show_horizontal_scrollbar:
        bars.append(widget.horizontal_scrollbar)
    return bars


class FocusSettle:
    """Holds the repaints of `screen`'s app while a focus change settles."""

    def __init__(self, screen: Screen[Any], backstop: float = SETTLE_MAX) -> None:
        self._screen = screen
        self._backstop = backstop
        self._batch = ExitStack()
        self._timer: Timer | None = None
        self._pending: set[Widget] = set()

    @property
    def settling(self) -> bool:
        """True while repaints are held."""
        return self._timer is not None

    def hold(self) -> None:
        """Hold repaints from now (call before moving the focus)."""
        if self._timer is None and self._screen.is_attached:
            app = self._screen.app
            self._batch.enter_context(app.batch_update())
            # An app timer, not the screen's: the hold must end even if the screen goes.
            self._timer = app.set_timer(self._backstop, self.end)

    def release_after(self, widgets: Iterable[Widget], focus: Iterable[Widget] = ()) -> None:
        """End the hold once each of `widgets` and `focus` has handled its queued messages.

        `focus` are the blurred and focused widgets: their scrollbars are restyled while
        they handle Blur and Focus, so they are waited for after that.
        """
        if self._timer is None:
            return
        for widget in widgets:
            self._wait_for(widget)
        for widget in focus:
            self._wait_for(widget, then_scrollbars=True)
        if not self._pending:
            self.end()

    def _wait_for(self, widget: Widget, then_scrollbars: bool = False) -> None:
        if widget in self._pending:
            return
        # False: the widget is closing and will report nothing more.
        if widget.call_later(self._handled, widget, then_scrollbars):
            self._pending.add(widget)

    def _handled(self, widget: Widget, then_scrollbars: bool) -> None:
        if then_scrollbars and self._timer is not None:
            for bar in _scrollbars(widget):
                self._wait_for(bar)
        self._pending.discard(widget)
        if not self._pending:
            self.end()

    def end(self) -> None:
        """Let repaints through (now, whatever is pending); the screen paints them."""
        self._pending.clear()
        if self._timer is None:
            return
        self._timer.stop()
        self._timer = None
        self._batch.close()
        if self._screen.is_attached:
            self._screen.check_idle()  # the screen's idle resumes its frame timer
