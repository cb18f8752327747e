"""What an event says, in words: decided once per kind, for every view of a drill.

The headless timeline (`tabletop run`, the report's appendix) joins the words into one plain
line (`summary`); the drill screen's feed, its facilitator log and a drill-room seat build
styled lines from the same words (`line_spans`: text with a style role per piece, which the
terminal UI maps to colours). No view reads an event's JSON itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from tabletop.engine.events import (
    ActionDone,
    Approve,
    Change,
    Command,
    DecisionTaken,
    End,
    Event,
    FireInject,
    InjectFired,
    InjectSkipped,
    Join,
    Jump,
    Note,
    Pace,
    Payload,
    ProposalClosed,
    Propose,
    Refusal,
    Start,
)
from tabletop.engine.status_codes import STATUS_SYMBOL
from tabletop.exercise_time import instant
from tabletop.scenario.models import Scenario

#: What a piece of a styled line is, for the view to style it (see `tabletop.tui.event_lines`).
Role = Literal[
    "time",  # the exercise clock in front of the line
    "plain",  # ordinary text
    "title",  # an inject's title
    "inject",  # the inject mark
    "facilitator",  # the facilitator-only mark
    "started",  # a decision's mark
    "refused",  # a refusal's mark
    "reason",  # a refusal's reason
    "done",  # an action-done mark
    "note",  # a note's mark
    "quote",  # a message or what an action reveals
    "quiet",  # secondary text: done-at, changes, skipped injects, room bookkeeping
    "warn",  # nodes that stay down until restarted
    "end",  # the end of the drill
]
Span = tuple[str, Role]

#: How many changed nodes the timeline lists (as `node old→new`) before `… N more`.
TIMELINE_CHANGES = 5
#: How many changed nodes a styled line names (most users first) before `+N more`.
NAMED_CHANGES = 2
#: How many latched nodes a styled line names before `and N more`.
NAMED_LATCHED = 3

#: Facilitator commands that are bookkeeping, not news: the minute checkpoint, a drill
#: suspended to the history, and a proposal's approval and closing (the approval shows as the
#: decision it takes, the closing as the proposal list's update).
BOOKKEEPING = frozenset({"clock", "suspend", "approve", "proposal-closed"})


@dataclass(frozen=True)
class NodeNames:
    """What a line needs to name nodes: label and users per node id."""

    labels: Mapping[str, str]
    users: Mapping[str, int]

    @classmethod
    def of(cls, scenario: Scenario) -> NodeNames:
        """Labels and users of the scenario's nodes."""
        return cls({n.id: n.label for n in scenario.nodes}, {n.id: n.users for n in scenario.nodes})


# ------------------------------------------------------------------- the words


def pace_words(seconds_per_minute: float) -> str:
    """A pace as the clock bar shows it: `1 min / 5 s`."""
    return f"1 min / {seconds_per_minute:g} s"


def inject_title(p: InjectFired | InjectSkipped) -> str:
    """An inject's title, or its id when the journal has none."""
    return p.title if p.title is not None else p.inject


def for_facilitator_only(payload: Payload, facilitator_injects: Collection[str] = ()) -> bool:
    """Whether an event is for the facilitator alone: a facilitator inject fired or skipped
    (`audience: facilitator`), or the facilitator firing one of `facilitator_injects` by hand
    (that would tell the team something happened)."""
    if isinstance(payload, InjectFired | InjectSkipped):
        return payload.audience == "facilitator"
    return isinstance(payload, FireInject) and payload.inject in facilitator_injects


def action_name(p: DecisionTaken | Refusal | ActionDone, labels: Mapping[str, str]) -> str:
    """The action as people read it: the label the event carries, else the scenario's
    (`labels`: action id → label), else the id."""
    label = None if isinstance(p, Refusal) else p.label
    return label if label is not None else labels.get(p.action, p.action)


def skip_reason(p: InjectSkipped) -> str:
    """Why an inject did not fire."""
    return p.reason if p.reason is not None else "its condition did not hold"


def refusal_reason(p: Refusal) -> str:
    """Why an action was refused."""
    return p.reason if p.reason is not None else "refused"


def end_figures(p: End) -> str:
    """The impact when the drill ended: `1,234 customer-minutes, 56 at-risk minutes`."""
    return (
        f"{float(p.customer_minutes or 0):,.0f} customer-minutes, "
        f"{float(p.at_risk_minutes or 0):,.0f} at-risk minutes"
    )


def early_end_words(p: End) -> str | None:
    """After an early end, what happens to the outage; None for an end at the duration."""
    if p.scored_to is None:
        return None
    return f"the outage runs on to {instant(p.scored_to)} and is scored to then"


def end_reason(p: End) -> str:
    """Why the drill ended."""
    return p.reason if p.reason is not None else "ended"


def changed_count(p: InjectFired | ActionDone) -> int:
    """How many nodes changed status (the journal lists at most 20 of them)."""
    return max(p.changed or 0, len(p.changes or ()))


