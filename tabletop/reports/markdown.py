"""Markdown rendering of the report: readable as plain text and on a repository host.

Every piece of scenario or team text goes through `md_text` (inline) or `md_cell` (tables), so
a title such as `<script>` or `[x](javascript:...)` renders as the literal characters.
"""

from __future__ import annotations

import re

from tabletop.reports.comparison import Comparison
from tabletop.reports.formatting import (
    fmt_date,
    fmt_minutes,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_signed,
    played_text,
)
from tabletop.reports.model import GraphEdge, GraphNode, Report
from tabletop.reports.trend import TrendReport
from tabletop.terminal_text import one_line

# Characters with a meaning anywhere in a line (CommonMark/GFM inline syntax); `(`, `!` and
# the like only matter after `]`, which is escaped, so they stay readable.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MERMAID_ENTITY = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "(": "#40;",
    ")": "#41;",
    ";": "#59;",
}
_STATUS_CLASS = {"down": "down", "degraded": "degraded", "compromised": "compromised"}


def md_text(s: str | None, *, line_start: bool = False) -> str:
    """Inline Markdown text: HTML and Markdown syntax neutralised, one line.

    With `line_start`, also what only matters at the start of a line (list markers, headings),
    for text that begins a line of its own.
    """
    if not s:
        return ""
    # Control and format characters (ESC, U+202E that shows text reversed) as spaces.
    s = " ".join(one_line(s).split())
    # `&` only matters when it would start an entity; elsewhere it stays readable.
    s = re.sub(r"&(?=#?\w+;)", "&amp;", s).replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    if line_start:
        s = re.sub(r"^([-+#=])", r"\\\1", s)
        s = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", s)
    return s


def md_cell(s: str | None) -> str:
    """A table cell: like `md_text`, never empty (so the table keeps its shape)."""
    return md_text(s) or "—"


def mermaid_id(node_id: str) -> str:
    """A Mermaid-safe node id (ids match `^[a-z0-9][a-z0-9-]*$`; `_` never occurs in them)."""
    return "n_" + node_id.replace("-", "_")


def mermaid_label(s: str) -> str:
    """Text inside a quoted Mermaid label, with every syntax character as an entity code."""
    s = " ".join(one_line(s).split())
    return "".join(_MERMAID_ENTITY.get(ch, ch) for ch in s)


def mermaid_graph(nodes: list[GraphNode], edges: list[GraphEdge]) -> list[str]:
    """The dependency graph as Mermaid flowchart lines (without the fence)."""
    lines = ["flowchart TD"]
    for n in nodes:
        extra = f" · {n.users:,} users" if n.users else ""
        third = " · third party" if n.third_party else ""
        label = mermaid_label(f"{n.label}{extra}{third}")
        lines.append(f'  {mermaid_id(n.id)}["{label}"]')
    for e in edges:
        arrow = {"hard": "-->", "soft": "-.->|soft|", "any-of": "-->|any of|"}[e.kind]
        lines.append(f"  {mermaid_id(e.source)} {arrow} {mermaid_id(e.target)}")
    lines += [
        "  classDef down fill:#f8d0d0,stroke:#a40000",
        "  classDef degraded fill:#fbe7c0,stroke:#8a5a00",
        "  classDef compromised fill:#e6d3f5,stroke:#5b2a86",
    ]
    for n in nodes:
        cls = _STATUS_CLASS.get(n.status)
        if cls:
            lines.append(f"  class {mermaid_id(n.id)} {cls}")
    return lines


