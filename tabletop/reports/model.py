"""The report model: the dataclasses of an after-action report (docs/report-json.md).

`tabletop.reports.builder` makes a `Report` from a drill; Markdown, HTML and JSON only render
it, so the three renderings never disagree. `to_json` is the JSON document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tabletop.scoring.model import Finding

#: Version of the report JSON document (docs/report-json.md): bumped when a key changes
#: meaning or disappears (a new key keeps the version, as the document promises readers).
#: 2: the AAR/IP keys (executive_summary, objectives, improvement_plan, participants,
#: retested, chronology); recommendations one per subject, ordered by points.
REPORT_VERSION = 2

COMPONENTS: tuple[str, ...] = ("order", "coverage", "timeliness", "outcome")

#: Each component's title, the penalty kinds' too.
COMPONENT_TITLES: dict[str, str] = {
    "order": "Order",
    "coverage": "Coverage",
    "timeliness": "Timeliness",
    "outcome": "Outcome",
    "penalty": "Penalties",
    "disclosure": "Disclosure",
    "critical": "Critical task",
}

#: What each of the four components measures, in words.
COMPONENT_MEANING: dict[str, str] = {
    "order": "playbook steps taken in the recommended order",
    "coverage": "share of playbook steps done",
    "timeliness": "steps done by their target minute",
    "outcome": "share of the avoidable customer impact avoided",
}


#: The four HSEEP ratings, best first, with what each means.
RATINGS: dict[str, str] = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}


@dataclass(frozen=True)
class ScenarioInfo:
    """What the report says about the scenario."""

    id: str
    title: str
    kind: str
    summary: str
    difficulty: str | None
    sha256: str
    duration: float
    steps: int


@dataclass(frozen=True)
class Figure:
    """One headline figure: a label, the value as text, and the raw number."""

    key: str
    label: str
    text: str
    value: float


@dataclass(frozen=True)
class Summary:
    """The top of the report."""

    scenario: ScenarioInfo
    team: str
    mode: str
    date: str | None
    session_id: int | None
    minutes_played: float
    end_reason: str | None
    total: float
    grade: str
    headline: list[Figure]
    #: When the facilitator ended the drill, if before its duration (else None); the score
    #: still covers the whole drill, to `scored_to`.
    ended_at: float | None = None
    scored_to: float | None = None


@dataclass(frozen=True)
class Point:
    """A strength or an area for improvement, in plain words."""

    text: str
    component: str
    points: float
    t: float | None = None
    step: str | None = None
    action: str | None = None
    quote: str | None = None
    who: list[str] = field(default_factory=list)  # who acted on it (decisions' `by`)


@dataclass(frozen=True)
class Recommendation:
    """A corrective action for one area for improvement, with why it matters."""

    text: str
    why: str
    source: str  # the component whose advice it is ("critical", "coverage", "outcome" ...)
    customer_minutes_saved: float | None = None
    points: float | None = None  # the points the area cost (negative)
    subject: str = ""  # what it is about: "step:ID", "action:ID", "disclosure", "outcome"
    who: list[str] = field(default_factory=list)  # who acted on it (decisions' `by`)


@dataclass(frozen=True)
class ChronoRow:
    """One line of the timeline appendix: a decision, refusal, inject or note, in time order."""

    t: float
    kind: str  # "decision" | "refusal" | "inject" | "inject-skipped" | "note"
    text: str
    by: str | None
    detail: str | None = None  # a decision's message or note


@dataclass(frozen=True)
class FacilitatorRow:
    """One line of the facilitator's log: a facilitator-only inject or a facilitator command."""

    t: float
    kind: str  # "inject" | "inject-skipped" | "facilitator" (a command) | "end" (ended early)
    command: str | None  # the facilitator command ("pace", "fire-inject" ...), else None
    text: str  # the event in words, as the drill's timeline says it


@dataclass(frozen=True)
class ComponentRow:
    """One line of the score breakdown."""

    name: str
    title: str
    meaning: str
    weight: float
    value: float
    points: float
    lost: float


@dataclass(frozen=True)
class TimelineRow:
    """One playbook step: what the team did beside what was recommended."""

    step: str
    title: str
    phase: str
    by: float | None
    team_started: float | None
    team_done: float | None
    reference_started: float | None
    reference_done: float | None
    verdict: str  # "on time" | "late" | "done" | "started, not done" | "not done"


@dataclass(frozen=True)
class ImpactSample:
    """From minute `t` on, this many users affected and at risk."""

    t: float
    affected: float
    at_risk: float


