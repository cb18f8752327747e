"""Journals: one writer per file, unique default names, and one decoder that turns every
hostile line into one located problem (in `report`, `resume` and `history --add`)."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from tabletop.cli import main
from tabletop.engine.events import Decision
from tabletop.engine.headless import run_decisions
from tabletop.engine.journal import JournalWriter, create_journal, decode_event, read_journal
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.problems import InputError


@pytest.fixture(scope="module")
def dc_power() -> LoadedScenario:
    return load_scenario(resolve_scenario("dc-power-loss"))


@pytest.fixture
def journal(tmp_path: Path, dc_power: LoadedScenario) -> Path:
    """A whole journal of a short headless drill."""
    path = tmp_path / "drill.jsonl"
    run_decisions(dc_power, [Decision(0, "sweep-building")], team="blue", journal=path)
    return path


# ----------------------------------------------------------------------------- one writer


def test_a_new_journal_is_never_appended_to_an_existing_one(journal: Path) -> None:
    before = journal.read_bytes()
    with pytest.raises(FileExistsError, match="already exists; give a new journal file"):
        JournalWriter(journal)
    assert journal.read_bytes() == before


def test_an_empty_file_is_taken_once_while_its_first_writer_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "made-by-mktemp.jsonl"
    path.touch()
    with JournalWriter(path), pytest.raises(FileExistsError):
        JournalWriter(path)  # a second drill given the same empty file


def test_default_names_are_unique_for_drills_started_in_the_same_second(
    tmp_path: Path,
) -> None:
    moment = datetime(2026, 12, 1, 22, 0, 0)
    writers: list[JournalWriter] = []
    lock = threading.Lock()

    def start() -> None:
        w = create_journal(tmp_path, "dc-power-loss", now=moment)
        with lock:
            writers.append(w)

    threads = [threading.Thread(target=start) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = sorted(w.path.name for w in writers)
    assert len(set(names)) == 12
    assert "dc-power-loss-20261201-220000.jsonl" in names
    assert "dc-power-loss-20261201-220000-12.jsonl" in names
    for w in writers:
        w.close()


def test_run_refuses_a_journal_file_that_holds_a_drill(
    journal: Path, tmp_path: Path, capsys
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text("scenario: dc-power-loss\ndecisions: []\n", encoding="utf-8")
    before = journal.read_bytes()
    args = ["run", "dc-power-loss", "--decisions", str(log), "--journal", str(journal)]
    assert main([*args, "--no-history"]) == 1
    assert capsys.readouterr().err == (
        f"tabletop: {journal}: already exists; give a new journal file\n"
    )
    assert journal.read_bytes() == before


# ----------------------------------------------------------------------------- one decoder

HOSTILE = {
    "deep nesting": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "x", "x": ' + "[" * 5000 + "]" * 5000 + "}",
        "damaged journal line: nested deeper than 16",
    ),
    "moderate nesting": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "x", "x": ' + "[" * 50 + "]" * 50 + "}",
        "damaged journal line: nested deeper than 16",
    ),
    "lone surrogate": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "a\\ud800b"}',
        "damaged journal line: text with an unpaired surrogate (\\ud800-\\udfff)",
    ),
    "kind is a mapping": (
        '{"seq": 2, "t": 1, "kind": {"a": 1}}',
        "unknown event kind {'a': 1} (expected one of action-done, decision, end, facilitator, "
        "inject, inject-skipped, note, refusal, start)",
    ),
    "kind is a list": ('{"seq": 2, "t": 1, "kind": ["note"]}', "unknown event kind ['note']"),
    "huge integer t": (
        '{"seq": 2, "t": 1' + "0" * 400 + ', "kind": "note", "text": "x"}',
        "'t' is beyond any drill (more than 1e+09 minutes), got 1000000000000",
    ),
    "huge float t": (
        '{"seq": 2, "t": 1e308, "kind": "note", "text": "x"}',
        "'t' is beyond any drill (more than 1e+09 minutes), got 1e+308",
    ),
    "number of 5000 digits": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "x", "n": ' + "7" * 5000 + "}",
        "damaged journal line: Exceeds the limit (4300 digits) for integer string conversion",
    ),
    "infinite value": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "x", "n": -Infinity}',
        "damaged journal line: a number beyond 1e+09",
    ),
    "huge seq": ('{"seq": 1' + "0" * 30 + ', "t": 1, "kind": "note"}', "'seq' must be"),
    "megabyte line": (
        '{"seq": 2, "t": 1, "kind": "note", "text": "' + "x" * 2_000_000 + '"}',
        "line too long: 2,000,046 bytes (limit 1,048,576)",
    ),
}


def _with_line(journal: Path, line: str) -> Path:
    rows = journal.read_text(encoding="utf-8").splitlines()
    rows.insert(1, line)
    journal.write_text("\n".join(rows) + "\n", encoding="utf-8", errors="surrogatepass")
    return journal


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_line_is_one_problem_at_its_line(journal: Path, name: str) -> None:
    line, message = HOSTILE[name]
    _with_line(journal, line)
    with pytest.raises(InputError) as err:
        read_journal(journal)
    [problem] = err.value.problems
    assert (problem.file, problem.line) == (str(journal), 2)
    assert problem.message.startswith(message), problem.message
    assert len(str(problem)) <= 400


def test_the_decoder_refuses_a_stored_line_the_same_way() -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        decode_event('{"seq": 1, "t": 0, "kind": [1]}')
    event = decode_event(b'{"seq": 1, "t": 0, "kind": "start", "scenario": "s"}')
    assert (event.kind, event.data) == ("start", {"scenario": "s"})


@pytest.mark.parametrize("command", ["report", "resume", "history --add"])
@pytest.mark.parametrize(
    "name", ["deep nesting", "lone surrogate", "kind is a list", "huge integer t"]
)
def test_every_reader_says_one_line_and_exit_1(
    journal: Path, tmp_path: Path, capsys, command: str, name: str
) -> None:
    _with_line(journal, HOSTILE[name][0])
    args = [*command.split(), str(journal), "--db", str(tmp_path / "h.sqlite3")]
    if command == "resume":
        args = args[:2]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{journal}:2:"), err
    assert "unexpected error" not in err
    assert not (tmp_path / "h.sqlite3").exists()


def test_a_journal_line_keeps_its_column(journal: Path) -> None:
    _with_line(journal, '{"seq": 2, "t": 1, "kind": "note" "text": "x"}')
    with pytest.raises(InputError) as err:
        read_journal(journal)
    [problem] = err.value.problems
    assert (problem.line, problem.column) == (2, 35)
    assert problem.message == "damaged journal line: Expecting ',' delimiter"
