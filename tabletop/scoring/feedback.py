"""Training-mode feedback on one decision, by the scoring rules themselves.

The drill UI shows, right after a decision in training mode, whether it was in order, on
time, an action the playbook warns against, and whether its message would be scored as a
disclosure. This module computes that from the same helpers the score uses
(`step_times`, `ordered_pairs`, `step_timeliness`, `message_hits`), so the feedback can never
disagree with the debrief. It is pure: it reads the scenario, the session and one decision
record, and changes nothing.

The feedback looks at the session as it stood when the decision was taken: decisions taken
later are ignored, and a step's done time is forecast from the finish times of the actions
taken so far (an action still running counts as done when it will finish, if that is before
the drill ends).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tabletop import exercise_time
from tabletop.engine.events import DecisionRecord
from tabletop.engine.session import Session
from tabletop.scenario.models import PlaybookStep, Scenario
from tabletop.scoring.components import StepTimes, ordered_pairs, step_timeliness, step_times
from tabletop.scoring.disclosure import describe_hit, message_hits

TimingVerdict = Literal["on-time", "late", "no-target", "never"]
FeedbackKind = Literal["good", "bad", "info"]


@dataclass(frozen=True)
class StepFeedback:
    """How the decision fares on one playbook step that lists its action."""

    step: str
    title: str
    already_started: float | None
    """When the step was already under way before this decision (then order is unchanged)."""
    should_come_first: list[str]
    """Steps the playbook puts before this one that were not started yet (playbook order)."""
    should_come_after: list[str]
    """Steps the playbook puts after this one that were already started before it."""
    timing: TimingVerdict
    """on-time (done by `by`), late, no-target (the step has no `by`), never (not done in
    time for the end of the drill)."""
    target: float | None
    done_at: float | None
    """When the step will be done, as far as the decisions so far tell."""
    late_by: float | None
    """Minutes past the target (only when `timing` is late)."""
    timeliness: float | None
    """The step's timeliness score 0-1 as scoring computes it (None without a target)."""

    @property
    def in_order(self) -> bool:
        """True when the decision creates no discordant pair and leaves no earlier step out."""
        return not self.should_come_first and not self.should_come_after


@dataclass(frozen=True)
class AvoidFeedback:
    """The action is one the playbook warns against."""

    why: str
    penalty: float
    already_penalised: bool
    """The action was taken before: the penalty counts once per action."""


@dataclass(frozen=True)
class DisclosureFeedback:
    """The decision's message would be scored as a disclosure."""

    penalty: float
    hits: list[tuple[str, str]]
    """(offending words, what they give away) per hit, in reading order."""


@dataclass(frozen=True)
class DecisionFeedback:
    """Everything training mode says about one decision."""

    action: str
    accepted: bool
    steps: list[StepFeedback]
    """One per playbook step whose `any_of` lists the action (empty: not a playbook step)."""
    avoid: AvoidFeedback | None
    disclosure: DisclosureFeedback | None

    @property
    def in_playbook(self) -> bool:
        """The action belongs to at least one playbook step."""
        return bool(self.steps)


def decision_feedback(
    scenario: Scenario, session: Session, record: DecisionRecord
) -> DecisionFeedback:
    """Feedback on `record` (one of `session.decisions`) as the score will see it.

    A refused decision changes nothing, so it gets no step, avoid or disclosure feedback.
    """
    if not record.accepted:
        return DecisionFeedback(record.action, False, [], None, None)
    earlier = [r for r in _taken_before(session.decisions, record) if r.accepted]
    so_far = [*earlier, record]
    started: dict[str, float] = {}
    done: dict[str, float] = {}
    for r in so_far:
        started.setdefault(r.action, r.t)
        if r.done_at is not None and r.done_at <= scenario.duration:
            done[r.action] = min(done.get(r.action, r.done_at), r.done_at)
    times = step_times(scenario, started, done)
    before = step_times(scenario, _first_starts(earlier), {})
    pairs = ordered_pairs(scenario)
    steps = [
        _step_feedback(step, pairs, times, before.started)
        for step in scenario.playbook
        if record.action in step.any_of
    ]
    return DecisionFeedback(
        record.action,
        True,
        steps,
        _avoid(scenario, record.action, earlier),
        _disclosure(scenario, record),
    )


def _taken_before(records: list[DecisionRecord], record: DecisionRecord) -> list[DecisionRecord]:
    """The decisions taken before `record` (at the same instant too, if listed before it)."""
    for k, r in enumerate(records):
        if r is record:
            return records[:k]
    return [r for r in records if r.t <= record.t and r != record]


def _first_starts(records: list[DecisionRecord]) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in records:
        out.setdefault(r.action, r.t)
    return out


