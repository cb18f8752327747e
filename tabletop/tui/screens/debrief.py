"""The debrief: score breakdown, findings, the team's timeline beside the recommended one,
counterfactuals (computed in a worker) and export of the report."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tabletop.drills import Drill, counterfactuals_of, export_files, finished, save_drill
from tabletop.engine.session import Session
from tabletop.exercise_time import instant
from tabletop.scenario.loader import LoadedScenario
from tabletop.scoring.model import Counterfactual, Score
from tabletop.tui import keys
from tabletop.tui.keys import PaletteCommand, bindings, palette_entries
from tabletop.tui.widgets.keybar import KeyBar


def components_table(score: Score) -> Table:
    """Each component with its value, weight and points, then penalties and the total."""
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("component", style="bold")
    table.add_column("value", justify="right")
    table.add_column("weight", justify="right")
    table.add_column("points", justify="right")
    comps = dataclasses.asdict(score.components)
    for name, value in comps.items():
        weight = score.weights.get(name, 0.0)
        table.add_row(name, f"{value:.0%}", f"{weight:g}", f"{weight * value:.1f}")
    table.add_row("penalties", "", "", Text(f"−{score.penalties:.1f}", style="red"))
    table.add_row(Text("total", style="bold"), "", "", Text(f"{score.total:.2f}", style="bold"))
    return table


def findings_text(score: Score) -> Text:
    """Strengths first, then what cost points, each with its points."""
    text = Text()
    strengths = [f for f in score.findings if f.kind == "strength"]
    improve = [f for f in score.findings if f.kind != "strength"]
    if strengths:
        text.append("Strengths\n", style="bold green")
        for f in strengths:
            text.append(f"  ✓ {f.text}\n", style="green")
    text.append("To improve\n", style="bold yellow")
    if not improve:
        text.append("  nothing: every point earned\n", style="dim")
    for f in improve:
        text.append(f"  {f.points:+.1f} ", style="red")
        text.append(f"[{f.component}] {f.text}\n")
        if f.quote:
            text.append(f"      “{f.quote}”\n", style="italic dim")
    return text


def ended_text(score: Score) -> str | None:
    """After an early end: "ended at T+2:00:00; scored to T+4:00:00 (…)", else None."""
    if score.ended_at is None or score.scored_to is None or score.ended_at >= score.scored_to:
        return None
    return (
        f"ended at {instant(score.ended_at)}; scored to {instant(score.scored_to)}"
        " (the outage ran on: actions under way finished, injects still came)"
    )


def counterfactuals_text(items: list[Counterfactual]) -> Text:
    """What each late or missing step would have saved."""
    if not items:
        return Text("No late or missing step would have saved customer-minutes.", style="dim")
    text = Text()
    for cf in sorted(items, key=lambda c: -c.customer_minutes_saved):
        text.append(f"{cf.customer_minutes_saved:,.0f} customer-min ", style="bold")
        text.append(f"{cf.text}\n")
    return text


class DebriefScreen(Screen[None]):
    """Shows the score of an ended session; x exports the report."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(keys.DEBRIEF)

    @dataclass
    class ScoreReady(Message):
        """The drill is scored (without counterfactuals)."""

        drill: Drill

    @dataclass
    class CounterfactualsReady(Message):
        """The counterfactuals are computed."""

        items: list[Counterfactual]

    @dataclass
    class Failed(Message):
        """Scoring or export failed; the text says why."""

        text: str

    @dataclass
    class Saved(Message):
        """The drill was saved in the history database with this id."""

        session_id: int

    @dataclass
    class Exported(Message):
        """The report was written to these files."""

        paths: list[Path]

    def __init__(
        self,
        session: Session,
        *,
        loaded: LoadedScenario | None = None,
        export_dir: Path | None = None,
        journal_path: Path | None = None,
        db_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.session = session
        #: Only a drill whose scenario file is known is stored (the history keeps the file).
        self.storable = loaded is not None
        self.loaded = loaded or LoadedScenario(
            session.scenario, Path(f"{session.scenario.id}.yaml"), session.sha256
        )
        self.export_dir = export_dir or Path.cwd()
        self.journal_path = journal_path
        self.drill: Drill | None = None
        self.counterfactuals: list[Counterfactual] | None = None

    @property
    def score(self) -> Score | None:
        """The drill's score, once computed."""
        return self.drill.score if self.drill is not None else None

    def compose(self) -> ComposeResult:
        yield Static("Scoring the drill…", id="score-head")
        with Horizontal(id="debrief-body"):
            with Vertical(id="debrief-left"):
                yield Static("", id="components")
                with VerticalScroll(id="findings-box"):
                    yield Static("", id="findings")
            with Vertical(id="debrief-right"):
                yield DataTable(cursor_type="row", zebra_stripes=True, id="timeline")
                with VerticalScroll(id="cf-box"):
                    yield Static("Computing counterfactuals…", id="counterfactuals")
        yield KeyBar()

    def on_mount(self) -> None:
        titles = {
            "#debrief-left": "Score breakdown and findings",
            "#timeline": "Timeline (started→done): team vs recommended",
            "#cf-box": "Counterfactuals: had it been on time",
        }
        for sel, title in titles.items():
            self.query_one(sel).border_title = title
        table: DataTable[Text | str] = self.query_one("#timeline", DataTable)
        table.add_columns("step", "by", "team", "recommended", "title")
        self.compute()

    @work(thread=True, exclusive=True, group="score")
    def compute(self) -> None:
        """Score, then counterfactuals, off the UI thread; results come back as messages."""
        try:
            drill = finished(self.loaded, self.session, counterfactuals=False)
            self.post_message(self.ScoreReady(drill))
            drill = drill.with_counterfactuals(counterfactuals_of(drill))
            self.post_message(self.CounterfactualsReady(drill.score.counterfactuals))
        except Exception as exc:  # shown on screen: a debrief must not crash the drill
            self.post_message(self.Failed(f"scoring failed: {type(exc).__name__}: {exc}"))
            return
        if self.db_path is not None and self.storable:
            self._save(drill)

    def _save(self, drill: Drill) -> None:
        """Keep the drill in the history database (runs in the scoring worker)."""
        assert self.db_path is not None
        try:
            saved = save_drill(self.db_path, drill)
        except Exception as exc:  # the debrief still shows; the user is told why
            self.post_message(self.Failed(f"not saved to history: {exc}"))
            return
        self.post_message(self.Saved(saved.session_id))

    @on(ScoreReady)
    def _score_ready(self, event: ScoreReady) -> None:
        self.drill = event.drill
        result = event.drill.score
        head = Text(f" {result.total:.2f} / 100  grade {result.grade} ", style="bold reverse")
        head.append(f"  {self.session.scenario.title} · team: {result.team or 'unnamed'}")
        ended = ended_text(result)
        if ended:
            head.append(f"\n {ended}", style="bold yellow")
        imp = result.impact
        head.append(
            f"\n customer-minutes: yours {imp.customer_minutes:,.0f} · doing nothing "
            f"{imp.baseline_customer_minutes:,.0f} · recommended "
            f"{imp.reference_customer_minutes:,.0f}"
        )
        if self.journal_path:
            head.append(f"\n journal: {self.journal_path}", style="dim")
        self.query_one("#score-head", Static).update(head)
        self.query_one("#components", Static).update(components_table(result))
        self.query_one("#findings", Static).update(findings_text(result))
        table: DataTable[Text | str] = self.query_one("#timeline", DataTable)
        table.clear()
        for e in result.timeline:
            team = _span(e.team_started, e.team_done)
            late = e.by is not None and (e.team_done is None or e.team_done > e.by)
            table.add_row(
                e.step,
                instant(e.by),
                Text(team, style="yellow" if late else "green"),
                _span(e.reference_started, e.reference_done),
                e.title,
            )

    @on(CounterfactualsReady)
    def _cf_ready(self, event: CounterfactualsReady) -> None:
        self.counterfactuals = event.items
        self.query_one("#counterfactuals", Static).update(counterfactuals_text(event.items))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.notify(event.text, severity="error", timeout=10)
        if self.score is None:
            self.query_one("#score-head", Static).update(Text(event.text, style="red"))
        if self.counterfactuals is None:
            self.query_one("#counterfactuals", Static).update(Text("not available", style="dim"))

    def palette_commands(self) -> list[PaletteCommand]:
        """Debrief commands for the command palette."""
        return palette_entries(keys.DEBRIEF, self.run_action)

    def action_export(self) -> None:
        """Write the score's JSON and the report in Markdown and HTML."""
        if self.drill is None:
            self.notify("The score is not ready yet.")
            return
        drill = self.drill
        if self.counterfactuals is not None:
            drill = drill.with_counterfactuals(self.counterfactuals)
        self.export(drill)

    @work(thread=True, exclusive=True, group="export")
    def export(self, drill: Drill) -> None:
        """Write the files off the UI thread; post `Exported` or `Failed`."""
        result = drill.score
        try:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            team = "".join(c if c.isalnum() or c in "-_" else "-" for c in (result.team or "team"))
            base = self.export_dir / f"{result.scenario}-{team}-{stamp}"
            self.post_message(self.Exported(export_files(drill, base)))
        except OSError as exc:
            self.post_message(self.Failed(f"export failed: {exc}"))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.notify(f"Saved to history as session {event.session_id} (tabletop history).")

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.notify("Report written: " + ", ".join(str(p) for p in event.paths), timeout=10)


def _span(started: float | None, done: float | None) -> str:
    """`T+5:00→T+15:00`; `…` when never done, `—` when never started."""
    if started is None:
        return instant(None)
    return f"{instant(started)}→{'…' if done is None else instant(done)}"
