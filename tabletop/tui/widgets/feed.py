"""The incident feed: injects, action results with what they reveal, refusals, notes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from rich.text import Text
from textual.geometry import Size
from textual.widgets import RichLog

# NodeNames and the words of changes are the engine's (one wording for every view).
from tabletop.engine.event_text import NodeNames as NodeNames
from tabletop.engine.event_text import for_facilitator_only
from tabletop.engine.events import Command, Event, FireInject
from tabletop.tui.compat import SteadyScrollbars
from tabletop.tui.event_lines import styled_line
from tabletop.tui.view import Feedback
from tabletop.tui.widgets.noreflow import quiet_virtual_size, relayout_if_scrollbars_change


def event_text(
    ev: Event,
    labels: Mapping[str, str],
    nodes: NodeNames | None = None,
    facilitator_injects: Collection[str] = (),
) -> Text | None:
    """The feed line of one event, or None for events the team does not see.

    `labels` are the action labels; `nodes` names the nodes whose status changed. Injects
    meant for the facilitator (and the facilitator firing one of `facilitator_injects`) are
    never in the team's feed: they go to the facilitator log. Of the facilitator's commands
    only firing an inject is news here: pausing, pacing and stepping are the keys just pressed.
    """
    p = ev.payload
    if for_facilitator_only(p, facilitator_injects):
        return None
    if isinstance(p, Command) and not isinstance(p, FireInject):
        return None
    return styled_line(ev, labels, nodes)


class IncidentFeed(SteadyScrollbars, RichLog):
    """Appends the session's new events on each `sync`."""

    virtual_size = quiet_virtual_size()  # see tabletop.tui.widgets.noreflow

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        relayout_if_scrollbars_change(self, old, new)

    def __init__(
        self,
        labels: dict[str, str],
        nodes: NodeNames | None = None,
        facilitator_injects: Collection[str] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(wrap=True, markup=False, auto_scroll=True, min_width=20, **kwargs)  # type: ignore[arg-type]
        self._labels = labels
        self._node_names = nodes
        self._facilitator_injects = frozenset(facilitator_injects)
        self._seen = 0

    def sync(self, feed: Sequence[Event]) -> bool:
        """Write events not shown yet; True when something was written."""
        new = feed[self._seen :]
        self._seen = len(feed)
        wrote = False
        for ev in new:
            line = event_text(ev, self._labels, self._node_names, self._facilitator_injects)
            if line is not None:
                self.write(line, scroll_end=False)
                wrote = True
        if wrote:
            self._follow()
        return bool(new)

    def _follow(self) -> None:
        # Scroll now rather than after the next refresh (RichLog's default), so that the new
        # lines and the scroll are painted in one frame.
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def feedback(self, lines: Sequence[Feedback]) -> None:
        """Write training-mode feedback on the last decision."""
        for fb in lines:
            mark, style = ("✓", "green") if fb.good else ("!", "yellow")
            self.write(Text(f"  {mark} {fb.text}", style=style), scroll_end=False)
        self._follow()
