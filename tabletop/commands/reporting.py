"""`tabletop report`, `history`, `export` and `compare`: what a manager runs.

A drill is named either by its journal file or by its id in the history database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from tabletop.commands.errors import UserError
from tabletop.commands.loading import load_scenario, no_cache_option
from tabletop.commands.options import history_option, history_path
from tabletop.drills import (
    Drill,
    DrillError,
    drill_from_journal,
    open_journal,
    save_drill,
    stored_drill,
)
from tabletop.output_path import OutputRefused, with_sidecars, write_output
from tabletop.reports import FORMATS, build_comparison, render
from tabletop.scenario.catalog import resolve_scenario
from tabletop.store import (
    StoreError,
    export_csv,
    list_sessions,
    trends,
)
from tabletop.store.db import where
from tabletop.store.pg import is_url
from tabletop.store.sessions import SessionRow, parse_since
from tabletop.terminal_text import clean_block, echo, json_text

_SUFFIX_FORMAT = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


# ----------------------------------------------------------------------------- sources


def _session_id(source: str) -> int | None:
    text = source.removeprefix("#")
    return int(text) if text.isdigit() else None


def load_drill(
    source: str, *, scenario: str | None, db: Path, counterfactuals: bool = True
) -> Drill:
    """A journal file, or a stored session id, as a drill ready for a report."""
    path = Path(source)
    if path.is_file():
        return _drill_from_journal(path, scenario, counterfactuals)
    if path.is_dir():
        raise UserError(f"{source}: is a folder, not a journal file")
    sid = _session_id(source)
    if sid is None:
        raise UserError(f"{source}: no such journal file, and not a stored session id")
    try:
        return stored_drill(db, sid)
    except DrillError as exc:
        raise UserError(str(exc)) from None


def _drill_from_journal(
    path: Path, scenario: str | None, counterfactuals: bool, option: str = "--scenario"
) -> Drill:
    # A file or a built-in id, as everywhere else a scenario is named.
    try:
        scenario_path = resolve_scenario(scenario) if scenario else None
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    try:
        opened = open_journal(path, load_scenario, scenario=scenario_path, option=option)
    except DrillError as exc:
        raise UserError(str(exc)) from None
    for warning in opened.warnings:
        echo(f"tabletop: warning: {warning}", err=True)
    return drill_from_journal(opened, counterfactuals=counterfactuals)


# ----------------------------------------------------------------------------- output


def _format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    if output and output != "-":
        return _SUFFIX_FORMAT.get(Path(output).suffix.lower(), "md")
    return "md"


def _write(text: str, output: str | None, *, inputs: list[Path], what: str) -> None:
    """Print `text` (cleaned for the terminal), or write it to `output` through the output
    guard: never over one of the command's `inputs`, never over another tabletop input."""
    if not output or output == "-":
        shown = json_text(text) if text.startswith(("{", "[")) else clean_block(text)
        click.echo(shown, nl=not text.endswith("\n"))
        return
    target = Path(output)
    try:
        write_output(text, target, inputs=inputs, what=what)
    except OutputRefused as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"{target}: cannot write ({exc.strerror or exc})") from None
    echo(f"wrote {target}", err=True)


def _inputs(sources: Iterable[str], db: Path, scenario: str | None = None) -> list[Path]:
    """The files a reporting command reads: journals named, the scenario, the database."""
    named = [Path(s) for s in (*sources, *([scenario] if scenario else []))]
    return [*(p for p in named if p.is_file()), *with_sidecars(db)]


def _rows(db: Path, team: str | None, scenario: str | None, since: str | None) -> list[SessionRow]:
    try:
        since_iso = parse_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    try:
        return list_sessions(db, team=team, scenario=scenario, since=since_iso)
    except StoreError as exc:
        raise UserError(str(exc)) from None


_format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Default: from -o's suffix, else md."
)
_output_option = click.option(
    "-o", "--output", metavar="PATH", help="Write here instead of standard output."
)
_filters = [
    click.option("--team", metavar="TEAM", help="Only this team's drills."),
    click.option("--scenario", "scenario_id", metavar="ID", help="Only drills of this scenario."),
    click.option("--since", metavar="DATE", help="Only drills ended since (YYYY-MM-DD, or 30d)."),
]


