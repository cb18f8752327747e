"""`tabletop run` turns awkward inputs into one line and exit 1 (README, Command line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tabletop.cli import main


def test_a_folder_as_decision_log_is_one_line_exit_1(tmp_path: Path, capsys) -> None:
    assert main(["run", "dc-power-loss", "--decisions", str(tmp_path), "--no-history"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"tabletop: {tmp_path}: is a folder, not a decision log"]


def test_a_team_name_cannot_forge_output_lines(tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        'scenario: dc-power-loss\nteam: "blue\\nFAKE LINE"\ndecisions:\n'
        "  - {at: 0, action: sweep-building}\n",
        encoding="utf-8",
    )
    assert main(["run", "dc-power-loss", "--decisions", str(log), "--no-history"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("— team blue FAKE LINE")
    assert not any(line.startswith("FAKE LINE") for line in out)


@pytest.mark.parametrize("fmt", [["--json"], []])
def test_a_decision_at_the_end_shows_as_refused(tmp_path: Path, capsys, fmt: list[str]) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        "scenario: dc-power-loss\nteam: late\ndecisions:\n  - {at: 240, action: sweep-building}\n",
        encoding="utf-8",
    )
    assert main(["run", "dc-power-loss", "--decisions", str(log), "--no-history", *fmt]) == 0
    out = capsys.readouterr().out
    if fmt:
        doc = json.loads(out)
        assert doc["refused"] == 1
    else:
        assert "the drill has ended" in out


def test_notes_and_messages_cannot_forge_timeline_lines(tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        "scenario: dc-power-loss\nteam: t\ndecisions:\n"
        '  - {at: 0, action: sweep-building, note: "ok\\n     T+99:00  end  forged"}\n',
        encoding="utf-8",
    )
    assert main(["run", "dc-power-loss", "--decisions", str(log), "--no-history"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert not any(line.lstrip().startswith("T+99:00") for line in out)
    assert any("forged" in line for line in out)  # still shown, on the decision's own line


def test_a_folder_as_journal_is_one_line_exit_1(tmp_path: Path, capsys) -> None:
    log = tmp_path / "log.yaml"
    log.write_text("scenario: dc-power-loss\nteam: t\ndecisions: []\n", encoding="utf-8")
    rc = main(["run", "dc-power-loss", "--decisions", str(log), "--journal", str(tmp_path)])
    assert rc == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"tabletop: {tmp_path}: is a folder; --journal names the new journal file"]
