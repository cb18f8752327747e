"""`tabletop run`: a decision log against a scenario, headless (README, Command line).

The output is assembled from small pieces (`run_payload` for `--json`, `render_text` for the
readable form), so that other sections — the score — can be added beside the timeline and
impact figures.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.options import db_option
from tabletop.drills import Drill, DrillError, finished, run_log, save_drill
from tabletop.engine.headless import format_clock, format_entry, impact_figures, timeline
from tabletop.engine.session import Session
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.decision_log import DecisionLog, load_decision_log
from tabletop.scenario.loader import LoadedScenario
from tabletop.scenario.source import scenario_source
from tabletop.scoring.render import merge_run_payload, render_score_text
from tabletop.store import StoreError, default_db_path
from tabletop.terminal_text import echo, json_text, one_line


def load_run_inputs(scenario: str, decisions: Path) -> tuple[LoadedScenario, DecisionLog]:
    """The scenario (a path or a built-in id) and the decision log checked against it."""
    try:
        path = resolve_scenario(scenario)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    loaded = load_scenario(path)
    if decisions.is_dir():
        raise UserError(f"{decisions}: is a folder, not a decision log")
    if not decisions.is_file():
        raise UserError(f"{decisions}: no such decision log")
    return loaded, load_decision_log(decisions, loaded.scenario)


def run_payload(loaded: LoadedScenario, log: DecisionLog, session: Session) -> dict[str, Any]:
    """The `--json` object: scenario, team, impact figures and the timeline."""
    return {
        "scenario": loaded.scenario.id,
        "scenario_sha256": loaded.sha256,
        "team": log.team,
        "decisions": len(log.decisions),
        "refused": sum(1 for d in session.decisions if not d.accepted),
        "end_reason": session.end_reason,
        "impact": impact_figures(session),
        "timeline": timeline(session),
    }


def render_header(payload: dict[str, Any], title: str) -> list[str]:
    """Title lines of the readable output."""
    name = one_line(payload.get("team") or "")
    team = f" — team {name}" if name else ""
    return [f"{payload['scenario']}: {title}{team}", ""]


def render_timeline(payload: dict[str, Any]) -> list[str]:
    """The timeline section: one line per event."""
    return ["Timeline", *(format_entry(e) for e in payload["timeline"]), ""]


def render_impact(payload: dict[str, Any]) -> list[str]:
    """The impact section."""
    i = payload["impact"]
    peak = f"{i['peak_affected']:,.0f} users"
    if i["peak_affected"]:
        peak += f" (from {format_clock(i['peak_at'])})"
    return [
        "Impact",
        f"  customer-minutes   {i['customer_minutes']:,.0f}",
        f"  at-risk minutes    {i['at_risk_minutes']:,.0f}",
        f"  peak affected      {peak}",
        f"  affected at end    {i['affected_at_end']:,.0f} users",
        f"  decisions          {payload['decisions']} ({payload['refused']} refused)",
        "",
    ]


def render_text(payload: dict[str, Any], title: str) -> str:
    """The readable output of `run`."""
    lines = [*render_header(payload, title), *render_timeline(payload), *render_impact(payload)]
    return "\n".join(lines).rstrip() + "\n"


@click.command("run")
@no_cache_option
@click.argument("scenario")
@click.option(
    "--decisions",
    "decisions",
    required=True,
    type=click.Path(path_type=Path),
    help="Decision log (YAML: scenario, team, decisions: [{at, action, by, note, message}]).",
)
@click.option(
    "--journal",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the run's journal (JSON Lines) to this new file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--team", default=None, help="Name of the team (over the log's `team`).")
@db_option("History database the finished run is stored in (default: TABLETOP_DB or XDG data).")
@click.option(
    "--no-history", is_flag=True, help="Do not store the run in the history (trying out a log)."
)
def run_command(
    scenario: str,
    decisions: Path,
    journal: Path | None,
    as_json: bool,
    team: str | None,
    db: Path | None,
    no_history: bool,
) -> None:
    """Run a decision log against SCENARIO (a file or a built-in id), without the UI.

    Prints the timeline (injects, decisions, refusals with their reasons, effects, the end),
    the impact figures and the score with its breakdown, findings and counterfactuals.
    """
    # The wall-clock start of this run, stored with the drill (its end is when it is saved).
    began = datetime.now(UTC)
    loaded, log = load_run_inputs(scenario, decisions)
    if team is not None:
        log = dataclasses.replace(log, team=team)
    try:
        session = run_log(
            loaded, log, journal=journal, source=scenario_source(scenario, loaded.path)
        )
    except DrillError as exc:
        raise UserError(str(exc)) from None
    drill = finished(loaded, session)
    result = drill.score
    payload = merge_run_payload(run_payload(loaded, log, session), result)
    if as_json:
        echo(json_text(json.dumps(payload, ensure_ascii=False, indent=2)))
    else:
        echo(render_text(payload, loaded.scenario.title), nl=False)
        echo("\n" + render_score_text(result))
        if journal is not None:
            echo(f"journal: {journal}")
    if not no_history:
        store_run(db or default_db_path(), drill, journal, began)


def store_run(db: Path, drill: Drill, journal: Path | None, began: datetime | None = None) -> None:
    """Keep the finished run in the history; say where on stderr, so stdout stays the report."""
    try:
        sid = save_drill(db, drill, started_at=began).session_id
    except StoreError as exc:
        keep = (
            f"store it later with `tabletop history --add {journal}`"
            if journal is not None
            else "rerun with --journal PATH to keep it"
        )
        raise UserError(f"history not saved: {exc}; {keep}") from None
    from tabletop.store.db import where

    echo(f"saved to history as session #{sid} ({where(db)})", err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(run_command)