def _minus(points: float) -> str:
    return f"−{fmt_points(points)}" if points else "0"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    sep = align.split(",") if align else ["---"] * len(header)
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def render_markdown(report: Report) -> str:
    """The whole report as Markdown."""
    s = report.summary
    scenario = s.scenario
    out: list[str] = [
        f"# After-action report and improvement plan: {md_text(scenario.title)}",
        "",
    ]
    facts = [
        ("Scenario", f"{md_text(scenario.title)} (`{scenario.id}`, {md_text(scenario.kind)})"),
        ("Team", md_cell(s.team)),
        ("Date", md_text(fmt_date(s.date))),
        ("Mode", md_cell(s.mode)),
        (
            "Duration",
            md_text(played_text(s)),
        ),
        ("Score", f"**{fmt_points(s.total)} / 100 — grade {s.grade}**"),
    ]
    if s.session_id is not None:
        facts.append(("Session", f"#{s.session_id}"))
    out += [f"- **{k}:** {v}" for k, v in facts]
    out += ["", "## 1. Executive summary", "", md_text(scenario.summary, line_start=True), ""]
    out += [md_text(p, line_start=True) + "  " for p in report.executive_summary]
    out.append("")
    out += _table(["Figure", "Value"], [[f.label, md_text(f.text)] for f in s.headline])
    out += ["", "## 2. Objectives", ""]
    out.append(
        "P: performed without challenges · S: with some challenges · M: with major challenges"
        " · U: unable to be performed."
    )
    out.append("")
    out += _table(
        ["Objective", "Capability", "Rating", "Evidence"],
        [
            [
                md_cell(o.title),
                md_cell(o.capability),
                f"**{o.rating}**"
                + (f" (evaluator; derived {o.derived})" if o.override_reason is not None else ""),
                md_cell(o.evidence)
                + (f" Evaluator: {md_text(o.override_reason)}" if o.override_reason else ""),
            ]
            for o in report.objectives
        ],
    )
    out += ["", "## 3. Strengths and areas for improvement", "", "### Strengths", ""]
    out += [
        f"- {md_text(p.text)}" + (f" — {md_text(', '.join(p.who))}" if p.who else "")
        for p in report.strengths
    ] or ["- None recorded."]
    out += ["", "### Areas for improvement, costliest first", ""]
    out += [
        f"{k}. **{md_text(r.text)}** _({fmt_signed(r.points)} points"
        + (
            f", {fmt_number(r.customer_minutes_saved)} customer-minutes"
            if r.customer_minutes_saved
            else ""
        )
        + f")_ {md_text(r.why)}"
        + (f" Acted: {md_text(', '.join(r.who))}." if r.who else "")
        for k, r in enumerate(report.recommendations, 1)
    ] or ["None: every point was earned."]
    quotes = [p for p in report.improvements if p.quote]
    if quotes:
        out += ["", "Evidence from the team's messages:", ""]
        out += [f"- {md_text(p.text)}  \n  > {md_text(p.quote)}" for p in quotes]
    out += ["", "## 4. Improvement plan", ""]
    out += (
        _table(
            ["#", "Corrective action", "Capability", "Element", "Owner", "Start", "Due", "Status"],
            [
                [
                    str(p.item_id if p.item_id is not None else k),
                    md_cell(p.corrective_action),
                    md_cell(p.capability),
                    p.element,
                    md_cell(p.owner or "to assign"),
                    fmt_date(p.start) if p.start else "—",
                    fmt_date(p.due) if p.due else "—",
                    p.status + (f" (#{p.retested_by})" if p.retested_by is not None else ""),
                ]
                for k, p in enumerate(report.improvement_plan, 1)
            ],
        )
        if report.improvement_plan
        else ["Nothing to improve: every point was earned."]
    )
    if report.retested:
        out += ["", "Earlier items this drill re-tested:", ""]
        out += [
            f"- #{i.id} (from session #{i.session}): {md_text(i.issue)} — {i.status}"
            for i in report.retested
        ]
    out += ["", "## Score breakdown", ""]
    rows = [
        [
            c.title,
            fmt_points(c.weight),
            fmt_percent(c.value),
            fmt_points(c.points),
            md_cell(c.meaning),
        ]
        for c in report.components
    ]
    rows.append(
        ["Penalties", "", "", _minus(report.penalties), "avoid actions, disclosure, critical tasks"]
    )
    rows.append(["**Total**", "100", "", f"**{fmt_points(s.total)}**", f"grade {s.grade}"])
    out += _table(
        ["Component", "Weight", "Value", "Points", "Measures"], rows, "---,--:,--:,--:,---"
    )
    out += ["", "## Timeline: team and recommended", ""]
    out += _table(
        ["Step", "Phase", "Target", "Team started", "Team done", "Recommended done", "Verdict"],
        [
            [
                md_cell(r.title),
                md_cell(r.phase),
                fmt_minutes(r.by),
                fmt_minutes(r.team_started),
                fmt_minutes(r.team_done),
                fmt_minutes(r.reference_done),
                r.verdict,
            ]
            for r in report.timeline
        ],
    )
    out += ["", "## Impact over time", ""]
    imp = report.impact
    out.append(
        f"Customer-impact minutes: {fmt_number(imp['customer_minutes'])} "
        f"(doing nothing: {fmt_number(imp['baseline_customer_minutes'])}, "
        f"recommended: {fmt_number(imp['reference_customer_minutes'])}); "
        f"at-risk minutes: {fmt_number(imp['at_risk_minutes'])}."
    )
    out.append("")
    out += _table(
        ["From", "Users affected", "Users at risk"],
        [
            [fmt_minutes(p.t), fmt_number(p.affected), fmt_number(p.at_risk)]
            for p in report.impact_series
        ],
        "---,--:,--:",
    )
    if report.counterfactuals:
        out += ["", "### What earlier action would have saved", ""]
        out += _table(
            ["Step", "Action", "On time at", "Team at", "Customer-minutes saved"],
            [
                [
                    md_cell(c.step_title),
                    md_cell(c.action_label),
                    fmt_minutes(c.at),
                    fmt_minutes(c.team_at),
                    fmt_number(c.customer_minutes_saved),
                ]
                for c in report.counterfactuals
            ],
        )
    out += ["", "## Appendix: decisions", ""]
    out += (
        _table(
            ["#", "At", "Action", "Phase", "Outcome", "By", "Note", "Message"],
            [
                [
                    str(d.number),
                    fmt_minutes(d.t),
                    md_cell(d.label),
                    md_cell(d.phase),
                    f"done {fmt_minutes(d.done_at)}"
                    if d.accepted
                    else f"refused: {md_text(d.reason)}",
                    md_cell(d.by),
                    md_cell(d.note),
                    md_cell(d.message),
                ]
                for d in report.decisions
            ],
        )
        if report.decisions
        else ["No decisions were taken."]
    )
    out += ["", "## Injects", ""]
    out += [
        f"- {fmt_minutes(i.t)} {md_text(i.title)}" + ("" if i.fired else " _(skipped)_")
        for i in report.injects
    ] or ["- None."]
    out += ["", "## Observer notes", ""]
    out += [
        f"- {fmt_minutes(n.t)} {md_text(n.text)}" + (f" — {md_text(n.by)}" if n.by else "")
        for n in report.notes
    ] or ["- None."]
    out += ["", "## Facilitator log", ""]
    out.append(
        "Injects meant for the facilitator alone and the facilitator's commands: not shown "
        "to the team during the drill."
    )
    out.append("")
    out += [f"- {fmt_minutes(f.t)} {md_text(f.text)}" for f in report.facilitator_log] or [
        "- Nothing: no facilitator-only inject came due and the facilitator gave no command."
    ]
    out += ["", "## 5. Participants", ""]
    out += (
        _table(
            ["Name or seat", "Role", "Decisions", "Notes", "Phases acted in"],
            [
                [md_cell(p.name), p.role, str(p.decisions), str(p.notes), ", ".join(p.phases)]
                for p in report.participants
            ],
        )
        if report.participants
        else ["The journal names nobody (decisions carry no `by`)."]
    )
    out += ["", "## Dependency graph", "", "Status when the drill ended.", "", "```mermaid"]
    out += mermaid_graph(report.graph_nodes, report.graph_edges)
    out += [
        "```",
        "",
        f"<sub>Scenario SHA-256 `{scenario.sha256 or 'unknown'}` · "
        f"report version {report.version}</sub>",
        "",
    ]
    return "\n".join(out)


