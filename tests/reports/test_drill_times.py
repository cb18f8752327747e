"""When a drill really began and ended: live drills journal their wall-clock start
(`started_at` in the start event), the history stores it, `history --add` takes the end from
the journal's last write; headless runs stay byte-identical and replays ignore the start."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tabletop.engine.journal import JournalWriter, iso_utc, read_journal, replay, resume
from tabletop.engine.session import Session
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.source import scenario_source
from tabletop.scoring import score
from tabletop.store import list_sessions, save_session
from tests.cli_process import tabletop_in as tabletop

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "dc-power-loss.yaml"
LOG = REPO / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"
BEGAN = "2026-11-30T09:15:00Z"
#: When the last event was written (the journal's modification time): 47 min 7 s later.
LAST_WRITE = datetime(2026, 11, 30, 10, 2, 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def _played(loaded: LoadedScenario, journal: Path, *, started_at: str | None) -> Session:
    """A drill as `play` runs it: a journalled session fed the talk-first decisions one by
    one at their minutes, then ended at the duration; the journal closed, as at exit."""
    log = load_decision_log(LOG, loaded.scenario)
    with JournalWriter(journal) as writer:
        session = Session(
            loaded.scenario,
            sha256=loaded.sha256,
            team="talk-first",
            mode="training",
            sink=writer,
            source=scenario_source(str(SCENARIO), SCENARIO),
            started_at=started_at,
        )
        for d in sorted(log.decisions, key=lambda d: d.at):
            session.advance(d.at)
            session.take(d.action, by=d.by, note=d.note, message=d.message)
        session.advance(loaded.scenario.duration)
        session.end("duration")
    return session


def _last_written_at(journal: Path, moment: datetime) -> None:
    stamp = moment.timestamp()
    os.utime(journal, (stamp, stamp))


def test_a_live_drill_journals_its_start_in_the_start_event(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "play.jsonl"
    _played(loaded, journal, started_at=BEGAN)
    start = json.loads(journal.read_text(encoding="utf-8").splitlines()[0])
    assert start["kind"] == "start"
    assert start["started_at"] == BEGAN
    # After the fields the start always had: older readers see the same leading keys.
    assert list(start)[-1] == "started_at"


def test_history_add_stores_the_journalled_start_and_the_last_write_as_the_end(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "play.jsonl"
    _played(loaded, journal, started_at=BEGAN)
    _last_written_at(journal, LAST_WRITE)
    db = tmp_path / "h.sqlite3"
    done = tabletop(tmp_path, "history", "--db", str(db), "--add", str(journal), "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert (row["started_at"], row["ended_at"]) == (BEGAN, "2026-11-30T10:02:07Z")
    assert row["started_at"] < row["ended_at"]
    began = datetime.fromisoformat(row["started_at"].replace("Z", "+00:00"))
    ended = datetime.fromisoformat(row["ended_at"].replace("Z", "+00:00"))
    assert ended - began == timedelta(minutes=47, seconds=7)


def test_history_add_of_a_journal_without_a_start_dates_both_by_the_last_write(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "old.jsonl"
    _played(loaded, journal, started_at=None)
    assert "started_at" not in journal.read_text(encoding="utf-8").splitlines()[0]
    _last_written_at(journal, LAST_WRITE)
    db = tmp_path / "h.sqlite3"
    done = tabletop(tmp_path, "history", "--db", str(db), "--add", str(journal), "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["started_at"] == row["ended_at"] == "2026-11-30T10:02:07Z"


def test_a_headless_run_journals_no_wall_clock_and_the_same_bytes_twice(tmp_path: Path) -> None:
    journals = []
    for name in ("a.jsonl", "b.jsonl"):
        done = tabletop(
            tmp_path,
            "run",
            str(SCENARIO),
            "--decisions",
            str(LOG),
            "--journal",
            name,
            "--no-history",
        )
        assert done.returncode == 0, done.stderr
        journals.append((tmp_path / name).read_bytes())
    assert journals[0] == journals[1]
    assert b"started_at" not in journals[0]


def test_replay_ignores_the_wall_clock_start_and_keeps_it(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    journal = tmp_path / "play.jsonl"
    played = _played(loaded, journal, started_at=BEGAN)
    events = read_journal(journal).events
    again = replay(loaded.scenario, events, sha256=loaded.sha256, journal=journal)
    assert again.feed[0].data["started_at"] == BEGAN
    assert [e.to_json() for e in again.feed] == [e.to_json() for e in played.feed]
    # Dated by hand, or written before starts were journalled: the same drill either way.
    lines = journal.read_text(encoding="utf-8").splitlines()
    start = {**json.loads(lines[0]), "started_at": "2020-01-01T00:00:00Z"}
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n", encoding="utf-8")
    other = replay(loaded.scenario, read_journal(edited).events, journal=edited)
    assert other.feed[0].data["started_at"] == "2020-01-01T00:00:00Z"
    assert [e.to_json() for e in other.feed[1:]] == [e.to_json() for e in played.feed[1:]]
    # An empty start is no start (not journalled again), and the replay still matches.
    blank = tmp_path / "blank.jsonl"
    start["started_at"] = ""
    blank.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n", encoding="utf-8")
    assert "started_at" not in replay(loaded.scenario, read_journal(blank).events).feed[0].data
    bare = {k: v for k, v in json.loads(lines[0]).items() if k != "started_at"}
    (tmp_path / "bare.jsonl").write_text(
        "\n".join([json.dumps(bare), *lines[1:]]) + "\n", encoding="utf-8"
    )
    plain = replay(loaded.scenario, read_journal(tmp_path / "bare.jsonl").events)
    assert "started_at" not in plain.feed[0].data


def test_a_resumed_drill_keeps_its_first_start(loaded: LoadedScenario, tmp_path: Path) -> None:
    journal = tmp_path / "play.jsonl"
    with JournalWriter(journal) as writer:
        session = Session(
            loaded.scenario, sha256=loaded.sha256, team="Blue", sink=writer, started_at=BEGAN
        )
        session.advance(12)
        session.take("assess-power")
    first_line = journal.read_text(encoding="utf-8").splitlines()[0]
    resumed = resume(loaded, journal)
    resumed.advance(loaded.scenario.duration)
    resumed.end("duration")
    assert journal.read_text(encoding="utf-8").splitlines()[0] == first_line
    result = score(loaded.scenario, resumed, team="Blue", counterfactuals=False)
    db = tmp_path / "h.sqlite3"
    save_session(db, loaded, resumed, result, recorded_at=LAST_WRITE)
    (row,) = list_sessions(db)
    assert (row.started_at, row.ended_at) == (BEGAN, "2026-11-30T10:02:07Z")


@settings(max_examples=25, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_a_start_in_any_time_zone_is_stored_as_the_same_utc_second(
    loaded: LoadedScenario, moment: datetime, offset_minutes: int
) -> None:
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    # The journal may say it with an offset (written by hand, or another tool): same instant.
    said = local.isoformat(timespec="seconds")
    session = Session(loaded.scenario, sha256=loaded.sha256, started_at=said)
    session.end("facilitator")
    result = score(loaded.scenario, session, counterfactuals=False)
    with tempfile.TemporaryDirectory() as folder:  # one history per example
        db = Path(folder) / "h.sqlite3"
        save_session(db, loaded, session, result, recorded_at=moment + timedelta(hours=1))
        (row,) = list_sessions(db)
    assert row.started_at == iso_utc(moment)
    assert row.started_at == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row.started_at < row.ended_at


@pytest.mark.parametrize("junk", ["yesterday", "2026-13-45T99:00:00Z", ""])
def test_an_unreadable_start_is_dated_by_the_end(
    loaded: LoadedScenario, tmp_path: Path, junk: str
) -> None:
    session = Session(loaded.scenario, sha256=loaded.sha256, started_at=junk)
    session.end("facilitator")
    result = score(loaded.scenario, session, counterfactuals=False)
    db = tmp_path / "h.sqlite3"
    save_session(db, loaded, session, result, recorded_at=LAST_WRITE)
    (row,) = list_sessions(db)
    assert row.started_at == row.ended_at == "2026-11-30T10:02:07Z"


def test_the_drill_screen_journals_when_its_drill_began(
    loaded: LoadedScenario, tmp_path: Path
) -> None:
    from tabletop.tui.app import TabletopApp

    before = iso_utc(datetime.now(UTC))
    app = TabletopApp(journal_dir=tmp_path)
    session = app.new_session(loaded, "Blue", "exam")
    after = iso_utc(datetime.now(UTC))
    for sink in app._sinks:
        sink.close()
    began = session.feed[0].data["started_at"]
    assert before <= began <= after
    assert app.journal_path is not None
    assert read_journal(app.journal_path).start.data["started_at"] == began


def test_play_and_host_journal_when_their_drill_began(tmp_path: Path) -> None:
    from tabletop.commands.starting import start_session

    before = iso_utc(datetime.now(UTC))
    _, session, writer = start_session(
        str(SCENARIO), "Blue", "training", tmp_path / "j.jsonl", "tabletop resume"
    )
    writer.close()
    began = read_journal(tmp_path / "j.jsonl").start.data["started_at"]
    assert before <= began <= iso_utc(datetime.now(UTC))
    assert session.feed[0].data["started_at"] == began


def test_a_report_is_dated_by_the_journalled_start(loaded: LoadedScenario, tmp_path: Path) -> None:
    from tabletop.reports import build_report

    dated = _played(loaded, tmp_path / "dated.jsonl", started_at=BEGAN)
    undated = _played(loaded, tmp_path / "undated.jsonl", started_at=None)
    for session, date in ((dated, BEGAN), (undated, None)):
        result = score(loaded.scenario, session, team="talk-first", counterfactuals=False)
        report = build_report(loaded, session, result)
        assert report.summary.date == date
        given = build_report(loaded, session, result, date="2026-12-01")
        assert given.summary.date == "2026-12-01"
