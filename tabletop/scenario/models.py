"""Typed models of the `tabletop/v1` scenario format (docs/scenario-format.md).

Every model forbids unknown keys: a misspelt key is the most common authoring mistake, so it
must be an error rather than silently ignored. Cross-reference checks (dangling ids, cycles)
live in `tabletop.scenario.validate`; these models check shape, types and ranges only.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StrictBool,
    Tag,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
#: Upper bounds that keep every figure finite (users x minutes stays far below float and
#: int64 limits): about 1.9 years of exercise time, more people than live on Earth.
MAX_MINUTES = 1_000_000
MAX_USERS = 10_000_000_000

# Numbers are strict: a quoted "10" or a YAML `true` where a number belongs is a mistake to
# report, not to coerce (`duration: true` would silently be a one-minute drill), and
# infinity or NaN would make every impact figure meaningless.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Minutes = Annotated[float, Strict(), Field(ge=0, le=MAX_MINUTES, allow_inf_nan=False)]


class Phase(StrEnum):
    """The eight phases of the recommended response, in canonical order."""

    ASSESS = "assess"
    ESCALATE = "escalate"
    COMMUNICATE = "communicate"
    WORKAROUND = "workaround"
    FIX = "fix"
    VERIFY = "verify"
    PREVENT = "prevent"
    FOLLOW_UP = "follow-up"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

#: Phases whose actions carry a public message that the disclosure check reads.
MESSAGE_PHASES: frozenset[Phase] = frozenset({Phase.COMMUNICATE, Phase.FOLLOW_UP})


class Status(StrEnum):
    """A node's status. `standby` only exists as a start state."""

    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"
    COMPROMISED = "compromised"
    STANDBY = "standby"


