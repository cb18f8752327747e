"""Every `-o` goes through one guard (never over the command's own inputs, an existing file's
mode kept), and every printer through one terminal cleaner (no escape reaches the terminal)."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from tabletop.cli import main
from tabletop.output_path import OutputRefused, write_output

REPO = Path(__file__).parent.parent.parent
HOSTILE_TEAM = "\\e]0;pwned\\a\\e[2J\\u202eevil\\u009b31m"  # YAML escapes: ESC, BEL, RLO, CSI
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


@pytest.fixture
def drills(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A history with two drills of a hostile team, and the journal of one: (db, j1, j2)."""
    db = tmp_path / "h.sqlite3"
    log = tmp_path / "log.yaml"
    log.write_text(
        f'scenario: dc-power-loss\nteam: "{HOSTILE_TEAM}"\ndecisions:\n'
        '  - {at: 0, action: sweep-building, note: "\\e]8;;http://x\\e\\\\link"}\n',
        encoding="utf-8",
    )
    journals = []
    for k in (1, 2):
        journal = tmp_path / f"j{k}.jsonl"
        args = ["run", "dc-power-loss", "--decisions", str(log), "--db", str(db)]
        assert main([*args, "--journal", str(journal)]) == 0
        journals.append(journal)
    return db, journals[0], journals[1]


# ----------------------------------------------------------------------------- -o guard


def _refused(capsys, args: list[str], target: Path) -> str:
    before = target.read_bytes()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert target.read_bytes() == before
    assert err.count("\n") == 1
    return err


def test_report_refuses_to_overwrite_its_journal(drills, capsys) -> None:
    db, journal, _ = drills
    err = _refused(capsys, ["report", str(journal), "-o", str(journal), "--db", str(db)], journal)
    assert err == (
        f"tabletop: {journal}: is an input of this command; refusing to overwrite it with the "
        "report\n"
    )


def test_export_refuses_to_overwrite_the_database_it_reads(drills, capsys) -> None:
    db, _, _ = drills
    err = _refused(capsys, ["export", "--csv", str(db), "--db", str(db)], db)
    assert "is an input of this command" in err


def test_compare_and_report_by_id_refuse_their_inputs(drills, capsys, tmp_path: Path) -> None:
    db, j1, j2 = drills
    _refused(capsys, ["compare", str(j1), str(j2), "-o", str(j2), "--db", str(db)], j2)
    _refused(capsys, ["report", "1", "-o", str(db), "--db", str(db)], db)
    link = tmp_path / "link.md"
    link.symlink_to(j1)
    _refused(capsys, ["report", str(j1), "-o", str(link), "--db", str(db)], j1)


def test_no_output_overwrites_another_tabletop_input(drills, capsys, tmp_path: Path) -> None:
    db, j1, _ = drills
    scenario = tmp_path / "mine.yaml"
    scenario.write_text((REPO / "scenarios" / "dc-power-loss.yaml").read_text(), encoding="utf-8")
    err = _refused(capsys, ["schema", "-o", str(scenario)], scenario)
    assert "holds a tabletop scenario; refusing to overwrite it with the JSON Schema" in err
    other_db = tmp_path / "other.sqlite3"
    other_db.write_bytes(db.read_bytes())
    _refused(capsys, ["export", "--csv", str(other_db), "--db", str(db)], other_db)
    _refused(capsys, ["report", "1", "-o", str(j1), "--db", str(db)], j1)


def test_an_existing_report_keeps_its_mode(drills, capsys, tmp_path: Path) -> None:
    db, journal, _ = drills
    out = tmp_path / "private.md"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    assert main(["report", str(journal), "-o", str(out), "--db", str(db)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("#")
    shared = tmp_path / "shared.csv"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o640)
    assert main(["export", "--csv", str(shared), "--db", str(db)]) == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640


def test_the_guard_allows_the_kind_an_output_replaces(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("format: tabletop/v1\nid: s\n", encoding="utf-8")
    write_output("format: tabletop/v1\nid: t\n", scenario, what="scenario", replaces="scenario")
    assert "id: t" in scenario.read_text(encoding="utf-8")
    with pytest.raises(OutputRefused):
        write_output("x", scenario, inputs=[scenario], what="scenario", replaces="scenario")


# ----------------------------------------------------------------------------- cleaner


@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["history", "--trend"],
        ["history", "--json"],
        ["export", "--csv", "-"],
        ["report", "1"],
        ["report", "1", "--format", "json"],
        ["report", "1", "--format", "html"],
        ["compare", "1", "2"],
    ],
    ids=" ".join,
)
def test_no_printer_lets_an_escape_reach_the_terminal(drills, capsys, command) -> None:
    db, _, _ = drills
    assert main([*command, "--db", str(db)]) == 0
    out = capsys.readouterr()
    assert "pwned" in out.out or "pwned" in out.out.replace("\\u", "")
    for raw in RAW:
        assert raw not in out.out and raw not in out.err, (raw, command)
    if "json" in command or command == ["history", "--json"]:
        json.loads(out.out)  # still JSON: the characters are escaped, not dropped


def test_history_json_keeps_the_team_as_it_was_stored(drills, capsys) -> None:
    db, _, _ = drills
    assert main(["history", "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["team"] == "\x1b]0;pwned\x07\x1b[2J\u202eevil\x9b31m"


def test_scenario_text_is_cleaned_by_list_graph_and_validate(tmp_path: Path, capsys) -> None:
    text = (REPO / "scenarios" / "dc-power-loss.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", lambda _: 'title: "\\e]0;pwned\\a Power"', text, count=1)
    text = re.sub(r"(?m)^(    label: ).*$", lambda m: m.group(1) + '"\\e[31mRed"', text, count=1)
    folder = tmp_path / "mine"
    folder.mkdir()
    path = folder / "s.yaml"
    path.write_text(text, encoding="utf-8")
    for args in (["list", str(folder)], ["graph", str(path)]):
        main(args)
        out = capsys.readouterr()
        assert "pwned" in out.out or "Red" in out.out, args
        for raw in RAW:
            assert raw not in out.out + out.err, args


def test_every_command_module_prints_through_the_cleaner() -> None:
    # click.echo directly is allowed only where the text is cleaned on that line or just before.
    allowed = {"click.echo(shown", "one_line(", "clean_block(", "json_text("}
    offenders = []
    for module in sorted((REPO / "tabletop" / "commands").glob("*.py")):
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            if "click.echo(" in line and not any(a in line for a in allowed):
                offenders.append(f"{module.name}:{number}: {line.strip()}")
    assert offenders == []


def test_report_files_carry_no_control_or_bidi_characters(drills, tmp_path: Path) -> None:
    db, journal, _ = drills
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", str(journal), "-o", str(out), "--db", str(db)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "pwned" in text
        for raw in RAW:
            assert raw not in text, (fmt, raw)
