"""What each kind of event says: the plain timeline summary and the styled line's words,
worked by hand from one event per kind."""

from __future__ import annotations

from typing import Any

import pytest

from tabletop.engine.event_text import (
    NodeNames,
    changes_named,
    for_facilitator_only,
    latched_named,
    line_spans,
    summary,
)
from tabletop.engine.events import Event, FireInject, InjectFired, parse_event

NODES = NodeNames(
    {"feed": "Utility feed", "db": "Orders database", "web": "Web storefront"},
    {"feed": 0, "db": 10, "web": 12000},
)
LABELS = {"fix": "Start the generator"}


def ev(t: float, kind: str, **fields: Any) -> Event:
    return parse_event({"seq": 1, "t": t, "kind": kind, **fields})


def line(event: Event, nodes: NodeNames | None = NODES) -> str | None:
    spans = line_spans(event, LABELS, nodes)
    return None if spans is None else "".join(text for text, _ in spans)


INJECT = ev(
    2,
    "inject",
    inject="cut",
    title="Power lost",
    message="The feed dropped.",
    effects=[{"node": "feed", "status": "down"}],
    changes=[["feed", "up", "down"], ["db", "up", "down"], ["web", "up", "down"]],
    changed=3,
    latched=["db"],
)

# (event, the timeline's summary, the styled line's text)
EXAMPLES: list[tuple[Event, str, str | None]] = [
    (
        INJECT,
        "Power lost: The feed dropped. [3 changed: feed up→down, db up→down, web up→down]"
        " [db stays down until restarted]",
        "T+2:00 ⚡ Power lost\n  The feed dropped.\n  Web storefront ✖ down, Orders database"
        " ✖ down, +1 more\n  ⚠ Orders database stays down until someone restarts it",
    ),
    (
        ev(0, "inject", inject="hint", title="Psst", audience="facilitator", changes=[], changed=0),
        "[facilitator only] Psst",
        "T+0:00 ⚡ [facilitator only] Psst",
    ),
    (
        ev(
            45, "inject-skipped", inject="press", title="Press", reason="its condition did not hold"
        ),
        "Press (not fired: its condition did not hold)",
        "T+45:00 · skipped: Press (its condition did not hold)",
    ),
    (
        ev(
            1.5,
            "decision",
            action="fix",
            label="Start gen",
            phase="fix",
            done_at=16.5,
            by="Ana (commander)",
            note="n",
            message="m",
        ),
        'Start gen [fix] by Ana (commander) — note: n — message: "m", done at T+16:30',
        "T+1:30 → Ana (commander) took Start gen (done at T+16:30)\n  message: “m”\n  note: n",
    ),
    (
        ev(3, "decision", action="fix"),  # a history-rebuilt decision: the action alone
        "fix [fix]",
        "T+3:00 → took Start the generator",
    ),
    (
        ev(2, "refusal", action="fix", reason="first needs done: assess", by="Rui (responder)"),
        "fix (by Rui (responder)): first needs done: assess",
        "T+2:00 ✖ refused Start the generator for Rui (responder): first needs done: assess",
    ),
    (
        ev(
            16.5,
            "action-done",
            action="fix",
            label="Start gen",
            reveals="It runs.",
            effects=[],
            changes=[["web", "down", "up"]],
            changed=1,
        ),
        "Start gen [fix] — It runs. [1 changed: web down→up]",
        "T+16:30 ✓ done: Start gen\n  It runs.\n  Web storefront ● up",
    ),
    (
        ev(12, "note", text="calm", by="Olu (observer)"),
        "calm by Olu (observer)",
        "T+12:00 ✎ note by Olu (observer): calm",
    ),
    (ev(12, "note", text="calm"), "calm", "T+12:00 ✎ note: calm"),
    (
        ev(
            50,
            "end",
            reason="facilitator",
            customer_minutes=600000.4,
            at_risk_minutes=12.5,
            scored_to=120,
        ),
        "drill ended (facilitator): 600,000 customer-minutes, 12 at-risk minutes so far; "
        "the outage runs on to T+2:00:00 and is scored to then",
        "T+50:00 ■ drill ended (facilitator)\n  the outage runs on to T+2:00:00 and is scored"
        " to then",
    ),
    (
        ev(120, "end", reason="duration", customer_minutes=1500, at_risk_minutes=0),
        "drill ended (duration): 1,500 customer-minutes, 0 at-risk minutes",
        "T+2:00:00 ■ drill ended (duration)",
    ),
    (
        ev(13, "facilitator", command="fire-inject", inject="x"),
        "inject x fired by hand",
        "T+13:00 facilitator fired an inject",
    ),
    (
        ev(5, "facilitator", command="pace", seconds_per_minute=2.0),
        "pace set to 1 min / 2 s",
        "T+5:00 facilitator: pace 1 min / 2 s",
    ),
    (
        ev(5, "facilitator", command="jump", to=30),
        "clock moved on to T+30:00",
        "T+5:00 facilitator: jump to T+30:00",
    ),
    (ev(5, "facilitator", command="pause"), "pause", "T+5:00 facilitator: pause"),
    (
        ev(0, "facilitator", command="join", seat=1, name="Fay", role="facilitator"),
        "Fay joined as facilitator (seat 1)",
        "T+0:00 Fay joined as facilitator",
    ),
    (
        ev(
            3,
            "facilitator",
            command="propose",
            proposal="P1",
            proposer="Rui (responder)",
            action="fix",
        ),
        "Rui (responder) proposed fix (P1)",
        "T+3:00 Rui (responder) proposes Start the generator",
    ),
    # Bookkeeping: in the timeline, never news in a feed.
    (
        ev(4, "facilitator", command="approve", proposal="P1", approver="Ana (commander)"),
        "Ana (commander) approved P1",
        None,
    ),
    (
        ev(4, "facilitator", command="proposal-closed", proposal="P1", outcome="approved"),
        "proposal P1 closed: approved",
        None,
    ),
    (ev(4, "facilitator", command="clock"), "clock", None),
    (ev(0, "start", scenario="dc", team="Blue"), "scenario=dc, team=Blue", None),
]


