"""The journal: one fsynced JSON line per event, torn-line recovery, replay and resume —
including a drill killed with SIGKILL in a subprocess and resumed with nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tabletop.engine.events import Decision
from tabletop.engine.journal import JournalWriter, read_journal, replay, resume
from tabletop.engine.session import Session, simulate
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.problems import InputError

SCENARIO: dict[str, Any] = {
    "format": "tabletop/v1",
    "id": "journal-test",
    "title": "Journal test",
    "kind": "power",
    "summary": "A feed fails; a generator can be started; the feed comes back.",
    "duration": 100000,
    "nodes": [
        {"id": "feed", "label": "Feed"},
        {"id": "gen", "label": "Generator", "standby": True},
        {"id": "web", "label": "Web", "users": 100, "depends_on": [{"any_of": ["feed", "gen"]}]},
    ],
    "actions": [
        {"id": "assess", "label": "Assess", "phase": "assess", "minutes": 1},
        {
            "id": "start-gen",
            "label": "Start generator",
            "phase": "fix",
            "minutes": 2,
            "effects": [{"node": "gen", "status": "up"}],
        },
        {
            "id": "stop-gen",
            "label": "Stop generator",
            "phase": "fix",
            "effects": [{"node": "gen", "status": "down"}],
        },
    ],
    "injects": [
        {
            "id": "cut",
            "at": 0,
            "title": "Feed lost",
            "effects": [{"node": "feed", "status": "down"}],
        },
        {"id": "eta", "after": {"action": "assess", "minutes": 3}, "title": "ETA given"},
    ],
    "playbook": [{"id": "fix", "phase": "fix", "title": "Fix", "any_of": ["start-gen"]}],
}


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedScenario:
    path = tmp_path / "journal-test.yaml"
    path.write_text(yaml.safe_dump(SCENARIO, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


def drill(loaded: LoadedScenario, journal: Path, decisions: int = 12) -> Session:
    """A journalled drill with decisions, a refusal, a note and a facilitator command."""
    s = Session(loaded.scenario, sha256=loaded.sha256, team="blue", sink=JournalWriter(journal))
    names = ["assess", "start-gen", "stop-gen", "no-such-action"]
    for k in range(decisions):
        s.advance(k * 1.5)
        s.take(names[k % 4], by=f"p{k}", note=f"n{k}")
    s.add_note("observer: calm", by="facilitator")
    s.facilitator("pace", seconds_per_minute=2.0)
    return s


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_one_json_line_per_event_starting_with_the_scenario_and_its_sha256(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    s = drill(loaded, journal)
    written = lines(journal)
    assert [w["seq"] for w in written] == [e.seq for e in s.feed] == list(range(1, len(s.feed) + 1))
    start = written[0]
    assert (start["kind"], start["scenario"], start["sha256"]) == (
        "start",
        "journal-test",
        loaded.sha256,
    )
    kinds = {w["kind"] for w in written}
    assert {"inject", "decision", "refusal", "action-done", "note", "facilitator"} <= kinds


def test_replay_reproduces_the_events_exactly(loaded: LoadedScenario, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    s = drill(loaded, journal)
    s.advance(50)
    s.end("facilitator")
    read = read_journal(journal)
    assert read.warnings == []
    again = replay(loaded.scenario, read.events, sha256=loaded.sha256, journal=journal)
    assert again.feed == read.events  # the same Event values, field by field
    assert again.decisions == s.decisions
    assert (again.customer_minutes, again.ended, again.end_reason) == (
        s.customer_minutes,
        True,
        "facilitator",
    )


def test_a_changed_scenario_file_is_reported_naming_the_journal(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    events = read_journal(journal).events
    with pytest.raises(InputError) as err:
        replay(loaded.scenario, events, sha256="0" * 64, journal=journal)
    [problem] = err.value.problems
    assert problem.file == str(journal)
    assert "SHA-256" in problem.message and "changed" in problem.message


def test_a_journal_of_another_scenario_is_refused(loaded: LoadedScenario, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    other = loaded.scenario.model_copy(update={"id": "other"})
    with pytest.raises(InputError, match="journal-test"):
        replay(other, read_journal(journal).events, journal=journal)


def test_a_torn_last_line_is_recovered_with_a_warning_and_resume_repairs_the_file(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    whole = journal.read_bytes()
    last_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    journal.write_bytes(whole[: last_start + 17])  # a write cut in the middle of the line
    read = read_journal(journal)
    assert len(read.events) == len(whole.splitlines()) - 1
    [warning] = read.warnings
    assert "torn last line" in warning and str(journal) in warning
    s = resume(loaded, journal)
    assert s.journal_warnings == read.warnings
    s.take("assess", by="after-resume")
    again = read_journal(journal)
    assert again.warnings == []  # the torn bytes were cut before appending
    assert again.events[-1].data.get("by") == "after-resume"
    assert [e.seq for e in again.events] == list(range(1, len(again.events) + 1))


def test_a_last_event_missing_only_its_newline_is_kept(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    s = drill(loaded, journal)
    journal.write_bytes(journal.read_bytes().rstrip(b"\n"))
    read = read_journal(journal)
    assert len(read.events) == len(s.feed)
    resumed = resume(loaded, journal)
    resumed.add_note("still here")
    assert lines(journal)[-1]["text"] == "still here"


def test_damage_before_the_last_line_is_an_error_with_its_line(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    rows = journal.read_bytes().split(b"\n")
    rows[3] = b'{"seq": 4, "t"'
    journal.write_bytes(b"\n".join(rows))
    with pytest.raises(InputError) as err:
        read_journal(journal)
    assert err.value.problems[0].line == 4


def test_resume_continues_the_same_journal(loaded: LoadedScenario, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    first = drill(loaded, journal)
    count = len(first.feed)
    s = resume(loaded, journal)
    assert not s.ended and s.now == first.feed[-1].t
    assert s.decisions == first.decisions
    s.advance(s.now + 5)
    s.take("start-gen", by="late")
    s.advance(100)
    s.end("facilitator")
    events = read_journal(journal).events
    assert len(events) == len(s.feed) > count
    assert replay(loaded.scenario, events, sha256=loaded.sha256).feed == events


def test_a_jump_with_nothing_on_the_way_resumes_where_the_clock_went(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    # The drill room's facilitator jumps from T+5 to T+26 while paused: the jump is the last
    # event (no inject, decision or checkpoint between), and only it says where the clock is.
    journal = tmp_path / "j.jsonl"
    s = Session(loaded.scenario, sha256=loaded.sha256, sink=JournalWriter(journal))
    s.advance(5)
    s.take("assess")
    s.advance(9)  # the ETA inject, 3 minutes after assess is done at 6
    s.facilitator("jump", to=26)
    s.advance(26)
    assert lines(journal)[-1] == {
        "seq": 6,  # start, the cut, assess taken and done, the ETA, the jump
        "t": 9,
        "kind": "facilitator",
        "command": "jump",
        "to": 26,
    }
    again = resume(loaded, journal)
    assert again.now == 26
    again.take("start-gen", by="after the jump")
    assert lines(journal)[-1]["t"] == 26


def test_headless_simulate_journal_replays(loaded: LoadedScenario, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    with JournalWriter(journal) as writer:
        s = simulate(
            loaded.scenario,
            [Decision(0, "assess"), Decision(2, "start-gen", message="hi")],
            sha256=loaded.sha256,
            sink=writer,
        )
    events = read_journal(journal).events
    assert replay(loaded.scenario, events, sha256=loaded.sha256).feed == events == s.feed


# ------------------------------------------------------------ kill -9 and resume

DRIVER = """
import sys
from tabletop.engine.journal import JournalWriter
from tabletop.engine.session import Session
from tabletop.scenario.loader import load_scenario