EffectStatus = Literal["up", "degraded", "down", "compromised"]
#: How a node comes back after it went down: by itself when its dependencies return (auto),
#: or only when an action's effect brings it back (manual: a crashed service after a power cut).
Recovery = Literal["auto", "manual"]
#: Who sees an inject: the team (its feed, the briefing) or only the facilitator.
Audience = Literal["team", "facilitator"]
ScenarioKind = Literal["power", "attack", "third-party", "network", "other"]
Difficulty = Literal["intro", "standard", "hard"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class AnyOfDependency(_Strict):
    """Redundancy group: the node needs at least one member effectively up."""

    any_of: list[Id] = Field(min_length=1)


class SoftDependency(_Strict):
    """The node is only degraded while this dependency is down or degraded."""

    soft: Id


def _dependency_shape(value: Any) -> str | None:
    """Which form of dependency `value` is, so that errors speak of that form only."""
    if isinstance(value, str):
        return "id"
    if isinstance(value, dict) and "any_of" in value and "soft" in value:
        # Both forms in one entry: naming either form would report the other's key as
        # unknown and suggest that very key ("unknown key 'soft' (did you mean 'soft'?)").
        return None
    if isinstance(value, AnyOfDependency) or (isinstance(value, dict) and "any_of" in value):
        return "any_of"
    if isinstance(value, SoftDependency) or (isinstance(value, dict) and "soft" in value):
        return "soft"
    return None


#: Union tags appear in validation error locations; the loader drops them.
DEPENDENCY_TAGS: frozenset[str] = frozenset({"id", "any_of", "soft"})

#: A hard dependency (a node id), a redundancy group or a soft dependency. The union is
#: discriminated by shape so that a mistake in one form is not reported against all three.
Dependency = Annotated[
    Annotated[Id, Tag("id")]
    | Annotated[AnyOfDependency, Tag("any_of")]
    | Annotated[SoftDependency, Tag("soft")],
    Discriminator(
        _dependency_shape,
        custom_error_type="dependency_shape",
        custom_error_message="a dependency is a node id, {any_of: [ids]} or {soft: id}",
    ),
]


class Node(_Strict):
    """One system, site, vendor or group of people in the dependency graph."""

    id: Id
    label: str = Field(min_length=1)
    kind: str = "service"
    third_party: StrictBool = False
    standby: StrictBool = False
    users: Annotated[int, Strict()] = Field(default=0, ge=0, le=MAX_USERS)
    sensitive: StrictBool = False
    recovers: Recovery = "auto"
    depends_on: list[Dependency] = Field(default_factory=list)

    @property
    def hard(self) -> list[str]:
        """Ids of hard dependencies."""
        return [d for d in self.depends_on if isinstance(d, str)]

    @property
    def soft(self) -> list[str]:
        """Ids of soft dependencies."""
        return [d.soft for d in self.depends_on if isinstance(d, SoftDependency)]

    @property
    def any_of_groups(self) -> list[list[str]]:
        """Redundancy groups, each a list of node ids."""
        return [list(d.any_of) for d in self.depends_on if isinstance(d, AnyOfDependency)]

    @property
    def dependencies(self) -> list[str]:
        """Every id the node depends on in any way: hard, then soft, then the groups' members."""
        return [*self.hard, *self.soft, *(m for g in self.any_of_groups for m in g)]


class Effect(_Strict):
    """Sets a node's own status when it lands."""

    node: Id
    status: EffectStatus


class Condition(_Strict):
    """An inject's `when`: holds when every listed key holds."""

    done: list[Id] = Field(default_factory=list)
    not_done: list[Id] = Field(default_factory=list)
    started: list[Id] = Field(default_factory=list)
    not_started: list[Id] = Field(default_factory=list)
    down: list[Id] = Field(default_factory=list)
    up: list[Id] = Field(default_factory=list)


class Action(_Strict):
    """A decision the team can take."""

    id: Id
    label: str = Field(min_length=1)
    phase: Phase
    minutes: Minutes = 0
    reveals: str | None = None
    requires: list[Id] = Field(default_factory=list)
    needs: list[Id] = Field(default_factory=list)
    effects: list[Effect] = Field(default_factory=list)


class InjectAfter(_Strict):
    """An inject that comes due a number of minutes after an action is first done."""

    action: Id
    minutes: Minutes = 0


class Inject(_Strict):
    """A scripted event of the scenario."""

    id: Id
    at: Minutes | None = None
    after: InjectAfter | None = None
    when: Condition | None = None
    audience: Audience = "team"
    title: str = Field(min_length=1)
    message: str | None = None
    effects: list[Effect] = Field(default_factory=list)

    @model_validator(mode="after")
    def _exactly_one_trigger(self) -> Inject:
        if (self.at is None) == (self.after is None):
            raise ValueError("an inject needs exactly one of `at` or `after`")
        return self


class PlaybookStep(_Strict):
    """One step of the recommended response."""

    id: Id
    phase: Phase
    title: str = Field(min_length=1)
    any_of: list[Id] = Field(min_length=1)
    by: Minutes | None = None
    #: None means "the step above it"; [] means "in parallel with all".
    after: list[Id] | None = None
    #: Counts this many times in order, coverage and timeliness (default 1).
    weight: Number = Field(default=1, gt=0, le=1000)
    #: A critical task: failing it (not done, or done at or after twice its `by`) costs the
    #: scenario's `critical_penalty`.
    critical: StrictBool = False


class Avoid(_Strict):
    """An action that costs points, with the reason."""

    action: Id
    penalty: Number = Field(ge=0, le=100)
    why: str = Field(min_length=1)


class ReferenceDecision(_Strict):
    """One decision of the model answer."""

    at: Minutes
    action: Id
    message: str | None = None


class Objective(_Strict):
    """What the exercise evaluates, for the after-action report."""

    id: Id
    title: str = Field(min_length=1)
    capability: str | None = None
    steps: list[Id] = Field(min_length=1)


class ScoringWeights(_Strict):
    """Weights of the four components; they sum to 100."""

    order: Number = Field(default=35, ge=0, le=100)
    coverage: Number = Field(default=20, ge=0, le=100)
    timeliness: Number = Field(default=15, ge=0, le=100)
    outcome: Number = Field(default=30, ge=0, le=100)

    @model_validator(mode="after")
    def _sum_to_100(self) -> ScoringWeights:
        total = self.order + self.coverage + self.timeliness + self.outcome
        if abs(total - 100) > 1e-9:
            raise ValueError(f"scoring weights must sum to 100, got {total:g}")
        return self


class Scenario(_Strict):
    """A whole `tabletop/v1` scenario."""

    format: Literal["tabletop/v1"]
    id: Id
    title: str = Field(min_length=1)
    kind: ScenarioKind
    summary: str = Field(min_length=1)
    difficulty: Difficulty | None = None
    tags: list[str] = Field(default_factory=list)
    duration: Number = Field(gt=0, le=MAX_MINUTES)
    degraded_weight: Number = Field(default=0.5, ge=0, le=1)
    disclosure_penalty: Number = Field(default=5, ge=0, le=100)
    critical_penalty: Number = Field(default=15, ge=0, le=100)
    nodes: list[Node] = Field(min_length=1)
    actions: list[Action] = Field(min_length=1)
    injects: list[Inject] = Field(default_factory=list)
    playbook: list[PlaybookStep] = Field(min_length=1)
    avoid: list[Avoid] = Field(default_factory=list)
    reference: list[ReferenceDecision] | None = None
    scoring: ScoringWeights = Field(default_factory=ScoringWeights)
    objectives: list[Objective] = Field(default_factory=list)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when absent)."""
        return self.node_index[node_id]

    def action(self, action_id: str) -> Action:
        """The action with this id (KeyError when absent)."""
        return self.action_index[action_id]

    @cached_property
    def node_index(self) -> dict[str, Node]:
        """Nodes by id."""
        return {n.id: n for n in self.nodes}

    @cached_property
    def action_index(self) -> dict[str, Action]:
        """Actions by id."""
        return {a.id: a for a in self.actions}

    def step_after(self, index: int) -> list[str]:
        """The effective `after` list of playbook step `index` (default: the step above)."""
        step = self.playbook[index]
        if step.after is not None:
            return list(step.after)
        return [self.playbook[index - 1].id] if index > 0 else []
