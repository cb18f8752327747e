"""Every crash found (by the audit or by `make fuzz`) is a corpus file here, with the one-line
error it now gives: `NAME.expected` beside it. `TABLETOP_CORPUS_WRITE=1` writes the files
for new entries (then read them before committing)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from tabletop.engine.journal import read_journal
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import LoadedScenario, load_scenario
from tabletop.scenario.problems import InputError
from tabletop.store import StoreError, list_sessions, load_session

CORPUS = Path(__file__).parent / "corpus"


def _located(path: Path, load) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        load(path)
    assert all(p.file == str(path) for p in err.value.problems)
    return [str(p).removeprefix(f"{path}:") for p in err.value.problems]


def _check(path: Path, lines: list[str]) -> None:
    expected = path.with_suffix(".expected")
    if os.environ.get("TABLETOP_CORPUS_WRITE") and not expected.exists():
        expected.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == expected.read_text(encoding="utf-8").splitlines()
    assert all(len(line) <= 400 and line.isprintable() for line in lines)


def _files(target: str, suffix: str) -> list[Path]:
    return sorted((CORPUS / target).glob(f"*{suffix}"))


@pytest.mark.parametrize("path", _files("scenario", ".yaml"), ids=lambda p: p.stem)
def test_scenario_corpus(path: Path) -> None:
    _check(path, _located(path, load_scenario))


@pytest.mark.parametrize("path", _files("decision-log", ".yaml"), ids=lambda p: p.stem)
def test_decision_log_corpus(path: Path, scenarios: dict[str, LoadedScenario]) -> None:
    scenario = scenarios["dc-power-loss"].scenario
    _check(path, _located(path, lambda p: load_decision_log(p, scenario)))


@pytest.mark.parametrize("path", _files("journal", ".jsonl"), ids=lambda p: p.stem)
def test_journal_corpus(path: Path) -> None:
    _check(path, _located(path, read_journal))


def _apply(db: Path, damages: list[list]) -> None:  # type: ignore[type-arg]
    for kind, what in damages:
        if kind == "header":  # bytes at an offset of the 100-byte SQLite header (fixed layout)
            offset, data = what
            raw = bytearray(db.read_bytes())
            raw[offset : offset + len(data) // 2] = bytes.fromhex(data)
            db.write_bytes(bytes(raw))
            continue
        if kind == "replace":  # bytes of the file, found by content (offsets move)
            old, new = (x.encode("latin-1") for x in what)
            raw = db.read_bytes()
            assert old in raw and len(old) == len(new)
            db.write_bytes(raw.replace(old, new, 1))
            continue
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(what)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()


@pytest.mark.parametrize("path", _files("history-store", ".json"), ids=lambda p: p.stem)
def test_history_store_corpus(path: Path, history: bytes, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(history)
    _apply(db, json.loads(path.read_text(encoding="utf-8")))
    before = db.read_bytes()
    lines = []
    for read in (lambda: list_sessions(db), lambda: load_session(db, 1)):
        try:
            read()
            lines.append("ok")
        except StoreError as exc:
            # The scenario's hash changes with the built-in file: not part of the promise.
            lines.append(re.sub(r"\b[0-9a-f]{12}…", "SHA…", str(exc).replace(str(db), "DB")))
    assert db.read_bytes() == before
    _check(path, lines)


def test_every_corpus_input_has_its_expected_lines_and_none_is_orphaned() -> None:
    # An input without `.expected` would only be written (never checked) under
    # TABLETOP_CORPUS_WRITE, and an `.expected` whose input was renamed checks nothing.
    suffixes = {"scenario": ".yaml", "decision-log": ".yaml", "journal": ".jsonl"}
    for target in os.listdir(CORPUS):
        folder = CORPUS / target
        inputs = {p.stem for p in folder.glob(f"*{suffixes.get(target, '.json')}")}
        expected = {p.stem for p in folder.glob("*.expected")}
        assert inputs == expected, target
        assert inputs, target
