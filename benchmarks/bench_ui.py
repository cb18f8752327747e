"""UI responsiveness: key press → screen updated (p50/p95), measured with Textual's Pilot.

Each key is pressed many times through `pilot.press`. Figures per key:
- `key→paint`: from sending the key to the end of the last screen repaint it caused (the
  compositor refresh is timed by `tabletop.tui.compat.paint_times`): what a user feels;
- `p95/base`: that p95 over the baseline's Pilot round trip (below), so that runs on slower
  or busier machines compare;
- `cpu`: this process's CPU time per press, the work a key costs whatever the load;
- `2+fr`: presses that painted more than one frame (each extra frame is 17-33 ms later);
- `pilot`: the whole `pilot.press` round trip, which adds Pilot's own idle waits.
A key the drill screen does not bind (`x`) is the baseline measured in the same run; the
ratio against it is the cost of our code. Two scenarios: the largest built-in and a generated
one with 1,000 nodes. Target: key→paint p95 ≤ 50 ms, also on a machine whose baseline is
63-65 ms (p95/base ≤ 0.78).

Recorded 2026-11-27 on the 2-core shared machine, key→paint p50 / p95 in ms
(largest built-in = cert-expiry-cascade, 29 nodes; generated = 1,000 nodes):

    key                       before (largest / 1k)     after (largest / 1k)
    actions list down/up      8.3/10.9    9.1/10.7      7.6/10.9    5.5/6.4
    phase filter (p)          38.2/53.6   21.2/71.2     7.6/15.4    11.9/43.4
    take action (enter)       10.4/128.6  10.8/60.7     12.9/17.7   10.3/20.0
    message dialog → box      182/251     196/311       48.9/63.6   46.4/59.9
    next panel (tab)          88-131 (probe)            48.6/67.0   51.2/64.7
    step clock 1 min (.)      3.4/12.9    4.5/42.8      3.4/13.6    4.4/15.5
    map move                  5.6/15.0    6.8/13.7      7.7/9.1     6.3/7.1
    jump to next inject (j)   0.0/11.6    13.0/31.4     0.0/11.8    14.5/29.2

Causes found and fixed: the feed and the decision log relayouted the whole screen when
they first needed a scrollbar (now permanent scrollbars, `widgets/noreflow.py`); filtering
the action list changed its virtual size, which relayouted the screen (now quiet); a full
GC pass over the 1k-node scenario's objects (70 ms) landed on random keys (`gc.freeze`
during the drill); Textual's Footer recomposed a widget per key on every focus change and
dialog (now a one-line `KeyBar`); the message for a communicate action was a modal screen
(now a box inside the actions panel). The old "take action" row was slow because the
highlighted action was a communicate one: it timed the message dialog.

Focus changes (tab, message box open/cancel), second round, same machine, p50 / p95 in ms:

    key                       before (largest / 1k)     after (largest / 1k)
    message box open/cancel   46.7/64.1   53.0/68.1     20.1/26.3   20.4/24.9
    next panel (tab)          50.0/65.7   65.5/103.2    24.6/39.5   21.6/37.0

A rerun minutes later (load 0.5): tab 25.5/48.8 and 27.2/49.7, message box 22.0/33.7 and
22.1/33.3: one frame every time; the p95 of tab swings with the machine's load, the slowest
step being focus onto the filter `Input` (its restyle and the actions panel's repaint).

Cause: not the restyle itself (the `:focus-within` panels have 3-6 descendants; restyling
them costs ~7 ms) but frame pacing. A focus change painted two frames: Textual's `Screen`
repaints the whole screen whenever `focused` changes, and that request, made in the screen's
own task, started a frame at once; the widgets restyled by the change (old and new focused
widget, their panels, their scrollbars) report their repaints from their own tasks a moment
later, and those landed in a second frame, which Textual's frame timer, resumed after a
pause, schedules one to two periods (17-33 ms) after the first. The second frame repainted
what the first had already shown. Fix (`DrillScreen`): `focused` no longer repaints the
whole screen (the widgets whose look depends on the focus refresh themselves), and repaints
are held for 5 ms after a focus change (`FOCUS_SETTLE`, an app batch) so that the whole
change paints in one frame. What remains (~20-25 ms) is spread: ~7 ms restyling the
`:focus`/`:focus-within` nodes, ~4 ms the widgets' own focus/blur restyle, ~3 ms the key bar
(Textual's `active_bindings`), ~8 ms painting the changed panels, plus the 5 ms hold.

Multi-line message box (2026-12-01, load 7-8 on the shared 2-core machine, before = the
one-line box in the same run; open/cancel key→paint p50/p95 ms, largest / 1k):

    variant                              largest built-in     1k nodes
    one line (before)                    65.6/101.5           119.6/225.0
    text area shown/hidden (display)     177-236/332-463      222-297/495-572
    over the list, moved out of sight    77.1/175.6           97.8/236.4
      second run, and before again       55.8/117.3 vs 61.1/100.1   92.2/175.7 vs 86.1/152.9

Causes: showing or hiding the box (or resizing the list for it) is a screen layout, and on
every layout Textual hands the scrolling panels (feed, decision log, action list) a virtual
size other than their own, so `ScrollView` repainted their scrollbars a frame later: two
frames 30-40 ms apart. The box now lies over the list in a layer and is moved out of the
panel while closed (it never changes size: no rewrap), and those panels skip the scrollbar
repaint when their size did not change (`noreflow.SteadyScrollbars`): one frame again.

Third round (2026-12-02; figures in the README's Performance section): the focus-change
hold ends when every widget the change touched has reported (`widgets/settle.py`), not
after a fixed 5 ms that a busy machine outran (then two frames); `Screen.focused` is a plain
`var` and the focus moves at once (`Screen.set_focus`), all public Textual API; the
collector's full passes (~10 ms, one key in eight on 1k nodes) wait for a pause in the keys;
a phase with no action empties the list with `clear_options` (`set_options([])` repainted
the list a frame later).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from typing import Any

from tabletop.engine.session import Session
from tabletop.scenario.catalog import scenario_files
from tabletop.scenario.loader import load_scenario
from tabletop.scenario.models import Scenario
from tabletop.tui.app import TabletopApp
from tabletop.tui.compat import paint_times
from tabletop.tui.widgets.actions import ALL_PHASES, PhaseFilter

PRESSES = 40
PHASES = ["assess", "escalate", "communicate", "workaround", "fix", "verify", "prevent"]


def generated_scenario(n: int = 1000, actions: int = 150, seed: int = 7) -> Scenario:
    """A layered scenario of n nodes (each depends on 1-3 earlier ones), for load tests."""
    rng = random.Random(seed)
    nodes: list[dict[str, Any]] = []
    for i in range(n):
        node: dict[str, Any] = {"id": f"n{i}", "label": f"Node {i}", "users": rng.randrange(500)}
        if i >= 10:
            picks = sorted({rng.randrange(max(0, i - 60), i) for _ in range(rng.randint(1, 3))})
            deps: list[Any] = [f"n{picks[0]}"]
            if len(picks) > 1:
                deps.append({"soft": f"n{picks[1]}"})
            if len(picks) > 2:
                deps.append({"any_of": [f"n{picks[2]}", f"n{rng.randrange(i)}"]})
            node["depends_on"] = deps
        nodes.append(node)
    acts = [
        {
            "id": f"a{k}",
            "label": f"Action {k}",
            "phase": PHASES[k % len(PHASES)],
            "minutes": rng.randrange(1, 30),
            "effects": [{"node": f"n{rng.randrange(n)}", "status": "up"}],
        }
        for k in range(actions)
    ]
    injects = [
        {
            "id": f"i{k}",
            "at": 5 * k,
            "title": f"Inject {k}",
            "effects": [{"node": f"n{rng.randrange(60)}", "status": "down"}],
        }
        for k in range(40)
    ]
    playbook = [
        {"id": f"s{p}", "phase": ph, "title": f"Step {ph}", "any_of": [f"a{p}"]}
        for p, ph in enumerate(PHASES)
    ]
    return Scenario.model_validate(
        {
            "format": "tabletop/v1",
            "id": "generated-1k",
            "title": "Generated 1k nodes",
            "kind": "other",
            "summary": "Generated for benchmarks.",
            "duration": 600,
            "nodes": nodes,
            "actions": acts,
            "injects": injects,
            "playbook": playbook,
        }
    )


def largest_builtin() -> Scenario | None:
    """The built-in scenario with the most nodes."""
    best: Scenario | None = None
    for path in scenario_files([]):
        try:
            sc = load_scenario(path).scenario
        except Exception:  # an invalid file is someone else's problem here
            continue
        if best is None or len(sc.nodes) > len(best.nodes):
            best = sc
    return best


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


#: Per key: key→paint, Pilot round trip and CPU time of this process, each in ms, and the
#: number of frames painted, per press.
Timings = dict[str, tuple[list[float], list[float], list[float], list[int]]]


async def _measure(scenario: Scenario) -> Timings:
    session = Session(scenario, team="bench")
    app = TabletopApp(session)
    out: Timings = {}
    painted: list[float] = []
    with paint_times(painted, time.perf_counter):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()

            async def timed(name: str, keys: list[str]) -> None:
                paint, trip, cpu, frames = [], [], [], []
                for k in range(PRESSES):
                    key = keys[k % len(keys)]
                    painted.clear()
                    c0 = time.process_time()
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    t1 = time.perf_counter()
                    cpu.append((time.process_time() - c0) * 1000)
                    frames.append(len(painted))
                    paint.append(((painted[-1] if painted else t0) - t0) * 1000)
                    trip.append((t1 - t0) * 1000)
                out[name] = (paint, trip, cpu, frames)

            await _keys(pilot, timed)
    return out


async def _set_phase(pilot: Any, phase: str) -> None:
    """Filter the actions list to one phase (or all), the list keeping the focus."""
    pilot.app.screen.query_one(PhaseFilter).phase = phase
    await pilot.pause()


async def _keys(pilot: Any, timed: Any) -> None:
    """The keys measured, in order (the drill screen, actions list focused)."""
    await timed("baseline (unbound key)", ["x"])
    await timed("actions list down/up", ["down", "down", "up"])
    await timed("phase filter cycle (p)", ["p"])
    # Enter on an assess action (never asks for a message): taken once, then refused as
    # running: an engine call, the feed, the log and training feedback.
    await _set_phase(pilot, "assess")
    await timed("take action (enter)", ["enter"])
    # A communicate action opens the message box (focus moves into it); Escape cancels it.
    await _set_phase(pilot, "communicate")
    await timed("message box open/cancel", ["enter", "escape"])
    await _set_phase(pilot, ALL_PHASES)
    # Focus to the next panel: the key bar says which panel has the focus.
    await timed("next panel (tab)", ["tab"])
    await pilot.press("a")  # back to the actions list
    await timed("step clock 1 min (.)", ["full_stop"])
    await pilot.press("m")
    await timed("map move (right/down)", ["right", "down"])
    await timed("jump to next inject (j)", ["j"])


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    """Print p50/p95 per key for each scenario, with ratios to the same-run baseline.

    `p95/base` is the key→paint p95 over the baseline's Pilot round trip (p50): on a slower or
    busier machine both grow, so the ratio says whether a key got cheaper, where the p95
    alone mostly says how busy the machine was. `cpu` is this process's CPU time per press
    (Pilot's own share is the baseline's): the work a key costs, whatever the load. `2+fr`
    counts the presses that painted more than one frame (each extra frame costs 17-33 ms).
    """
    cases = [("largest built-in", largest_builtin()), ("generated 1k nodes", generated_scenario())]
    print(f"   machine load average {_load()} on {os.cpu_count()} cores (latency grows with it)")
    for title, scenario in cases:
        if scenario is None:
            print(f"{title}: none found")
            continue
        results = asyncio.run(_measure(scenario))
        base = statistics.median(results["baseline (unbound key)"][1])
        print(
            f"{title}: {scenario.id} ({len(scenario.nodes)} nodes, {len(scenario.actions)} actions)"
            f", load average after {_load()}"
        )
        print(
            f"   {'key (ms)':<28} {'key→paint p50':>14} {'p95':>6} {'p95/base':>8}"
            f" {'cpu p50':>8} {'p95':>6} {'2+fr':>4}   {'pilot p50':>9} {'p95':>6}"
        )
        for name, (paint, trip, cpu, frames) in results.items():
            print(
                f"   {name:<28} {statistics.median(paint):14.1f} {_pct(paint, 0.95):6.1f}"
                f" {_pct(paint, 0.95) / base:8.2f}"
                f" {statistics.median(cpu):8.1f} {_pct(cpu, 0.95):6.1f}"
                f" {sum(n > 1 for n in frames):4d}"
                f"   {statistics.median(trip):9.1f} {_pct(trip, 0.95):6.1f}"
            )
