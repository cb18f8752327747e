"""`tabletop play` / `resume` errors: one line, exit 1, never a traceback (the UI is not run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tabletop.cli import main


def test_play_unknown_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "no-such-scenario"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-scenario" in err[0]


def test_play_refuses_to_overwrite_a_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text('{"seq": 1}\n')
    assert main(["play", "dc-power-loss", "--journal", str(journal)]) == 1
    assert "tabletop resume" in capsys.readouterr().err
    assert journal.read_text() == '{"seq": 1}\n'


def test_resume_missing_or_broken_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resume", str(tmp_path / "none.jsonl")]) == 1
    assert "no such journal" in capsys.readouterr().err
    assert main(["resume", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"tabletop: {tmp_path}: is a folder, not a journal file\n"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert main(["resume", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith(str(bad)) for line in err)


def test_play_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--help"]) == 0
    out = capsys.readouterr().out
    for opt in ("--team", "--mode", "--pace", "--journal", "FOLDER"):
        assert opt in out