def _with_filters(fn: Any) -> Any:
    for option in reversed(_filters):
        fn = option(fn)
    return fn


# ----------------------------------------------------------------------------- commands


@click.command("report")
@no_cache_option
@click.argument("source", metavar="JOURNAL|SESSION_ID")
@_format_option
@_output_option
@click.option(
    "--scenario",
    metavar="PATH",
    help="Scenario file of the journal (default: the file it ran from, if unchanged).",
)
@click.option("--no-counterfactuals", is_flag=True, help="Skip the (slower) what-if analysis.")
@history_option
def report_command(
    source: str,
    fmt: str | None,
    output: str | None,
    scenario: str | None,
    no_counterfactuals: bool,
    db: str | None,
) -> None:
    """After-action report of one drill, from its journal or its stored session id."""
    drill = load_drill(
        source, scenario=scenario, db=history_path(db), counterfactuals=not no_counterfactuals
    )
    _write(
        render(drill.report(), _format(fmt, output)),
        output,
        inputs=_inputs([source], history_path(db), scenario),
        what="report",
    )


@click.command("history")
@no_cache_option
@_with_filters
@click.option("--trend", is_flag=True, help="Per team and component, how scores move over time.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--add",
    "journals",
    multiple=True,
    metavar="JOURNAL",
    help="First store this drill from its journal (e.g. one a full database could not take).",
)
@click.option(
    "--scenario-file",
    metavar="PATH",
    help="Scenario file of the --add journals (default: the file each ran from, if unchanged).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="With --trend: the trend report as md, html (a chart) or json (default: from -o's "
    "suffix, else a text table).",
)
@_output_option
@history_option
def history_command(
    team: str | None,
    scenario_id: str | None,
    since: str | None,
    trend: bool,
    as_json: bool,
    journals: tuple[str, ...],
    scenario_file: str | None,
    fmt: str | None,
    output: str | None,
    db: str | None,
) -> None:
    """List stored drills (oldest first), or their trends with --trend."""
    path = history_path(db)
    for journal in journals:
        _add_journal(path, Path(journal), scenario_file)
    if journals and not (trend or as_json or team or scenario_id or since):
        return  # --add says what it stored, one line each; the table is `tabletop history`
    rows = _rows(path, team, scenario_id, since)
    if (fmt or output) and not trend:
        raise click.UsageError("--format and -o go with --trend")
    if trend and (fmt or output):
        from tabletop.reports import build_trend
        from tabletop.store.sessions import stored_drills

        try:
            drills = stored_drills(path, [r.id for r in rows])
        except StoreError as exc:
            raise UserError(str(exc)) from None
        _write(
            render(build_trend(drills), _format(fmt, output)),
            output,
            inputs=_inputs([], path),
            what="trend report",
        )
        return
    if trend:
        found = trends(rows)
        if as_json:
            echo(json_text(json.dumps([asdict(t) | {"change": t.change} for t in found], indent=2)))
        else:
            _print_trends(found, path, rows)
        return
    if as_json:
        echo(json_text(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False)))
        return
    if not rows:
        known = path.exists() or is_url(path)
        echo(f"No drills stored in {where(path)} match." if known else f"No history yet ({path}).")
        return
    header = (
        f"{'id':>5}  {'ended (UTC)':<16}  {'team':<20}  {'scenario':<22}  {'total':>5}  grade  "
        f"{'ord':>4} {'cov':>4} {'time':>4} {'out':>4}"
    )
    echo(header)
    for r in rows:
        echo(
            f"{r.id:>5}  {r.ended_at[:16].replace('T', ' '):<16}  {_cut(r.team, 20):<20}  "
            f"{_cut(r.scenario_id, 22):<22}  {r.total:>5.1f}  {r.grade:^5}  "
            f"{_pct(r.order):>4} {_pct(r.coverage):>4} {_pct(r.timeliness):>4} {_pct(r.outcome):>4}"
        )
    echo(f"{len(rows)} drill(s) in {where(path)}")