def changes_named(p: InjectFired | ActionDone, nodes: NodeNames | None) -> str | None:
    """The status changes in words, most users first, then `+N more`:
    `Web storefront ✖ down, Checkout ✖ down, +3 more` (None when nothing changed)."""
    listed = p.changes or ()
    total = changed_count(p)
    if not total:
        return None
    if nodes is None or not listed:
        return f"{total} node{'s' if total != 1 else ''} changed status"
    ranked = sorted(listed, key=lambda c: -nodes.users.get(c.node, 0))  # stable: file order
    shown = [
        f"{nodes.labels.get(c.node, c.node)} {STATUS_SYMBOL.get(c.new, '?')} {c.new}"
        for c in ranked[:NAMED_CHANGES]
    ]
    if total > len(shown):
        shown.append(f"+{total - len(shown)} more")
    return ", ".join(shown)


def latched_named(p: InjectFired | ActionDone, nodes: NodeNames | None) -> str | None:
    """The `recovers: manual` nodes that went down and stay down, in words, or None:
    `Orders database stays down until someone restarts it`."""
    names = [nodes.labels.get(n, n) if nodes is not None else n for n in p.latched or ()]
    if not names:
        return None
    if len(names) == 1:
        return f"{names[0]} stays down until someone restarts it"
    if len(names) > NAMED_LATCHED:
        shown = ", ".join(names[:NAMED_LATCHED]) + f" and {len(names) - NAMED_LATCHED} more"
    else:
        shown = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{shown} stay down until someone restarts them"


def command_details(p: Command) -> list[tuple[str, object]]:
    """A facilitator command's fields in journal order, as (key, value)."""
    return [(k, v) for k, v in p.to_json().items() if k != "command"]


# ------------------------------------------------------------- plain timeline


def summary(event: Event) -> str:
    """The event in one plain line, as the timeline of `tabletop run` and the report print
    it (without its clock and kind)."""
    p = event.payload
    if isinstance(p, InjectFired):
        message = f": {p.message}" if p.message else ""
        return f"{_audience(p)}{inject_title(p)}{message}{_timeline_changes(p)}"
    if isinstance(p, InjectSkipped):
        return f"{_audience(p)}{inject_title(p)} (not fired: {skip_reason(p)})"
    if isinstance(p, DecisionTaken):
        done = f", done at {instant(p.done_at)}" if p.done_at is not None else ""
        return f"{action_name(p, {})} [{p.action}]{_who(p.by, p.note, p.message)}{done}"
    if isinstance(p, Refusal):
        by = f" (by {p.by})" if p.by else ""
        return f"{p.action}{by}: {refusal_reason(p)}{_who(None, p.note, p.message)}"
    if isinstance(p, ActionDone):
        reveals = f" — {p.reveals}" if p.reveals else ""
        return f"{action_name(p, {})} [{p.action}]{reveals}{_timeline_changes(p)}"
    if isinstance(p, Note):
        return f"{p.text}{_who(p.by, None, None)}"
    if isinstance(p, End):
        said = f"drill ended ({end_reason(p)}): {end_figures(p)}"
        early = early_end_words(p)
        return f"{said} so far; {early}" if early else said
    if isinstance(p, Command):
        return _command_summary(p)
    return ", ".join(f"{k}={v}" for k, v in p.to_json().items())  # the start


def _command_summary(p: Command) -> str:
    """A facilitator command in words for the timeline and the report's facilitator log;
    a command this version has no words for is shown with its fields."""
    if isinstance(p, Pace):
        return f"pace set to {pace_words(p.seconds_per_minute)}"
    if isinstance(p, Jump):
        return f"clock moved on to {instant(p.to)}"
    if isinstance(p, FireInject):
        return f"inject {p.inject} fired by hand"
    if isinstance(p, Join):
        return f"{p.name} joined as {p.role} (seat {p.seat})"
    if isinstance(p, Propose):
        return f"{p.proposer} proposed {p.action} ({p.proposal})"
    if isinstance(p, Approve):
        return f"{p.approver} approved {p.proposal}"
    if isinstance(p, ProposalClosed):
        return f"proposal {p.proposal} closed: {p.outcome}"
    details = ", ".join(f"{k} {v}" for k, v in command_details(p))
    return f"{p.command}{': ' + details if details else ''}"


def _audience(p: InjectFired | InjectSkipped) -> str:
    """Marks an inject only the facilitator sees (the team's feed never shows it)."""
    return "[facilitator only] " if p.audience == "facilitator" else ""


def _who(by: str | None, note: str | None, message: str | None) -> str:
    parts = []
    if by:
        parts.append(f" by {by}")
    if note:
        parts.append(f" — note: {note}")
    if message:
        parts.append(f' — message: "{message}"')
    return "".join(parts)


