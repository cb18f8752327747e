"""Fixtures of the report and store tests: a small scenario, sessions and hand-made scores."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tabletop.engine.events import Decision
from tabletop.engine.session import Session, simulate
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.models import Scenario
from tabletop.scoring.model import (
    Components,
    Counterfactual,
    Finding,
    ImpactFigures,
    Score,
    TimelineEntry,
    grade_for,
)

MINI: dict[str, Any] = {
    "format": "tabletop/v1",
    "id": "mini-outage",
    "title": "Mini outage",
    "kind": "power",
    "summary": "The utility feed drops; the generator must be started.",
    "duration": 120,
    "nodes": [
        {"id": "utility", "label": "Utility feed", "kind": "power", "third_party": True},
        {"id": "gen", "label": "Generator", "kind": "power", "standby": True},
        {
            "id": "db",
            "label": "Database",
            "kind": "database",
            "sensitive": True,
            "depends_on": [{"any_of": ["utility", "gen"]}],
        },
        {"id": "cdn", "label": "CDN", "kind": "vendor", "third_party": True},
        {"id": "web", "label": "Web shop", "users": 1000, "depends_on": ["db", {"soft": "cdn"}]},
    ],
    "actions": [
        {
            "id": "assess",
            "label": "Assess the scope",
            "phase": "assess",
            "minutes": 5,
            "reveals": "Web shop down, 1,000 customers.",
        },
        {
            "id": "post-status",
            "label": "Post on the status page",
            "phase": "communicate",
            "minutes": 2,
        },
        {
            "id": "start-gen",
            "label": "Start the generator",
            "phase": "fix",
            "minutes": 10,
            "requires": ["assess"],
            "effects": [{"node": "gen", "status": "up"}],
        },
        {"id": "blame-vendor", "label": "Blame the vendor by name", "phase": "communicate"},
    ],
    "injects": [
        {
            "id": "drop",
            "at": 0,
            "title": "Utility power lost",
            "effects": [{"node": "utility", "status": "down"}],
        },
        {
            "id": "press",
            "at": 40,
            "title": "A journalist calls",
            "when": {"not_done": ["post-status"]},
        },
    ],
    "playbook": [
        {
            "id": "s-assess",
            "phase": "assess",
            "title": "Establish what failed",
            "any_of": ["assess"],
            "by": 10,
        },
        {
            "id": "s-communicate",
            "phase": "communicate",
            "title": "Tell customers",
            "any_of": ["post-status"],
            "by": 20,
        },
        {
            "id": "s-fix",
            "phase": "fix",
            "title": "Restore power",
            "any_of": ["start-gen"],
            "by": 30,
        },
    ],
    "avoid": [{"action": "blame-vendor", "penalty": 10, "why": "It helps nobody."}],
}

TEAM_DECISIONS = [
    Decision(2, "assess", by="Ana", note="checking dashboards"),
    Decision(15, "start-gen", by="Bo"),
    Decision(25, "post-status", by="Cy", message="We know the shop is down; fix by 10:40."),
]


def mini_scenario(**changes: Any) -> Scenario:
    """The mini scenario, with top-level keys replaced."""
    return Scenario.model_validate({**MINI, **changes})


def loaded_for(scenario: Scenario, tmp: Path | None = None) -> LoadedScenario:
    """A LoadedScenario; written to `tmp` as YAML when given (so the CLI can load it)."""
    text = yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False)
    path = Path("<memory>")
    if tmp is not None:
        path = tmp / f"{scenario.id}.yaml"
        path.write_text(text, encoding="utf-8")
    return LoadedScenario(scenario, path, hashlib.sha256(text.encode()).hexdigest())


def hand_score(session: Session, team: str = "Blue team", total: float = 72.5) -> Score:
    """A plausible Score made by hand (does not depend on the scoring package)."""
    scenario = session.scenario
    timeline = [
        TimelineEntry(
            s.id,
            s.title,
            str(s.phase),
            s.by,
            min((session.started[a] for a in s.any_of if a in session.started), default=None),
            min((session.done[a] for a in s.any_of if a in session.done), default=None),
            float(k * 5),
            float(k * 5 + 5),
        )
        for k, s in enumerate(scenario.playbook)
    ]
    return Score(
        scenario=scenario.id,
        team=team,
        total=total,
        grade=grade_for(total),
        components=Components(order=0.67, coverage=1.0, timeliness=0.5, outcome=0.7),
        weights={"order": 35, "coverage": 20, "timeliness": 15, "outcome": 30},
        penalties=0.0,
        impact=ImpactFigures(session.customer_minutes, 120000.0, 15000.0, 0.0),
        findings=[
            Finding(
                "improvement",
                "order",
                -11.55,
                "Fixed before telling customers.",
                15.0,
                "s-communicate",
            ),
            Finding(
                "improvement",
                "timeliness",
                -7.5,
                "Tell customers was late (T+27, target T+20).",
                27.0,
                "s-communicate",
            ),
            Finding("improvement", "outcome", -9.0, "30 % of the avoidable impact remained."),
            Finding("strength", "coverage", 20.0, "Every playbook step was done."),
        ],
        counterfactuals=[
            Counterfactual(
                "s-fix",
                "start-gen",
                5.0,
                15.0,
                10000.0,
                "Starting the generator at T+5 instead of T+15",
            ),
        ],
        timeline=timeline,
    )


@pytest.fixture
def mini() -> Scenario:
    return mini_scenario()


@pytest.fixture
def drill(mini: Scenario) -> tuple[LoadedScenario, Session, Score]:
    """A played drill of the mini scenario with a note, and its hand-made score."""
    session = Session(mini, team="Blue team")
    for d in TEAM_DECISIONS:
        session.advance(d.at)
        session.take(d.action, by=d.by, note=d.note, message=d.message)
        if d.at == 15:
            session.add_note("Team calm, good hand-over.", by="observer")
    session.advance(mini.duration)
    return loaded_for(mini), session, hand_score(session)


DrillFactory = Callable[..., tuple[LoadedScenario, Session, Score]]


@pytest.fixture
def make_drill(mini: Scenario) -> DrillFactory:
    """Build drills with other decisions, teams or totals."""

    def make(
        decisions: list[Decision] | None = None, team: str = "Blue team", total: float = 72.5
    ) -> tuple[LoadedScenario, Session, Score]:
        session = simulate(mini, TEAM_DECISIONS if decisions is None else decisions)
        return loaded_for(mini), session, hand_score(session, team, total)

    return make


@pytest.fixture
def kit() -> Any:
    """The helpers above for test modules (importlib mode cannot import conftest by name)."""
    import types

    return types.SimpleNamespace(
        MINI=MINI,
        TEAM_DECISIONS=TEAM_DECISIONS,
        mini_scenario=mini_scenario,
        loaded_for=loaded_for,
        hand_score=hand_score,
    )


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    """Run the CLI in-process: (args) → CompletedProcess with its exit code, stdout, stderr."""
    import contextlib
    import io
    import subprocess

    from tabletop.cli import main

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    return run


# ----------------------------------------------------------------------------- PostgreSQL

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*cmd: str) -> None:
    import subprocess

    # Tests run as root; PostgreSQL refuses to, so its tools run as the postgres user.
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{cmd[0]} failed: {done.stderr[-2000:]}"


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """A real PostgreSQL 15 on a temporary directory and a free port, for the whole session.

    Fails (never skips) when the server is not installed: `.ci/run` installs `postgresql`.
    """
    import shutil
    import subprocess
    import tempfile

    assert (PG_BIN / "initdb").exists(), (
        "PostgreSQL 15 is not installed (apt-get install postgresql)"
    )
    base = Path(tempfile.mkdtemp(prefix="tabletop-pg-", dir="/tmp"))
    shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    port = _free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    _as_postgres(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "log"),
        "-w",
        "-o",
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "stop",
            ],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the test server: its URL."""

    import psycopg

    name = f"t{next(_PG_DATABASES)}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


_PG_DATABASES = __import__("itertools").count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_db(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The history database of a store test, on each backend: a file, or a server URL."""
    if request.param == "sqlite":
        return tmp_path / "h.sqlite3"
    return request.getfixturevalue("pg_url")