def _add_journal(db: Path, journal: Path, scenario: str | None) -> None:
    if not journal.is_file():
        what = "is a folder, not a journal file" if journal.is_dir() else "no such journal file"
        raise UserError(f"{journal}: {what}")
    drill = _drill_from_journal(journal, scenario, counterfactuals=True, option="--scenario-file")
    # The drill ended when its journal was last written: the best wall-clock time it has.
    ended = datetime.fromtimestamp(journal.stat().st_mtime, UTC)
    try:
        # Adding the same drill twice would count it twice in --trend and compare.
        saved = save_drill(db, drill, ended_at=ended, once=True)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if saved.already_stored:
        echo(f"{journal} is already stored as session #{saved.session_id}", err=True)
        return
    echo(f"stored {journal} as session #{saved.session_id}", err=True)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split()) or "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _print_trends(found: list[Any], path: Path, rows: list[SessionRow]) -> None:
    if not found:
        echo(f"No drills stored in {where(path)} match.")
        return
    from tabletop.reports.formatting import fmt_date

    echo(
        f"{'team':<20}  {'measure':<10}  {'drills':>6}  {'first':>5}  {'last':>5}  "
        f"{'change':>6}  {'trend':<8}  dates (UTC)"
    )
    last_team = None
    for t in found:
        team = _cut(t.team, 20) if t.team != last_team else ""
        sign = -1 if t.measure == "penalties" else 1  # points taken off, as reports show them
        dates = (
            ""
            if t.team == last_team
            else f"{fmt_date(t.first_at[:10])} → {fmt_date(t.last_at[:10])}"
        )
        last_team = t.team
        first, last, change = (round(sign * v) + 0 for v in (t.values[0], t.values[-1], t.change))
        echo(
            f"{team:<20}  {t.measure:<10}  {len(t.values):>6}  {first:>5d}  {last:>5d}  "
            f"{change:>+6d}  {t.sparkline:<8}  {dates}"
        )
    echo(
        f"{len(rows)} drill(s) in {where(path)}; components in %, trend on a 0-100 scale; "
        "a chart: --format html -o FILE"
    )


@click.command("export")
@click.option("--csv", "csv_path", metavar="PATH", help="CSV file to write (- for stdout).")
@click.option(
    "--plan-csv",
    "plan_path",
    metavar="PATH",
    help="Also (or only) the improvement items as CSV (- for stdout).",
)
@_with_filters
@history_option
def export_command(
    csv_path: str | None,
    plan_path: str | None,
    team: str | None,
    scenario_id: str | None,
    since: str | None,
    db: str | None,
) -> None:
    """Export stored drills as CSV for spreadsheets (one row per drill)."""
    if not csv_path and not plan_path:
        raise click.UsageError("name the file: --csv PATH and/or --plan-csv PATH")
    if csv_path:
        rows = _rows(history_path(db), team, scenario_id, since)
        _write(export_csv(rows), csv_path, inputs=_inputs([], history_path(db)), what="CSV export")
    if plan_path:
        from tabletop.store.plan import list_items
        from tabletop.store.sessions import export_plan_csv

        try:
            items = list_items(history_path(db), team=team)
        except StoreError as exc:
            raise UserError(str(exc)) from None
        if scenario_id:
            items = [i for i in items if i.scenario_id == scenario_id]
        _write(
            export_plan_csv(items),
            plan_path,
            inputs=_inputs([], history_path(db)),
            what="plan export",
        )


@click.command("compare")
@no_cache_option
@click.argument("sources", nargs=-1, metavar="[JOURNAL|SESSION_ID]...")
@_with_filters
@_format_option
@_output_option
@history_option
def compare_command(
    sources: tuple[str, ...],
    team: str | None,
    scenario_id: str | None,
    since: str | None,
    fmt: str | None,
    output: str | None,
    db: str | None,
) -> None:
    """Set several drills side by side: components, timelines, findings that repeat.

    Name the drills, or select stored ones with --team / --scenario / --since.
    """
    path = history_path(db)
    names = list(sources)
    if team or scenario_id or since:
        names += [str(r.id) for r in _rows(path, team, scenario_id, since)]
    elif not names:
        raise click.UsageError("name at least two drills, or select them with --team/--scenario")
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        raise UserError(f"compare needs at least two drills; found {len(names)}")
    reports = [load_drill(n, scenario=None, db=path).report() for n in names]
    _write(
        render(build_comparison(reports), _format(fmt, output)),
        output,
        inputs=_inputs(names, path),
        what="comparison",
    )


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    for command in (report_command, history_command, export_command, compare_command):
        group.add_command(command)
