"""The sentences of the findings: plain words a drill team understands, phase-aware.

The reasons come from the recommended response (docs/scoring.md): assess before telling
customers, escalate when the cause is outside your hands, fix before verifying, and so on.
"""

from __future__ import annotations

from tabletop import exercise_time
from tabletop.scenario.models import Phase

#: What the team did, in the past tense, and the same as a gerund ("before assessing").
_PAST: dict[str, str] = {
    Phase.ASSESS: "assessed the situation",
    Phase.ESCALATE: "escalated",
    Phase.COMMUNICATE: "told customers",
    Phase.WORKAROUND: "put a workaround in place",
    Phase.FIX: "started the fix",
    Phase.VERIFY: "verified",
    Phase.PREVENT: "started preventive work",
    Phase.FOLLOW_UP: "followed up with customers",
}
_GERUND: dict[str, str] = {
    Phase.ASSESS: "assessing",
    Phase.ESCALATE: "escalating",
    Phase.COMMUNICATE: "telling customers",
    Phase.WORKAROUND: "putting a workaround in place",
    Phase.FIX: "fixing",
    Phase.VERIFY: "verifying",
    Phase.PREVENT: "preventing a recurrence",
    Phase.FOLLOW_UP: "following up",
}

#: (should-come-first phase, came-first phase) -> why that order hurts.
_DISCORDANCE: dict[tuple[str, str], str] = {
    (Phase.ASSESS, Phase.COMMUNICATE): "customers got guesses instead of facts",
    (Phase.ASSESS, Phase.FOLLOW_UP): "customers got promises before anyone knew what failed",
    (Phase.ASSESS, Phase.ESCALATE): (
        "you escalated without the scope and severity the other party needs to prioritise you"
    ),
    (Phase.ASSESS, Phase.WORKAROUND): (
        "the workaround was chosen before knowing what failed, so it may depend on it too"
    ),
    (Phase.ASSESS, Phase.FIX): "you repaired before knowing what failed: the wrong fix costs time",
    (Phase.ASSESS, Phase.VERIFY): "you checked before knowing what to check",
    (Phase.ASSESS, Phase.PREVENT): "you made a large change before knowing what happened",
    (Phase.ESCALATE, Phase.COMMUNICATE): (
        "customers heard from you before you had the other party's timeline to share"
    ),
    (Phase.ESCALATE, Phase.FIX): (
        "you worked on it yourself before the party whose failure it is knew about it, "
        "and joined the queue late"
    ),
    (Phase.ESCALATE, Phase.WORKAROUND): (
        "you joined the other party's queue late while everyone else was calling too"
    ),
    (Phase.COMMUNICATE, Phase.WORKAROUND): (
        "customers were offered a workaround before being told there was an outage"
    ),
    (Phase.COMMUNICATE, Phase.FIX): "customers were left in the dark while you worked",
    (Phase.COMMUNICATE, Phase.FOLLOW_UP): (
        "customers heard your follow-up before they had been told about the outage"
    ),
    (Phase.WORKAROUND, Phase.FIX): (
        "customers waited for the full repair when a workaround could have helped sooner"
    ),
    (Phase.FIX, Phase.VERIFY): "a check before the fix lands cannot show the problem is gone",
    (Phase.FIX, Phase.PREVENT): "long-term changes came before service was restored",
    (Phase.FIX, Phase.FOLLOW_UP): "you told customers what you will do before service was back",
    (Phase.VERIFY, Phase.PREVENT): (
        "you made a large change before knowing whether the problem can recur"
    ),
    (Phase.VERIFY, Phase.FOLLOW_UP): (
        "you followed up before confirming the problem was completely resolved"
    ),
    (Phase.PREVENT, Phase.FOLLOW_UP): (
        "you told customers what you will do before deciding what that is"
    ),
}

#: What a phase is for (said when a step of it is never done). Phrased as the purpose of the
#: phase rather than a claim about this drill: a scenario's step may be a special case of it.
_MISSING: dict[str, str] = {
    Phase.ASSESS: "assessing tells you what failed, who is affected and for how long",
    Phase.ESCALATE: (
        "escalating gets whoever controls the cause working on it and gives you a timeline"
    ),
    Phase.COMMUNICATE: "without it customers find out on their own",
    Phase.WORKAROUND: (
        "a workaround, or saying clearly that there is none, keeps customers going meanwhile"
    ),
    Phase.FIX: "the fix is what restores service",
    Phase.VERIFY: "verifying confirms the problem is completely resolved and whether it can recur",
    Phase.PREVENT: "prevention stops the same failure from happening again",
    Phase.FOLLOW_UP: "customers should hear what you intend to do about it",
}


