"""Improvement items in the history: created from a drill, deduplicated, re-tested, edited,
exported; evaluator ratings (`tabletop plan`, `tabletop rate`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.scoring import score
from tabletop.store import save_session
from tabletop.store.plan import ITEM_KEYS, list_items, normal_status

WEAK = [
    Decision(0, "blame-vendor", by="Cy"),
    Decision(1, "assess", by="Ana"),
    Decision(35, "start-gen", by="Bo"),
]
GOOD = [
    Decision(0, "assess", by="Ana"),
    Decision(1, "post-status", by="Cy"),
    Decision(6, "start-gen", by="Bo"),
]


def _store(db: Path | str, kit, decisions: list[Decision], team: str, day: int) -> int:
    scenario = kit.mini_scenario()
    session = simulate(scenario, decisions)
    return save_session(
        db,
        kit.loaded_for(scenario),
        session,
        score(scenario, session, team=team),
        started_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC),
        recorded_at=datetime(2026, 11, day, 10, 30, tzinfo=UTC),
    )


@pytest.fixture
def history(history_db: Path | str, kit) -> Path | str:
    """Four drills, on each backend (SQLite file, PostgreSQL server)."""
    db = history_db
    _store(db, kit, WEAK, "Blue", 1)  # 1
    _store(db, kit, WEAK, "Blue", 2)  # 2: the same weaknesses again
    _store(db, kit, WEAK, "Red", 3)  # 3
    _store(db, kit, GOOD, "Blue", 4)  # 4: Blue does it well
    return db


def test_items_are_created_once_per_team_and_subject(history: Path | str) -> None:
    blue = list_items(history, team="Blue")
    red = list_items(history, team="Red")
    subjects = {"action:blame-vendor", "step:s-communicate", "step:s-fix", "outcome"}
    assert {i.subject for i in blue} == subjects and len(blue) == len(subjects)
    assert {i.subject for i in red} == subjects
    assert all(i.session == 1 for i in blue) and all(i.session == 3 for i in red)
    avoid = next(i for i in blue if i.subject == "action:blame-vendor")
    # Owner: who took it; start: the drill's day; due: 30 days (an avoid action is urgent).
    assert (avoid.owner, avoid.start, avoid.due) == ("Cy", "2026-11-01", "2026-12-01")


def test_a_later_good_drill_retests_its_own_teams_items(history: Path | str) -> None:
    blue = {i.subject: i for i in list_items(history, team="Blue")}
    for subject in ("action:blame-vendor", "step:s-communicate", "step:s-fix", "outcome"):
        assert (blue[subject].status, blue[subject].retested_by) == ("re-tested", 4), subject
    assert all(
        i.status == "open" and i.retested_by is None for i in list_items(history, team="Red")
    )


def test_found_again_after_retest_reopens(history: Path | str, kit) -> None:
    _store(history, kit, WEAK, "Blue", 5)
    item = next(i for i in list_items(history, team="Blue") if i.subject == "action:blame-vendor")
    assert (item.status, item.retested_by) == ("open", None)


def test_status_words() -> None:
    assert normal_status("In-Progress") == "in progress"
    assert normal_status("retested") == "re-tested"
    with pytest.raises(ValueError, match="not one of"):
        normal_status("closed")


def test_plan_and_rate_commands(history: Path | str, tmp_path: Path, run_cli) -> None:
    db = str(history)
    r = run_cli("plan", "list", "--team", "Red", "--json", "--db", db)
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [list(i) for i in items] == [list(ITEM_KEYS)] * len(items)
    first = items[0]["id"]
    r = run_cli(
        "plan",
        "set",
        str(first),
        "--owner",
        "Dana",
        "--due",
        "2027-01-15",
        "--status",
        "in-progress",
        "--db",
        db,
    )
    assert r.returncode == 0, r.stderr
    got = {i.id: i for i in list_items(history)}[first]
    assert (got.owner, got.due, got.status) == ("Dana", "2027-01-15", "in progress")
    bad = run_cli("plan", "set", str(first), "--due", "15/01/2027", "--db", db)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "YYYY-MM-DD" in bad.stderr
    bad = run_cli("plan", "set", "999", "--owner", "x", "--db", db)
    assert bad.returncode == 1 and "no improvement item #999" in bad.stderr
    # The evaluator's rating shows beside the derived one. Derived S: the generator was done
    # at T+45 (taken T+35, 10 minutes), target T+30: credit 1 - 15/30 = 0.5; the evaluator: M.
    r = run_cli(
        "rate", "1", "phase-fix", "m", "--reason", "started only after a prompt", "--db", db
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(run_cli("report", "1", "--db", db, "--format", "json").stdout)
    fix = next(o for o in doc["objectives"] if o["id"] == "phase-fix")
    assert (fix["derived"], fix["rating"], fix["override_reason"]) == (
        "S",
        "M",
        "started only after a prompt",
    )
    bad = run_cli("rate", "1", "no-such", "S", "--reason", "x", "--db", db)
    assert bad.returncode == 1 and "phase-assess" in bad.stderr
    # The good drill's report lists what it re-tested; its plan rows carry the item ids.
    doc = json.loads(run_cli("report", "4", "--db", db, "--format", "json").stdout)
    assert {i["subject"] for i in doc["retested"]} == {
        "outcome",  # it avoided all the avoidable impact: no outcome finding this time
        "action:blame-vendor",
        "step:s-communicate",
        "step:s-fix",
    }
    doc = json.loads(run_cli("report", "3", "--db", db, "--format", "json").stdout)
    assert all(row["item_id"] is not None for row in doc["improvement_plan"])
    out = tmp_path / "plan.csv"
    r = run_cli("export", "--plan-csv", str(out), "--team", "Blue", "--db", db)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(rows[0]) == ITEM_KEYS and {row["team"] for row in rows} == {"Blue"}
    assert run_cli("export", "--db", db).returncode == 2
