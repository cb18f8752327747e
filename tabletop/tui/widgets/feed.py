"""The incident feed: injects, action results with what they reveal, refusals, notes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.widgets import RichLog

from tabletop.engine.events import Event
from tabletop.scenario.models import Scenario
from tabletop.tui.compat import SteadyScrollbars
from tabletop.tui.view import STATUS_SYMBOL, Feedback, for_facilitator, format_clock
from tabletop.tui.widgets.noreflow import quiet_virtual_size, relayout_if_scrollbars_change

#: How many changed nodes a feed entry names before "+N more".
NAMED_CHANGES = 2


@dataclass(frozen=True)
class NodeNames:
    """What the feed needs to name nodes: label and users per node id."""

    labels: Mapping[str, str]
    users: Mapping[str, int]

    @classmethod
    def of(cls, scenario: Scenario) -> NodeNames:
        """Labels and users of the scenario's nodes."""
        return cls({n.id: n.label for n in scenario.nodes}, {n.id: n.users for n in scenario.nodes})


def changes_text(data: Mapping[str, Any], nodes: NodeNames | None) -> str | None:
    """The status changes of an event in words: most users first, then `+N more`.

    E.g. `Web storefront ✖ down, Checkout ✖ down, +3 more`. Uses the event's `changes`
    ([node, old, new], possibly capped) and `changed` (the full count).
    """
    listed = [c for c in data.get("changes") or () if len(c) == 3]
    total = max(int(data.get("changed") or 0), len(listed))
    if not total:
        return None
    if nodes is None or not listed:
        return f"{total} node{'s' if total != 1 else ''} changed status"
    ranked = sorted(listed, key=lambda c: -nodes.users.get(c[0], 0))  # stable: file order
    shown = [
        f"{nodes.labels.get(node, node)} {STATUS_SYMBOL.get(new, '?')} {new}"
        for node, _old, new in ranked[:NAMED_CHANGES]
    ]
    if total > len(shown):
        shown.append(f"+{total - len(shown)} more")
    return ", ".join(shown)


#: How many latched nodes a feed entry names before "and N more".
NAMED_LATCHED = 3


def latched_text(data: Mapping[str, Any], nodes: NodeNames | None) -> str | None:
    """The nodes that went down and stay down (`recovers: manual`), in words, or None.

    E.g. `Orders database stays down until someone restarts it`.
    """
    latched = [str(n) for n in data.get("latched") or ()]
    if not latched:
        return None
    names = [nodes.labels.get(n, n) if nodes is not None else n for n in latched]
    if len(names) > NAMED_LATCHED:
        shown = ", ".join(names[:NAMED_LATCHED]) + f" and {len(names) - NAMED_LATCHED} more"
    elif len(names) > 1:
        shown = ", ".join(names[:-1]) + f" and {names[-1]}"
    else:
        return f"{names[0]} stays down until someone restarts it"
    return f"{shown} stay down until someone restarts them"


def _append_changes(head: Text, data: Mapping[str, Any], nodes: NodeNames | None) -> None:
    said = changes_text(data, nodes)
    if said:
        head.append(f"\n  {said}", style="dim")
    latched = latched_text(data, nodes)
    if latched:
        head.append(f"\n  ⚠ {latched}", style="bold yellow")


def event_text(
    ev: Event,
    labels: dict[str, str],
    nodes: NodeNames | None = None,
    facilitator_injects: Collection[str] = (),
) -> Text | None:
    """The feed line of one event, or None for events the team does not see.

    `labels` are the action labels; `nodes` names the nodes whose status changed. Injects
    meant for the facilitator (and the facilitator firing one of `facilitator_injects`) are
    never in the team's feed: they go to the facilitator log.
    """
    d = ev.data
    if for_facilitator(ev, facilitator_injects):
        return None
    head = Text(f"{format_clock(ev.t)} ", style="dim")
    if ev.kind == "inject":
        head.append("⚡ ", style="bold yellow")
        head.append(str(d.get("title", d.get("inject"))), style="bold")
        if d.get("message"):
            head.append(f"\n  {d['message']}")
        _append_changes(head, d, nodes)
    elif ev.kind == "inject-skipped":
        head.append("· skipped: ", style="dim")
        head.append(f"{d.get('title', d.get('inject'))} ({d.get('reason', '')})", style="dim")
    elif ev.kind == "decision":
        head.append("→ ", style="cyan")
        head.append(f"started {d.get('label', d.get('action'))}")
        head.append(f" (done at {format_clock(float(d.get('done_at', ev.t)))})", style="dim")
        if d.get("message"):
            head.append(f"\n  message: “{d['message']}”", style="italic")
    elif ev.kind == "refusal":
        action = str(d.get("action"))
        head.append("✖ refused ", style="bold red")
        head.append(labels.get(action, action))
        head.append(f": {d.get('reason')}", style="red")
    elif ev.kind == "action-done":
        head.append("✓ ", style="green")
        head.append(f"done: {d.get('label', d.get('action'))}")
        if d.get("reveals"):
            head.append(f"\n  {d['reveals']}", style="italic")
        _append_changes(head, d, nodes)
    elif ev.kind == "note":
        head.append("✎ note: ", style="magenta")
        head.append(str(d.get("text", "")))
    elif ev.kind == "facilitator":
        cmd = d.get("command")
        if cmd != "fire-inject":
            return None
        head.append("facilitator fired an inject", style="dim")
    elif ev.kind == "end":
        head.append(f"■ drill ended ({d.get('reason')})", style="bold")
    else:
        return None
    return head


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
