"""Decision logs for `tabletop run`: what a team decided, when (README, Command line).

```yaml
scenario: dc-power-loss
team: Blue
decisions:
  - {at: 0, action: assess-impact, by: Ana}
  - {at: 12, action: post-status, message: We are aware of the outage ...}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tabletop.gc_pause import paused_gc
from tabletop.scenario.decisions import Decision
from tabletop.scenario.errors import Contexts, did_you_mean, from_validation_error
from tabletop.scenario.models import Minutes, Scenario
from tabletop.scenario.problems import InputError, Problem
from tabletop.scenario.yaml_safe import DEFAULT_LIMITS, Limits, Located, load_yaml


class LoggedDecision(BaseModel):
    """One decision of a log file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Minutes = Field(description="Exercise minute the decision was taken.")
    action: str = Field(min_length=1, description="Id of the action taken.")
    by: str | None = Field(default=None, description="Who took it.")
    note: str | None = Field(default=None, description="A note for the debrief.")
    message: str | None = Field(
        default=None, description="What the team said to customers or staff."
    )


class DecisionLogFile(BaseModel):
    """The YAML form of a decision log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(min_length=1, description="Id of the scenario the log is for.")
    team: str | None = Field(default=None, description="Name of the team.")
    end: Minutes | None = Field(
        default=None,
        description="Exercise minute the facilitator ended the drill (decisions from then on "
        "are refused; the outage still runs to the duration).",
    )
    decisions: list[LoggedDecision] = Field(default_factory=list)


_CONTEXTS: Contexts = {
    (): ("decision log", DecisionLogFile),
    ("decisions", "*"): ("decision", LoggedDecision),
}


@dataclass(frozen=True)
class DecisionLog:
    """A validated decision log, ready for `simulate`."""

    scenario_id: str
    team: str | None
    decisions: list[Decision]
    path: Path
    #: When the facilitator ended the drill, if before the duration.
    end: float | None = None


def _number(value: Any) -> float | None:
    """A time as a float; None for anything else (the model reports those), including an
    integer too large for a float (a 400-digit `at`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return None
    return None


def _check(data: Any, scenario: Scenario) -> list[Located]:
    """Problems that need the scenario: its id, actions and duration; the order of times.

    Reads the plain data, so these are reported even when the log has shape errors too.
    """
    found: list[Located] = []
    if not isinstance(data, dict):
        return found
    log_id = data.get("scenario")
    if isinstance(log_id, str) and log_id != scenario.id:
        found.append(
            Located(("scenario",), f"this log is for scenario {log_id!r}, not {scenario.id!r}")
        )
    end = _number(data.get("end"))
    if end is not None and end > scenario.duration:
        found.append(
            Located(
                ("end",),
                f"'end' {end:g} is after the end of the drill (duration {scenario.duration:g})",
            )
        )
    decisions = data.get("decisions")
    previous: float | None = None
    for index, decision in enumerate(decisions if isinstance(decisions, list) else []):
        if not isinstance(decision, dict):
            continue
        loc = ("decisions", index)
        action = decision.get("action")
        if isinstance(action, str) and action not in scenario.action_index:
            hint = did_you_mean(action, scenario.action_index)
            found.append(
                Located(
                    (*loc, "action"),
                    f"unknown action {action!r} in scenario {scenario.id!r}{hint}",
                )
            )
        at = _number(decision.get("at"))
        if at is None or at < 0:  # the model reports negative times
            continue
        if at > scenario.duration:
            found.append(
                Located(
                    (*loc, "at"),
                    f"'at' {at:g} is after the end of the drill (duration {scenario.duration:g})",
                )
            )
        if previous is not None and at < previous:
            found.append(
                Located(
                    (*loc, "at"),
                    f"decisions out of order: {at:g} comes before the previous decision's "
                    f"{previous:g}",
                )
            )
        previous = at
    return found


def load_decision_log(
    path: str | Path, scenario: Scenario, limits: Limits = DEFAULT_LIMITS
) -> DecisionLog:
    """Load a decision log for `scenario`; raise `InputError` with every problem."""
    p = Path(path)
    with paused_gc():
        doc = load_yaml(p, limits)
        located: list[Located] = []
        log: DecisionLogFile | None = None
        try:
            log = DecisionLogFile.model_validate(doc.data)
        except ValidationError as exc:
            located = from_validation_error(exc, _CONTEXTS, root_name="a decision log")
        located.extend(_check(doc.data, scenario))
        problems: list[Problem] = sorted({*doc.problems, *(doc.locate(x) for x in located)})
    if problems or log is None:
        raise InputError(problems)
    decisions = [Decision(d.at, d.action, d.by, d.note, d.message) for d in log.decisions]
    return DecisionLog(log.scenario, log.team, decisions, p, log.end)
