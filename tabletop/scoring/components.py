"""The four score components, each 0-1, with what they are made of.

Every function here is pure: it takes the scenario and the times at which steps were started
and done, and returns the component with the parts the findings need (which pairs were
discordant, which steps were missing or late), so that the findings can split exactly the
points the component lost.

Steps have weights (default 1): coverage and timeliness are weighted means, the share of
steps started is a weighted share, and in the order a pair of steps counts with the product
of their weights. With every weight 1 these are the plain counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tabletop.scenario.models import Scenario


@dataclass(frozen=True)
class StepTimes:
    """When each playbook step was started and done (step id -> exercise minute).

    A step is started at the first accepted take of any of its `any_of` actions and done at
    the first time any of them was done, before the drill ended. Steps absent from a map were
    never started (or never done).
    """

    started: dict[str, float]
    done: dict[str, float]


def step_times(
    scenario: Scenario, started: Mapping[str, float], done: Mapping[str, float]
) -> StepTimes:
    """Step times from action times (`Session.started` and `Session.done`)."""
    s: dict[str, float] = {}
    d: dict[str, float] = {}
    for step in scenario.playbook:
        starts = [started[a] for a in step.any_of if a in started]
        dones = [done[a] for a in step.any_of if a in done]
        if starts:
            s[step.id] = min(starts)
        if dones:
            d[step.id] = min(dones)
    return StepTimes(s, d)


def ordered_pairs(scenario: Scenario) -> list[tuple[str, str]]:
    """Pairs (A, B) such that step B should come after step A, transitively, in playbook order.

    Built from each step's effective `after` list (`Scenario.step_after`). Pairs that the
    playbook orders both ways (a cycle, which validation rejects) are left out: they cannot
    be discordant in a meaningful way.
    """
    ids = [st.id for st in scenario.playbook]
    known = set(ids)
    direct = {sid: [a for a in scenario.step_after(i) if a in known] for i, sid in enumerate(ids)}
    before: dict[str, set[str]] = {}

    def ancestors(step: str, visiting: frozenset[str]) -> set[str]:
        # Memoised depth-first closure; `visiting` guards against cycles in a bad file.
        if step in before:
            return before[step]
        found: set[str] = set()
        for a in direct[step]:
            found.add(a)
            if a not in visiting:
                found |= ancestors(a, visiting | {a})
        before[step] = found
        return found

    for step in ids:
        ancestors(step, frozenset({step}))
    pos = {s: k for k, s in enumerate(ids)}
    pairs = [
        (a, b)
        for b in ids
        for a in sorted(before[b], key=pos.__getitem__)
        if a != b and b not in before[a]
    ]
    return sorted(pairs, key=lambda p: (pos[p[0]], pos[p[1]]))


def step_weights(scenario: Scenario) -> dict[str, float]:
    """Step id -> its weight."""
    return {st.id: st.weight for st in scenario.playbook}


@dataclass(frozen=True)
class OrderPart:
    """The order component and what it is made of."""

    value: float
    agreement: float
    steps: float
    """Total weight of all steps (their number when every weight is 1)."""
    started: list[str]
    unstarted: list[str]
    ordered: list[tuple[str, str]]
    """Ordered pairs among started steps (A should come before B)."""
    discordant: list[tuple[str, str]]
    """Of those, the pairs where B was started strictly before A."""
    started_share: float = 0.0
    """Weighted share of the steps that were started."""
    ordered_weight: float = 0.0
    """Σ weight(A) x weight(B) over the ordered pairs."""


def order_component(scenario: Scenario, times: StepTimes) -> OrderPart:
    """Weighted agreement with the playbook's partial order x weighted share started."""
    w = step_weights(scenario)
    ids = [st.id for st in scenario.playbook]
    started = [s for s in ids if s in times.started]
    unstarted = [s for s in ids if s not in times.started]
    ordered = [
        (a, b) for a, b in ordered_pairs(scenario) if a in times.started and b in times.started
    ]
    discordant = [(a, b) for a, b in ordered if times.started[b] < times.started[a]]
    ordered_weight = sum(w[a] * w[b] for a, b in ordered)
    if not started:
        agreement = 0.0
    elif not ordered:
        agreement = 1.0
    else:
        agreement = 1.0 - sum(w[a] * w[b] for a, b in discordant) / ordered_weight
    total = float(sum(w.values()))
    share = sum(w[s] for s in started) / total
    return OrderPart(
        agreement * share,
        agreement,
        total,
        started,
        unstarted,
        ordered,
        discordant,
        share,
        ordered_weight,
    )


@dataclass(frozen=True)
class CoveragePart:
    """Share of playbook steps done."""

    value: float
    done: list[str]
    missing: list[str]


def coverage_component(scenario: Scenario, times: StepTimes) -> CoveragePart:
    """Weight of the done steps / weight of all steps."""
    w = step_weights(scenario)
    ids = [st.id for st in scenario.playbook]
    done = [s for s in ids if s in times.done]
    missing = [s for s in ids if s not in times.done]
    return CoveragePart(sum(w[s] for s in done) / sum(w.values()), done, missing)


def step_timeliness(by: float, done_at: float | None) -> float:
    """1 when done by the target, linearly down to 0 at twice the target, 0 when never done."""
    if done_at is None:
        return 0.0
    if done_at <= by:
        return 1.0
    if by <= 0:
        return 0.0
    return max(0.0, 1.0 - (done_at - by) / by)


@dataclass(frozen=True)
class TimelinessPart:
    """Mean timeliness over the steps that have a `by` target."""

    value: float
    per_step: dict[str, float]
    """Step id -> 0-1, only for steps with a target (empty when no step has one)."""
    any_done: bool
    targeted_weight: float = 0.0
    """Total weight of the steps with a target."""


def timeliness_component(scenario: Scenario, times: StepTimes) -> TimelinessPart:
    """Weighted mean of `step_timeliness` over targeted steps; no target: 1 if any step
    done, else 0."""
    targeted = [st for st in scenario.playbook if st.by is not None]
    per_step = {
        st.id: step_timeliness(st.by, times.done.get(st.id)) for st in targeted if st.by is not None
    }
    weight = sum(st.weight for st in targeted)
    any_done = bool(times.done)
    no_target = 1.0 if any_done else 0.0
    value = sum(st.weight * per_step[st.id] for st in targeted) / weight if targeted else no_target
    return TimelinessPart(value, per_step, any_done, weight)


@dataclass(frozen=True)
class OutcomePart:
    """How much of the avoidable impact the team avoided."""

    value: float
    team: float
    nothing: float
    reference: float


def outcome_component(team: float, nothing: float, reference: float) -> OutcomePart:
    """(nothing - team) / (nothing - reference), clipped to [0, 1]; 1 when nothing is avoidable."""
    avoidable = nothing - reference
    value = 1.0 if avoidable <= 0 else min(1.0, max(0.0, (nothing - team) / avoidable))
    return OutcomePart(value, team, nothing, reference)


@dataclass(frozen=True)
class CriticalFailure:
    """A critical step that failed: never done, or done with no timeliness credit left."""

    step: str
    done: float | None


def critical_failures(scenario: Scenario, times: StepTimes) -> list[CriticalFailure]:
    """Critical steps not done, or done at or after twice their `by` target (credit 0)."""
    failed = []
    for st in scenario.playbook:
        if not st.critical:
            continue
        done = times.done.get(st.id)
        late = st.by is not None and step_timeliness(st.by, done) <= 0.0
        if done is None or late:
            failed.append(CriticalFailure(st.id, done))
    return failed
