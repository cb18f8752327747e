"""The sentences of the findings."""

from __future__ import annotations

from tabletop.scoring import wording


def test_phase_aware_discordance() -> None:
    text = wording.discordance("assess", "Assess", 20, "communicate", "Tell customers", 12)
    assert text == (
        "You told customers at T+12:00 before assessing at T+20:00: customers got guesses "
        "instead of facts."
    )
    fix_verify = wording.discordance("fix", "Fix", 30, "verify", "Check", 10)
    assert fix_verify.startswith("You verified at T+10:00 before fixing at T+30:00:")


def test_generic_discordance_names_both_steps() -> None:
    text = wording.discordance("fix", "Swap the disk", 40, "fix", "Restart the app", 5)
    assert text == (
        "You started “Restart the app” at T+5:00 before “Swap the disk” at T+40:00: the "
        "playbook puts “Swap the disk” first."
    )


def test_missing_and_numbers() -> None:
    assert wording.missing("communicate", "Tell customers", None) == (
        "Never done: “Tell customers”: without it customers find out on their own."
    )
    assert "was started at T+7:30 but not done" in wording.missing("fix", "Fix", 7.5)
    assert wording.customer_minutes(2_140_000) == "2.1 million"
    assert wording.customer_minutes(340_000) == "340,000"
    assert wording.points(1) == "1 point" and wording.points(-4.375) == "4.38 points"
