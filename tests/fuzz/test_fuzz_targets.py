"""Fuzz targets: the scenario loader, the decision-log loader, the journal reader and the
history store. Each takes valid inputs, damages them (hostile values, random text, deleted,
duplicated and swapped lines, flipped bytes) and checks the one promise: the input is
accepted, or refused with one clean located line per problem (a `StoreError` line for the
store, which is also never modified) — never any other exception."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from tabletop.engine.events import Decision
from tabletop.engine.headless import run_decisions
from tabletop.engine.journal import read_journal, replay
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import LoadedScenario, parse_scenario
from tabletop.scenario.problems import InputError
from tabletop.scoring import score
from tabletop.store import StoreError, export_csv, list_sessions, load_session
from tabletop.store.sessions import stored_drills
from tabletop.store.trend import trends
from tabletop.terminal_text import one_line

pytestmark = pytest.mark.fuzz

TESTS = Path(__file__).parent.parent
SCENARIO_SEEDS = [
    *(p.read_text(encoding="utf-8") for p in sorted(builtin_dir().glob("*.yaml"))),
    (TESTS / "scenario" / "base.yaml").read_text(encoding="utf-8"),
]
LOG_SEEDS = [
    p.read_text(encoding="utf-8") for p in sorted((TESTS / "library" / "logs").glob("*.yaml"))
]


@pytest.fixture
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_fuzz_scenario_loader(harness: Any) -> None:
    def check(text: str) -> None:
        try:
            parse_scenario(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")
        except InputError as exc:
            harness.assert_one_line_problems(exc.problems)

    examples = harness.run(
        "scenario", harness.mutated_text(SCENARIO_SEEDS, harness.HOSTILE_SCALARS), check
    )
    assert examples > 0


def test_fuzz_decision_log_loader(
    harness: Any, scenarios: dict[str, LoadedScenario], work: Path
) -> None:
    path = work / "log.yaml"

    def check(text: str) -> None:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        for loaded in scenarios.values():
            try:
                load_decision_log(path, loaded.scenario)
            except InputError as exc:
                harness.assert_one_line_problems(exc.problems)

    assert harness.run(
        "decision-log", harness.mutated_text(LOG_SEEDS, harness.HOSTILE_SCALARS), check
    )


def _journals(scenarios: dict[str, LoadedScenario], folder: Path) -> list[tuple[str, str]]:
    """(scenario id, journal text) of a few whole drills, ended and interrupted."""
    out = []
    for k, (name, loaded) in enumerate(scenarios.items()):
        actions = [a.id for a in loaded.scenario.actions][:4]
        decisions = [Decision(2 * i, a, by="fuzz", note=f"n{i}") for i, a in enumerate(actions)]
        path = folder / f"{name}-{k}.jsonl"
        run_decisions(loaded, decisions, team="fuzz", journal=path)
        text = path.read_text(encoding="utf-8")
        out.append((name, text))
        out.append((name, "\n".join(text.splitlines()[: len(text.splitlines()) // 2]) + "\n"))
    return out


def test_fuzz_journal_reader(
    harness: Any, scenarios: dict[str, LoadedScenario], work: Path
) -> None:
    seeds = _journals(scenarios, work)
    path = work / "j.jsonl"

    @st.composite
    def journal(draw: st.DrawFn) -> tuple[str, bytes]:
        name, _ = draw(st.sampled_from(seeds))
        texts = [t for n, t in seeds if n == name]
        text = draw(harness.mutated_text(texts, harness.HOSTILE_JSON))
        raw = text.encode("utf-8", "surrogatepass")
        if draw(st.booleans()):  # a torn write or a flipped byte
            at = draw(st.integers(0, max(0, len(raw) - 1)))
            raw = raw[:at] + draw(st.binary(max_size=3)) + raw[at + draw(st.integers(0, 3)) :]
        return name, raw

    def check(example: tuple[str, bytes]) -> None:
        name, raw = example
        path.write_bytes(raw)
        loaded = scenarios[name]
        try:
            # What `report`, `resume` and `history --add` do with a journal.
            read = read_journal(path)
            session = replay(loaded.scenario, read.events, sha256=loaded.sha256, journal=path)
            if not session.ended:
                session.end("interrupted")
            score(loaded.scenario, session, counterfactuals=False)
        except InputError as exc:
            harness.assert_one_line_problems(exc.problems)

    assert harness.run("journal", journal(), check)


# ----------------------------------------------------------------------------- store

TABLES = {
    "sessions": [
        "scenario_id", "scenario_sha256", "title", "team", "mode", "started_at", "ended_at",
        "duration", "end_reason", "total", "grade", "order_score", "coverage_score",
        "timeliness_score", "outcome_score", "penalties", "customer_minutes",
        "baseline_customer_minutes", "reference_customer_minutes", "at_risk_minutes",
        "decisions_taken", "decisions_refused", "score_json", "journal", "id",
    ],
    "scenarios": ["sha256", "id", "title", "document"],
    "components": ["component", "weight", "value", "points", "session_id"],
    "decisions": ["t", "action", "accepted", "reason", "by", "note", "message"],
    "findings": ["kind", "component", "points", "text", "t", "quote", "session_id"],
}  # fmt: skip

HOSTILE_SQL = [
    "NULL",
    "'abc'",
    "x'ff00fe'",
    "CAST(x'ff41fe' AS TEXT)",
    "-1",
    "9223372036854775807",
    "1e308",
    "'[1, 2]'",
    "'{}'",
    "'" + "[" * 3000 + "'",
    '\'{"seq": 1, "t": 0, "kind": ["start"]}\'',
    "'" + '{"x": ' + "[" * 2000 + "]" * 2000 + "}'",
    "'\x1b]0;x\x07'",
    "''",
    "0",
    "'1'",
]


def _damage(db: Path, damage: tuple[str, Any]) -> None:
    kind, what = damage
    if kind == "sql":
        conn = sqlite3.connect(db)
        try:
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute(what)
            conn.commit()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, UnicodeError):
            pass  # refused (a constraint, earlier damage): the file is as it was
        finally:
            conn.close()
    else:
        offset, data = what
        raw = bytearray(db.read_bytes())
        raw[offset : offset + len(data)] = data
        db.write_bytes(bytes(raw))


def store_damage(size: int) -> st.SearchStrategy[tuple[str, Any]]:
    """An UPDATE of a column to a hostile value, a deleted table's rows, or bytes overwritten."""
    update = st.builds(
        lambda table, col, value, where: (
            "sql",
            f"UPDATE {table} SET {col} = {value}" + (" WHERE rowid = 1" if where else ""),
        ),
        *(st.sampled_from(list(TABLES)),),
        st.just("?"),
        st.sampled_from(HOSTILE_SQL),
        st.booleans(),
    ).flatmap(
        lambda d: st.sampled_from(TABLES[d[1].split()[1]]).map(
            lambda col: ("sql", d[1].replace("SET ?", f"SET {col}"))
        )
    )
    delete = st.sampled_from([("sql", f"DELETE FROM {t}") for t in TABLES])
    flip = st.tuples(st.integers(0, size - 1), st.binary(min_size=1, max_size=64)).map(
        lambda w: ("bytes", w)
    )
    return st.one_of(update, update, delete, flip)


def test_fuzz_history_store(harness: Any, history: bytes, work: Path) -> None:
    db = work / "h.sqlite3"

    def check(damages: list[tuple[str, Any]]) -> None:
        for side in ("-wal", "-shm"):
            Path(f"{db}{side}").unlink(missing_ok=True)
        db.write_bytes(history)
        for damage in damages:
            _damage(db, damage)
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        for read in (
            lambda: trends(list_sessions(db)),
            lambda: export_csv(list_sessions(db, team="t")),
            lambda: load_session(db, 1),
            lambda: load_session(db, 2),
            lambda: stored_drills(db, [1, 2]),
        ):
            try:
                read()
            except StoreError as exc:
                # One line once the CLI's cleaner has shown control characters as spaces.
                assert str(exc) and one_line(str(exc)).startswith(f"{db}: "), str(exc)
            except KeyError:
                pass  # "no such session": the row is gone
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "a read modified the file"

    assert harness.run(
        "history-store", st.lists(store_damage(len(history)), min_size=1, max_size=3), check
    )
