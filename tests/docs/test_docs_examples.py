"""The user documentation cannot drift from what the tool does.

- every scenario in docs/examples/ validates, and every decision log there loads against its
  scenario;
- the worked example of docs/scoring.md (its marked table) is what `tabletop run --json`
  prints for docs/examples/mail-provider-outage.yaml and its log;
- every message quoted in "Mistakes validate catches" of docs/scenario-format.md is the line
  `tabletop validate` prints for docs/examples/office-power-cut.yaml with that mistake put in.

When a message or the example changes on purpose, `python tests/docs/test_docs_examples.py`
prints the current lines to paste into the doc.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tabletop.scenario.decision_log import load_decision_log
from tabletop.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
EXAMPLES = DOCS / "examples"
MISTAKES_BASE = EXAMPLES / "office-power-cut.yaml"
WORKED = EXAMPLES / "mail-provider-outage.yaml"
WORKED_LOG = EXAMPLES / "mail-provider-outage-log.yaml"

#: (file name, text in office-power-cut.yaml, what it becomes): one mistake each.
MISTAKES: list[tuple[str, str, str]] = [
    # --- YAML
    (
        "colon-in-value",
        "    title: The UPS alarm sounds and then goes quiet",
        "    title: UPS alarm: it sounds and then goes quiet",
    ),
    ("tab-indent", "    kind: facility\n", "\tkind: facility\n"),
    ("duplicate-key", "    users: 5000\n", "    users: 5000\n    users: 4000\n"),
    ("date-as-minute", "  - id: power-back\n    at: 140", "  - id: power-back\n    at: 2026-12-01"),
    ("yes-as-text", "    label: UPS batteries", "    label: yes"),
    (
        "bad-indent",
        "    label: Online shop\n    kind: service",
        "    label: Online shop\n   kind: service",
    ),
    ("undefined-alias", "    minutes: 20\n", "    minutes: *twenty\n"),
    ("program-tag", "title: Power cut at the head office", "title: !!python/object:os.system ls"),
    ("control-character", "    title: The lights go out", "    title: The lights\x07 go out"),
    (
        "impossible-date",
        "  - id: power-back\n    at: 140",
        "  - id: power-back\n    at: 2026-13-01",
    ),
    # --- keys, types, values
    ("misspelt-key", "    depends_on: [server-room]", "    dependson: [server-room]"),
    ("missing-key", "    label: Online shop\n", ""),
    ("text-for-number", "    minutes: 20\n", "    minutes: twenty\n"),
    ("quoted-number", "    minutes: 20\n", '    minutes: "20"\n'),
    ("text-for-bool", "    third_party: true", "    third_party: maybe"),
    ("number-for-text", "  - id: shop\n", "  - id: 2024\n"),
    ("id-too-long", "  - id: shop\n", "  - id: " + "shop-" * 17 + "x\n"),
    ("list-for-text", "      - soft: cooling", "      - soft: [cooling, ups]"),
    ("text-for-list", "tags: [power, ups, generator, example]", "tags: power, ups"),
    ("comma-in-number", "    users: 5000", "    users: 5,000"),
    ("unit-in-number", "    minutes: 20\n", "    minutes: 20m\n"),
    ("not-finite", "    minutes: 20\n", "    minutes: .inf\n"),
    ("too-many-minutes", "    minutes: 20\n", "    minutes: 2000000\n"),
    ("unknown-top-key", "difficulty: standard", "level: standard"),
    ("effect-shorthand", "      - {node: generator, status: up}", "      - generator: up"),
    ("dependency-both-forms", "      - soft: cooling", "      - {soft: cooling, any_of: [ups]}"),
    ("bad-id", "  - id: shop\n", "  - id: Online Shop\n"),
    ("unknown-kind", "kind: power\nsummary", "kind: blackout\nsummary"),
    (
        "list-for-choice",
        "    phase: escalate\n    minutes: 10",
        "    phase: [escalate]\n    minutes: 10",
    ),
    (
        "misspelt-phase",
        "    phase: escalate\n    minutes: 10",
        "    phase: escalte\n    minutes: 10",
    ),
    (
        "unknown-status",
        "      - {node: generator, status: up}",
        "      - {node: generator, status: running}",
    ),
    (
        "effect-standby",
        "      - {node: generator, status: up}",
        "      - {node: generator, status: standby}",
    ),
    ("wrong-format", "format: tabletop/v1", "format: tabletop/v2"),
    ("negative-users", "    users: 5000", "    users: -5"),
    ("degraded-weight-range", "degraded_weight: 0.5", "degraded_weight: 2"),
    ("empty-title", "    title: The lights go out", '    title: ""'),
    ("empty-any-of", "    any_of: [book-ups-test]", "    any_of: []"),
    ("inject-no-trigger", "  - id: ups-flat\n    at: 30\n", "  - id: ups-flat\n"),
    (
        "inject-at-and-after",
        "    after: {action: call-utility, minutes: 20}",
        "    at: 20\n    after: {action: call-utility, minutes: 20}",
    ),
    ("scoring-sum", "  outcome: 30", "  outcome: 20"),
    ("dependency-shape", "      - soft: cooling", "      - [cooling]"),
    ("dependency-key", "      - soft: cooling", "      - hard: cooling"),
    ("unknown-when-key", "{not_started: [post-status]}", "{not-started: [post-status]}"),
    (
        "list-for-mapping",
        "scoring:\n  order: 35\n  coverage: 20\n  timeliness: 15\n  outcome: 30",
        "scoring: [35, 20, 15, 30]",
    ),
    ("mapping-for-list", "    requires: [assess-power]", "    requires: {action: assess-power}"),
    ("recovers-value", "    recovers: manual", "    recovers: never"),
    ("audience-value", "    audience: facilitator", "    audience: facilitators"),
    ("weight-zero", "    weight: 2", "    weight: 0"),
    ("weight-text", "    weight: 2", "    weight: double"),
    ("critical-text", "    critical: true", "    critical: always"),
    ("critical-penalty-range", "critical_penalty: 15", "critical_penalty: 150"),
    # --- ids and references
    ("duplicate-id", "  - id: call-utility\n", "  - id: assess-power\n"),
    ("unknown-node", "    depends_on: [server-room]", "    depends_on: [server-rom]"),
    ("unknown-soft-node", "      - soft: cooling", "      - soft: colling"),
    (
        "unknown-any-of-node",
        "      - any_of: [utility, generator, ups]",
        "      - any_of: [utility, genset, ups]",
    ),
    (
        "unknown-effect-node",
        "      - {node: ups, status: down}",
        "      - {node: ups-batteries, status: down}",
    ),
    ("unknown-requires", "    requires: [assess-power]", "    requires: [assess]"),
    ("unknown-needs", "    needs: [server-room]", "    needs: [power]"),
    ("unknown-when-action", "{not_started: [post-status]}", "{not_started: [post-update]}"),
    (
        "unknown-inject-after",
        "{action: call-utility, minutes: 20}",
        "{action: phone-utility, minutes: 20}",
    ),
    ("unknown-step-action", "    any_of: [check-orders]", "    any_of: [check-order]"),
    (
        "unknown-after-step",
        "    after: [assess]\n    weight: 2",
        "    after: [asses]\n    weight: 2",
    ),
    ("unknown-avoid-action", "  - action: post-ups-model", "  - action: post-ups-models"),
    (
        "unknown-reference-action",
        "  - {at: 40, action: book-ups-test}",
        "  - {at: 40, action: book-test}",
    ),
    (
        "unknown-objective-step",
        "    steps: [restore-power, verify]",
        "    steps: [restore-power, verification]",
    ),
    (
        "avoid-in-step",
        "    any_of: [tell-customers-plan]",
        "    any_of: [tell-customers-plan, post-ups-model]",
    ),
    (
        "avoid-in-reference",
        "  - {at: 40, action: book-ups-test}",
        "  - {at: 40, action: post-ups-model}",
    ),
    (
        "duplicate-avoid",
        "    penalty: 10\n",
        "    penalty: 10\n    why: Twice.\n  - action: post-ups-model\n    penalty: 5\n",
    ),
    # --- times
    ("inject-after-end", "    at: 140\n", "    at: 300\n"),
    ("by-after-end", "    by: 60\n", "    by: 200\n"),
    (
        "reference-after-end",
        "  - {at: 40, action: book-ups-test}",
        "  - {at: 400, action: book-ups-test}",
    ),
    ("negative-minutes", "    minutes: 20\n", "    minutes: -20\n"),
    ("clock-time", "  - id: power-back\n    at: 140", "  - id: power-back\n    at: 2:20:00"),
    # --- structure
    ("self-dependency", "    depends_on: [server-room]", "    depends_on: [database]"),
    ("self-requires", "    requires: [assess-power]", "    requires: [start-generator]"),
    (
        "requires-cycle",
        "    minutes: 10\n    reveals:",
        "    minutes: 10\n    requires: [start-generator]\n    reveals:",
    ),
    (
        "after-itself",
        "    after: [assess]\n    weight: 2",
        "    after: [communicate]\n    weight: 2",
    ),
    (
        "after-cycle",
        "    any_of: [assess-power]\n    by: 15",
        "    any_of: [assess-power]\n    by: 15\n    after: [escalate]",
    ),
    # --- warnings (the file stays valid)
    ("dependency-cycle", "    depends_on: [server-room]", "    depends_on: [server-room, shop]"),
    (
        "unmeetable-by",
        "    any_of: [assess-power]\n    by: 15",
        "    any_of: [assess-power]\n    by: 5",
    ),
    (
        "standby-never-up",
        "      - {node: generator, status: up}",
        "      - {node: ups, status: up}",
    ),
]


def _tabletop(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("tabletop")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=300, cwd=cwd, check=False
    )


def _is_log(path: Path) -> bool:
    return path.stem.endswith("-log")


def _scenario_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if not _is_log(p))


def test_examples_folder_holds_scenarios_and_logs() -> None:
    assert {p.name for p in _scenario_files()} >= {MISTAKES_BASE.name, WORKED.name}
    assert WORKED_LOG.exists()


def test_every_example_scenario_validates_without_warnings() -> None:
    files = _scenario_files()
    ran = _tabletop("validate", *(str(p) for p in files))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert len(lines) == len(files), ran.stdout  # one "ok" line each: no warning printed
    for path, line in zip(files, lines, strict=True):
        assert line.startswith(f"{path}: ok ("), line


@pytest.mark.parametrize("log", sorted(p.name for p in EXAMPLES.glob("*-log.yaml")))
def test_every_example_log_loads_against_its_scenario(log: str) -> None:
    data = yaml.safe_load((EXAMPLES / log).read_text())
    scenario = load_scenario(EXAMPLES / f"{data['scenario']}.yaml").scenario
    loaded = load_decision_log(EXAMPLES / log, scenario)
    assert loaded.decisions, "an example log with no decision shows nothing"


# ------------------------------------------------------------------ the worked example


def _marked_table(text: str, name: str) -> dict[str, str]:
    """Rows `| key | value | ... |` between `<!-- NAME:begin -->` and `<!-- NAME:end -->`."""
    match = re.search(rf"<!-- {name}:begin -->(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"no marked table {name!r} in the doc"
    rows: dict[str, str] = {}
    for line in match.group(1).splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= {"-", " ", ":"}:
            rows[cells[0]] = cells[1]
    rows.pop("figure", None)  # the header row
    return rows


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _worked_run(log: Path = WORKED_LOG) -> dict[str, Any]:
    ran = _tabletop("run", str(WORKED), "--decisions", str(log), "--json", "--no-history")
    assert ran.returncode == 0, ran.stderr
    doc: dict[str, Any] = json.loads(ran.stdout)
    return doc


def test_worked_example_figures_are_what_run_prints() -> None:
    table = _marked_table((DOCS / "scoring.md").read_text(), "worked-example")
    doc = _worked_run()
    for name in ("order", "coverage", "timeliness", "outcome"):
        assert doc["components"][name] == pytest.approx(_number(table[name]), abs=5e-5), name
    impact = doc["impact"]
    assert impact["customer_minutes"] == _number(table["customer_minutes"])
    assert impact["baseline_customer_minutes"] == _number(table["baseline_customer_minutes"])
    assert impact["reference_customer_minutes"] == _number(table["reference_customer_minutes"])
    breakdown = doc["penalty_breakdown"]
    for name in ("critical", "avoid", "disclosure"):
        assert breakdown[name] == _number(table[f"{name} penalty"]), name
    assert doc["penalties"] == _number(table["penalties"])
    assert doc["total"] == _number(table["total"])
    assert doc["grade"] == table["grade"]


def test_ending_the_worked_example_early_scores_the_same() -> None:
    full = _worked_run()
    ended = _worked_run(EXAMPLES / "mail-provider-outage-ended-log.yaml")
    assert (ended["ended_at"], ended["end_reason"]) == (95, "facilitator")
    for key in ("total", "components", "penalties", "penalty_breakdown", "grade"):
        assert ended[key] == full[key], key
    assert ended["impact"]["customer_minutes"] == full["impact"]["customer_minutes"]


def test_worked_example_first_finding_is_the_failed_critical_step() -> None:
    text = (DOCS / "scoring.md").read_text()
    first = _worked_run()["findings"][0]
    assert first["text"] in text, "the doc quotes the first finding word for word"


def test_office_log_behaves_as_the_format_doc_says() -> None:
    """Manual recovery, `needs`, `not_started` and the facilitator audience, as described."""
    ran = _tabletop(
        "run",
        str(MISTAKES_BASE),
        "--decisions",
        str(EXAMPLES / "office-power-cut-log.yaml"),
        "--json",
        "--no-history",
    )
    assert ran.returncode == 0, ran.stderr
    events = {
        (e["t"], e["kind"], e.get("inject") or e.get("action")): e
        for e in json.loads(ran.stdout)["timeline"]
    }
    assert events[(0.0, "inject", "hint-ups")]["audience"] == "facilitator"
    # The status post was started at T+28 and is done only at T+33: `not_started` holds no
    # more at T+30, so the angry-manager inject is skipped (`not_done` would have fired it).
    assert (30.0, "inject-skipped", "manager-asks") in events
    assert events[(30.0, "inject", "ups-flat")]["latched"] == ["database"]
    refused = events[(30.0, "refusal", "restart-database")]
    assert refused["reason"] == "needs Server room power, which is down"
    power_back = [c[0] for c in events[(35.0, "action-done", "start-generator")]["changes"]]
    assert "server-room" in power_back and "database" not in power_back
    restarted = events[(45.0, "action-done", "restart-database")]["changes"]
    assert ["database", "down", "up"] in restarted


def test_cloud_log_behaves_as_the_format_doc_says() -> None:
    """The regional cloud example: a refused step of the runbook, the latch of the manual
    nodes, an `end` before the last decision, and the outage scored on to the duration."""
    ran = _tabletop(
        "run",
        str(EXAMPLES / "regional-cloud-outage.yaml"),
        "--decisions",
        str(EXAMPLES / "regional-cloud-outage-log.yaml"),
        "--json",
        "--no-history",
    )
    assert ran.returncode == 0, ran.stderr
    doc = json.loads(ran.stdout)
    events = {(e["t"], e["kind"], e.get("inject") or e.get("action")): e for e in doc["timeline"]}
    assert events[(0.0, "inject", "region-fails")]["latched"] == ["db-primary", "order-workers"]
    early = events[(20.0, "refusal", "start-central")]["reason"]
    assert early == "first needs done: Promote the eu-central database replica to primary"
    # The partners were not called by T+45 (`not_started`), and all five keys of the
    # failover check's `when` hold the minute the second region takes the traffic.
    assert (45.0, "inject", "partner-calls") in events
    assert (60.0, "inject", "failover-check") in events
    assert (doc["ended_at"], doc["end_reason"], doc["scored_to"]) == (100, "facilitator", 180)
    # Logged at T+110, after the end at T+100: refused (where the timeline lists it is the
    # engine's affair, so it is looked up by action).
    late = [
        e for e in doc["timeline"] if (e["kind"], e.get("action")) == ("refusal", "send-update")
    ]
    assert [e["reason"] for e in late] == ["the drill has ended"]
    assert doc["penalty_breakdown"]["disclosure"] == 5  # names "Orders database primary"


# --------------------------------------------------------- mistakes validate catches


def _mistake_lines(tmp: Path) -> dict[str, list[str]]:
    """What `tabletop validate` prints for each mistake, by file name."""
    base = MISTAKES_BASE.read_text()
    names = []
    for name, old, new in MISTAKES:
        assert base.count(old) >= 1, f"{name}: {old!r} is no longer in {MISTAKES_BASE.name}"
        (tmp / f"{name}.yaml").write_text(base.replace(old, new, 1))
        names.append(f"{name}.yaml")
    ran = _tabletop("validate", *names, cwd=tmp)
    out: dict[str, list[str]] = {n: [] for n in names}
    for line in ran.stdout.splitlines():
        out[line.split(":", 1)[0]].append(line)
    return out


#: (file name, text in office-power-cut-log.yaml, what it becomes): one log mistake each.
LOG_MISTAKES: list[tuple[str, str, str]] = [
    ("other-log", "scenario: office-power-cut", "scenario: dc-power-loss"),
    ("no-scenario-log", "scenario: office-power-cut\n", ""),
    ("ended-log", "team: Green\n", "team: Green\nend: 300\n"),
    ("end-negative-log", "team: Green\n", "team: Green\nend: -5\n"),
    ("unknown-action-log", "action: check-orders", "action: check-order"),
    ("out-of-order-log", "{at: 35, action: restart-database", "{at: 5, action: restart-database"),
    ("late-log", "{at: 45, action: check-orders", "{at: 200, action: check-orders"),
    ("no-at-log", "{at: 45, action: check-orders", "{action: check-orders"),
    ("clock-time-log", "{at: 45, action: check-orders", "{at: 0:45:00, action: check-orders"),
    ("unknown-key-log", "check-orders, by: Sam}", "check-orders, who: Sam}"),
]


def test_each_log_mistake_is_caught_and_quoted_in_the_doc(tmp_path: Path) -> None:
    doc = (DOCS / "scenario-format.md").read_text()
    base = (EXAMPLES / "office-power-cut-log.yaml").read_text()
    missing = []
    for name, old, new in LOG_MISTAKES:
        assert base.count(old) == 1, f"{name}: {old!r} is not once in office-power-cut-log.yaml"
        (tmp_path / f"{name}.yaml").write_text(base.replace(old, new))
        ran = _tabletop(
            "run", str(MISTAKES_BASE), "--decisions", f"{name}.yaml", "--no-history", cwd=tmp_path
        )
        assert ran.returncode == 1, f"{name}: {ran.stdout}"
        first = (ran.stdout + ran.stderr).strip().splitlines()[0]
        assert first.startswith(f"{name}.yaml:"), first
        if first not in doc:
            missing.append(first)
    assert not missing, "not quoted in docs/scenario-format.md:\n" + "\n".join(missing)


def _first_problem(lines: list[str]) -> str:
    return next(line for line in lines if ": ok (" not in line)


def test_each_mistake_is_caught_and_quoted_in_the_doc(tmp_path: Path) -> None:
    doc = (DOCS / "scenario-format.md").read_text()
    found = _mistake_lines(tmp_path)
    missing = []
    for name, lines in found.items():
        problems = [line for line in lines if ": ok (" not in line]
        assert problems, f"{name}: validate found nothing: {lines}"
        if problems[0] not in doc:
            missing.append(problems[0])
    assert not missing, "not quoted in docs/scenario-format.md:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("status", "warned"),
    [("up", False), ("degraded", False), ("compromised", False), ("down", True)],
)
def test_standby_warning_follows_the_doc(tmp_path: Path, status: str, warned: bool) -> None:
    """ "Brought up" means an effect that makes the node serve; setting it down does not."""
    text = MISTAKES_BASE.read_text().replace(
        "{node: generator, status: up}", f"{{node: generator, status: {status}}}"
    )
    (tmp_path / "s.yaml").write_text(text)
    warnings = [str(w) for w in load_scenario(tmp_path / "s.yaml").warnings]
    assert any("standby node 'generator' never comes up" in w for w in warnings) is warned


def test_warnings_keep_the_file_valid(tmp_path: Path) -> None:
    found = _mistake_lines(tmp_path)
    for name in ("dependency-cycle.yaml", "unmeetable-by.yaml", "standby-never-up.yaml"):
        lines = found[name]
        assert ": warning: " in lines[0], lines
        assert lines[-1].startswith(f"{name}: ok (") and "1 warning(s)" in lines[-1], lines


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for lines in _mistake_lines(Path(folder)).values():
            print(_first_problem(lines))