@dataclass(frozen=True)
class Marker:
    """A moment on the impact chart: a decision taken or an inject fired."""

    t: float
    kind: str  # "decision" | "inject"
    label: str
    number: int


@dataclass(frozen=True)
class CounterfactualRow:
    """What one late or missing step would have saved, with the step and action in words."""

    step: str
    step_title: str
    action: str
    action_label: str
    at: float
    team_at: float | None
    customer_minutes_saved: float
    text: str


@dataclass(frozen=True)
class DecisionRow:
    """A decision as the session saw it."""

    number: int
    t: float
    action: str
    label: str
    phase: str
    accepted: bool
    reason: str | None
    done_at: float | None
    by: str | None
    note: str | None
    message: str | None


@dataclass(frozen=True)
class NoteRow:
    """An observer note."""

    t: float
    text: str
    by: str | None


@dataclass(frozen=True)
class InjectRow:
    """An inject that fired or was skipped."""

    t: float
    id: str
    title: str
    fired: bool


@dataclass(frozen=True)
class GraphNode:
    """A node of the dependency graph, with its status when the drill ended."""

    id: str
    label: str
    kind: str
    users: int
    third_party: bool
    status: str


@dataclass(frozen=True)
class GraphEdge:
    """`source` feeds `target` (target depends on source)."""

    source: str
    target: str
    kind: str  # "hard" | "soft" | "any-of"


# ----------------------------------------------------------------------------- AAR/IP rows


@dataclass(frozen=True)
class ObjectiveRating:
    """One objective, its derived rating and the evaluator's, with the evidence."""

    id: str
    title: str
    capability: str
    source: str  # "scenario": an objective of the scenario; "phase": one per playbook phase
    steps: list[str]
    step_titles: list[str]
    derived: str  # P | S | M | U, from the steps
    rating: str  # the evaluator's override when there is one, else `derived`
    override_reason: str | None
    evidence: str

    @property
    def meaning(self) -> str:
        """The rating in words."""
        return RATINGS[self.rating]


@dataclass(frozen=True)
class PlanRow:
    """One row of the improvement plan."""

    subject: str
    issue: str
    corrective_action: str
    capability: str
    element: str
    owner: str
    start: str | None
    due: str | None
    status: str
    points: float
    objective: str | None
    item_id: int | None = None
    retested_by: int | None = None


@dataclass(frozen=True)
class Participant:
    """Someone who took part, as the journal names them."""

    name: str
    role: str  # "team" | "observer" | "facilitator", or the role of the seat in a drill room
    decisions: int
    notes: int
    phases: list[str] = field(default_factory=list)
    seat: int | None = None  # the drill room's seat number, when they joined one


@dataclass(frozen=True)
class StoredItem:
    """An improvement item as the history holds it (overlaid on the report's plan rows)."""

    id: int
    subject: str
    issue: str
    owner: str
    start: str | None
    due: str | None
    status: str
    session: int
    retested_by: int | None


# ----------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Report:
    """The whole after-action report of one drill."""

    version: int
    summary: Summary
    strengths: list[Point]
    improvements: list[Point]
    recommendations: list[Recommendation]
    components: list[ComponentRow]
    penalties: float
    impact: dict[str, float]
    timeline: list[TimelineRow]
    impact_series: list[ImpactSample]
    markers: list[Marker]
    decisions: list[DecisionRow]
    notes: list[NoteRow]
    injects: list[InjectRow]
    findings: list[Finding]
    counterfactuals: list[CounterfactualRow]
    graph_nodes: list[GraphNode]
    graph_edges: list[GraphEdge]
    executive_summary: list[str] = field(default_factory=list)
    objectives: list[ObjectiveRating] = field(default_factory=list)
    improvement_plan: list[PlanRow] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    retested: list[StoredItem] = field(default_factory=list)
    chronology: list[ChronoRow] = field(default_factory=list)
    #: Users affected over the drill had the team done nothing, and with the recommended
    #: decisions (both over the whole drill), for the impact chart's comparison lines.
    baseline_series: list[ImpactSample] = field(default_factory=list)
    reference_series: list[ImpactSample] = field(default_factory=list)
    #: Facilitator-only injects and facilitator commands, in time order.
    facilitator_log: list[FacilitatorRow] = field(default_factory=list)
    kind: str = "tabletop-report"

    def to_json(self) -> dict[str, Any]:
        """The JSON document of docs/report-json.md."""
        return asdict(self)
