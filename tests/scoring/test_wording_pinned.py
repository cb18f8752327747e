"""The critical-task sentence and 'N times the target', worked by hand."""

from __future__ import annotations

import pytest

from tabletop.scoring.wording import critical, customer_minutes, missing, t, times_target


@pytest.mark.parametrize(
    ("done", "by", "words"),
    [
        (150, 30, "five times"),
        (60, 30, "twice"),
        (300, 30, "ten times"),
        (330, 30, "11 times"),  # past ten: a number
        (75, 30, "2.5 times"),
        (70, 30, "2.3 times"),  # 2.333... to one decimal
        (45, 30, "1.5 times"),
        (1, 0.5, "twice"),  # a target under one minute is still a target
        (10, 0, "after"),  # a target at minute 0 has no multiple
    ],
)
def test_times_target(done: float, by: float, words: str) -> None:
    assert times_target(done, by) == words


def test_critical_task_done_late_says_how_late() -> None:
    assert critical("communicate", "Tell customers", 30, 150) == (
        f"Customers were told at {t(150)}, five times the {t(30)} target "
        "(critical task: “Tell customers”)."
    )
    assert critical("fix", "Restore", 0.5, 1) == (
        f"“Restore” was done only at {t(1)}, twice the {t(0.5)} target (a critical task)."
    )


def test_critical_task_with_a_target_at_minute_zero() -> None:
    assert critical("fix", "Restore", 0, 10) == (
        f"“Restore” was done only at {t(10)}, although the target was {t(0)} (a critical task)."
    )


def test_critical_task_never_done_with_and_without_a_target() -> None:
    assert critical("communicate", "Tell customers", 30, None) == (
        f"Customers were never told (target {t(30)}; critical task: “Tell customers”)."
    )
    assert critical("communicate", "Tell customers", None, None) == (
        "Customers were never told (critical task: “Tell customers”)."
    )


def test_critical_task_of_a_phase_without_its_own_words() -> None:
    assert critical("custom", "Do it", None, None) == "“Do it” was never done (a critical task)."
    assert critical("custom", "Do it", 20, 50) == (
        f"“Do it” was done only at {t(50)}, 2.5 times the {t(20)} target (a critical task)."
    )
    assert critical("fix", "Restore", None, 10) == (
        f"“Restore” was done only at {t(10)} (a critical task)."
    )


def test_a_missing_step_of_a_phase_without_its_own_reason() -> None:
    assert missing("custom", "Do it", None) == "Never done: “Do it”: the playbook expects it."
    assert missing("custom", "Do it", 12) == (
        f"“Do it” was started at {t(12)} but not done before the end: the playbook expects it."
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [(0.4, "0"), (999_999, "999,999"), (1_000_000, "1.0 million"), (1_250_000, "1.2 million")],
)
def test_customer_minutes(value: float, words: str) -> None:
    assert customer_minutes(value) == words