@pytest.mark.parametrize(
    ("event", "plain", "styled"),
    EXAMPLES,
    ids=[f"{e.kind}-{k}" for k, (e, _, _) in enumerate(EXAMPLES)],
)
def test_each_kind_in_words(event: Event, plain: str, styled: str | None) -> None:
    assert summary(event) == plain
    assert line(event) == styled


def test_styled_line_roles_mark_what_the_view_colours() -> None:
    spans = line_spans(INJECT, LABELS, NODES)
    assert spans is not None
    roles = dict((text.strip(), role) for text, role in spans)
    assert roles["T+2:00"] == "time" and roles["⚡"] == "inject" and roles["Power lost"] == "title"
    assert roles["⚠ Orders database stays down until someone restarts it"] == "warn"


def test_changes_without_node_names_are_a_count() -> None:
    assert line(INJECT, nodes=None) == (
        "T+2:00 ⚡ Power lost\n  The feed dropped.\n  3 nodes changed status\n"
        "  ⚠ db stays down until someone restarts it"
    )


def test_changes_and_latched_nodes_named_most_users_first() -> None:
    p = parse_event({"seq": 1, "t": 0, "kind": "inject", "inject": "i",
                     "changes": [["feed", "up", "degraded"], ["web", "down", "up"]],
                     "changed": 30, "latched": ["feed", "db", "web", "x"]}).payload  # fmt: skip
    assert isinstance(p, InjectFired)
    assert changes_named(p, NODES) == "Web storefront ● up, Utility feed ◐ degraded, +28 more"
    assert latched_named(p, NODES) == (
        "Utility feed, Orders database, Web storefront and 1 more stay down until someone"
        " restarts them"
    )
    two = InjectFired(inject="i", latched=("feed", "db"))
    assert latched_named(two, NODES) == (
        "Utility feed and Orders database stay down until someone restarts them"
    )
    assert changes_named(InjectFired(inject="i", changed=1), None) == "1 node changed status"
    assert changes_named(InjectFired(inject="i"), NODES) is None
    assert latched_named(InjectFired(inject="i"), NODES) is None


def test_what_is_for_the_facilitator_alone() -> None:
    hint = InjectFired(inject="hint", audience="facilitator")
    assert for_facilitator_only(hint) and not for_facilitator_only(InjectFired(inject="p"))
    assert for_facilitator_only(FireInject(inject="hint"), {"hint"})
    assert not for_facilitator_only(FireInject(inject="p"), {"hint"})