def _timeline_changes(p: InjectFired | ActionDone) -> str:
    count = p.changed if p.changed is not None else len(p.changes or ())
    if not count:
        return ""
    listed: tuple[Change, ...] = p.changes or ()
    shown = ", ".join(f"{c.node} {c.old}→{c.new}" for c in listed[:TIMELINE_CHANGES])
    more = f", … {count - TIMELINE_CHANGES} more" if count > TIMELINE_CHANGES else ""
    latched = ""
    if p.latched:
        verb = "stays" if len(p.latched) == 1 else "stay"
        latched = f" [{', '.join(p.latched)} {verb} down until restarted]"
    return f" [{count} changed: {shown}{more}]{latched}"


# --------------------------------------------------------------- styled lines


def line_spans(
    event: Event, labels: Mapping[str, str] | None = None, nodes: NodeNames | None = None
) -> list[Span] | None:
    """The event as a styled line (pieces of text with a role; `\\n  ` starts an indented
    detail line), or None when it is no news: the start and room bookkeeping (`BOOKKEEPING`).

    `labels` name actions (action id → label) and `nodes` the nodes that changed. Which
    events a view shows at all (the team never sees a facilitator inject) is the view's.
    """
    p = event.payload
    body = _spans(p, labels or {}, nodes)
    return None if body is None else [(f"{instant(event.t)} ", "time"), *body]


def _spans(p: Payload, labels: Mapping[str, str], nodes: NodeNames | None) -> list[Span] | None:
    if isinstance(p, InjectFired):
        spans: list[Span] = [("⚡ ", "inject"), *_audience_span(p), (inject_title(p), "title")]
        if p.message:
            spans.append((f"\n  {p.message}", "plain"))
        return spans + _change_spans(p, nodes)
    if isinstance(p, InjectSkipped):
        said = f"{inject_title(p)} ({skip_reason(p)})"
        return [("· skipped: ", "quiet"), *_audience_span(p), (said, "quiet")]
    if isinstance(p, DecisionTaken):
        spans = [("→ ", "started"), (_by(p.by) + "took ", "plain")]
        spans.append((action_name(p, labels), "plain"))
        if p.done_at is not None:
            spans.append((f" (done at {instant(p.done_at)})", "quiet"))
        return spans + _said_spans(p.message, p.note)
    if isinstance(p, Refusal):
        spans = [("✖ refused ", "refused"), (action_name(p, labels), "plain")]
        if p.by:
            spans.append((f" for {p.by}", "plain"))
        spans.append((f": {refusal_reason(p)}", "reason"))
        return spans + _said_spans(p.message, p.note)
    if isinstance(p, ActionDone):
        spans = [("✓ ", "done"), (f"done: {action_name(p, labels)}", "plain")]
        if p.reveals:
            spans.append((f"\n  {p.reveals}", "quote"))
        return spans + _change_spans(p, nodes)
    if isinstance(p, Note):
        return [(f"✎ note{' by ' + p.by if p.by else ''}: ", "note"), (p.text, "plain")]
    if isinstance(p, End):
        spans = [(f"■ drill ended ({end_reason(p)})", "end")]
        early = early_end_words(p)
        return [*spans, (f"\n  {early}", "quiet")] if early else spans
    if isinstance(p, Command):
        words = _command_words(p, labels)
        return None if words is None else [(words, "quiet")]
    assert isinstance(p, Start)
    return None


def _command_words(p: Command, labels: Mapping[str, str]) -> str | None:
    if p.command in BOOKKEEPING:
        return None
    if isinstance(p, FireInject):
        return "facilitator fired an inject"
    if isinstance(p, Join):
        return f"{p.name} joined as {p.role}"
    if isinstance(p, Propose):
        return f"{p.proposer} proposes {labels.get(p.action, p.action)}"
    if isinstance(p, Pace):
        return f"facilitator: pace {pace_words(p.seconds_per_minute)}"
    if isinstance(p, Jump):
        return f"facilitator: jump to {instant(p.to)}"
    return f"facilitator: {p.command}"


def _by(by: str | None) -> str:
    return f"{by} " if by else ""


def _audience_span(p: InjectFired | InjectSkipped) -> list[Span]:
    return [("[facilitator only] ", "facilitator")] if p.audience == "facilitator" else []


def _said_spans(message: str | None, note: str | None) -> list[Span]:
    spans: list[Span] = []
    if message:
        spans.append((f"\n  message: “{message}”", "quote"))
    if note:
        spans.append((f"\n  note: {note}", "quiet"))
    return spans


def _change_spans(p: InjectFired | ActionDone, nodes: NodeNames | None) -> list[Span]:
    spans: list[Span] = []
    said = changes_named(p, nodes)
    if said:
        spans.append((f"\n  {said}", "quiet"))
    latched = latched_named(p, nodes)
    if latched:
        spans.append((f"\n  ⚠ {latched}", "warn"))
    return spans
