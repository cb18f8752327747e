"""Proposals outlive a hub killed with SIGKILL: they are journalled when the hub accepts them,
a resumed hub reopens the open ones under the same ids, an approval is journalled once, and
the single-seat report and history read a room journal that holds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from tabletop.engine.events import Event
from tabletop.hub.proposals import rebuild
from tests.hub.conftest import HubProcess, Zygote, is_event, join, tabletop

LABELS = {"call-isp": "Call the ISP", "notify-customers": "Notify customers"}


def _is_proposal(status: str, pid: str | None = None) -> Any:
    return lambda f: f["type"] == "proposal" and f["status"] == status and pid in (None, f["id"])


def _commands(journal: list[dict[str, Any]], command: str) -> list[dict[str, Any]]:
    return [e for e in journal if e["kind"] == "facilitator" and e.get("command") == command]


async def test_an_open_proposal_survives_a_sigkill_and_is_approved_once(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            rui, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
            ana, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
            await rui.send({"type": "propose", "action": "call-isp", "note": "line is dead"})
            first = await ana.until(_is_proposal("open"))
            await rui.send(
                {"type": "propose", "action": "notify-customers", "message": "Calls are down."}
            )
            second = await ana.until(_is_proposal("open"))
            assert (first["id"], second["id"]) == ("P1", "P2")
            await ana.send({"type": "approve", "proposal": "P1"})
            await ana.until(_is_proposal("approved", "P1"))
            hub.kill()

            hub = HubProcess(tmp_path, resume=True, port=hub.port, zygote=zygote)
            ana, welcome = await join(http, hub.url, hub.codes["commander"], "Ana")
            # P1 was approved before the crash; P2 is open, with the same id and content.
            assert welcome["proposals"] == [second]
            await ana.send({"type": "approve", "proposal": "P1"})
            again = await ana.until(lambda f: f["type"] == "refused")
            assert "no open proposal 'P1'" in again["reason"]
            await ana.send({"type": "approve", "proposal": "P2"})
            decision = await ana.until(is_event("decision", action="notify-customers"))
            assert decision["event"]["note"] == "proposed by Rui (responder)"
            assert decision["event"]["by"] == "Ana (commander)"
            await ana.until(_is_proposal("approved", "P2"))
            # A third proposal after the resume goes on counting.
            rui, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
            await rui.send({"type": "propose", "action": "walk-the-site"})
            assert (await ana.until(_is_proposal("open")))["id"] == "P3"
            fay, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await fay.send({"type": "end"})
            await fay.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
    finally:
        hub.stop()
    journal = hub.journal_events()
    decided = [e for e in journal if e["kind"] == "decision"]
    assert [(e["action"], e["note"]) for e in decided] == [
        ("call-isp", "proposed by Rui (responder): line is dead"),
        ("notify-customers", "proposed by Rui (responder)"),
    ]
    assert [e["proposal"] for e in _commands(journal, "propose")] == ["P1", "P2", "P3"]
    assert [e["proposal"] for e in _commands(journal, "approve")] == ["P1", "P2"]
    closed = _commands(journal, "proposal-closed")
    assert [(e["proposal"], e["outcome"]) for e in closed] == [
        ("P1", "approved"),
        ("P2", "approved"),
        ("P3", "expired"),  # still open when the facilitator ended the drill
    ]

    # The single-seat report and history read the room journal, proposals and all; a
    # responder who only proposed is not taken for the facilitator.
    report = tabletop("report", str(hub.journal), cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    rows = [line for line in report.stdout.splitlines() if line.startswith("| Rui")]
    assert rows == ["| Rui | responder | 0 | 0 |  |"]
    added = tabletop("history", "--add", str(hub.journal), "--db", "x.sqlite3", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "as session #1" in added.stderr


async def test_an_approval_whose_closing_the_crash_cut_off_is_not_reopened(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            rui, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
            ana, _ = await join(http, hub.url, hub.codes["commander"], "Ana")
            await rui.send({"type": "propose", "action": "call-isp"})
            await ana.until(_is_proposal("open"))
            await ana.send({"type": "approve", "proposal": "P1"})
            await ana.until(_is_proposal("approved", "P1"))
    finally:
        hub.kill()
    # As if the kill came between the decision and its `proposal-closed`.
    lines = hub.journal.read_bytes().splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if b'"proposal-closed"' in line)
    hub.journal.write_bytes(b"".join(lines[:cut]))
    hub = HubProcess(tmp_path, resume=True, port=hub.port, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            ana, welcome = await join(http, hub.url, hub.codes["commander"], "Ana")
            assert welcome["proposals"] == []
            await ana.send({"type": "approve", "proposal": "P1"})
            assert (
                "no open proposal" in (await ana.until(lambda f: f["type"] == "refused"))["reason"]
            )
    finally:
        hub.stop()
    journal = hub.journal_events()
    assert len([e for e in journal if e["kind"] == "decision"]) == 1
    closed = _commands(journal, "proposal-closed")
    assert [(e["proposal"], e["outcome"]) for e in closed] == [("P1", "approved")]


def _ev(seq: int, kind: str, **data: Any) -> Event:
    return Event(seq, 0.0, kind, data)  # type: ignore[arg-type]


def test_rebuild_reads_each_proposal_s_life_from_the_journal() -> None:
    feed = [
        _ev(1, "start"),
        _ev(2, "facilitator", command="propose", proposal="P1", proposer="R (responder)",
            action="call-isp", note="n"),
        _ev(3, "facilitator", command="propose", proposal="P2", proposer="R (responder)",
            action="notify-customers"),
        _ev(4, "facilitator", command="propose", proposal="P3", proposer="C (comms)",
            action="call-isp"),
        # P1 approved and refused (e.g. already running): closed as refused.
        _ev(5, "facilitator", command="approve", proposal="P1", approver="A (commander)"),
        _ev(6, "refusal", action="call-isp", reason="already running"),
        _ev(7, "facilitator", command="proposal-closed", proposal="P1", outcome="refused"),
        # P2 approved, its closing cut off: approved, to be closed on resume.
        _ev(8, "facilitator", command="approve", proposal="P2", approver="A (commander)"),
        _ev(9, "decision", action="notify-customers"),
        # P3's approval cut off before its decision: nobody heard of it, it stays open.
        _ev(10, "facilitator", command="approve", proposal="P3", approver="A (commander)"),
    ]  # fmt: skip
    out = rebuild(feed, LABELS)
    assert out.count == 3
    assert {pid: p["status"] for pid, p in out.proposals.items()} == {
        "P1": "refused",
        "P2": "approved",
        "P3": "open",
    }
    assert out.unclosed == {"P2": "approved"}
    assert out.proposals["P1"] == {
        "type": "proposal",
        "id": "P1",
        "by": "R (responder)",
        "action": "call-isp",
        "label": "Call the ISP",
        "status": "refused",
        "note": "n",
    }


def test_the_seat_feed_shows_a_proposal_once_and_not_its_bookkeeping() -> None:
    from tabletop.tui.seat.view import event_line

    base = {"seq": 3, "t": 1.0, "kind": "facilitator", "proposal": "P1"}
    line = event_line(
        {**base, "command": "propose", "proposer": "Rui (responder)", "action": "call-isp"}, LABELS
    )
    assert line is not None and line.plain.endswith("Rui (responder) proposes Call the ISP")
    # The approval shows as the decision it takes; the closing as the proposal list's update.
    assert event_line({**base, "command": "approve", "approver": "Ana (commander)"}, LABELS) is None
    assert event_line({**base, "command": "proposal-closed", "outcome": "approved"}, LABELS) is None


async def test_a_proposal_open_at_the_end_is_closed_as_expired_for_every_seat(
    tmp_path: Path, zygote: Zygote
) -> None:
    hub = HubProcess(tmp_path, zygote=zygote)
    try:
        async with aiohttp.ClientSession() as http:
            rui, _ = await join(http, hub.url, hub.codes["responder"], "Rui")
            fay, _ = await join(http, hub.url, hub.codes["facilitator"], "Fay")
            await rui.send({"type": "propose", "action": "call-isp"})
            await fay.until(_is_proposal("open", "P1"))
            await fay.send({"type": "end"})
            # The proposer hears its proposal will not be answered, before the score.
            await rui.until(_is_proposal("expired", "P1"), timeout=30)
            await rui.until(lambda f: f["type"] == "clock" and "score" in f, timeout=30)
            await fay.send({"type": "approve", "proposal": "P1"})
            refused = await fay.until(lambda f: f["type"] == "refused")
            assert refused["reason"] == "the drill has ended"
            hub.kill()

            hub = HubProcess(tmp_path, resume=True, port=hub.port, zygote=zygote)
            _, welcome = await join(http, hub.url, hub.codes["commander"], "Ana")
            assert welcome["proposals"] == []
    finally:
        hub.stop()
    closed = _commands(hub.journal_events(), "proposal-closed")
    assert [(e["proposal"], e["outcome"]) for e in closed] == [("P1", "expired")]