def render_comparison_markdown(cmp: Comparison) -> str:
    """Several drills side by side as Markdown: one row per drill, then by phase."""
    out = [f"# Comparison of {len(cmp.drills)} drills", ""]
    out.append(
        "All drills played the same scenario: steps are compared one by one."
        if cmp.same_scenario
        else "The drills played different scenarios: they are compared by phase and by "
        "objective capability."
    )
    out.append("")
    names = [c.title for c in cmp.drills[0].components] if cmp.drills else []
    out += _table(
        ["Drill", "Date", "Team", "Scenario", "Score", *names, "Penalties"],
        [
            [
                md_cell(d.label.split(" ")[0]),
                md_text(fmt_date(d.summary.date)),
                md_cell(d.summary.team),
                md_cell(d.summary.scenario.title),
                f"**{fmt_points(d.summary.total)}** ({d.summary.grade})",
                *[fmt_percent(c.value) for c in d.components],
                _minus(d.penalties),
            ]
            for d in cmp.drills
        ],
    )
    symbols = {"on time": "✓", "late": "◐", "partly done": "◔", "not done": "✗"}
    out += ["", "## By phase", ""]
    out.append("✓ on time · ◐ done, some late · ◔ partly done · ✗ not done (on time / steps).")
    out.append("")
    out += _table(
        ["Drill", *cmp.phases],
        [
            [
                md_cell(f"{d.label.split(' ')[0]} {d.summary.team}"),
                *[
                    f"{symbols[c.verdict]} {c.on_time}/{c.steps}" if (c := d.phases.get(p)) else ""
                    for p in cmp.phases
                ],
            ]
            for d in cmp.drills
        ],
    )
    if cmp.capabilities:
        out += ["", "## By objective capability", ""]
        out += _table(
            ["Drill", *[md_cell(c) for c in cmp.capabilities]],
            [
                [
                    md_cell(f"{d.label.split(' ')[0]} {d.summary.team}"),
                    *[d.capabilities.get(c, "") for c in cmp.capabilities],
                ]
                for d in cmp.drills
            ],
        )
    if cmp.steps:
        out += ["", "## Timelines (step done at)", ""]
        rows = []
        for step, title in cmp.steps:
            cells = []
            for d in cmp.drills:
                row = next((r for r in d.timeline if r.step == step), None)
                cells.append(
                    "—" if row is None else f"{fmt_minutes(row.team_done)} ({row.verdict})"
                )
            rows.append([md_cell(title), *cells])
        out += _table(["Step", *[md_text(d.label) for d in cmp.drills]], rows)
    out += ["", "## Findings that repeat", ""]
    for f in cmp.repeated:
        out.append(
            f"- **{md_text(f.text)}** _(in {len(f.drills)} drills, {fmt_points(f.points)} points)_"
        )
        out += [f"  - {md_text(d)}: {md_text(t)}" for d, t in zip(f.drills, f.details, strict=True)]
    if not cmp.repeated:
        out.append("- None: no area for improvement appears in more than one drill.")
    out += ["", f"<sub>report version {cmp.version}</sub>", ""]
    return "\n".join(out)


def render_trend_markdown(trend: TrendReport) -> str:
    """The trend as Markdown: each drill in time order, then what fails most."""
    out = [f"# Drill trend: {len(trend.teams)} team(s), {len(trend.points)} drills", ""]
    out += _table(
        ["Date", "Team", "Scenario", "Session", "Score", "Penalties"],
        [
            [
                md_text(fmt_date(p.date)),
                md_cell(p.team),
                md_cell(p.scenario_title),
                f"#{p.session_id}",
                f"{fmt_points(p.total)} ({p.grade})",
                _minus(p.penalties),
            ]
            for p in trend.points
        ],
    )
    for title, rows in (
        ("Most-failed phases", trend.phases),
        ("Most-failed objectives, by capability", trend.objectives),
    ):
        out += ["", f"## {title}", ""]
        out += _table(
            ["Name", "Failed", "Share", "In scenarios"],
            [
                [
                    md_cell(r.name),
                    f"{r.failed} of {r.drills}",
                    fmt_percent(r.share),
                    md_cell(", ".join(r.scenarios)),
                ]
                for r in rows
            ],
        )
    out.append("")
    return "\n".join(out)
