"""The counterfactual debrief: what each late or missing step would have saved.

For each playbook step the team did late (after its `by` target) or never, the team's own
decisions are re-run (refused ones included: with the step taken earlier they may now be
accepted) with that step's first `any_of` action started so that it is done by the step's
`by` target (a target means "done by", as in timeliness), or, for a step without a target,
started when the reference run started it. Prerequisites the team had not done by then are
taken just before it, one after another, so that the action can start on time (or as soon as
they allow, when they take longer than the target leaves): its `requires`, and the action
that brings up a node it `needs` when that node is down then in the team's drill.

The saving is measured against the team's decisions re-run the same way over the same
horizon, so only the moved step makes the difference. Only positive savings are reported,
largest first (ties in playbook order). Everything is deterministic: same session, same list.

Cost: one simulation per late or missing step whose moved actions can change the impact at
all (actions with effects, that injects wait for or test, or that others require; the rest
save exactly nothing and are skipped without a run), plus one for the team's own re-run (and
one for the reference when no reference times are given); see
benchmarks/bench_counterfactuals.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tabletop.engine.events import Decision
from tabletop.engine.session import Session
from tabletop.engine.status_codes import DOWN
from tabletop.scenario.models import PlaybookStep, Scenario
from tabletop.scoring import wording
from tabletop.scoring.components import step_times
from tabletop.scoring.model import Counterfactual
from tabletop.scoring.reference import reference_decisions, run_until

#: Savings below this many customer-minutes are float noise, not a finding.
_NOISE = 1e-6


def team_decisions(session: Session) -> list[Decision]:
    """The team's decisions with their times, refused ones included, in the order taken.

    Decisions refused because the drill had ended are left out: the re-runs go on to the
    duration without an end, as if the team had simply stopped deciding, so a drill ended
    early gets the same counterfactuals as the same decisions without the end."""
    return [Decision(r.t, r.action, r.by, r.note, r.message) for r in session.decisions_in_drill]


def counterfactuals(
    scenario: Scenario,
    session: Session,
    reference_started: Mapping[str, float] | None = None,
) -> list[Counterfactual]:
    """Customer-minutes each late or missing step would have saved, largest first.

    `reference_started` (step id -> minute the reference run started it) is computed from the
    reference run when not given; `score` passes the one it already has.
    """
    horizon = scenario.duration
    if reference_started is None:
        ref = run_until(scenario, reference_decisions(scenario))
        reference_started = step_times(scenario, ref.started, ref.done).started
    team = team_decisions(session)
    relevant = impact_relevant_actions(scenario)
    providers = _providers(scenario)  # once per score, not once per moved step
    times = step_times(scenario, session.started, session.done)
    base: float | None = None
    found: list[tuple[float, int, Counterfactual]] = []
    for pos, step in enumerate(scenario.playbook):
        target = _target(step, times.done.get(step.id), reference_started)
        if target is None:
            continue
        first = scenario.action_index[step.any_of[0]]
        # "Done by" the target: start the action its own minutes earlier (never before 0).
        start = max(0.0, target - first.minutes) if step.by is not None else target
        if start >= horizon:
            continue
        team_at = times.started.get(step.id)
        if team_at is not None and team_at <= start:
            continue  # started in time but slow to finish: taking it later cannot help
        down = _DownAt(scenario, team, start)
        moved = _moved_chain(scenario, step.any_of[0], session.done, start, providers, down)
        if not moved or not any(m.action in relevant for m in moved):
            continue  # nothing moved can change the impact: saves exactly 0, skip the run
        if base is None:
            base = run_until(scenario, team).customer_minutes
        alt = run_until(scenario, _rewrite(team, moved))
        saved = base - alt.customer_minutes
        if saved <= _NOISE:
            continue
        action_at = moved[-1].at
        text = _sentence(step, first.label, first.minutes, action_at, team_at, saved)
        if len(moved) > 1:
            labels = scenario.action_index
            before = ", ".join(
                f"“{labels[m.action].label}” at {wording.t(m.at)}" for m in moved[:-1]
            )
            text = text.removesuffix(".") + f" (with what it needs first: {before})."
        cf = Counterfactual(step.id, step.any_of[0], action_at, team_at, saved, text)
        found.append((-saved, pos, cf))
    return [cf for _, _, cf in sorted(found, key=lambda x: (x[0], x[1]))]


def _sentence(
    step: PlaybookStep,
    label: str,
    minutes: float,
    action_at: float,
    team_at: float | None,
    saved: float,
) -> str:
    was = wording.t(team_at) if team_at is not None else "never"
    fewer = f"{wording.customer_minutes(saved)} customer-minutes fewer."
    if step.by is None:
        return f"Had you started “{label}” at {wording.t(action_at)} instead of {was}, {fewer}"
    done_at = action_at + minutes
    if done_at <= step.by:
        when = f"so that it was done by its {wording.t(step.by)} target"
    else:  # its prerequisites take longer than the target leaves
        when = f"as early as its prerequisites allow (done at {wording.t(done_at)})"
    return f"Had you started “{label}” at {wording.t(action_at)} instead of {was}, {when}, {fewer}"


def impact_relevant_actions(scenario: Scenario) -> frozenset[str]:
    """Actions whose timing can change the impact: those with effects, those an inject
    waits for or tests, and those other actions require (an earlier prerequisite can turn a
    refused decision into an accepted one). Moving any other action saves exactly nothing."""
    found: set[str] = set()
    for act in scenario.actions:
        if act.effects:
            found.add(act.id)
        found.update(act.requires)
    for inj in scenario.injects:
        if inj.after is not None:
            found.add(inj.after.action)
        if inj.when is not None:
            found.update(inj.when.done)
            found.update(inj.when.not_done)
            found.update(inj.when.started)
            found.update(inj.when.not_started)
    return frozenset(found)


def _target(
    step: PlaybookStep, done_at: float | None, reference_started: Mapping[str, float]
) -> float | None:
    """When the step should have been taken, or None when it was not late or missing."""
    if step.by is not None:
        return None if done_at is not None and done_at <= step.by else step.by
    if done_at is not None:
        return None
    return reference_started.get(step.id)


def _moved_chain(
    scenario: Scenario,
    action: str,
    team_done: Mapping[str, float],
    target: float,
    providers: Mapping[str, str],
    down: Callable[[str], bool] = lambda _node: True,
) -> list[Decision]:
    """The action and its missing prerequisites, timed so that the action starts at `target`.

    Prerequisites are its `requires` and, for each node in its `needs` that is `down` at
    `target` in the team's drill, the action that brings that node up (see `_providers`):
    without them the moved action would only be refused. A needed node that is up needs
    nothing: advising its fix would put a useless step in the what-if. One is missing when
    the team had not done it by `target`. They run one after
    another, ending when the action starts; if that would start before minute 0, the whole
    chain starts at 0 and the action as soon as its prerequisites are done.
    """
    actions = scenario.action_index
    chain: list[str] = []

    def add(aid: str, path: frozenset[str]) -> None:
        if aid in chain or aid in path or aid not in actions:
            return
        act = actions[aid]
        needed = [providers[n] for n in act.needs if n in providers and down(n)]
        for req in dict.fromkeys([*act.requires, *needed]):
            if team_done.get(req, float("inf")) > target:
                add(req, path | {aid})
        chain.append(aid)

    add(action, frozenset())
    if action not in chain:
        return []
    lead = sum(actions[a].minutes for a in chain[:-1])
    at = max(0.0, target - lead)
    out = []
    for aid in chain:
        out.append(Decision(at, aid))
        at += actions[aid].minutes
    return out


class _DownAt:
    """Whether a node is down at minute `t` of the team's own drill: the team's decisions
    before `t` re-run up to `t` (once, and only when a moved action needs a node)."""

    def __init__(self, scenario: Scenario, team: list[Decision], t: float) -> None:
        self._scenario, self._team, self._t = scenario, team, t
        self._effective: Mapping[str, str] | None = None

    def __call__(self, node: str) -> bool:
        if self._effective is None:
            session = Session(self._scenario, record_feed=False)
            # The team's decisions are in the order taken. One at `t` itself comes after the
            # moved action in the re-run (see `_rewrite`), so it cannot break what it needs.
            for d in self._team:
                if d.at >= self._t:
                    break
                session.advance(d.at)
                session.take(d.action)
            session.advance(self._t)
            self._effective = session.status.effective
        return self._effective[node] == DOWN


def _providers(scenario: Scenario) -> dict[str, str]:
    """Node id -> the action that brings it up: the first such action the reference takes,
    else the first in the file that is not an `avoid` action (never advise a penalty)."""
    avoided = {a.action for a in scenario.avoid}
    ordered = [d.action for d in reference_decisions(scenario)]
    ordered += [a.id for a in scenario.actions if a.id not in avoided]
    found: dict[str, str] = {}
    for aid in dict.fromkeys(ordered):
        act = scenario.action_index.get(aid)
        for effect in act.effects if act is not None else ():
            if effect.status in ("up", "degraded"):
                found.setdefault(effect.node, aid)
    return found


def _rewrite(team: list[Decision], moved: list[Decision]) -> list[Decision]:
    """The team's decisions with `moved` inserted and each moved action's next take removed.

    The team's first take of a moved action after its new time is the one being moved: keeping
    it would take the action twice. Later takes (e.g. a re-fix after a relapse) stay.
    """
    drop: set[int] = set()
    for m in moved:
        for k, d in enumerate(team):
            if k not in drop and d.action == m.action and d.at >= m.at:
                drop.add(k)
                break
    kept = [d for k, d in enumerate(team) if k not in drop]
    # simulate() sorts stably by time: at equal times the moved decisions go first.
    return [*moved, *kept]
