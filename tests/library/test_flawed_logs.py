"""Plausible flawed decision logs (two per scenario, plus one that communicates late) score
clearly below the reference, and their findings name the flaw (by step, action and component,
not only by wording)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tabletop.engine.session import simulate
from tabletop.scenario.decision_log import load_decision_log
from tabletop.scoring import Score, score

if TYPE_CHECKING:
    from conftest import Library


@dataclass(frozen=True)
class Flaw:
    """A finding the debrief must contain: its component and the step or action it names."""

    component: str
    step: str | None = None
    action: str | None = None


#: log file stem -> the findings that name its flaw.
FLAWED: dict[str, tuple[Flaw, ...]] = {
    "dc-power-loss-talk-first": (
        # Talking first delays the sweep to T+20, twice its target: a failed critical task.
        Flaw("critical", step="safety"),
        Flaw("order", step="communicate"),
        Flaw("penalty", action="promise-quick-fix"),
        Flaw("timeliness", step="fix"),
    ),
    "dc-power-loss-lone-hero": (
        Flaw("critical", step="safety"),
        Flaw("penalty", action="reset-breakers-alone"),
        Flaw("coverage", step="safety"),
        Flaw("coverage", step="secure-fuel"),
    ),
    "ransomware-attack-restore-first": (
        Flaw("order", step="restore"),
        Flaw("timeliness", step="contain"),
    ),
    "ransomware-attack-pay-and-publish": (
        Flaw("penalty", action="pay-ransom"),
        Flaw("penalty", action="publish-technical-details"),
        Flaw("disclosure", action="publish-technical-details"),
    ),
    "payment-provider-outage-same-vendor-fallback": (
        Flaw("coverage", step="workaround"),
        Flaw("order", step="workaround"),
    ),
    "payment-provider-outage-panic-retries": (
        # An hour of silence: the status update lands at T+65, past twice its T+30 target.
        Flaw("critical", step="communicate"),
        Flaw("penalty", action="retry-all-payments"),
        Flaw("penalty", action="disable-fraud-checks"),
        Flaw("timeliness", step="assess"),
    ),
    "office-isp-loss-reset-firewall": (
        Flaw("penalty", action="reset-site-firewall"),
        Flaw("coverage", step="escalate-carrier"),
        Flaw("timeliness", step="workaround-link"),
    ),
    "office-isp-loss-wait-for-isp": (
        Flaw("timeliness", step="escalate-isp"),
        Flaw("coverage", step="fix"),
    ),
    "cert-expiry-cascade-failover-first": (
        # Customers hear nothing until T+65, more than twice the T+25 target.
        Flaw("critical", step="communicate"),
        Flaw("penalty", action="failover-database"),
        Flaw("penalty", action="restart-all-services"),
        Flaw("timeliness", step="assess"),
    ),
    "cert-expiry-cascade-insecure-shortcut": (
        Flaw("penalty", action="disable-tls-verification"),
        Flaw("coverage", step="verify"),
        Flaw("disclosure", action="publish-cert-details"),
    ),
}

#: Each built-in also has a log of a team that does everything well but communicates late.
FLAWED.update(
    {
        f"{sid}-late-word": (
            Flaw("critical", step="communicate"),
            Flaw("timeliness", step="communicate"),
        )
        for sid in (
            "dc-power-loss",
            "ransomware-attack",
            "payment-provider-outage",
            "office-isp-loss",
            "cert-expiry-cascade",
        )
    }
)


def _scenario_of(stem: str, ids: tuple[str, ...]) -> str:
    return next(s for s in ids if stem.startswith(s + "-"))


def _score_log(lib: Library, stem: str) -> Score:
    scenario = lib.loaded(_scenario_of(stem, lib.ids)).scenario
    log = load_decision_log(lib.log_dir / f"{stem}.yaml", scenario)
    assert log.scenario_id == scenario.id
    session = simulate(scenario, log.decisions)
    return score(scenario, session, team=log.team, counterfactuals=False)


def test_two_flawed_logs_per_scenario(lib: Library) -> None:
    stems = {p.stem for p in lib.log_dir.glob("*.yaml")}
    assert stems == set(FLAWED)
    for sid in lib.ids:
        assert sum(1 for s in stems if _scenario_of(s, lib.ids) == sid) >= 2


@pytest.mark.parametrize("stem", sorted(FLAWED))
def test_flawed_log_scores_clearly_below_reference(lib: Library, stem: str) -> None:
    result = _score_log(lib, stem)
    reference = lib.solved(_scenario_of(stem, lib.ids)).reference
    assert result.total <= reference.total - 10
    # Every lost point is explained, so the flaw is visible in the debrief.
    lost = sum(-f.points for f in result.findings if f.kind == "improvement")
    assert lost == pytest.approx(100 - result.unclipped_total, abs=0.01)


@pytest.mark.parametrize("stem", sorted(FLAWED))
def test_findings_name_the_flaw(lib: Library, stem: str) -> None:
    result = _score_log(lib, stem)
    improvements = [f for f in result.findings if f.kind == "improvement"]
    for flaw in FLAWED[stem]:
        matching = [
            f
            for f in improvements
            if f.component == flaw.component
            and (flaw.step is None or f.step == flaw.step)
            and (flaw.action is None or f.action == flaw.action)
        ]
        assert matching, (
            f"{stem}: no {flaw} among {[(f.component, f.step, f.action) for f in improvements]}"
        )
        assert all(f.points < 0 and f.text for f in matching)