def t(minute: float) -> str:
    """An exercise time, the one way it is written: T+12:00, T+4:37:21."""
    return exercise_time.instant(minute)


def minutes(value: float) -> str:
    """A duration of exercise time, the one way it is written: '1:00', '12:30', '1:02:00'."""
    return exercise_time.duration(value)


def customer_minutes(value: float) -> str:
    """A customer-minute figure people can read: 2.1 million, 340,000, 12."""
    value = abs(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} million"
    return f"{value:,.0f}"


def points(value: float) -> str:
    """Points, e.g. '4.38 points', '1 point'."""
    v = round(abs(value), 2)
    return f"{v:g} point" + ("" if v == 1 else "s")


def discordance(
    first_phase: str,
    first_title: str,
    first_at: float,
    came_phase: str,
    came_title: str,
    came_at: float,
) -> str:
    """ "You told customers at T+12 before assessing at T+20: customers got guesses ..."."""
    why = _DISCORDANCE.get((first_phase, came_phase))
    if why is None:  # same phase, or an unusual pair: say what the playbook asks
        why = f"the playbook puts “{first_title}” first"
        head = f"You started “{came_title}” at {t(came_at)} before “{first_title}” at {t(first_at)}"
    else:
        head = (
            f"You {_PAST[came_phase]} at {t(came_at)} before {_GERUND[first_phase]} "
            f"at {t(first_at)}"
        )
    return f"{head}: {why}."


def missing(phase: str, title: str, started_at: float | None) -> str:
    """Why a step never done costs points."""
    why = _MISSING.get(phase, "the playbook expects it")
    if started_at is not None:
        return f"“{title}” was started at {t(started_at)} but not done before the end: {why}."
    return f"Never done: “{title}”: {why}."


def unstarted(title: str) -> str:
    """Order points lost because a step was never started."""
    return f"“{title}” was never started, so it adds nothing to the response order."


#: What a failed critical step meant for customers, where the phase says it for certain
#: (a communicate or follow-up step is always about telling them). Other steps are named by
#: their own title: a phase does not say what a step is about (a safety sweep is an
#: assess step, securing fuel an escalate one).
_CRITICAL_DONE: dict[str, str] = {
    Phase.COMMUNICATE: "Customers were told at",
    Phase.FOLLOW_UP: "Customers heard your follow-up only at",
}
_CRITICAL_NEVER: dict[str, str] = {
    Phase.COMMUNICATE: "Customers were never told",
    Phase.FOLLOW_UP: "Customers never heard your follow-up",
}
_TIMES = {
    2: "twice",
    3: "three times",
    4: "four times",
    5: "five times",
    6: "six times",
    7: "seven times",
    8: "eight times",
    9: "nine times",
    10: "ten times",
}


def times_target(done: float, by: float) -> str:
    """How late, as a multiple of the target a team understands: 'five times', '2.5 times'."""
    if by <= 0:
        return "after"
    ratio = round(done / by, 1)
    if ratio == int(ratio) and int(ratio) in _TIMES:
        return _TIMES[int(ratio)]
    return f"{ratio:g} times"


def critical(phase: str, title: str, by: float | None, done: float | None) -> str:
    """The first finding of a report: a critical task the team failed, in plain words.

    "Customers were told at T+2:30:00, five times the T+30:00 target (critical task: “Tell
    customers”)." · "“Account for everyone” was never done (target T+10:00; a critical task)."
    """
    about_customers = phase in _CRITICAL_DONE
    task = f"critical task: “{title}”" if about_customers else "a critical task"
    if done is None:
        never = _CRITICAL_NEVER.get(phase, f"“{title}” was never done")
        target = f"target {t(by)}; " if by is not None else ""
        return f"{never} ({target}{task})."
    start = _CRITICAL_DONE.get(phase, f"“{title}” was done only at")
    if by is None:  # pragma: no cover - a critical step without a target fails only when missing
        return f"{start} {t(done)} ({task})."
    if by <= 0:
        return f"{start} {t(done)}, although the target was {t(by)} ({task})."
    return f"{start} {t(done)}, {times_target(done, by)} the {t(by)} target ({task})."
