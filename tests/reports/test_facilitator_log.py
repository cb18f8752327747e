"""The report's facilitator log: facilitator-only injects and facilitator commands, in order.

A built-in's journal written by the real `tabletop run` and reported by the real `tabletop
report` shows its facilitator-only inject in the log of all three formats; a drill without
any says so; commands are listed, the room's bookkeeping is not; scenario text stays text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabletop.engine.session import Session, simulate
from tabletop.reports import build_report, render
from tabletop.reports.facilitator_log import facilitator_log
from tabletop.scenario.catalog import resolve_scenario
from tabletop.scenario.loader import load_scenario
from tabletop.scoring import reference_decisions, score

ROOT = Path(__file__).resolve().parents[2]
NOTHING = "Nothing: no facilitator-only inject came due and the facilitator gave no command."
BUILTINS = ["cert-expiry-cascade", "dc-power-loss", "office-isp-loss"]
BUILTINS += ["payment-provider-outage", "ransomware-attack"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tabletop.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done


def _md_section(md: str) -> str:
    """The Markdown facilitator log, from its heading to the next one."""
    return md.split("## Facilitator log\n", 1)[1].split("\n## ", 1)[0]


def _html_section(html: str) -> str:
    """The HTML facilitator log, from its heading to the end of the appendix."""
    return html.split('<h3 id="facilitator-log">', 1)[1].split("</section>", 1)[0]


def test_a_builtin_journal_shows_its_facilitator_inject_in_all_three_formats(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "drill.jsonl"
    log = ROOT / "tests" / "library" / "logs" / "dc-power-loss-talk-first.yaml"
    _cli("run", "dc-power-loss", "--decisions", str(log), "--journal", str(journal), "--no-history")
    inject = next(
        i
        for i in load_scenario(resolve_scenario("dc-power-loss")).scenario.injects
        if i.audience == "facilitator"
    )
    assert inject.title == "The UPS runs flat at T+25" and inject.message
    first_words = inject.message.split(".")[0]

    doc = json.loads(_cli("report", str(journal), "--format", "json").stdout)
    # A headless run has no facilitator commands: the log is the one facilitator inject.
    [row] = doc["facilitator_log"]
    assert (row["t"], row["kind"], row["command"]) == (0.0, "inject", None)
    assert row["text"].startswith(f"[facilitator only] {inject.title}")
    assert inject.message in row["text"]

    section = _md_section(_cli("report", str(journal), "--format", "md").stdout)
    assert f"- T+0:00 \\[facilitator only\\] {inject.title}: {first_words}" in section
    assert NOTHING not in section

    section = _html_section(_cli("report", str(journal), "--format", "html").stdout)
    row = re.search(r'<tr class="chrono-inject"><td class="num">T\+0:00</td>(.*?)</tr>', section)
    assert row is not None, section
    assert inject.title in row.group(1) and first_words in row.group(1)


def test_every_builtin_has_its_facilitator_injects_in_the_log() -> None:
    for name in BUILTINS:
        loaded = load_scenario(resolve_scenario(name))
        scenario = loaded.scenario
        session = simulate(scenario, reference_decisions(scenario))
        report = build_report(loaded, session, score(scenario, session))
        titles = [i.title for i in scenario.injects if i.audience == "facilitator"]
        logged = [f.text for f in report.facilitator_log if f.kind.startswith("inject")]
        assert len(logged) == len(titles) >= 1, name
        for title, text in zip(titles, logged, strict=True):
            assert text.startswith(f"[facilitator only] {title}"), (name, text)


def test_a_drill_without_any_says_so_in_every_format(drill) -> None:
    report = build_report(*drill)
    assert report.facilitator_log == []
    assert json.loads(render(report, "json"))["facilitator_log"] == []
    assert _md_section(render(report, "md")).strip().endswith(f"- {NOTHING}")
    assert f"<p>{NOTHING}</p>" in _html_section(render(report, "html"))


def _mini_with_facilitator_injects(kit, title: str):
    injects = [
        *kit.MINI["injects"],
        {
            "id": "secret",
            "at": 5,
            "audience": "facilitator",
            "title": title,
            "message": "Play the <b>angry</b> CEO & ask for an ETA.",
        },
        {
            "id": "never",
            "at": 50,
            "audience": "facilitator",
            "title": "Only if nobody started the generator",
            "when": {"not_done": ["start-gen"]},
        },
    ]
    return kit.mini_scenario(injects=injects)


def test_commands_are_listed_in_time_order_and_bookkeeping_is_not(kit) -> None:
    scenario = _mini_with_facilitator_injects(kit, "Call the team at T+5")
    session = Session(scenario, team="Blue")
    session.facilitator("join", seat=1, name="Ana", role="commander")
    session.facilitator("pace", seconds_per_minute=4.0)
    session.take("assess", by="Ana (commander)")
    session.advance(3)
    session.facilitator("clock")
    session.facilitator("pause")
    session.facilitator("resume")
    assert session.fire_inject("press")
    session.advance(6)  # the facilitator's own inject comes at T+5
    session.facilitator("propose", proposal="P1", proposer="Bo", action="start-gen")
    session.facilitator("approve", proposal="P1", approver="Ana")
    session.take("start-gen", by="Ana (commander)")
    session.facilitator("proposal-closed", proposal="P1", outcome="approved")
    session.advance(60)  # the generator is done: the T+50 inject is skipped
    session.end("facilitator")
    log = facilitator_log(session.feed)
    assert [(f.t, f.kind, f.command) for f in log] == [
        (0.0, "facilitator", "pace"),
        (3.0, "facilitator", "pause"),
        (3.0, "facilitator", "resume"),
        (3.0, "facilitator", "fire-inject"),
        (5.0, "inject", None),
        (6.0, "facilitator", "approve"),
        (50.0, "inject-skipped", None),
        (60.0, "end", None),
    ]
    # The team's inject that the facilitator fired by hand is named by the command only.
    assert "press" in log[3].text and all("A journalist calls" not in f.text for f in log)
    assert log[4].text.startswith("[facilitator only] Call the team at T+5: Play the")
    assert log[6].text.startswith("[facilitator only] Only if nobody started the generator")
    assert log[7].text.startswith("drill ended (facilitator)")


def test_a_drill_that_runs_to_its_end_does_not_list_the_end(kit) -> None:
    scenario = _mini_with_facilitator_injects(kit, "Call the team at T+5")
    session = simulate(scenario, [])
    assert session.end_reason == "duration"
    assert [f.kind for f in facilitator_log(session.feed)] == ["inject", "inject"]


def test_scenario_text_in_the_log_stays_text(kit) -> None:
    title = '<script>alert(1)</script> "x" [y](javascript:z)'
    scenario = _mini_with_facilitator_injects(kit, title)
    session = simulate(scenario, [])
    report = build_report(kit.loaded_for(scenario), session, kit.hand_score(session))
    html = _html_section(render(report, "html"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Play the &lt;b&gt;angry&lt;/b&gt; CEO &amp; ask for an ETA." in html
    md = _md_section(render(report, "md"))
    assert "<script>" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "\\[y\\](javascript:z)" in md
    doc = json.loads(render(report, "json"))
    assert doc["facilitator_log"][0]["text"].startswith(f"[facilitator only] {title}: Play")


_COMMANDS = st.sampled_from(["pause", "resume", "step", "clock", "suspend", "pace", "jump"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 30), _COMMANDS), max_size=12))
def test_the_log_keeps_the_journal_order_of_what_the_facilitator_did(kit, moves) -> None:
    scenario = kit.mini_scenario()
    session = Session(scenario)
    done = []
    for step, command in moves:
        session.advance(session.now + step)
        data = {"seconds_per_minute": 2.0} if command == "pace" else {}
        if command == "jump":
            data = {"to": session.now}
        session.facilitator(command, **data)
        if command != "clock":
            done.append((session.now, command))
    log = facilitator_log(session.feed)
    assert [(f.t, f.command) for f in log] == done
    assert [f.t for f in log] == sorted(f.t for f in log)