def _step_feedback(
    step: PlaybookStep,
    pairs: list[tuple[str, str]],
    times: StepTimes,
    started_before: dict[str, float],
) -> StepFeedback:
    """Order and timing of one step; only a decision that starts the step affects its order."""
    already = started_before.get(step.id)
    first: list[str] = []
    after: list[str] = []
    if already is None:
        at = times.started[step.id]
        first = [a for a, b in pairs if b == step.id and a not in times.started]
        # Discordant as scoring counts it: the later step was started strictly before this one.
        after = [
            b for a, b in pairs if a == step.id and b in started_before and started_before[b] < at
        ]
    done_at = times.done.get(step.id)
    timing: TimingVerdict
    late_by = score = None
    if step.by is None:
        timing = "no-target"
    else:
        score = step_timeliness(step.by, done_at)
        if done_at is None:
            timing = "never"
        elif done_at <= step.by:
            timing = "on-time"
        else:
            timing, late_by = "late", done_at - step.by
    return StepFeedback(
        step.id, step.title, already, first, after, timing, step.by, done_at, late_by, score
    )


def _avoid(scenario: Scenario, action: str, earlier: list[DecisionRecord]) -> AvoidFeedback | None:
    av = next((a for a in scenario.avoid if a.action == action), None)
    if av is None:
        return None
    return AvoidFeedback(av.why, av.penalty, any(r.action == action for r in earlier))


def _disclosure(scenario: Scenario, record: DecisionRecord) -> DisclosureFeedback | None:
    if not record.message:
        return None
    flagged = message_hits(scenario, [(record.t, record.action, record.message)])
    if not flagged:
        return None
    hits = [(h.words, describe_hit(h, scenario)) for h in flagged[0].hits]
    return DisclosureFeedback(scenario.disclosure_penalty, hits)


@dataclass(frozen=True)
class FeedbackLine:
    """One line of training-mode feedback in words: good news, bad news, or information.

    Plain text, no styling, so both the single-seat drill screen and the drill room's seats
    (which hear it over the wire) word a decision the same way.
    """

    kind: FeedbackKind
    text: str


def feedback_text(scenario: Scenario, fb: DecisionFeedback) -> list[FeedbackLine]:
    """Training-mode feedback in words, from what `decision_feedback` computed.

    The verdicts are scoring's; this only words them (bad news first within each step).
    """
    titles = {s.id: s.title for s in scenario.playbook}
    out: list[FeedbackLine] = []
    if fb.avoid is not None:
        cost = "already counted once" if fb.avoid.already_penalised else f"−{fb.avoid.penalty:g}"
        out.append(FeedbackLine("bad", f"Avoid this: {fb.avoid.why} ({cost} points)"))
    if fb.disclosure is not None:
        said = "; ".join(f"“{words}” {what}" for words, what in fb.disclosure.hits)
        out.append(
            FeedbackLine(
                "bad", f"Your message discloses: {said} (−{fb.disclosure.penalty:g} points)."
            )
        )
    if not fb.steps and fb.avoid is None:
        out.append(FeedbackLine("info", "Not a playbook step: fine if it helps, but stay calm."))
    for step in fb.steps:
        out += _step_lines(step, titles)
    return out


def _step_lines(step: StepFeedback, titles: Mapping[str, str]) -> list[FeedbackLine]:
    def names(ids: Sequence[str]) -> str:
        return "; ".join(f"“{titles.get(i, i)}”" for i in ids)

    instant = exercise_time.instant
    if step.already_started is not None:
        since = instant(step.already_started)
        return [FeedbackLine("info", f"“{step.title}” was already under way since {since}.")]
    out: list[FeedbackLine] = []
    if step.should_come_first:
        first = names(step.should_come_first)
        out.append(FeedbackLine("bad", f"Out of order: {first} should come first."))
    if step.should_come_after:
        after = names(step.should_come_after)
        out.append(FeedbackLine("bad", f"Late in the order: it should come before {after}."))
    if step.in_order:
        out.append(FeedbackLine("good", f"In order: “{step.title}”."))
    target = instant(step.target)
    if step.timing == "on-time":
        done = instant(step.done_at)
        out.append(FeedbackLine("good", f"On time: done by {done}, target {target}."))
    elif step.timing == "late":
        late = exercise_time.duration(step.late_by or 0)
        done = instant(step.done_at)
        out.append(FeedbackLine("bad", f"Late: done {done}, target {target} ({late} late)."))
    elif step.timing == "never":
        out.append(
            FeedbackLine(
                "bad", f"Too late: it will not be done before the drill ends (target {target})."
            )
        )
    return out