loaded = load_scenario(sys.argv[1])
s = Session(loaded.scenario, sha256=loaded.sha256, team="kill", sink=JournalWriter(sys.argv[2]))
names = ["assess", "start-gen", "stop-gen", "no-such-action"]
k = 0
while True:
    s.advance(k * 0.25)
    s.take(names[k % 4], by="driver", note=str(k))
    # take() returned: the decision is on disk. Only now is it acknowledged.
    print(k, flush=True)
    k += 1
"""


def test_sigkill_mid_drill_then_resume_loses_no_acknowledged_decision(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(loaded.path), str(journal)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    acknowledged: list[int] = []
    try:
        for line in proc.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 60:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    s = resume(loaded, journal)
    notes = [int(str(d.note)) for d in s.decisions]
    # Every acknowledged decision survived, in order; the kill may have caught one or two
    # more that were written but not yet acknowledged.
    assert notes[: len(acknowledged)] == acknowledged
    assert notes == list(range(len(notes)))
    # The refusals were journalled and survive too, with their reasons.
    assert any(not d.accepted and d.reason for d in s.decisions)
    # The resumed drill carries on in the same journal and replays whole.
    s.take("assess", by="after-kill", note="resumed")
    events = read_journal(journal).events
    assert replay(loaded.scenario, events, sha256=loaded.sha256).feed == events
    assert events[-1].data.get("by") == "after-kill" or events[-2].data.get("by") == "after-kill"


def test_every_event_is_flushed_and_fsynced_before_the_session_goes_on(
    loaded: LoadedScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "j.jsonl"
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(len(journal.read_bytes().splitlines()))

    monkeypatch.setattr(os, "fsync", fsync)
    s = drill(loaded, journal, decisions=4)
    # One fsync per event, each made when that event's line was already in the file.
    assert synced[-len(s.feed) :] == list(range(1, len(s.feed) + 1))


def test_resume_writes_the_events_a_crash_cut_off_at_the_last_instant(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    s = Session(loaded.scenario, sha256=loaded.sha256, sink=JournalWriter(journal))
    s.advance(5)
    s.take("start-gen")  # 2 minutes: done at 7
    s.advance(6)
    s.take("assess")  # 1 minute: done at 7 too
    s.advance(7)
    full = journal.read_bytes().splitlines(keepends=True)
    at_7 = [json.loads(x)["kind"] for x in full if json.loads(x)["t"] == 7]
    assert at_7 == ["action-done", "action-done"]
    # The process died after writing the first event of that instant.
    journal.write_bytes(b"".join(full[:-1]))
    resumed = resume(loaded, journal)
    assert journal.read_bytes().splitlines(keepends=True) == full
    assert resumed.done == s.done


def _edited(journal: Path, index: int, **fields: Any) -> None:
    """Rewrite event `index` of the journal with `fields` changed (None removes a field)."""
    rows = lines(journal)
    for key, value in fields.items():
        if value is None:
            rows[index].pop(key, None)
        else:
            rows[index][key] = value
    journal.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"t": "abc"}, "'t' must be an exercise minute (a number >= 0), got 'abc'"),
        ({"t": -5}, "'t' must be an exercise minute (a number >= 0), got -5"),
        ({"t": float("inf")}, "'t' must be an exercise minute (a number >= 0), got inf"),
        ({"seq": "x"}, "'seq' must be a whole number, got 'x'"),
        ({"kind": "decisionz"}, "unknown event kind 'decisionz'"),
        ({"action": None}, "a decision event needs 'action' as text, got None"),
        ({"action": 5}, "a decision event needs 'action' as text, got 5"),
        ({"by": ["x"]}, "'by' of a decision event must be text, got ['x']"),
    ],
)
def test_a_malformed_event_is_one_problem_with_its_line_not_a_crash(
    loaded: LoadedScenario, tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    index = next(k for k, r in enumerate(lines(journal)) if r["kind"] == "decision")
    _edited(journal, index, **fields)
    with pytest.raises(InputError) as err:
        read_journal(journal)
    [problem] = err.value.problems
    assert (problem.file, problem.line) == (str(journal), index + 1)
    assert problem.message.startswith(message)


def test_input_events_without_their_fields_are_problems(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    rows = lines(journal)
    for kind, key in (("note", "text"), ("facilitator", "command")):
        index = next(k for k, r in enumerate(rows) if r["kind"] == kind)
        _edited(journal, index, **{key: None})
        with pytest.raises(InputError, match=f"a {kind} event needs '{key}' as text"):
            read_journal(journal)
        journal.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_an_input_event_earlier_than_the_clock_is_a_problem_not_a_crash(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    rows = lines(journal)
    last = max(k for k, r in enumerate(rows) if r["kind"] == "decision")
    _edited(journal, last, t=0.5)
    events = read_journal(journal).events
    with pytest.raises(InputError) as err:
        replay(loaded.scenario, events, journal=journal)
    [problem] = err.value.problems
    assert problem.line == last + 1
    assert "comes before" in problem.message and "never goes back" in problem.message


def test_a_replay_mismatch_names_the_field_that_differs(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    drill(loaded, journal)
    _edited(journal, 0, duration=999)
    with pytest.raises(InputError) as err:
        replay(loaded.scenario, read_journal(journal).events, journal=journal)
    assert "'duration' is 999 in the journal, the replay gives" in err.value.problems[0].message


def test_a_journal_to_a_device_or_pipe_is_written_without_fsync(loaded: LoadedScenario) -> None:
    # fsync on /dev/null (or a pipe) fails with EINVAL; a thrown-away journal must still work.
    with JournalWriter(os.devnull) as writer:
        s = Session(loaded.scenario, sha256=loaded.sha256, sink=writer)
        s.take("assess")
        s.advance(20)
    assert writer.events_written == len(s.feed) > 2
    assert not Path(os.devnull).is_file()


def test_the_start_event_carries_where_the_scenario_is_and_when_a_live_drill_began(
    loaded: LoadedScenario,
) -> None:
    source = {"path": "journal-test.yaml", "absolute": "/tmp/journal-test.yaml"}
    live = Session(loaded.scenario, source=source, started_at="2026-12-02T09:15:00Z")
    start = live.feed[0].to_json()
    assert (start["source"], start["started_at"]) == (source, "2026-12-02T09:15:00Z")
    # A headless run gives neither: its journal is the same bytes on every run.
    bare = Session(loaded.scenario).feed[0].to_json()
    assert "source" not in bare and "started_at" not in bare
    assert live.end_reason is None and not live.ended
