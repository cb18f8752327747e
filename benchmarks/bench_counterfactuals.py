"""How long the counterfactual debrief takes, against one simulation of the same drill.

The debrief re-runs the team's decisions once per late or missing step (plus the team's own
re-run and, through the public function, the reference run), so the ratio to a single
simulation is the figure that matters: it should stay near the number of what-ifs.
Built-in scenarios with their flawed decision logs, then a generated big scenario.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tabletop.engine.events import Decision
from tabletop.engine.session import simulate
from tabletop.engine.synthetic import generate_scenario_data
from tabletop.scenario.catalog import builtin_dir
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.models import PHASE_ORDER, Scenario
from tabletop.scoring import counterfactuals, score

LOGS = Path(__file__).resolve().parent.parent / "tests" / "library" / "logs"


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _report(name: str, scenario: Scenario, decisions: list[Decision], repeat: int) -> None:
    session = simulate(scenario, decisions)
    single = _best(lambda: simulate(scenario, decisions, record_feed=False), repeat)
    cf_time = _best(lambda: counterfactuals(scenario, session), repeat)
    full = _best(lambda: score(scenario, session), repeat)
    n = len(counterfactuals(scenario, session))
    print(
        f"   {name:<44} simulate {single * 1000:8.2f} ms | "
        f"counterfactuals {cf_time * 1000:8.2f} ms "
        f"(x{cf_time / single:5.1f}, {n} listed) | full score {full * 1000:8.2f} ms "
        f"(x{full / single:5.1f})",
        flush=True,
    )


def big_scenario(nodes: int, seed: int = 7) -> tuple[Scenario, list[Decision]]:
    """A generated scenario with one playbook step per phase (targets 10, 20, ...) and a
    200-decision team log that is late or never on most steps."""
    data = generate_scenario_data(nodes, actions=200, seed=seed)
    data["id"] = f"synthetic-{nodes}"
    data["duration"] = 600
    data["playbook"] = [
        {
            "id": f"s{k}",
            "phase": str(p),
            "title": f"Step {k}",
            "any_of": [f"a{k}"],
            "by": 10 * (k + 1),
        }
        for k, p in enumerate(PHASE_ORDER)
    ]
    scenario = Scenario.model_validate(data)
    rng = random.Random(seed)
    decisions = [Decision(rng.randrange(0, 600), f"a{rng.randrange(8, 200)}") for _ in range(200)]
    decisions += [Decision(30 * (k + 1) + 15, f"a{k}") for k in range(0, 8, 2)]  # late ones
    return scenario, sorted(decisions, key=lambda d: d.at)


def main() -> None:
    """Print the timings of the built-in drills and of generated big ones."""
    for path in sorted(builtin_dir().glob("*.yaml")):
        scenario = load_scenario(path).scenario
        for log_path in sorted(LOGS.glob(f"{path.stem}-*.yaml")):
            from tabletop.scenario.decision_log import load_decision_log

            log = load_decision_log(log_path, scenario)
            _report(log_path.stem, scenario, list(log.decisions), repeat=5)
    for nodes in (2_000, 10_000):
        scenario, decisions = big_scenario(nodes)
        _report(f"synthetic {nodes} nodes, 208 decisions", scenario, decisions, repeat=2)


if __name__ == "__main__":
    main()
